#include "dashboardsql.h"

#include "accesstokenstore.h"
#include "ledgerexport.h"
#include "ledgerjson.h"
#include "ledgerrow.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>
#include <QLocale>
#include <QSaveFile>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <algorithm>
#include <cmath>

namespace patchbay {

namespace {

constexpr qint64 kHourMs = 3'600'000;
constexpr qint64 kDayMs = 86'400'000;
// A fallback chain's attempts start within this long of its first attempt.
constexpr qint64 kChainWindowMs = 15 * 60'000;

void add(UsageTotals &to, const UsageTotals &t)
{
    to.requests += t.requests;
    to.errors += t.errors;
    to.cancelled += t.cancelled;
    to.unpriced += t.unpriced;
    to.inputTokens += t.inputTokens;
    to.outputTokens += t.outputTokens;
    to.cacheReadTokens += t.cacheReadTokens;
    to.cacheWriteTokens += t.cacheWriteTokens;
    to.reasoningTokens += t.reasoningTokens;
    to.costUsd += t.costUsd;
    to.latencyMsTotal += t.latencyMsTotal;
}

QString fail(const QSqlQuery &q, const QString &what)
{
    return QStringLiteral("Could not read %1 from the request ledger: %2").arg(what, q.lastError().text());
}

// Midnight of the local day holding ms, with the zone as a fixed offset.
QDate localDate(qint64 ms, qint64 utcOffsetMs)
{
    return QDateTime::fromMSecsSinceEpoch(ms + utcOffsetMs, Qt::UTC).date();
}

qint64 midnight(QDate date, qint64 utcOffsetMs)
{
    return QDateTime(date, QTime(0, 0), Qt::UTC).toMSecsSinceEpoch() - utcOffsetMs;
}

QString likePattern(const QString &text)
{
    QString escaped = text;
    escaped.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
    escaped.replace(QLatin1Char('%'), QStringLiteral("\\%"));
    escaped.replace(QLatin1Char('_'), QStringLiteral("\\_"));
    return QLatin1Char('%') + escaped + QLatin1Char('%');
}

void bindFilter(QSqlQuery &q, const RequestFilter &f)
{
    q.addBindValue(f.fromMs);
    q.addBindValue(f.toMs);
    if (!f.provider.isEmpty())
        q.addBindValue(f.provider);
    if (!f.model.isEmpty())
        q.addBindValue(f.model);
    if (!f.client.isEmpty())
        q.addBindValue(f.client);
    if (!f.text.isEmpty()) {
        const QString like = likePattern(f.text);
        for (int i = 0; i < 6; ++i)
            q.addBindValue(like);
    }
}

QByteArray csvValue(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Bool:
        return v.toBool() ? "true" : "false";
    case QJsonValue::Double: {
        const double d = v.toDouble();
        if (std::trunc(d) == d && std::fabs(d) < 9.0e15)
            return QByteArray::number(v.toInteger());
        return QByteArray::number(d, 'g', QLocale::FloatingPointShortest);
    }
    case QJsonValue::String:
        return LedgerExport::csvField(v.toString());
    default:
        return {};
    }
}

QStringList sortedKeys(const QSet<QString> &set)
{
    QStringList out(set.begin(), set.end());
    out.sort(Qt::CaseInsensitive);
    return out;
}

} // namespace

