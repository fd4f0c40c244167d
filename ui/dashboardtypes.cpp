#include "dashboardtypes.h"

#include <QTimeZone>

namespace patchbay {

bool UsageFilter::matches(const UsageRecord &r) const
{
    return (provider.isEmpty() || r.provider == provider) && (model.isEmpty() || r.upstreamModel == model)
        && (client.isEmpty() || r.client == client);
}

QString bucketKey(const UsageBucket &b, LedgerDimension by)
{
    switch (by) {
    case LedgerDimension::Model:
        return b.provider.isEmpty() ? b.model : b.provider + QLatin1Char('/') + b.model;
    case LedgerDimension::Provider:
        return b.provider;
    case LedgerDimension::Client:
        return b.client;
    }
    return {};
}

BudgetPeriods BudgetPeriods::at(const QDateTime &now)
{
    // startOfDay() in the clock's own zone: a day is 23 or 25 hours across a DST change.
    const QDate today = now.date();
    const QDate first(today.year(), today.month(), 1);
    const auto start = [&now](QDate d) {
        switch (now.timeSpec()) {
        case Qt::OffsetFromUTC:
            return d.startOfDay(Qt::OffsetFromUTC, now.offsetFromUtc()).toMSecsSinceEpoch();
        case Qt::TimeZone:
            return d.startOfDay(now.timeZone()).toMSecsSinceEpoch();
        default:
            return d.startOfDay(now.timeSpec()).toMSecsSinceEpoch();
        }
    };
    return {start(today), start(today.addDays(1)), start(first), start(first.addMonths(1))};
}

bool RequestFilter::matches(const UsageRecord &r) const
{
    if (r.startedAtMs < fromMs || r.startedAtMs >= toMs)
        return false;
    if ((!provider.isEmpty() && r.provider != provider) || (!model.isEmpty() && r.upstreamModel != model)
        || (!client.isEmpty() && r.client != client))
        return false;
    switch (status) {
    case Status::Any:
        break;
    case Status::Success:
        if (r.status < 200 || r.status >= 400)
            return false;
        break;
    case Status::Errors:
        if (r.status < 400 || r.status == 499)
            return false;
        break;
    case Status::Cancelled:
        if (r.status != 499)
            return false;
        break;
    }
    if (text.isEmpty())
        return true;
    for (const QString *field : {&r.requestId, &r.requestedModel, &r.upstreamModel, &r.client, &r.endpoint, &r.error}) {
        if (field->contains(text, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

} // namespace patchbay
