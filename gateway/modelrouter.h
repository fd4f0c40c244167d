#pragma once

#include "appconfig.h"

#include <QList>
#include <optional>

namespace patchbay {

struct Route
{
    ProviderConfig provider;
    QString upstreamModel;
};

// Turns the model name a client sent into the provider and model to call:
// "<provider-id>/<model>" picks the provider; a bare name goes to the first provider that
// lists it. (Aliases, fallbacks and key pools grow here.)
class ModelCatalog;

class ModelRouter
{
public:
    void setProviders(const QList<ProviderConfig> &providers) { m_providers = providers; }
    // Bare names are looked up in what each provider lists; without a catalog, in the config.
    void setCatalog(const ModelCatalog *catalog) { m_catalog = catalog; }
    const QList<ProviderConfig> &providers() const { return m_providers; }

    std::optional<Route> resolve(const QString &model) const;

private:
    QList<ProviderConfig> m_providers;
    const ModelCatalog *m_catalog = nullptr;
};

} // namespace patchbay
