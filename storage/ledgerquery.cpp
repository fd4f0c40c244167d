#include "ledgerquery.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace patchbay {

LedgerQuery::LedgerQuery(QSqlDatabase db)
    : m_db(std::move(db))
{
}

QList<UsageRecord> LedgerQuery::latest(int limit, QString *error) const
{
    QList<UsageRecord> out;
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral(
        "SELECT request_id, started_at, client, endpoint, provider, requested_model, upstream_model, stream, status, "
        "error, input_tokens, output_tokens, latency_ms, ttfb_ms FROM requests ORDER BY started_at DESC, id DESC LIMIT ?"));
    q.addBindValue(limit);
    if (!q.exec()) {
        if (error)
            *error = QStringLiteral("Could not read the request ledger: %1").arg(q.lastError().text());
        return out;
    }
    const auto optional = [](const QVariant &v) { return v.isNull() ? qint64(-1) : v.toLongLong(); };
    while (q.next()) {
        UsageRecord r;
        r.requestId = q.value(0).toString();
        r.startedAtMs = q.value(1).toLongLong();
        r.client = q.value(2).toString();
        r.endpoint = q.value(3).toString();
        r.provider = q.value(4).toString();
        r.requestedModel = q.value(5).toString();
        r.upstreamModel = q.value(6).toString();
        r.stream = q.value(7).toInt() != 0;
        r.status = q.value(8).toInt();
        r.error = q.value(9).toString();
        r.inputTokens = optional(q.value(10));
        r.outputTokens = optional(q.value(11));
        r.latencyMs = q.value(12).toLongLong();
        r.ttfbMs = optional(q.value(13));
        out.append(r);
    }
    return out;
}

qint64 LedgerQuery::count(QString *error) const
{
    QSqlQuery q(m_db);
    if (!q.exec(QStringLiteral("SELECT COUNT(*) FROM requests")) || !q.next()) {
        if (error)
            *error = QStringLiteral("Could not count the request ledger: %1").arg(q.lastError().text());
        return -1;
    }
    return q.value(0).toLongLong();
}

} // namespace patchbay
