#include "usagelimits.h"

namespace patchbay {

namespace {

constexpr qint64 kMinuteMs = 60'000;

template <typename T, typename Time>
void dropOlderThan(QList<T> &list, qint64 cutoff, Time timeOf)
{
    while (!list.isEmpty() && timeOf(list.first()) <= cutoff)
        list.removeFirst();
}

QString dollars(double usd)
{
    return QStringLiteral("$%1").arg(usd, 0, 'f', 2);
}

} // namespace

UsageLimits::UsageLimits(Clock clock)
    // UTC: reading the local time costs a time-zone lookup (a stat of /etc/localtime) per call.
    : m_clock(clock ? std::move(clock) : Clock([] { return QDateTime::currentDateTimeUtc(); }))
{
    startPeriods(m_clock().toMSecsSinceEpoch());
}

QDateTime UsageLimits::startOfDay(const QDateTime &now)
{
    return now.date().startOfDay();
}

QDateTime UsageLimits::startOfMonth(const QDateTime &now)
{
    return QDate(now.date().year(), now.date().month(), 1).startOfDay();
}

void UsageLimits::setOverallBudget(std::optional<double> usdPerDay, std::optional<double> usdPerMonth)
{
    m_overallDay = usdPerDay;
    m_overallMonth = usdPerMonth;
}

void UsageLimits::seed(const QHash<QString, double> &today, const QHash<QString, double> &thisMonth)
{
    m_spend.clear();
    m_total = {};
    for (auto it = today.begin(); it != today.end(); ++it) {
        m_spend[it.key()].day = it.value();
        m_total.day += it.value();
    }
    for (auto it = thisMonth.begin(); it != thisMonth.end(); ++it) {
        m_spend[it.key()].month = it.value();
        m_total.month += it.value();
    }
    startPeriods(m_clock().toMSecsSinceEpoch());
}

void UsageLimits::startPeriods(qint64 nowMs)
{
    m_day = QDateTime::fromMSecsSinceEpoch(nowMs).date(); // local
    m_dayStartMs = m_day.startOfDay().toMSecsSinceEpoch();
    m_dayEndMs = m_day.addDays(1).startOfDay().toMSecsSinceEpoch();
    m_monthEndMs = QDate(m_day.year(), m_day.month(), 1).addMonths(1).startOfDay().toMSecsSinceEpoch();
}

qint64 UsageLimits::rollPeriods()
{
    const qint64 nowMs = m_clock().toMSecsSinceEpoch();
    // The local date is worked out again only when the clock leaves today, so the call path
    // pays a comparison, not a time-zone conversion.
    if (nowMs >= m_dayStartMs && nowMs < m_dayEndMs)
        return nowMs;
    const QDate previous = m_day;
    startPeriods(nowMs);
    if (m_day != previous) {
        m_total.day = 0;
        for (Spend &s : m_spend)
            s.day = 0;
    }
    if (m_day.year() != previous.year() || m_day.month() != previous.month()) {
        m_total.month = 0;
        for (Spend &s : m_spend)
            s.month = 0;
    }
    return nowMs;
}

QString UsageLimits::modelRefusal(const QString &client, const QString &model) const
{
    const auto it = m_policies.constFind(client);
    if (it == m_policies.constEnd() || it->allowedModels.isEmpty() || it->allowedModels.contains(model))
        return {};
    return QStringLiteral("The access token \"%1\" may not use \"%2\"; it may use %3. Change the token's allowed models on "
                          "the Gateway page, or use another token.")
        .arg(client, model, it->allowedModels.join(QStringLiteral(", ")));
}

std::optional<LimitHit> UsageLimits::admit(const QString &client)
{
    const auto it = m_policies.constFind(client);
    if (it == m_policies.constEnd() && !m_overallDay && !m_overallMonth)
        return std::nullopt; // nothing limits this call, and no one counts it
    const qint64 nowMs = rollPeriods();
    // Worked out only for a call that is refused.
    const auto toMidnight = [&] { return qMax<qint64>(1, (m_dayEndMs - nowMs) / 1000); };
    const auto toMonthEnd = [&] { return qMax<qint64>(1, (m_monthEndMs - nowMs) / 1000); };
    const auto tomorrow = [&] { return m_day.addDays(1).startOfDay().toString(Qt::ISODate); };
    const auto nextMonth = [&] { return QDate(m_day.year(), m_day.month(), 1).addMonths(1).startOfDay().toString(Qt::ISODate); };

    if (m_overallDay && m_total.day >= *m_overallDay)
        return LimitHit{QStringLiteral("Patchbay's overall budget of %1 a day is spent (%2 today). It resets at %3.")
                            .arg(dollars(*m_overallDay), dollars(m_total.day), tomorrow()),
                        toMidnight()};
    if (m_overallMonth && m_total.month >= *m_overallMonth)
        return LimitHit{QStringLiteral("Patchbay's overall budget of %1 a month is spent (%2 this month). It resets at %3.")
                            .arg(dollars(*m_overallMonth), dollars(m_total.month), nextMonth()),
                        toMonthEnd()};
    if (it != m_policies.constEnd()) {
        const TokenPolicy &p = *it;
        const Spend spend = m_spend.value(client);
        if (p.usdPerDay && spend.day >= *p.usdPerDay)
            return LimitHit{QStringLiteral("The access token \"%1\" has spent its budget of %2 a day (%3 today). It resets at %4.")
                                .arg(client, dollars(*p.usdPerDay), dollars(spend.day), tomorrow()),
                            toMidnight()};
        if (p.usdPerMonth && spend.month >= *p.usdPerMonth)
            return LimitHit{QStringLiteral("The access token \"%1\" has spent its budget of %2 a month (%3 this month). It resets at %4.")
                                .arg(client, dollars(*p.usdPerMonth), dollars(spend.month), nextMonth()),
                            toMonthEnd()};
        QList<qint64> &calls = m_requests[client];
        dropOlderThan(calls, nowMs - kMinuteMs, [](qint64 t) { return t; });
        if (p.requestsPerMinute && calls.size() >= *p.requestsPerMinute) {
            const qint64 wait = qMax<qint64>(1, (calls.first() + kMinuteMs - nowMs + 999) / 1000);
            return LimitHit{QStringLiteral("The access token \"%1\" may make %2 requests a minute; try again in %3 s.")
                                .arg(client)
                                .arg(*p.requestsPerMinute)
                                .arg(wait),
                            wait};
        }
        QList<QPair<qint64, qint64>> &tokens = m_tokens[client];
        dropOlderThan(tokens, nowMs - kMinuteMs, [](const QPair<qint64, qint64> &t) { return t.first; });
        qint64 used = 0;
        for (const auto &t : tokens)
            used += t.second;
        if (p.tokensPerMinute && used >= *p.tokensPerMinute) {
            const qint64 wait = qMax<qint64>(1, (tokens.first().first + kMinuteMs - nowMs + 999) / 1000);
            return LimitHit{QStringLiteral("The access token \"%1\" may use %2 tokens a minute and has used %3; try again in %4 s.")
                                .arg(client)
                                .arg(*p.tokensPerMinute)
                                .arg(used)
                                .arg(wait),
                            wait};
        }
        if (p.requestsPerMinute)
            calls.append(nowMs);
    }
    return std::nullopt;
}

void UsageLimits::record(const QString &client, qint64 tokens, double costUsd)
{
    const qint64 nowMs = rollPeriods();
    if (costUsd > 0) {
        Spend &s = m_spend[client];
        s.day += costUsd;
        s.month += costUsd;
        m_total.day += costUsd;
        m_total.month += costUsd;
    }
    const auto it = m_policies.constFind(client);
    if (tokens > 0 && it != m_policies.constEnd() && it->tokensPerMinute)
        m_tokens[client].append({nowMs, tokens});
}

double UsageLimits::spentToday(const QString &client) const
{
    return m_spend.value(client).day;
}

double UsageLimits::spentThisMonth(const QString &client) const
{
    return m_spend.value(client).month;
}

} // namespace patchbay
