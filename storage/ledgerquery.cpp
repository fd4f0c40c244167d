#include "ledgerquery.h"

#include "capturerow.h"
#include "ledgerrow.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <algorithm>
#include <vector>

namespace patchbay {

namespace {

constexpr qint64 kHourMs = 3'600'000;
constexpr qint64 kDayMs = 86'400'000;

QString keyColumns(LedgerDimension by)
{
    switch (by) {
    case LedgerDimension::Model:
        return QStringLiteral("provider, upstream_model");
    case LedgerDimension::Provider:
        return QStringLiteral("provider");
    case LedgerDimension::Client:
        return QStringLiteral("client");
    }
    return {};
}

// Hours whose bucket overlaps [fromMs, toMs).
qint64 firstHour(qint64 fromMs)
{
    return fromMs >= 0 ? fromMs / kHourMs : -((-fromMs + kHourMs - 1) / kHourMs);
}

qint64 endHour(qint64 toMs)
{
    return toMs >= 0 ? (toMs + kHourMs - 1) / kHourMs : -(-toMs / kHourMs);
}

bool failed(const QSqlQuery &q, const QString &what, QString *error)
{
    if (error)
        *error = QStringLiteral("Could not read %1 from the request ledger: %2").arg(what, q.lastError().text());
    return false;
}

// Nearest rank: the smallest value with at least p percent of the values at or below it.
qint64 percentile(const std::vector<qint64> &sorted, int p)
{
    if (sorted.empty())
        return -1;
    const size_t rank = (static_cast<size_t>(p) * sorted.size() + 99) / 100;
    return sorted[std::max<size_t>(rank, 1) - 1];
}

} // namespace

LedgerQuery::LedgerQuery(QSqlDatabase db)
    : m_db(std::move(db))
{
}

QString LedgerQuery::usageSql(LedgerDimension by, bool perDay)
{
    const QString keys = keyColumns(by);
    const QString day = perDay ? QStringLiteral("(hour * 3600000 + ?) / 86400000") : QStringLiteral("0");
    return QStringLiteral(
               "SELECT %1 AS day, %2, SUM(requests), SUM(errors), SUM(cancelled), SUM(unpriced), SUM(input_tokens), "
               "SUM(output_tokens), SUM(cache_read_tokens), SUM(cache_write_tokens), SUM(reasoning_tokens), "
               "TOTAL(cost_usd), SUM(latency_ms) FROM usage_hourly WHERE hour >= ? AND hour < ? "
               "GROUP BY %3 ORDER BY %3")
        .arg(day, keys, perDay ? QStringLiteral("day, ") + keys : keys);
}

QString LedgerQuery::modelsSql()
{
    return QStringLiteral("SELECT DISTINCT provider, upstream_model FROM usage_hourly WHERE hour >= ? AND hour < ?");
}

QString LedgerQuery::latencySql()
{
    return QStringLiteral("SELECT latency_ms, ttft_ms FROM requests WHERE upstream_model = ? AND provider = ? "
                          "AND started_at >= ? AND started_at < ? AND status BETWEEN 200 AND 399");
}

QString LedgerQuery::rangeSql()
{
    return QStringLiteral("SELECT %1 FROM requests WHERE started_at >= ? AND started_at < ? ORDER BY started_at, id")
        .arg(LedgerRow::columns());
}

QList<UsageRecord> LedgerQuery::latest(int limit, QString *error) const
{
    QList<UsageRecord> out;
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT %1 FROM requests ORDER BY started_at DESC, id DESC LIMIT ?").arg(LedgerRow::columns()));
    q.addBindValue(limit);
    if (!q.exec()) {
        failed(q, QStringLiteral("the latest requests"), error);
        return out;
    }
    while (q.next())
        out.append(LedgerRow::read(q));
    return out;
}

qint64 LedgerQuery::count(QString *error) const
{
    QSqlQuery q(m_db);
    if (!q.exec(QStringLiteral("SELECT COUNT(*) FROM requests")) || !q.next()) {
        failed(q, QStringLiteral("the number of requests"), error);
        return -1;
    }
    return q.value(0).toLongLong();
}

bool LedgerQuery::forEach(qint64 fromMs, qint64 toMs, const std::function<bool(const UsageRecord &)> &fn,
                          QString *error) const
{
    QSqlQuery q(m_db);
    q.setForwardOnly(true); // otherwise Qt keeps every row it has handed out
    q.prepare(rangeSql());
    q.addBindValue(fromMs);
    q.addBindValue(toMs);
    if (!q.exec())
        return failed(q, QStringLiteral("requests"), error);
    while (q.next()) {
        if (!fn(LedgerRow::read(q)))
            break;
    }
    if (q.lastError().isValid())
        return failed(q, QStringLiteral("requests"), error);
    return true;
}

QList<UsageBucket> LedgerQuery::usagePerDay(qint64 fromMs, qint64 toMs, LedgerDimension by, qint64 utcOffsetMs,
                                            QString *error) const
{
    return usage(fromMs, toMs, by, utcOffsetMs, error);
}

QList<UsageBucket> LedgerQuery::usageTotals(qint64 fromMs, qint64 toMs, LedgerDimension by, QString *error) const
{
    return usage(fromMs, toMs, by, std::nullopt, error);
}

QList<UsageBucket> LedgerQuery::usage(qint64 fromMs, qint64 toMs, LedgerDimension by, std::optional<qint64> utcOffsetMs,
                                      QString *error) const
{
    QList<UsageBucket> out;
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    q.prepare(usageSql(by, utcOffsetMs.has_value()));
    if (utcOffsetMs)
        q.addBindValue(*utcOffsetMs);
    q.addBindValue(firstHour(fromMs));
    q.addBindValue(endHour(toMs));
    if (!q.exec()) {
        failed(q, QStringLiteral("usage"), error);
        return out;
    }
    const int keys = by == LedgerDimension::Model ? 2 : 1;
    while (q.next()) {
        UsageBucket b;
        if (utcOffsetMs)
            b.dayStartMs = q.value(0).toLongLong() * kDayMs - *utcOffsetMs;
        switch (by) {
        case LedgerDimension::Model:
            b.provider = q.value(1).toString();
            b.model = q.value(2).toString();
            break;
        case LedgerDimension::Provider:
            b.provider = q.value(1).toString();
            break;
        case LedgerDimension::Client:
            b.client = q.value(1).toString();
            break;
        }
        int i = 1 + keys;
        UsageTotals &t = b.totals;
        t.requests = q.value(i++).toLongLong();
        t.errors = q.value(i++).toLongLong();
        t.cancelled = q.value(i++).toLongLong();
        t.unpriced = q.value(i++).toLongLong();
        t.inputTokens = q.value(i++).toLongLong();
        t.outputTokens = q.value(i++).toLongLong();
        t.cacheReadTokens = q.value(i++).toLongLong();
        t.cacheWriteTokens = q.value(i++).toLongLong();
        t.reasoningTokens = q.value(i++).toLongLong();
        t.costUsd = q.value(i++).toDouble();
        t.latencyMsTotal = q.value(i++).toLongLong();
        out.append(b);
    }
    return out;
}

QList<LatencyStats> LedgerQuery::latencyPerModel(qint64 fromMs, qint64 toMs, QString *error) const
{
    QList<LatencyStats> out;
    QSqlQuery models(m_db);
    models.setForwardOnly(true);
    models.prepare(modelsSql());
    models.addBindValue(firstHour(fromMs));
    models.addBindValue(endHour(toMs));
    if (!models.exec()) {
        failed(models, QStringLiteral("models"), error);
        return out;
    }
    QList<QPair<QString, QString>> pairs;
    while (models.next())
        pairs.append({models.value(0).toString(), models.value(1).toString()});
    std::sort(pairs.begin(), pairs.end());

    // One contiguous run of requests_model_started_at per model; times only, no strings per row.
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    q.prepare(latencySql());
    std::vector<qint64> latency;
    std::vector<qint64> ttft;
    for (const auto &[provider, model] : pairs) {
        q.bindValue(0, model);
        q.bindValue(1, provider);
        q.bindValue(2, fromMs);
        q.bindValue(3, toMs);
        if (!q.exec()) {
            failed(q, QStringLiteral("latency"), error);
            return {};
        }
        latency.clear();
        ttft.clear();
        while (q.next()) {
            latency.push_back(q.value(0).toLongLong());
            const QVariant t = q.value(1);
            if (!t.isNull())
                ttft.push_back(t.toLongLong());
        }
        if (latency.empty())
            continue;
        std::sort(latency.begin(), latency.end());
        std::sort(ttft.begin(), ttft.end());
        LatencyStats s;
        s.provider = provider;
        s.model = model;
        s.requests = static_cast<qint64>(latency.size());
        s.p50Ms = percentile(latency, 50);
        s.p95Ms = percentile(latency, 95);
        s.p99Ms = percentile(latency, 99);
        s.ttftP50Ms = percentile(ttft, 50);
        s.ttftP95Ms = percentile(ttft, 95);
        out.append(s);
    }
    return out;
}

QHash<QString, double> LedgerQuery::spendSince(qint64 fromMs, QString *error) const
{
    QHash<QString, double> out;
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("SELECT client, SUM(cost_usd) FROM requests WHERE started_at >= ? AND cost_usd IS NOT NULL GROUP BY client"));
    q.addBindValue(fromMs);
    if (!q.exec()) {
        if (error)
            *error = QStringLiteral("Could not read the spend so far: %1").arg(q.lastError().text());
        return out;
    }
    while (q.next())
        out.insert(q.value(0).toString(), q.value(1).toDouble());
    return out;
}

