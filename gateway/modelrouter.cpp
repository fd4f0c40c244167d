#include "modelrouter.h"

#include "modelcatalog.h"
#include "targethealth.h"

#include <QRandomGenerator>

namespace patchbay {

QList<ProviderConfig> ModelRouter::orderedProviders() const
{
    QList<ProviderConfig> out;
    for (const QString &id : m_routing.providerOrder) {
        for (const ProviderConfig &p : m_providers) {
            if (p.id == id)
                out.append(p);
        }
    }
    for (const ProviderConfig &p : m_providers) {
        if (!m_routing.providerOrder.contains(p.id))
            out.append(p);
    }
    return out;
}

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
    for (const ProviderConfig &p : orderedProviders()) {
        if ((m_catalog ? m_catalog->models(p) : p.models).contains(model))
            return Route{p, model};
    }
    return std::nullopt;
}

QList<Route> ModelRouter::candidates(const QString &model, const TargetHealth *health, QRandomGenerator *random) const
{
    const AliasConfig *alias = m_routing.alias(model);
    if (!alias) {
        const std::optional<Route> route = resolve(model);
        return route ? QList<Route>{*route} : QList<Route>{};
    }
    QList<RouteTarget> targets = alias->targets;
    if (alias->strategy == QLatin1String("weighted")) {
        int total = 0;
        for (const RouteTarget &t : targets)
            total += t.weight;
        if (total > 0) {
            int pick = int(random->bounded(total));
            for (qsizetype i = 0; i < targets.size(); ++i) {
                pick -= targets[i].weight;
                if (pick < 0) {
                    targets.move(i, 0);
                    break;
                }
            }
        }
    } else if (alias->strategy == QLatin1String("lowest-latency") && health) {
        // Unmeasured targets go first, so each gets measured once.
        std::stable_sort(targets.begin(), targets.end(), [health](const RouteTarget &a, const RouteTarget &b) {
            return health->latencyMs(a.model) < health->latencyMs(b.model);
        });
    }
    QList<Route> ready;
    QList<Route> cooling;
    for (const RouteTarget &t : targets) {
        const std::optional<Route> route = resolve(t.model);
        if (!route)
            continue;
        (health && health->isCoolingDown(route->target()) ? cooling : ready).append(*route);
    }
    return ready + cooling;
}

} // namespace patchbay
