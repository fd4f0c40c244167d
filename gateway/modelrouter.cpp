#include "modelrouter.h"

#include "modelcatalog.h"

namespace patchbay {

std::optional<Route> ModelRouter::resolve(const QString &model) const
{
    if (model.isEmpty())
        return std::nullopt;
    const qsizetype slash = model.indexOf(QLatin1Char('/'));
    if (slash > 0 && slash + 1 < model.size()) {
        const QString id = model.left(slash);
        for (const ProviderConfig &p : m_providers) {
            if (p.id == id)
                return Route{p, model.mid(slash + 1)};
        }
    }
    // Bare names, and names that carry their own slash (OpenRouter's "anthropic/claude-…").
    for (const ProviderConfig &p : m_providers) {
        if ((m_catalog ? m_catalog->models(p) : p.models).contains(model))
            return Route{p, model};
    }
    return std::nullopt;
}

} // namespace patchbay
