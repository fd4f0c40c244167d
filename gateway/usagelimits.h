#pragma once

#include "tokenpolicy.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QPair>
#include <QString>

#include <functional>
#include <optional>

namespace patchbay {

// A limit a call would cross, said so the client knows which and when it lifts.
struct LimitHit
{
    QString message;
    qint64 retryAfterSeconds = 0;
};

// Per-token rate limits and budgets, and the overall budget, kept in memory on the gateway
// thread so enforcing them costs no database read: spend is seeded from the ledger at start
// and then follows every finished call. The clock is injectable so tests cross periods.
class UsageLimits
{
public:
    using Clock = std::function<QDateTime()>; // any time spec: periods follow the local calendar

    explicit UsageLimits(Clock clock = {});

    void setPolicies(const QHash<QString, TokenPolicy> &policies) { m_policies = policies; }
    void setOverallBudget(std::optional<double> usdPerDay, std::optional<double> usdPerMonth);
    // Spend per client since the start of today and of this month (from the ledger).
    void seed(const QHash<QString, double> &today, const QHash<QString, double> &thisMonth);

    // Whether this client may use this model at all ("" when any may).
    QString modelRefusal(const QString &client, const QString &model) const;
    // The first limit this call would cross, if any; a call that passes is counted.
    std::optional<LimitHit> admit(const QString &client);
    // After a call: its tokens count towards tokens per minute, its cost towards the budgets.
    void record(const QString &client, qint64 tokens, double costUsd);

    double spentToday(const QString &client) const;
    double spentThisMonth(const QString &client) const;

    // Local day and month boundaries, also used to seed from the ledger.
    static QDateTime startOfDay(const QDateTime &now);
    static QDateTime startOfMonth(const QDateTime &now);

private:
    struct Spend
    {
        double day = 0;
        double month = 0;
    };
    void startPeriods(qint64 nowMs);
    qint64 rollPeriods(); // now, in ms since the epoch

    Clock m_clock;
    QHash<QString, TokenPolicy> m_policies;
    std::optional<double> m_overallDay;
    std::optional<double> m_overallMonth;
    QHash<QString, Spend> m_spend; // by client; "" is never a key here, see m_total
    Spend m_total;
    QDate m_day; // local
    qint64 m_dayStartMs = 0;
    qint64 m_dayEndMs = 0;
    qint64 m_monthEndMs = 0;
    QHash<QString, QList<qint64>> m_requests;                // ms of each admitted call, last minute
    QHash<QString, QList<QPair<qint64, qint64>>> m_tokens;   // (ms, tokens), last minute
};

} // namespace patchbay
