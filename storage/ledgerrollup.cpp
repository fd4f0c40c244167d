#include "ledgerrollup.h"

#include "sqlitestatement.h"

#include <cmath>

namespace patchbay {

namespace {

constexpr qint64 kHourMs = 3'600'000;

// The trigger's IFNULL(NEW.x, 0): LedgerRow binds an unknown (negative) count as NULL.
qint64 orZero(qint64 count)
{
    return count < 0 ? 0 : count;
}

// SQLite stores a NaN bound as a double as NULL, so the trigger sees such a cost as unknown.
bool priced(const UsageRecord &r)
{
    return r.costUsd && !std::isnan(*r.costUsd);
}

} // namespace

size_t qHash(const LedgerRollup::Key &key, size_t seed) noexcept
{
    return qHashMulti(seed, key.hour, key.provider, key.upstreamModel, key.client);
}

QString LedgerRollup::selectStatement()
{
    return QStringLiteral(
        "SELECT requests, errors, cancelled, unpriced, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, "
        "reasoning_tokens, latency_ms, cost_usd FROM usage_hourly "
        "WHERE hour = ? AND provider = ? AND upstream_model = ? AND client = ?");
}

QString LedgerRollup::upsertStatement()
{
    return QStringLiteral(
        "INSERT INTO usage_hourly (hour, provider, upstream_model, client, requests, errors, cancelled, unpriced, "
        "input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens, latency_ms, cost_usd) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (hour, provider, upstream_model, client) DO UPDATE SET "
        "requests = excluded.requests, errors = excluded.errors, cancelled = excluded.cancelled, "
        "unpriced = excluded.unpriced, input_tokens = excluded.input_tokens, output_tokens = excluded.output_tokens, "
        "cache_read_tokens = excluded.cache_read_tokens, cache_write_tokens = excluded.cache_write_tokens, "
        "reasoning_tokens = excluded.reasoning_tokens, latency_ms = excluded.latency_ms, cost_usd = excluded.cost_usd");
}

void LedgerRollup::Sums::add(const Sums &other)
{
    requests += other.requests;
    errors += other.errors;
    cancelled += other.cancelled;
    unpriced += other.unpriced;
    inputTokens += other.inputTokens;
    outputTokens += other.outputTokens;
    cacheReadTokens += other.cacheReadTokens;
    cacheWriteTokens += other.cacheWriteTokens;
    reasoningTokens += other.reasoningTokens;
    latencyMs += other.latencyMs;
}

void LedgerRollup::add(const UsageRecord &r)
{
    Bucket &b = bucketFor(r);
    Sums &s = b.sums;
    ++s.requests;
    // A client that hangs up (499) is not the provider failing: counted apart, as the trigger does.
    s.errors += r.status >= 400 && r.status != 499 ? 1 : 0;
    s.cancelled += r.status == 499 ? 1 : 0;
    s.unpriced += priced(r) ? 0 : 1;
    s.inputTokens += orZero(r.inputTokens);
    s.outputTokens += orZero(r.outputTokens);
    s.cacheReadTokens += orZero(r.cacheReadTokens);
    s.cacheWriteTokens += orZero(r.cacheWriteTokens);
    s.reasoningTokens += orZero(r.reasoningTokens);
    s.latencyMs += r.latencyMs;
    b.costs.push_back(priced(r) ? *r.costUsd : 0.0);
}

LedgerRollup::Bucket &LedgerRollup::bucketFor(const UsageRecord &r)
{
    // SQLite's integer division truncates toward zero, as C++'s does.
    const qint64 hour = r.startedAtMs / kHourMs;
    if (m_last < m_buckets.size()) {
        const Key &last = m_buckets[m_last].key;
        if (last.hour == hour && last.upstreamModel == r.upstreamModel && last.client == r.client && last.provider == r.provider)
            return m_buckets[m_last];
    }
    Key key{hour, r.provider, r.upstreamModel, r.client};
    const auto found = m_index.constFind(key);
    if (found != m_index.cend()) {
        m_last = *found;
    } else {
        m_last = m_buckets.size();
        m_index.insert(key, m_last);
        m_buckets.push_back(Bucket{std::move(key), {}, {}});
    }
    return m_buckets[m_last];
}

void LedgerRollup::clear()
{
    m_buckets.clear();
    m_index.clear();
    m_last = 0;
}

bool LedgerRollup::write(SqliteStatement &select, SqliteStatement &upsert, QString *error)
{
    for (const Bucket &b : m_buckets) {
        Sums sums;
        double cost = 0;
        bool found = false;
        if (!read(select, b.key, &sums, &cost, &found, error))
            return false;
        sums.add(b.sums);
        // The trigger inserts a new bucket with its first row's cost, then adds each later one.
        auto next = b.costs.cbegin();
        if (!found)
            cost = *next++;
        for (; next != b.costs.cend(); ++next)
            cost += *next;
        int i = 0;
        upsert.bindInt64(i++, b.key.hour);
        upsert.bindText(i++, b.key.provider);
        upsert.bindText(i++, b.key.upstreamModel);
        upsert.bindText(i++, b.key.client);
        for (qint64 v : {sums.requests, sums.errors, sums.cancelled, sums.unpriced, sums.inputTokens, sums.outputTokens,
                         sums.cacheReadTokens, sums.cacheWriteTokens, sums.reasoningTokens, sums.latencyMs})
            upsert.bindInt64(i++, v);
        upsert.bindDouble(i++, cost);
        if (upsert.step() != SqliteStatement::Result::Done) {
            *error = upsert.errorText();
            return false;
        }
    }
    return true;
}

bool LedgerRollup::read(SqliteStatement &select, const Key &key, Sums *sums, double *cost, bool *found, QString *error)
{
    select.bindInt64(0, key.hour);
    select.bindText(1, key.provider);
    select.bindText(2, key.upstreamModel);
    select.bindText(3, key.client);
    const SqliteStatement::Result result = select.step();
    if (result == SqliteStatement::Result::Done)
        return true;
    if (result != SqliteStatement::Result::Row) {
        *error = select.errorText();
        return false;
    }
    *found = true;
    qint64 *const fields[] = {&sums->requests, &sums->errors, &sums->cancelled, &sums->unpriced, &sums->inputTokens,
                              &sums->outputTokens, &sums->cacheReadTokens, &sums->cacheWriteTokens, &sums->reasoningTokens,
                              &sums->latencyMs};
    int column = 0;
    for (qint64 *field : fields)
        *field = select.columnInt64(column++);
    *cost = select.columnDouble(column);
    select.reset();
    return true;
}

} // namespace patchbay