QList<UsageBucket> DashboardSql::dayRows(const QSqlDatabase &db, qint64 fromMs, qint64 toMs, qint64 utcOffsetMs,
                                         const UsageFilter &filter, QString *error)
{
    QString where;
    if (!filter.provider.isEmpty())
        where += QStringLiteral(" AND provider = ?");
    if (!filter.model.isEmpty())
        where += QStringLiteral(" AND upstream_model = ?");
    if (!filter.client.isEmpty())
        where += QStringLiteral(" AND client = ?");
    QSqlQuery q(db);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral(
                  "SELECT (hour * 3600000 + ?) / 86400000 AS day, provider, upstream_model, client, SUM(requests), "
                  "SUM(errors), SUM(cancelled), SUM(unpriced), SUM(input_tokens), SUM(output_tokens), "
                  "SUM(cache_read_tokens), SUM(cache_write_tokens), SUM(reasoning_tokens), TOTAL(cost_usd), "
                  "SUM(latency_ms) FROM usage_hourly WHERE hour >= ? AND hour < ?%1 "
                  "GROUP BY day, provider, upstream_model, client")
                  .arg(where));
    q.addBindValue(utcOffsetMs);
    // Local midnights fall on whole UTC hours, since the offset is whole hours.
    q.addBindValue(fromMs / kHourMs);
    q.addBindValue((toMs + kHourMs - 1) / kHourMs);
    if (!filter.provider.isEmpty())
        q.addBindValue(filter.provider);
    if (!filter.model.isEmpty())
        q.addBindValue(filter.model);
    if (!filter.client.isEmpty())
        q.addBindValue(filter.client);
    QList<UsageBucket> out;
    if (!q.exec()) {
        if (error)
            *error = fail(q, QStringLiteral("usage"));
        return out;
    }
    while (q.next()) {
        UsageBucket b;
        b.dayStartMs = q.value(0).toLongLong() * kDayMs - utcOffsetMs;
        b.provider = q.value(1).toString();
        b.model = q.value(2).toString();
        b.client = q.value(3).toString();
        UsageTotals &t = b.totals;
        t.requests = q.value(4).toLongLong();
        t.errors = q.value(5).toLongLong();
        t.cancelled = q.value(6).toLongLong();
        t.unpriced = q.value(7).toLongLong();
        t.inputTokens = q.value(8).toLongLong();
        t.outputTokens = q.value(9).toLongLong();
        t.cacheReadTokens = q.value(10).toLongLong();
        t.cacheWriteTokens = q.value(11).toLongLong();
        t.reasoningTokens = q.value(12).toLongLong();
        t.costUsd = q.value(13).toDouble();
        t.latencyMsTotal = q.value(14).toLongLong();
        out.append(b);
    }
    return out;
}

std::pair<qint64, qint64> DashboardSql::loadedSpan(const UsageQuery &q)
{
    const qint64 previousFrom = q.fromMs - (q.toMs - q.fromMs);
    const QDate today = localDate(q.nowMs, q.utcOffsetMs);
    const qint64 previousMonth = midnight(QDate(today.year(), today.month(), 1).addMonths(-1), q.utcOffsetMs);
    const qint64 tomorrow = midnight(today.addDays(1), q.utcOffsetMs);
    return {std::min(previousFrom, previousMonth), std::max(q.toMs, tomorrow)};
}

