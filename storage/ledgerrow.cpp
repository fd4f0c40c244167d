#include "ledgerrow.h"

#include <QSqlQuery>
#include <QStringList>
#include <QVariant>

namespace patchbay {

namespace {

qint64 optional(const QVariant &v)
{
    return v.isNull() ? -1 : v.toLongLong();
}

} // namespace

QString LedgerRow::columns()
{
    return QStringLiteral(
        "request_id, started_at, client, endpoint, provider, requested_model, upstream_model, stream, status, error, "
        "input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens, usage_source, cost_usd, "
        "catalog_version, latency_ms, ttfb_ms, ttft_ms, attempt, retry_of");
}

QString LedgerRow::insertStatement(Conflict conflict)
{
    QString placeholders = QStringLiteral("?");
    for (int i = 1; i < kColumnCount; ++i)
        placeholders += QStringLiteral(", ?");
    return QStringLiteral("INSERT %1INTO requests (%2) VALUES (%3)")
        .arg(conflict == Conflict::Ignore ? QStringLiteral("OR IGNORE ") : QString(), columns(), placeholders);
}

QString LedgerRow::insertWithIdsStatement(int rows)
{
    QString row = QStringLiteral("(?");
    for (int i = 0; i < kColumnCount; ++i)
        row += QStringLiteral(", ?");
    row += QLatin1Char(')');
    QStringList values;
    for (int i = 0; i < rows; ++i)
        values.append(row);
    return QStringLiteral("INSERT OR IGNORE INTO requests (id, %1) VALUES %2").arg(columns(), values.join(QStringLiteral(", ")));
}

void LedgerRow::bind(ValueBinder &b, const UsageRecord &r, int first)
{
    const auto bindOptional = [&b](int index, qint64 value) {
        if (value < 0)
            b.bindNull(index);
        else
            b.bindInt64(index, value);
    };
    int i = first;
    b.bindText(i++, r.requestId);
    b.bindInt64(i++, r.startedAtMs);
    b.bindText(i++, r.client);
    b.bindText(i++, r.endpoint);
    b.bindText(i++, r.provider);
    b.bindText(i++, r.requestedModel);
    b.bindText(i++, r.upstreamModel);
    b.bindInt64(i++, r.stream ? 1 : 0);
    b.bindInt64(i++, r.status);
    b.bindText(i++, r.error);
    bindOptional(i++, r.inputTokens);
    bindOptional(i++, r.outputTokens);
    bindOptional(i++, r.cacheReadTokens);
    bindOptional(i++, r.cacheWriteTokens);
    bindOptional(i++, r.reasoningTokens);
    b.bindText(i++, r.usageSource);
    if (r.costUsd)
        b.bindDouble(i++, *r.costUsd);
    else
        b.bindNull(i++);
    b.bindText(i++, r.catalogVersion);
    b.bindInt64(i++, r.latencyMs);
    bindOptional(i++, r.ttfbMs);
    bindOptional(i++, r.ttftMs);
    b.bindInt64(i++, r.attempt);
    b.bindText(i++, r.retryOf);
    Q_ASSERT(i == first + kColumnCount);
}

void LedgerRow::bind(QSqlQuery &q, const UsageRecord &r)
{
    QueryBinder b(q);
    bind(b, r);
}

UsageRecord LedgerRow::read(const QSqlQuery &q, int first)
{
    int i = first;
    UsageRecord r;
    r.requestId = q.value(i++).toString();
    r.startedAtMs = q.value(i++).toLongLong();
    r.client = q.value(i++).toString();
    r.endpoint = q.value(i++).toString();
    r.provider = q.value(i++).toString();
    r.requestedModel = q.value(i++).toString();
    r.upstreamModel = q.value(i++).toString();
    r.stream = q.value(i++).toInt() != 0;
    r.status = q.value(i++).toInt();
    r.error = q.value(i++).toString();
    r.inputTokens = optional(q.value(i++));
    r.outputTokens = optional(q.value(i++));
    r.cacheReadTokens = optional(q.value(i++));
    r.cacheWriteTokens = optional(q.value(i++));
    r.reasoningTokens = optional(q.value(i++));
    r.usageSource = q.value(i++).toString();
    const QVariant cost = q.value(i++);
    if (!cost.isNull())
        r.costUsd = cost.toDouble();
    r.catalogVersion = q.value(i++).toString();
    r.latencyMs = q.value(i++).toLongLong();
    r.ttfbMs = optional(q.value(i++));
    r.ttftMs = optional(q.value(i++));
    r.attempt = q.value(i++).toInt();
    r.retryOf = q.value(i++).toString();
    Q_ASSERT(i == first + kColumnCount);
    return r;
}

} // namespace patchbay
