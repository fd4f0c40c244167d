#pragma once

#include "appconfig.h"

#include <QList>
#include <optional>

class QRandomGenerator;

namespace patchbay {

class ModelCatalog;
class TargetHealth;

struct Route
{
    ProviderConfig provider;
    QString upstreamModel;

    QString target() const { return provider.id + QLatin1Char('/') + upstreamModel; }
};

// Turns the model name a client sent into the providers and models to try, in order:
// "<provider-id>/<model>" picks the provider; an alias ("fast") expands to its targets by its
// strategy; a bare name goes to the first provider that lists it (routing.provider_order first).
class ModelRouter
{
public:
    void setProviders(const QList<ProviderConfig> &providers) { m_providers = providers; }
    const QList<ProviderConfig> &providers() const { return m_providers; }
    void setRouting(const RoutingConfig &routing) { m_routing = routing; }
    const RoutingConfig &routing() const { return m_routing; }
    // Bare names are looked up in what each provider lists; without a catalog, in the config.
    void setCatalog(const ModelCatalog *catalog) { m_catalog = catalog; }

    // One route for a name that is not an alias.
    std::optional<Route> resolve(const QString &model) const;
    // Every route to try, best first. Targets cooling down after failures go last rather than
    // away: when all of them are down, trying beats refusing.
    QList<Route> candidates(const QString &model, const TargetHealth *health, QRandomGenerator *random) const;

private:
    QList<ProviderConfig> orderedProviders() const;

    QList<ProviderConfig> m_providers;
    RoutingConfig m_routing;
    const ModelCatalog *m_catalog = nullptr;
};

} // namespace patchbay