UsageSnapshot DashboardSql::summarize(const UsageQuery &q, const QList<UsageBucket> &rows)
{
    UsageSnapshot s;
    s.query = q;
    const qint64 previousFrom = q.fromMs - (q.toMs - q.fromMs);
    const QDate today = localDate(q.nowMs, q.utcOffsetMs);
    const qint64 todayStart = midnight(today, q.utcOffsetMs);
    const qint64 yesterdayStart = midnight(today.addDays(-1), q.utcOffsetMs);
    const QDate monthFirst(today.year(), today.month(), 1);
    const qint64 monthStart = midnight(monthFirst, q.utcOffsetMs);
    const qint64 monthEnd = midnight(monthFirst.addMonths(1), q.utcOffsetMs);
    const qint64 previousMonthStart = midnight(monthFirst.addMonths(-1), q.utcOffsetMs);
    // The same number of begun days into last month, capped at its length.
    const qint64 previousMonthToDateEnd
        = std::min(monthStart, previousMonthStart + (todayStart - monthStart) + kDayMs);
    s.monthElapsed = std::clamp(static_cast<double>(q.nowMs - monthStart) / static_cast<double>(monthEnd - monthStart),
                                0.0, 1.0);

    QHash<QPair<qint64, QString>, int> dayIndex;
    QHash<QString, int> keyIndex;
    QSet<QString> providers, models, clients;
    for (const UsageBucket &b : rows) {
        const qint64 day = b.dayStartMs;
        providers.insert(b.provider);
        models.insert(b.model);
        clients.insert(b.client);
        if (day >= q.fromMs && day < q.toMs) {
            add(s.current, b.totals);
            UsageBucket keyed;
            switch (q.by) {
            case LedgerDimension::Model:
                keyed.provider = b.provider;
                keyed.model = b.model;
                break;
            case LedgerDimension::Provider:
                keyed.provider = b.provider;
                break;
            case LedgerDimension::Client:
                keyed.client = b.client;
                break;
            }
            const QString key = bucketKey(keyed, q.by);
            auto k = keyIndex.find(key);
            if (k == keyIndex.end()) {
                k = keyIndex.insert(key, static_cast<int>(s.perKey.size()));
                s.perKey.append(keyed);
            }
            add(s.perKey[*k].totals, b.totals);
            auto d = dayIndex.find({day, key});
            if (d == dayIndex.end()) {
                d = dayIndex.insert({day, key}, static_cast<int>(s.perDay.size()));
                keyed.dayStartMs = day;
                s.perDay.append(keyed);
            }
            add(s.perDay[*d].totals, b.totals);
        } else if (day >= previousFrom && day < q.fromMs) {
            add(s.previous, b.totals);
        }
        if (day == todayStart)
            add(s.today, b.totals);
        else if (day == yesterdayStart)
            add(s.yesterday, b.totals);
        if (day >= monthStart && day < monthEnd)
            add(s.monthToDate, b.totals);
        else if (day >= previousMonthStart && day < monthStart) {
            add(s.previousMonth, b.totals);
            if (day < previousMonthToDateEnd)
                add(s.previousMonthToDate, b.totals);
        }
    }
    std::sort(s.perDay.begin(), s.perDay.end(), [&q](const UsageBucket &a, const UsageBucket &b) {
        return a.dayStartMs != b.dayStartMs ? a.dayStartMs < b.dayStartMs : bucketKey(a, q.by) < bucketKey(b, q.by);
    });
    // Biggest spender first: the chart's legend and the table start with what matters.
    std::sort(s.perKey.begin(), s.perKey.end(), [&q](const UsageBucket &a, const UsageBucket &b) {
        return a.totals.costUsd != b.totals.costUsd ? a.totals.costUsd > b.totals.costUsd
                                                    : bucketKey(a, q.by) < bucketKey(b, q.by);
    });
    s.providers = sortedKeys(providers);
    s.models = sortedKeys(models);
    s.clients = sortedKeys(clients);
    return s;
}

UsageSnapshot DashboardSql::usage(const QSqlDatabase &db, const UsageQuery &q, QString *error)
{
    QElapsedTimer timer;
    timer.start();
    const auto [from, to] = loadedSpan(q);
    UsageSnapshot s = summarize(q, dayRows(db, from, to, q.utcOffsetMs, q.filter, error));
    s.queryMs = static_cast<double>(timer.nsecsElapsed()) / 1e6;
    return s;
}

QList<UsageBudget> DashboardSql::budgets(const QSqlDatabase &db, const BudgetPeriods &periods,
                                         const OverallBudget &overall, QString *error)
{
    const QHash<QString, TokenPolicy> policies = AccessTokenStore(db).activePolicies(error);
    bool perDay = overall.usdPerDay.has_value();
    bool perMonth = overall.usdPerMonth.has_value();
    for (const TokenPolicy &p : policies) {
        perDay = perDay || p.usdPerDay;
        perMonth = perMonth || p.usdPerMonth;
    }
    // Only the periods some budget counts are read; with no budgets at all, nothing is.
    const LedgerQuery ledger(db);
    const QHash<QString, double> today
        = perDay ? ledger.spendPerClient(periods.dayStartMs, periods.dayEndMs, error) : QHash<QString, double>();
    const QHash<QString, double> month
        = perMonth ? ledger.spendPerClient(periods.monthStartMs, periods.monthEndMs, error) : QHash<QString, double>();
    const auto total = [](const QHash<QString, double> &spend) {
        double sum = 0;
        for (double usd : spend)
            sum += usd;
        return sum;
    };
    using Period = UsageBudget::Period;
    QList<UsageBudget> out;
    if (overall.usdPerDay)
        out.append({QString(), Period::Day, *overall.usdPerDay, total(today)});
    if (overall.usdPerMonth)
        out.append({QString(), Period::Month, *overall.usdPerMonth, total(month)});
    QStringList names = policies.keys();
    names.sort(Qt::CaseInsensitive);
    for (const QString &name : names) {
        const TokenPolicy p = policies.value(name);
        if (p.usdPerDay)
            out.append({name, Period::Day, *p.usdPerDay, today.value(name)});
        if (p.usdPerMonth)
            out.append({name, Period::Month, *p.usdPerMonth, month.value(name)});
    }
    return out;
}

