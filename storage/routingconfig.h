#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace patchbay {

// One model an alias may send a call to, as "<provider-id>/<model>".
struct RouteTarget
{
    QString model;
    int weight = 1; // for the weighted strategy
    bool operator==(const RouteTarget &) const = default;
};

// A name clients may use instead of a model ("fast", "smart", "cheap"), and where it goes.
struct AliasConfig
{
    QString name;
    // fallback: in order, the next when one fails; weighted: one picked by weight first, the
    // rest in order after it; lowest-latency: the quickest lately first.
    QString strategy = QStringLiteral("fallback");
    QList<RouteTarget> targets;
    bool operator==(const AliasConfig &) const = default;
};

// How hard the gateway tries before it gives up on a call.
struct RetryConfig
{
    int attemptsPerTarget = 2;  // 1 = no retry on the same target
    int baseDelayMs = 250;      // doubled each retry, with jitter
    int maxDelayMs = 8'000;     // also caps a provider's Retry-After
    int failuresBeforeCooldown = 3;
    int cooldownMs = 30'000;    // a failing target is skipped for this long
    bool operator==(const RetryConfig &) const = default;
};

// Aliases, fallback chains and retries: the "routing" section of config.json.
struct RoutingConfig
{
    QList<AliasConfig> aliases;
    // Where a bare model name ("gpt-4o") is looked for first; unlisted providers come after,
    // in config order.
    QStringList providerOrder;
    RetryConfig retry;

    QJsonObject toJson() const;
    static bool fromJson(const QJsonValue &json, RoutingConfig *out, QString *error);
    const AliasConfig *alias(const QString &name) const;
    bool operator==(const RoutingConfig &) const = default;
};

} // namespace patchbay
