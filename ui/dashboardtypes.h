#pragma once

#include "ledgerquery.h"
#include "usagerecord.h"

#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

#include <limits>
#include <optional>

namespace patchbay {

// Which calls the Usage page counts. Empty fields match everything; model is the upstream model.
struct UsageFilter
{
    QString provider;
    QString model;
    QString client;
    bool operator==(const UsageFilter &) const = default;
    bool matches(const UsageRecord &r) const;
};

// One Usage page question: a range of the viewer's days, what to group by and what to count.
struct UsageQuery
{
    qint64 fromMs = 0;      // the first day's local midnight
    qint64 toMs = 0;        // the midnight after the last day
    qint64 nowMs = 0;       // "today" and "this month" are taken from here
    qint64 utcOffsetMs = 0; // the viewer's zone, whole hours (the rollup's grain)
    LedgerDimension by = LedgerDimension::Model;
    UsageFilter filter;
    bool operator==(const UsageQuery &) const = default;
};

// The sums the Usage page shows. Day rows carry every key; the page groups them as it is told.
struct UsageSnapshot
{
    UsageQuery query;
    QList<UsageBucket> perDay;      // current range, per day x the query's dimension
    QList<UsageBucket> perKey;      // current range, per the query's dimension
    UsageTotals current;            // the range
    UsageTotals previous;           // as many days just before it
    UsageTotals today;
    UsageTotals yesterday;
    UsageTotals monthToDate;
    UsageTotals previousMonthToDate; // the previous month's first as many days as have begun in this one
    UsageTotals previousMonth;      // the whole previous month, for the projection's change
    double monthElapsed = 0;        // 0..1: how much of this month has passed at nowMs
    QStringList providers;          // every value in the loaded span, for the filter menus
    QStringList models;
    QStringList clients;
    bool incremental = false;       // a re-query of recent days after new calls, not a new question
    double queryMs = 0;             // time the worker took
};

// The key a bucket is shown under for a dimension: "provider/model", provider or client.
QString bucketKey(const UsageBucket &b, LedgerDimension by);

// The local calendar day and month a budget counts, as the gateway counts them (UsageLimits).
struct BudgetPeriods
{
    qint64 dayStartMs = 0;
    qint64 dayEndMs = 0;
    qint64 monthStartMs = 0;
    qint64 monthEndMs = 0;
    // now carries its zone: local time on a desktop, a fixed offset where a test pins the clock.
    static BudgetPeriods at(const QDateTime &now);
    bool operator==(const BudgetPeriods &) const = default;
};

// A budget and what has been spent against it in its period.
struct UsageBudget
{
    enum class Period { Day, Month };
    QString token; // the access token it limits; empty for the gateway's budget over all clients
    Period period = Period::Day;
    double limitUsd = 0;
    double spentUsd = 0;
    bool operator==(const UsageBudget &) const = default;
};

// The gateway's spending limits over all clients (config.json's gateway section). Each access
// token's own limits live with the token in the database, where the dashboard reads them.
struct OverallBudget
{
    std::optional<double> usdPerDay;
    std::optional<double> usdPerMonth;
    bool operator==(const OverallBudget &) const = default;
};

// Which calls the Requests page lists.
struct RequestFilter
{
    enum class Status { Any, Success, Errors, Cancelled };
    qint64 fromMs = 0;
    qint64 toMs = std::numeric_limits<qint64>::max();
    QString provider;
    QString model; // upstream model
    QString client;
    Status status = Status::Any;
    QString text; // request id, models, client, endpoint or error containing it, any case
    bool operator==(const RequestFilter &) const = default;
    // The same test as the SQL, for live rows that never went through it.
    bool matches(const UsageRecord &r) const;
};

// Where the next page starts: below the row (startedAtMs, id) in newest-first order.
struct RequestCursor
{
    qint64 startedAtMs = std::numeric_limits<qint64>::max();
    qint64 id = std::numeric_limits<qint64>::max();
};

struct RequestRow
{
    qint64 id = 0; // the ledger's row id, -1 for live rows not read back yet
    UsageRecord record;
};

struct RequestPage
{
    quint64 serial = 0;
    QList<RequestRow> rows;
    bool atEnd = false;
    QString error;
    double queryMs = 0;
};

// One call and every attempt of its retry / fallback chain, oldest first.
struct RequestDetail
{
    QString requestId;
    QList<UsageRecord> chain;
    QString error;
    std::optional<RequestCapture> capture; // this request's headers and bodies, when any were kept
    QString captureError;
};

} // namespace patchbay

Q_DECLARE_METATYPE(patchbay::UsageSnapshot)
Q_DECLARE_METATYPE(patchbay::RequestPage)
Q_DECLARE_METATYPE(patchbay::RequestDetail)
Q_DECLARE_METATYPE(patchbay::RequestFilter)
Q_DECLARE_METATYPE(patchbay::UsageBudget)