QList<LatencyStats> DashboardSql::latency(const QSqlDatabase &db, const UsageQuery &q, QString *error)
{
    QList<LatencyStats> all = LedgerQuery(db).latencyPerModel(q.fromMs, std::min(q.toMs, q.nowMs + 1), error);
    all.removeIf([&q](const LatencyStats &s) {
        return (!q.filter.provider.isEmpty() && s.provider != q.filter.provider)
            || (!q.filter.model.isEmpty() && s.model != q.filter.model);
    });
    return all;
}

QString DashboardSql::requestsSql(const RequestFilter &f, bool afterCursor, bool countOnly)
{
    QString where = QStringLiteral("started_at >= ? AND started_at < ?");
    // For pages, "+" keeps SQLite off requests_model_started_at: its provider column sits between
    // model and time, so it would sort every call of the model (175 ms on 1M rows) where walking
    // the time index newest first finds a page in a few ms. A count wants that index.
    const QString plus = countOnly ? QString() : QStringLiteral("+");
    if (!f.provider.isEmpty())
        where += QStringLiteral(" AND %1provider = ?").arg(plus);
    if (!f.model.isEmpty())
        where += QStringLiteral(" AND %1upstream_model = ?").arg(plus);
    if (!f.client.isEmpty())
        where += QStringLiteral(" AND client = ?");
    switch (f.status) {
    case RequestFilter::Status::Any:
        break;
    case RequestFilter::Status::Success:
        where += QStringLiteral(" AND status BETWEEN 200 AND 399");
        break;
    case RequestFilter::Status::Errors:
        where += QStringLiteral(" AND status >= 400 AND status <> 499");
        break;
    case RequestFilter::Status::Cancelled:
        where += QStringLiteral(" AND status = 499");
        break;
    }
    if (!f.text.isEmpty()) {
        const QString like = QStringLiteral(" LIKE ? ESCAPE '\\'");
        where += QStringLiteral(" AND (request_id%1 OR requested_model%1 OR upstream_model%1 OR client%1 OR endpoint%1 "
                                "OR error%1)")
                     .arg(like);
    }
    if (countOnly)
        return QStringLiteral("SELECT COUNT(*) FROM requests WHERE ") + where;
    // The caller lowers the range's end to the cursor's millisecond, so the index range starts
    // there (a second upper bound would be ignored by the planner); this breaks ties within it.
    if (afterCursor)
        where += QStringLiteral(" AND (started_at < ? OR id < ?)");
    return QStringLiteral("SELECT id, %1 FROM requests WHERE %2 ORDER BY started_at DESC, id DESC LIMIT ?")
        .arg(LedgerRow::columns(), where);
}

RequestPage DashboardSql::requests(const QSqlDatabase &db, const RequestFilter &filter, const RequestCursor &after,
                                   int limit)
{
    QElapsedTimer timer;
    timer.start();
    RequestPage page;
    const bool afterCursor = after.startedAtMs != RequestCursor().startedAtMs;
    QSqlQuery q(db);
    q.setForwardOnly(true);
    q.prepare(requestsSql(filter, afterCursor, false));
    RequestFilter bounded = filter;
    if (afterCursor)
        bounded.toMs = std::min(filter.toMs, after.startedAtMs + 1);
    bindFilter(q, bounded);
    if (afterCursor) {
        q.addBindValue(after.startedAtMs);
        q.addBindValue(after.id);
    }
    q.addBindValue(limit);
    if (!q.exec()) {
        page.error = fail(q, QStringLiteral("requests"));
        page.atEnd = true;
        return page;
    }
    while (q.next())
        page.rows.append({q.value(0).toLongLong(), LedgerRow::read(q, 1)});
    page.atEnd = page.rows.size() < limit;
    page.queryMs = static_cast<double>(timer.nsecsElapsed()) / 1e6;
    return page;
}

