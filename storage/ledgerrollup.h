#pragma once

#include "usagerecord.h"

#include <QHash>
#include <QString>

#include <vector>

namespace patchbay {

class SqliteStatement;

// What the requests_rollup_insert trigger adds to usage_hourly, gathered over a batch so the
// ledger writer, which inserts its rows with triggers off, writes each bucket once instead of
// once per row. Same arithmetic as the trigger (migration 0004), and cost summed in row order
// onto what the bucket held, so the result is the trigger's to the last bit.
class LedgerRollup
{
public:
    // "SELECT <sums> FROM usage_hourly WHERE <bucket>" and the upsert that stores the new sums.
    static QString selectStatement();
    static QString upsertStatement();

    // A row the batch inserted; skipped rows (request id taken) must not come here.
    void add(const UsageRecord &r);
    void clear();
    // Adds the batch to usage_hourly, inside the caller's transaction. False with the reason.
    bool write(SqliteStatement &select, SqliteStatement &upsert, QString *error);

private:
    struct Key
    {
        qint64 hour = 0;
        QString provider;
        QString upstreamModel;
        QString client;
        bool operator==(const Key &) const = default;
    };
    friend size_t qHash(const Key &key, size_t seed) noexcept;

    struct Sums
    {
        qint64 requests = 0;
        qint64 errors = 0;
        qint64 cancelled = 0;
        qint64 unpriced = 0;
        qint64 inputTokens = 0;
        qint64 outputTokens = 0;
        qint64 cacheReadTokens = 0;
        qint64 cacheWriteTokens = 0;
        qint64 reasoningTokens = 0;
        qint64 latencyMs = 0;
        void add(const Sums &other);
    };

    struct Bucket
    {
        Key key;
        Sums sums;
        // Each row's cost (0 when unknown), in row order: floating-point sums depend on it.
        std::vector<double> costs;
    };

    Bucket &bucketFor(const UsageRecord &r);
    static bool read(SqliteStatement &select, const Key &key, Sums *sums, double *cost, bool *found, QString *error);

    std::vector<Bucket> m_buckets;
    QHash<Key, size_t> m_index;
    size_t m_last = 0; // consecutive rows are mostly of one bucket
};

} // namespace patchbay
