#include "database.h"
#include "ledgerquery.h"
#include "ledgerrow.h"
#include "ledgertestrows.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace patchbay;
using patchbay::test::ledgerRow;

namespace {

constexpr qint64 kHourMs = 3'600'000;
constexpr qint64 kDayMs = 86'400'000;
constexpr qint64 kDay0 = 19'000 * kDayMs; // a UTC midnight in 2022

UsageRecord call(const QString &id, qint64 at, const QString &provider, const QString &model, int status,
                 std::optional<double> cost, qint64 input = 10, qint64 output = 5, qint64 latency = 100)
{
    UsageRecord r;
    r.requestId = id;
    r.startedAtMs = at;
    r.client = QStringLiteral("cli");
    r.endpoint = QStringLiteral("/v1/chat/completions");
    r.provider = provider;
    r.upstreamModel = model;
    r.status = status;
    r.costUsd = cost;
    r.inputTokens = input;
    r.outputTokens = output;
    r.latencyMs = latency;
    return r;
}

QString plan(QSqlDatabase &db, const QString &sql, int binds)
{
    QSqlQuery q(db);
    if (!q.prepare(QStringLiteral("EXPLAIN QUERY PLAN ") + sql))
        return q.lastError().text();
    for (int i = 0; i < binds; ++i)
        q.bindValue(i, 1);
    if (!q.exec())
        return q.lastError().text();
    QStringList lines;
    while (q.next())
        lines.append(q.value(3).toString());
    return lines.join(QLatin1Char('\n'));
}

} // namespace

