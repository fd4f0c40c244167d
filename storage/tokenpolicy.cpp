#include "tokenpolicy.h"

#include <QJsonArray>

namespace patchbay {

bool TokenPolicy::isEmpty() const
{
    return *this == TokenPolicy{};
}

QJsonObject TokenPolicy::toJson() const
{
    QJsonObject o;
    if (!allowedModels.isEmpty())
        o.insert(QStringLiteral("allowed_models"), QJsonArray::fromStringList(allowedModels));
    if (requestsPerMinute)
        o.insert(QStringLiteral("requests_per_minute"), *requestsPerMinute);
    if (tokensPerMinute)
        o.insert(QStringLiteral("tokens_per_minute"), *tokensPerMinute);
    if (usdPerDay)
        o.insert(QStringLiteral("usd_per_day"), *usdPerDay);
    if (usdPerMonth)
        o.insert(QStringLiteral("usd_per_month"), *usdPerMonth);
    return o;
}

bool TokenPolicy::fromJson(const QJsonObject &json, TokenPolicy *out, QString *error)
{
    TokenPolicy p;
    for (const QJsonValue &m : json.value(QLatin1String("allowed_models")).toArray())
        p.allowedModels << m.toString();
    const auto number = [&](const char *key, double *value) {
        const QJsonValue v = json.value(QLatin1String(key));
        if (v.isUndefined() || v.isNull())
            return true;
        if (!v.isDouble() || v.toDouble() < 0) {
            *error = QStringLiteral("%1 must be a number of 0 or more.").arg(QLatin1String(key));
            return false;
        }
        *value = v.toDouble();
        return true;
    };
    double rpm = -1, tpm = -1, day = -1, month = -1;
    if (!number("requests_per_minute", &rpm) || !number("tokens_per_minute", &tpm) || !number("usd_per_day", &day)
        || !number("usd_per_month", &month))
        return false;
    if (rpm >= 0)
        p.requestsPerMinute = int(rpm);
    if (tpm >= 0)
        p.tokensPerMinute = qint64(tpm);
    if (day >= 0)
        p.usdPerDay = day;
    if (month >= 0)
        p.usdPerMonth = month;
    *out = p;
    return true;
}

} // namespace patchbay
