#include "routingconfig.h"

#include <QJsonArray>
#include <QSet>

namespace patchbay {

namespace {

bool readInt(const QJsonObject &o, const char *key, int min, int *value, QString *error)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined())
        return true;
    if (!v.isDouble() || v.toDouble() < min || v.toDouble() != static_cast<double>(v.toInteger()) || v.toInteger() > 86'400'000) {
        *error = QStringLiteral("routing.retry.%1 must be a whole number of at least %2.").arg(QLatin1String(key)).arg(min);
        return false;
    }
    *value = static_cast<int>(v.toInteger());
    return true;
}

} // namespace

const AliasConfig *RoutingConfig::alias(const QString &name) const
{
    for (const AliasConfig &a : aliases) {
        if (a.name == name)
            return &a;
    }
    return nullptr;
}

QJsonObject RoutingConfig::toJson() const
{
    QJsonObject aliasObject;
    for (const AliasConfig &a : aliases) {
        QJsonArray targets;
        for (const RouteTarget &t : a.targets) {
            if (t.weight == 1)
                targets.append(t.model);
            else
                targets.append(QJsonObject{{QStringLiteral("model"), t.model}, {QStringLiteral("weight"), t.weight}});
        }
        aliasObject.insert(a.name, QJsonObject{{QStringLiteral("strategy"), a.strategy}, {QStringLiteral("targets"), targets}});
    }
    return {{QStringLiteral("aliases"), aliasObject},
            {QStringLiteral("provider_order"), QJsonArray::fromStringList(providerOrder)},
            {QStringLiteral("retry"),
             QJsonObject{{QStringLiteral("attempts_per_target"), retry.attemptsPerTarget},
                         {QStringLiteral("base_delay_ms"), retry.baseDelayMs},
                         {QStringLiteral("max_delay_ms"), retry.maxDelayMs},
                         {QStringLiteral("failures_before_cooldown"), retry.failuresBeforeCooldown},
                         {QStringLiteral("cooldown_ms"), retry.cooldownMs}}}};
}

bool RoutingConfig::fromJson(const QJsonValue &json, RoutingConfig *out, QString *error)
{
    RoutingConfig r;
    if (json.isUndefined() || json.isNull()) {
        *out = r;
        return true;
    }
    if (!json.isObject()) {
        *error = QStringLiteral("routing must be an object.");
        return false;
    }
    const QJsonObject o = json.toObject();
    const QJsonValue aliases = o.value(QLatin1String("aliases"));
    if (!aliases.isUndefined() && !aliases.isObject()) {
        *error = QStringLiteral("routing.aliases must map alias names to {\"strategy\", \"targets\"}.");
        return false;
    }
    const QJsonObject aliasObject = aliases.toObject();
    for (auto it = aliasObject.begin(); it != aliasObject.end(); ++it) {
        const QString where = QStringLiteral("routing.aliases.%1").arg(it.key());
        AliasConfig a;
        a.name = it.key();
        if (a.name.contains(QLatin1Char('/')) || a.name.isEmpty()) {
            *error = where + QStringLiteral(": an alias name may not contain '/', which marks \"<provider>/<model>\" names.");
            return false;
        }
        // A bare list is a fallback chain.
        const QJsonObject spec = it.value().isArray() ? QJsonObject{{QStringLiteral("targets"), it.value()}} : it.value().toObject();
        a.strategy = spec.value(QLatin1String("strategy")).toString(QStringLiteral("fallback"));
        if (!QStringList{QStringLiteral("fallback"), QStringLiteral("weighted"), QStringLiteral("lowest-latency")}.contains(a.strategy)) {
            *error = where + QStringLiteral(".strategy must be \"fallback\", \"weighted\" or \"lowest-latency\".");
            return false;
        }
        for (const QJsonValue &t : spec.value(QLatin1String("targets")).toArray()) {
            RouteTarget target;
            if (t.isString()) {
                target.model = t.toString();
            } else {
                target.model = t.toObject().value(QLatin1String("model")).toString();
                target.weight = t.toObject().value(QLatin1String("weight")).toInt(1);
            }
            if (!target.model.contains(QLatin1Char('/')) || target.weight < 0) {
                *error = where + QStringLiteral(".targets must be \"<provider>/<model>\" names (with an optional weight of 0 or more).");
                return false;
            }
            a.targets.append(target);
        }
        if (a.targets.isEmpty()) {
            *error = where + QStringLiteral(" needs at least one target.");
            return false;
        }
        r.aliases.append(a);
    }
    for (const QJsonValue &p : o.value(QLatin1String("provider_order")).toArray())
        r.providerOrder << p.toString();
    const QJsonObject retry = o.value(QLatin1String("retry")).toObject();
    if (!readInt(retry, "attempts_per_target", 1, &r.retry.attemptsPerTarget, error)
        || !readInt(retry, "base_delay_ms", 0, &r.retry.baseDelayMs, error)
        || !readInt(retry, "max_delay_ms", 0, &r.retry.maxDelayMs, error)
        || !readInt(retry, "failures_before_cooldown", 1, &r.retry.failuresBeforeCooldown, error)
        || !readInt(retry, "cooldown_ms", 0, &r.retry.cooldownMs, error))
        return false;
    *out = r;
    return true;
}

} // namespace patchbay
