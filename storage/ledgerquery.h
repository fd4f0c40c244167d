#pragma once

#include "requestcapture.h"
#include "usagerecord.h"

#include <QHash>
#include <QList>
#include <QSqlDatabase>

#include <functional>
#include <optional>

namespace patchbay {

// What the dashboard groups by.
enum class LedgerDimension { Model, Provider, Client };

// Sums over a set of calls. Unknown token counts add nothing; calls without a price are
// counted in unpriced, so costUsd is a lower bound whenever unpriced > 0.
struct UsageTotals
{
    qint64 requests = 0;
    qint64 errors = 0;    // status >= 400, except 499
    qint64 cancelled = 0; // 499: the client hung up
    qint64 unpriced = 0;
    qint64 inputTokens = 0;
    qint64 outputTokens = 0;
    qint64 cacheReadTokens = 0;
    qint64 cacheWriteTokens = 0;
    qint64 reasoningTokens = 0;
    double costUsd = 0;
    qint64 latencyMsTotal = 0; // divide by requests for the mean
    bool operator==(const UsageTotals &) const = default;
};

// One row of a usage chart. The key fields not grouped by are empty; Model fills provider too,
// since one model name can be served by several providers.
struct UsageBucket
{
    qint64 dayStartMs = 0; // 0 for totals over the whole range
    QString provider;
    QString model;
    QString client;
    UsageTotals totals;
};

// Nearest-rank percentiles of successful calls (status 2xx/3xx); -1 where no value was known.
struct LatencyStats
{
    QString provider;
    QString model;
    qint64 requests = 0;
    qint64 p50Ms = -1;
    qint64 p95Ms = -1;
    qint64 p99Ms = -1;
    qint64 ttftP50Ms = -1;
    qint64 ttftP95Ms = -1;
};

// Reads the request ledger. Each method is one or a few indexed queries; sums come from the
// usage_hourly rollup, so they cost the same for ten thousand rows as for ten million.
class LedgerQuery
{
public:
    explicit LedgerQuery(QSqlDatabase db);

    // Newest first.
    QList<UsageRecord> latest(int limit, QString *error = nullptr) const;
    qint64 count(QString *error = nullptr) const;
    // Every row with fromMs <= started_at < toMs, oldest first, one at a time (the range is
    // never held in memory). fn returns false to stop early.
    bool forEach(qint64 fromMs, qint64 toMs, const std::function<bool(const UsageRecord &)> &fn,
                 QString *error = nullptr) const;

    // The range is widened to whole UTC hours (the rollup's grain). Days are the viewer's:
    // utcOffsetMs shifts their start, in whole hours (a half-hour zone lands on the hour).
    QList<UsageBucket> usagePerDay(qint64 fromMs, qint64 toMs, LedgerDimension by, qint64 utcOffsetMs = 0,
                                   QString *error = nullptr) const;
    QList<UsageBucket> usageTotals(qint64 fromMs, qint64 toMs, LedgerDimension by, QString *error = nullptr) const;
    // Per provider x model, calls in [fromMs, toMs) exactly.
    QList<LatencyStats> latencyPerModel(qint64 fromMs, qint64 toMs, QString *error = nullptr) const;

    // The SQL behind each question, so tests and the bench can check its query plan.
    static QString usageSql(LedgerDimension by, bool perDay);
    static QString modelsSql();
    static QString latencySql();
    static QString rangeSql();

    // Cost per client (token name) of every call since fromMs; the gateway seeds its budgets
    // with it at start.
    QHash<QString, double> spendSince(qint64 fromMs, QString *error = nullptr) const;
    // Cost per client of the calls in [fromMs, toMs), exact to the millisecond: whole UTC hours
    // come from the rollup (so a month costs what a day does), the part-hours at either end from
    // the calls themselves, since a local midnight need not fall on the hour.
    QHash<QString, double> spendPerClient(qint64 fromMs, qint64 toMs, QString *error = nullptr) const;

    // The headers and bodies kept for one call: its row by request id, then its capture by that row.
    // Nothing when none were kept (capture off, or the call predates it), or on an error,
    // which then has a sentence in *error.
    std::optional<RequestCapture> capture(const QString &requestId, QString *error = nullptr) const;

private:
    QList<UsageBucket> usage(qint64 fromMs, qint64 toMs, LedgerDimension by, std::optional<qint64> utcOffsetMs,
                             QString *error) const;

    QSqlDatabase m_db;
};

} // namespace patchbay
