#pragma once

#include "dashboardtypes.h"

#include <QSqlDatabase>

#include <utility>

namespace patchbay {

// The dashboard's questions to the ledger, as plain functions over a connection: the worker
// runs them on its own thread, and the bench and tests call them directly.
class DashboardSql
{
public:
    // Days [fromMs, toMs) (local midnights), summed per day x provider x model x client from the
    // hourly rollup, with the filter applied. Every key of each bucket is filled.
    static QList<UsageBucket> dayRows(const QSqlDatabase &db, qint64 fromMs, qint64 toMs, qint64 utcOffsetMs,
                                      const UsageFilter &filter, QString *error);
    // The days the Usage page needs for q: its range, the period before, this and last month.
    static std::pair<qint64, qint64> loadedSpan(const UsageQuery &q);
    // Everything the page shows, from dayRows() over loadedSpan(q). Pure; no database.
    static UsageSnapshot summarize(const UsageQuery &q, const QList<UsageBucket> &rows);
    // dayRows over loadedSpan then summarize: one Usage page refresh.
    static UsageSnapshot usage(const QSqlDatabase &db, const UsageQuery &q, QString *error);

    // Every budget that is set, with what was spent against it in its period: the overall ones
    // first, then each active token's by name. Token limits are read from the database.
    static QList<UsageBudget> budgets(const QSqlDatabase &db, const BudgetPeriods &periods, const OverallBudget &overall,
                                      QString *error);

    // Latency per provider x model over the range; the provider and model filters apply, the
    // client filter cannot (the latency index has no client, and reading the table is too slow).
    static QList<LatencyStats> latency(const QSqlDatabase &db, const UsageQuery &q, QString *error);

    // Newest first, after the cursor; keyset pagination on (started_at, id), so page 2,000 costs
    // what page 1 does.
    static RequestPage requests(const QSqlDatabase &db, const RequestFilter &filter, const RequestCursor &after,
                                int limit);
    static qint64 countRequests(const QSqlDatabase &db, const RequestFilter &filter, QString *error);
    static RequestDetail detail(const QSqlDatabase &db, const QString &requestId);
    // The filtered view, newest first, as CSV in LedgerExport's columns. The row count, or -1.
    static qint64 exportCsv(const QSqlDatabase &db, const RequestFilter &filter, const QString &path, QString *error);

    static QString requestsSql(const RequestFilter &filter, bool afterCursor, bool countOnly);
};

} // namespace patchbay
