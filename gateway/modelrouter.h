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
class ModelRouter
{
public:
    void setProviders(const QList<ProviderConfig> &providers) { m_providers = providers; }
    const QList<ProviderConfig> &providers() const { return m_providers; }

    std::optional<Route> resolve(const QString &model) const;

private:
    QList<ProviderConfig> m_providers;
};

} // namespace patchbay
