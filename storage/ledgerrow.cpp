#include "ledgerrow.h"

#include <QSqlQuery>
#include <QVariant>

namespace patchbay {

namespace {

QVariant optional(qint64 value)
{
    return value < 0 ? QVariant() : QVariant(value);
}

qint64 optional(const QVariant &v)
{
    return v.isNull() ? -1 : v.toLongLong();
}

// A null QString binds as SQL NULL, which the NOT NULL text columns refuse.
QString text(const QString &value)
{
    return value.isNull() ? QStringLiteral("") : value;
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

void LedgerRow::bind(QSqlQuery &q, const UsageRecord &r)
{
    int i = 0;
    q.bindValue(i++, text(r.requestId));
    q.bindValue(i++, r.startedAtMs);
    q.bindValue(i++, text(r.client));
    q.bindValue(i++, text(r.endpoint));
    q.bindValue(i++, text(r.provider));
    q.bindValue(i++, text(r.requestedModel));
    q.bindValue(i++, text(r.upstreamModel));
    q.bindValue(i++, r.stream ? 1 : 0);
    q.bindValue(i++, r.status);
    q.bindValue(i++, text(r.error));
    q.bindValue(i++, optional(r.inputTokens));
    q.bindValue(i++, optional(r.outputTokens));
    q.bindValue(i++, optional(r.cacheReadTokens));
    q.bindValue(i++, optional(r.cacheWriteTokens));
    q.bindValue(i++, optional(r.reasoningTokens));
    q.bindValue(i++, text(r.usageSource));
    q.bindValue(i++, r.costUsd ? QVariant(*r.costUsd) : QVariant());
    q.bindValue(i++, text(r.catalogVersion));
    q.bindValue(i++, r.latencyMs);
    q.bindValue(i++, optional(r.ttfbMs));
    q.bindValue(i++, optional(r.ttftMs));
    q.bindValue(i++, r.attempt);
    q.bindValue(i++, text(r.retryOf));
    Q_ASSERT(i == kColumnCount);
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