class TestLedgerQuery : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        QString error;
        m_db = Database::open(m_dir.filePath(QStringLiteral("q%1.db").arg(++m_count)), QStringLiteral("q"), &error);
        QVERIFY2(m_db.isOpen(), qPrintable(error));
    }

    void cleanup()
    {
        m_db = {};
        Database::close(QStringLiteral("q"));
    }

    void spendPerDayAndModel()
    {
        insert({call(QStringLiteral("a"), kDay0 + 1 * kHourMs, QStringLiteral("openai"), QStringLiteral("gpt-4o"), 200, 0.5),
                call(QStringLiteral("b"), kDay0 + 2 * kHourMs, QStringLiteral("openai"), QStringLiteral("gpt-4o"), 502, std::nullopt, -1, -1),
                call(QStringLiteral("c"), kDay0 + 3 * kHourMs, QStringLiteral("openai"), QStringLiteral("gpt-4o"), 499, 0.25),
                call(QStringLiteral("d"), kDay0 + 3 * kHourMs, QStringLiteral("groq"), QStringLiteral("gpt-4o"), 200, 0.0),
                call(QStringLiteral("e"), kDay0 + kDayMs + 5, QStringLiteral("openai"), QStringLiteral("gpt-4o"), 200, 1.0),
                call(QStringLiteral("outside"), kDay0 + 2 * kDayMs, QStringLiteral("openai"), QStringLiteral("gpt-4o"), 200, 9.0)});
        QString error;
        const QList<UsageBucket> days = LedgerQuery(m_db).usagePerDay(kDay0, kDay0 + 2 * kDayMs, LedgerDimension::Model, 0, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(days.size(), 3);
        // One model name, two providers: two rows.
        QCOMPARE(days.at(0).dayStartMs, kDay0);
        QCOMPARE(days.at(0).provider, QStringLiteral("groq"));
        QCOMPARE(days.at(0).totals.requests, 1);
        QCOMPARE(days.at(0).totals.unpriced, 0); // priced at 0 is priced
        const UsageTotals &t = days.at(1).totals;
        QCOMPARE(days.at(1).provider, QStringLiteral("openai"));
        QCOMPARE(days.at(1).model, QStringLiteral("gpt-4o"));
        QCOMPARE(t.requests, 3);
        QCOMPARE(t.errors, 1);
        QCOMPARE(t.cancelled, 1);
        QCOMPARE(t.unpriced, 1);
        QCOMPARE(t.costUsd, 0.75);
        QCOMPARE(t.inputTokens, 20); // the unknown counts add nothing
        QCOMPARE(t.outputTokens, 10);
        QCOMPARE(t.latencyMsTotal, 300);
        QCOMPARE(days.at(2).dayStartMs, kDay0 + kDayMs);
        QCOMPARE(days.at(2).totals.costUsd, 1.0);
    }

    void daysAreTheViewersDays()
    {
        // 23:30 UTC is already tomorrow two hours east of Greenwich.
        insert({call(QStringLiteral("late"), kDay0 + 23 * kHourMs + 1'800'000, QStringLiteral("p"), QStringLiteral("m"), 200, 1.0),
                call(QStringLiteral("early"), kDay0 + 1 * kHourMs, QStringLiteral("p"), QStringLiteral("m"), 200, 2.0)});
        const qint64 offset = 2 * kHourMs;
        const QList<UsageBucket> days = LedgerQuery(m_db).usagePerDay(kDay0 - offset, kDay0 + 2 * kDayMs, LedgerDimension::Provider, offset);
        QCOMPARE(days.size(), 2);
        QCOMPARE(days.at(0).dayStartMs, kDay0 - offset);
        QCOMPARE(days.at(0).totals.costUsd, 2.0);
        QCOMPARE(days.at(1).dayStartMs, kDay0 + kDayMs - offset);
        QCOMPARE(days.at(1).totals.costUsd, 1.0);
        QVERIFY(days.at(1).model.isEmpty());
    }

    void totalsPerProviderAndClientGiveErrorRates()
    {
        QList<UsageRecord> rows;
        for (int i = 0; i < 20; ++i)
            rows.append(ledgerRow(i, kDay0)); // every tenth call fails (502)
        insert(rows);
        const QList<UsageBucket> providers = LedgerQuery(m_db).usageTotals(kDay0, kDay0 + kDayMs, LedgerDimension::Provider);
        QCOMPARE(providers.size(), 2);
        QCOMPARE(providers.at(0).provider, QStringLiteral("anthropic"));
        QCOMPARE(providers.at(0).totals.requests, 5);
        QCOMPARE(providers.at(1).provider, QStringLiteral("openai"));
        QCOMPARE(providers.at(1).totals.requests, 15);
        QCOMPARE(providers.at(1).totals.errors, 2);
        QCOMPARE(providers.at(0).dayStartMs, 0);
        const QList<UsageBucket> clients = LedgerQuery(m_db).usageTotals(kDay0, kDay0 + kDayMs, LedgerDimension::Client);
        QCOMPARE(clients.size(), 3);
        QCOMPARE(clients.at(0).client, QStringLiteral("client-0"));
        QCOMPARE(clients.at(0).totals.requests, 7);
    }

    void latencyPercentilesPerModel()
    {
        QList<UsageRecord> rows;
        for (int i = 1; i <= 100; ++i) {
            UsageRecord r = call(QStringLiteral("ok%1").arg(i), kDay0 + i, QStringLiteral("p"), QStringLiteral("m"), 200, 1.0,
                                 1, 1, (i * 37) % 100 + 1); // 1..100, shuffled
            r.ttftMs = i % 2 == 0 ? i : -1;
            rows.append(r);
        }
        // Failures are fast and would flatter the model; calls outside the range don't count.
        rows.append(call(QStringLiteral("bad"), kDay0 + 5, QStringLiteral("p"), QStringLiteral("m"), 500, 1.0, 1, 1, 0));
        rows.append(call(QStringLiteral("old"), kDay0 - kDayMs, QStringLiteral("p"), QStringLiteral("m"), 200, 1.0, 1, 1, 100'000));
        rows.append(call(QStringLiteral("other"), kDay0 + 9, QStringLiteral("q"), QStringLiteral("n"), 200, 1.0, 1, 1, 7));
        insert(rows);
        QString error;
        const QList<LatencyStats> stats = LedgerQuery(m_db).latencyPerModel(kDay0, kDay0 + kDayMs, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(stats.size(), 2);
        QCOMPARE(stats.at(0).model, QStringLiteral("m"));
        QCOMPARE(stats.at(0).requests, 100);
        QCOMPARE(stats.at(0).p50Ms, 50);
        QCOMPARE(stats.at(0).p95Ms, 95);
        QCOMPARE(stats.at(0).p99Ms, 99);
        QCOMPARE(stats.at(0).ttftP50Ms, 50);
        QCOMPARE(stats.at(0).ttftP95Ms, 96);
        QCOMPARE(stats.at(1).provider, QStringLiteral("q"));
        QCOMPARE(stats.at(1).p50Ms, 7);
        QCOMPARE(stats.at(1).ttftP50Ms, -1);
    }

    void rollupStaysExactThroughRepricingAndDeletes()
    {
        QList<UsageRecord> rows;
        for (int i = 0; i < 500; ++i)
            rows.append(ledgerRow(i, kDay0 + i * 60'000)); // eight hours, two models, three clients
        insert(rows);
        QSqlQuery q(m_db);
        // What a repricer does: new costs (some unknown become known, some known become unknown)...
        QVERIFY(q.exec(QStringLiteral("UPDATE requests SET cost_usd = 0.01 * id, catalog_version = 'v2' WHERE id % 3 = 0")));
        QVERIFY(q.exec(QStringLiteral("UPDATE requests SET cost_usd = NULL WHERE id % 11 = 0")));
        QVERIFY(q.exec(QStringLiteral("UPDATE requests SET catalog_version = 'v3' WHERE id % 5 = 0"))); // sums unchanged
        // ...a corrected row, moved to another hour and model...
        QVERIFY(q.exec(QStringLiteral("UPDATE requests SET started_at = started_at + 7200000, upstream_model = 'fixed', status = 499 WHERE id = 43")));
        // ...and retention.
        QVERIFY(q.exec(QStringLiteral("DELETE FROM requests WHERE id % 7 = 0")));
        QVERIFY(q.exec(QStringLiteral("DELETE FROM requests WHERE started_at < %1").arg(kDay0 + kHourMs)));

        const QString fromRows = QStringLiteral(
            "SELECT started_at / 3600000, provider, upstream_model, client, COUNT(*), SUM(status >= 400 AND status <> 499), "
            "SUM(status = 499), SUM(cost_usd IS NULL), IFNULL(SUM(input_tokens), 0), IFNULL(SUM(output_tokens), 0), "
            "IFNULL(SUM(cache_read_tokens), 0), IFNULL(SUM(cache_write_tokens), 0), IFNULL(SUM(reasoning_tokens), 0), "
            "ROUND(TOTAL(cost_usd), 9), SUM(latency_ms) FROM requests GROUP BY 1, 2, 3, 4");
        const QString fromRollup = QStringLiteral(
            "SELECT hour, provider, upstream_model, client, requests, errors, cancelled, unpriced, input_tokens, output_tokens, "
            "cache_read_tokens, cache_write_tokens, reasoning_tokens, ROUND(cost_usd, 9), latency_ms FROM usage_hourly");
        for (const QString &sql : {QStringLiteral("SELECT COUNT(*) FROM (%1 EXCEPT %2)").arg(fromRows, fromRollup),
                                   QStringLiteral("SELECT COUNT(*) FROM (%2 EXCEPT %1)").arg(fromRows, fromRollup)}) {
            QVERIFY2(q.exec(sql) && q.next(), qPrintable(q.lastError().text()));
            QCOMPARE(q.value(0).toInt(), 0);
        }
        QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM usage_hourly WHERE upstream_model = 'fixed'")) && q.next());
        QCOMPARE(q.value(0).toInt(), 1);

        QVERIFY(q.exec(QStringLiteral("DELETE FROM requests")));
        QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM usage_hourly")) && q.next());
        QCOMPARE(q.value(0).toInt(), 0); // empty buckets go with their last row
    }

    void forEachStreamsTheRangeOldestFirst()
    {
        QList<UsageRecord> rows;
        for (int i = 0; i < 10; ++i)
            rows.append(ledgerRow(9 - i, kDay0)); // inserted newest first
        insert(rows);
        QList<UsageRecord> seen;
        QVERIFY(LedgerQuery(m_db).forEach(kDay0 + 2, kDay0 + 8, [&](const UsageRecord &r) {
            seen.append(r);
            return true;
        }));
        QCOMPARE(seen.size(), 6);
        for (int i = 0; i < 6; ++i)
            QCOMPARE(seen.at(i), ledgerRow(i + 2, kDay0));
        int calls = 0;
        QVERIFY(LedgerQuery(m_db).forEach(0, kDay0 + kDayMs, [&](const UsageRecord &) { return ++calls < 3; }));
        QCOMPARE(calls, 3);
    }

    void everyDashboardQueryUsesItsIndex()
    {
        for (const LedgerDimension by : {LedgerDimension::Model, LedgerDimension::Provider, LedgerDimension::Client}) {
            for (const bool perDay : {true, false}) {
                const QString p = plan(m_db, LedgerQuery::usageSql(by, perDay), perDay ? 3 : 2);
                QVERIFY2(p.contains(QStringLiteral("SEARCH usage_hourly USING PRIMARY KEY (hour>? AND hour<?)")), qPrintable(p));
                QVERIFY2(!p.contains(QStringLiteral("requests")), qPrintable(p));
            }
        }
        QString p = plan(m_db, LedgerQuery::modelsSql(), 2);
        QVERIFY2(p.contains(QStringLiteral("SEARCH usage_hourly USING PRIMARY KEY (hour>? AND hour<?)")), qPrintable(p));
        p = plan(m_db, LedgerQuery::latencySql(), 4);
        QVERIFY2(p.contains(QStringLiteral("SEARCH requests USING COVERING INDEX requests_model_started_at "
                                           "(upstream_model=? AND provider=? AND started_at>? AND started_at<?)")),
                 qPrintable(p));
        // Exports and retention walk the time index in order: no sort, no table scan.
        p = plan(m_db, LedgerQuery::rangeSql(), 2);
        QVERIFY2(p.contains(QStringLiteral("SEARCH requests USING INDEX requests_started_at (started_at>? AND started_at<?)")), qPrintable(p));
        QVERIFY2(!p.contains(QStringLiteral("TEMP B-TREE")), qPrintable(p));
        p = plan(m_db, QStringLiteral("DELETE FROM requests WHERE id IN (SELECT id FROM requests WHERE started_at < ? LIMIT ?)"), 2);
        QVERIFY2(p.contains(QStringLiteral("requests_started_at (started_at<?)")), qPrintable(p));
        QVERIFY2(!p.contains(QStringLiteral("SCAN requests")), qPrintable(p));
    }

private:
    void insert(const QList<UsageRecord> &rows)
    {
        QVERIFY(m_db.transaction());
        QSqlQuery q(m_db);
        QVERIFY(q.prepare(LedgerRow::insertStatement(LedgerRow::Conflict::Fail)));
        for (const UsageRecord &r : rows) {
            LedgerRow::bind(q, r);
            QVERIFY2(q.exec(), qPrintable(q.lastError().text()));
        }
        QVERIFY(m_db.commit());
    }

    QTemporaryDir m_dir;
    QSqlDatabase m_db;
    int m_count = 0;
};

QTEST_GUILESS_MAIN(TestLedgerQuery)
#include "tst_ledgerquery.moc"
