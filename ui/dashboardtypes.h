#pragma once

#include "ledgerquery.h"
#include "usagerecord.h"

#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

#include <limits>

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