qint64 DashboardSql::countRequests(const QSqlDatabase &db, const RequestFilter &filter, QString *error)
{
    QSqlQuery q(db);
    q.setForwardOnly(true);
    q.prepare(requestsSql(filter, false, true));
    bindFilter(q, filter);
    if (!q.exec() || !q.next()) {
        if (error)
            *error = fail(q, QStringLiteral("the number of requests"));
        return -1;
    }
    return q.value(0).toLongLong();
}

RequestDetail DashboardSql::detail(const QSqlDatabase &db, const QString &requestId)
{
    RequestDetail d;
    d.requestId = requestId;
    QSqlQuery one(db);
    one.prepare(QStringLiteral("SELECT %1 FROM requests WHERE request_id = ?").arg(LedgerRow::columns()));
    // Up the chain through retry_of (request_id is unique, so each step is one index lookup).
    UsageRecord root;
    QString id = requestId;
    for (int depth = 0; depth < 32 && !id.isEmpty(); ++depth) {
        one.bindValue(0, id);
        if (!one.exec()) {
            d.error = fail(one, QStringLiteral("the request"));
            return d;
        }
        if (!one.next())
            break;
        root = LedgerRow::read(one);
        id = root.retryOf;
    }
    if (root.requestId.isEmpty()) {
        d.error = QStringLiteral("The request %1 is no longer in the ledger.").arg(requestId);
        return d;
    }
    // Down the chain: retry_of has no index, so read the retries that started soon after the
    // first attempt and follow the links here.
    QSqlQuery later(db);
    later.setForwardOnly(true);
    later.prepare(QStringLiteral("SELECT %1 FROM requests WHERE started_at >= ? AND started_at < ? AND retry_of <> '' "
                                 "ORDER BY started_at, id")
                      .arg(LedgerRow::columns()));
    later.addBindValue(root.startedAtMs);
    later.addBindValue(root.startedAtMs + kChainWindowMs);
    if (!later.exec()) {
        d.error = fail(later, QStringLiteral("the attempts"));
        return d;
    }
    QSet<QString> members{root.requestId};
    d.chain.append(root);
    while (later.next()) {
        UsageRecord r = LedgerRow::read(later);
        if (members.contains(r.retryOf) && !members.contains(r.requestId)) {
            members.insert(r.requestId);
            d.chain.append(r);
        }
    }
    // Headers and bodies: the row by its request id, then its capture by that row, on this worker too.
    d.capture = LedgerQuery(db).capture(requestId, &d.captureError);
    return d;
}

qint64 DashboardSql::exportCsv(const QSqlDatabase &db, const RequestFilter &filter, const QString &path,
                               QString *error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        *error = QStringLiteral("Could not write %1: %2. Choose another folder.").arg(path, file.errorString());
        return -1;
    }
    QSqlQuery q(db);
    q.setForwardOnly(true);
    q.prepare(requestsSql(filter, false, false));
    bindFilter(q, filter);
    q.addBindValue(-1); // LIMIT -1: no limit
    if (!q.exec()) {
        *error = fail(q, QStringLiteral("requests"));
        return -1;
    }
    // The fields and value forms of LedgerExport's CSV (ISO times beside epoch ms), so both
    // exports open the same way in a spreadsheet.
    const QStringList fields = LedgerJson::fieldNames();
    QByteArray line = fields.join(QLatin1Char(',')).toUtf8() + "\r\n";
    file.write(line);
    qint64 rows = 0;
    while (q.next()) {
        const QJsonObject o = LedgerJson::toJson(LedgerRow::read(q, 1));
        line.clear();
        for (qsizetype i = 0; i < fields.size(); ++i) {
            if (i > 0)
                line += ',';
            line += csvValue(o.value(fields.at(i)));
        }
        line += "\r\n";
        file.write(line);
        ++rows;
    }
    if (!file.commit()) {
        *error = QStringLiteral("Could not write %1: %2. Check the free space.").arg(path, file.errorString());
        return -1;
    }
    return rows;
}

} // namespace patchbay