std::optional<RequestCapture> LedgerQuery::capture(const QString &requestId, QString *error) const
{
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    q.prepare(CaptureRow::selectByRequestIdStatement());
    q.addBindValue(requestId);
    if (!q.exec()) {
        failed(q, QStringLiteral("the request's headers and bodies"), error);
        return std::nullopt;
    }
    if (!q.next())
        return std::nullopt;
    return CaptureRow::read(q);
}

QHash<QString, double> LedgerQuery::spendPerClient(qint64 fromMs, qint64 toMs, QString *error) const
{
    QHash<QString, double> out;
    const auto add = [&](QSqlQuery &q, qint64 from, qint64 to) {
        q.bindValue(0, from);
        q.bindValue(1, to);
        if (!q.exec()) {
            if (error)
                *error = QStringLiteral("Could not read the spend per client: %1").arg(q.lastError().text());
            return false;
        }
        while (q.next())
            out[q.value(0).toString()] += q.value(1).toDouble();
        return true;
    };
    QSqlQuery calls(m_db);
    calls.setForwardOnly(true);
    calls.prepare(QStringLiteral("SELECT client, TOTAL(cost_usd) FROM requests WHERE started_at >= ? AND started_at < ? "
                                 "GROUP BY client"));
    QSqlQuery hours(m_db);
    hours.setForwardOnly(true);
    hours.prepare(QStringLiteral("SELECT client, TOTAL(cost_usd) FROM usage_hourly WHERE hour >= ? AND hour < ? "
                                 "GROUP BY client"));
    // The whole hours inside the range; less than an hour is left at either end.
    const qint64 wholeFrom = endHour(fromMs);
    const qint64 wholeTo = firstHour(toMs);
    bool ok = true;
    if (toMs <= fromMs)
        ok = true;
    else if (wholeFrom >= wholeTo)
        ok = add(calls, fromMs, toMs);
    else
        ok = (fromMs == wholeFrom * kHourMs || add(calls, fromMs, wholeFrom * kHourMs))
            && (toMs == wholeTo * kHourMs || add(calls, wholeTo * kHourMs, toMs)) && add(hours, wholeFrom, wholeTo);
    if (!ok)
        out.clear();
    return out;
}

} // namespace patchbay
