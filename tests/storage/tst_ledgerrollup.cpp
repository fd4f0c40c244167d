// The writer inserts its rows with the connection's triggers off and keeps usage_hourly itself,
// a bucket at a time (LedgerRollup). These tests hold it to what requests_rollup_insert
// computes, bit for bit, and check that every other writer still goes through the trigger.

#include "database.h"
#include "ledgerrow.h"
#include "ledgerspill.h"
#include "ledgertestrows.h"
#include "usageledger.h"

#include <QFileInfo>
#include <QSignalSpy>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <limits>

using namespace patchbay;
using patchbay::test::ledgerRow;
using patchbay::test::rowCount;
using patchbay::test::scalar;

namespace {

constexpr qint64 kStartMs = 1'700'000'000'000;

// Rows over a few hours, providers, models and clients, with failures (502, 404), cancelled
// calls (499), unknown prices and token counts, and values SQLite treats in its own way.
UsageRecord rollupRow(int i, const QString &idPrefix = QStringLiteral("req"))
{
    UsageRecord r = ledgerRow(i, kStartMs + qint64(i) * 2 * 60'000); // two or three rows a bucket an hour
    r.requestId = QStringLiteral("%1_%2").arg(idPrefix).arg(i);
    if (i % 11 == 4)
        r.status = 499;
    if (i % 13 == 6)
        r.status = 404;
    if (i % 17 == 8)
        r.costUsd = std::numeric_limits<double>::quiet_NaN(); // stored as NULL: unpriced
    if (i % 19 == 5)
        r.client = QString(); // null and empty are one client to SQLite
    if (i % 19 == 7)
        r.client = QStringLiteral("");
    if (i == 30)
        r.startedAtMs = -1; // hour 0: SQLite's division truncates toward zero
    if (i == 31)
        r.startedAtMs = -3'600'001; // hour -1, where flooring would give -2
    return r;
}

QList<UsageRecord> rollupRows(int from, int to, const QString &idPrefix = QStringLiteral("req"))
{
    QList<UsageRecord> rows;
    for (int i = from; i < to; ++i)
        rows.append(rollupRow(i, idPrefix));
    return rows;
}

// Each value as text, doubles with all 17 digits, so two tables compare exactly.
QStringList table(const QString &path, const QString &sql)
{
    const QString name = QStringLiteral("table-%1").arg(QDateTime::currentMSecsSinceEpoch());
    QStringList out;
    {
        QString error;
        QSqlDatabase db = Database::open(path, name, &error);
        QSqlQuery q(db);
        if (!q.exec(sql))
            out.append(QStringLiteral("error: ") + q.lastError().text());
        while (q.next()) {
            QStringList values;
            for (int c = 0; c < q.record().count(); ++c) {
                const QVariant v = q.value(c);
                values.append(v.typeId() == QMetaType::Double ? QString::number(v.toDouble(), 'g', 17) : v.toString());
            }
            out.append(values.join(QLatin1Char('|')));
        }
    }
    Database::close(name);
    return out;
}

QStringList usageHourly(const QString &path)
{
    return table(path, QStringLiteral("SELECT * FROM usage_hourly ORDER BY hour, provider, upstream_model, client"));
}

// What usage_hourly must hold, from the requests themselves (costs rounded: a sum's last bits
// depend on the order it adds in).
QStringList expectedFromRequests(const QString &path)
{
    return table(path, QStringLiteral(
        "SELECT started_at / 3600000, provider, upstream_model, client, COUNT(*), SUM(status >= 400 AND status <> 499), "
        "SUM(status = 499), SUM(cost_usd IS NULL), IFNULL(SUM(input_tokens), 0), IFNULL(SUM(output_tokens), 0), "
        "IFNULL(SUM(cache_read_tokens), 0), IFNULL(SUM(cache_write_tokens), 0), IFNULL(SUM(reasoning_tokens), 0), "
        "SUM(latency_ms), ROUND(TOTAL(cost_usd), 9) FROM requests GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4"));
}

QStringList rollupOf(const QString &path)
{
    return table(path, QStringLiteral(
        "SELECT hour, provider, upstream_model, client, requests, errors, cancelled, unpriced, input_tokens, output_tokens, "
        "cache_read_tokens, cache_write_tokens, reasoning_tokens, latency_ms, ROUND(cost_usd, 9) FROM usage_hourly "
        "ORDER BY 1, 2, 3, 4"));
}

bool exec(const QString &path, const QStringList &statements)
{
    const QString name = QStringLiteral("exec-%1").arg(QDateTime::currentMSecsSinceEpoch());
    bool ok = true;
    {
        QString error;
        QSqlDatabase db = Database::open(path, name, &error);
        QSqlQuery q(db);
        for (const QString &sql : statements) {
            if (!q.exec(sql)) {
                qWarning() << sql << q.lastError().text();
                ok = false;
            }
        }
    }
    Database::close(name);
    return ok;
}

// The rows as any other program writes them: one INSERT each on a connection of its own, so
// requests_rollup_insert adds each to usage_hourly.
bool insertDirectly(const QString &path, const QList<UsageRecord> &rows)
{
    const QString name = QStringLiteral("direct-%1").arg(QDateTime::currentMSecsSinceEpoch());
    bool ok = true;
    {
        QString error;
        QSqlDatabase db = Database::open(path, name, &error);
        QSqlQuery q(db);
        ok = db.isOpen() && q.prepare(LedgerRow::insertStatement(LedgerRow::Conflict::Ignore));
        for (const UsageRecord &r : rows) {
            LedgerRow::bind(q, r);
            ok = ok && q.exec();
        }
    }
    Database::close(name);
    return ok;
}

// Appended before start(), the rows go in as one transaction: the writer's chunks and its
// single rows both, and one rollup for all.
bool writeOneBatch(const QString &path, const QList<UsageRecord> &rows, qsizetype *recorded = nullptr)
{
    UsageLedger ledger(path);
    QSignalSpy spy(&ledger, &UsageLedger::recorded);
    for (const UsageRecord &r : rows)
        ledger.append(r);
    QString error;
    if (!ledger.start(&error)) {
        qWarning() << error;
        return false;
    }
    ledger.flush();
    ledger.stop();
    if (recorded)
        *recorded = spy.size();
    return true;
}

} // namespace

class TestLedgerRollup : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void aBatchAddsWhatTheTriggerWould()
    {
        QTemporaryDir dir;
        const QString ledger = dir.filePath(QStringLiteral("ledger.db"));
        const QString direct = dir.filePath(QStringLiteral("direct.db"));
        // 100 rows: six chunks of 16 and four single rows, in a dozen buckets.
        const QList<UsageRecord> first = rollupRows(0, 100);
        // The same buckets again, onto what they hold, and rows that must not count: a request
        // id already in the database (in a chunk, and among the single rows at the end), and
        // one taken earlier in this batch.
        QList<UsageRecord> second = rollupRows(0, 70, QStringLiteral("again"));
        UsageRecord taken = rollupRow(40);
        taken.status = 502;
        taken.costUsd = 1000;
        taken.inputTokens = 1'000'000;
        second[5] = taken;
        second[66] = taken;
        second[20] = second.at(18);
        second[20].latencyMs = 999'999;

        qsizetype recorded = 0;
        QVERIFY(writeOneBatch(ledger, first, &recorded));
        QCOMPARE(recorded, first.size());
        QVERIFY(writeOneBatch(ledger, second, &recorded));
        QCOMPARE(recorded, second.size() - 3);
        QVERIFY(insertDirectly(direct, first + second));

        QCOMPARE(rowCount(ledger), first.size() + second.size() - 3);
        QCOMPARE(usageHourly(ledger), usageHourly(direct)); // every column, costs to the last bit
        QCOMPARE(rollupOf(ledger), expectedFromRequests(ledger));
        QVERIFY(usageHourly(ledger).size() > 10);
        // What makes the rows special is in the sums, not left out of them.
        QCOMPARE(scalar(ledger, QStringLiteral("SELECT SUM(cancelled) > 0 AND SUM(errors) > 0 AND SUM(unpriced) > 0 FROM usage_hourly")), 1);
        QCOMPARE(scalar(ledger, QStringLiteral("SELECT COUNT(*) FROM usage_hourly WHERE hour < 0")), 1);
        QCOMPARE(scalar(ledger, QStringLiteral("SELECT COUNT(*) FROM usage_hourly WHERE hour = 0")), 1);
        QCOMPARE(scalar(ledger, QStringLiteral("SELECT SUM(requests) FROM usage_hourly WHERE client = ''")),
                 scalar(ledger, QStringLiteral("SELECT COUNT(*) FROM requests WHERE client = ''")));
    }

    void theWritersRowsBypassTheTrigger()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("patchbay.db"));
        // requests_rollup_insert made to leave a mark instead of summing: the writer's rows must
        // leave none (it sums them itself); every other insert still runs it.
        QVERIFY(exec(path, {QStringLiteral("CREATE TABLE marks (request_id TEXT)"),
                            QStringLiteral("DROP TRIGGER requests_rollup_insert"),
                            QStringLiteral("CREATE TRIGGER requests_rollup_insert AFTER INSERT ON requests BEGIN "
                                           "INSERT INTO marks VALUES (NEW.request_id); END")}));
        QVERIFY(writeOneBatch(path, rollupRows(0, 40)));
        QCOMPARE(scalar(path, QStringLiteral("SELECT COUNT(*) FROM marks")), 0);
        QCOMPARE(scalar(path, QStringLiteral("SELECT SUM(requests) FROM usage_hourly")), 40);
        QCOMPARE(rollupOf(path), expectedFromRequests(path));

        QVERIFY(insertDirectly(path, {rollupRow(100)}));
        QCOMPARE(scalar(path, QStringLiteral("SELECT COUNT(*) FROM marks WHERE request_id = 'req_100'")), 1);

        // The writer's own connection, for anything but its inserts, has them too.
        UsageLedger ledger(path);
        QString error;
        QVERIFY2(ledger.start(&error), qPrintable(error));
        ledger.append(rollupRow(101));
        ledger.flush();
        bool inserted = false;
        ledger.runOnWriterConnection([&](QSqlDatabase &db) {
            QSqlQuery q(db);
            q.prepare(LedgerRow::insertStatement(LedgerRow::Conflict::Fail));
            LedgerRow::bind(q, rollupRow(102));
            inserted = q.exec();
        });
        QVERIFY(inserted);
        ledger.append(rollupRow(103));
        ledger.stop();
        QCOMPARE(table(path, QStringLiteral("SELECT request_id FROM marks ORDER BY 1")),
                 (QStringList{QStringLiteral("req_100"), QStringLiteral("req_102")}));
    }

    void anyOtherInsertStillRollsUp()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("patchbay.db"));
        UsageLedger ledger(path);
        QString error;
        QVERIFY2(ledger.start(&error), qPrintable(error));
        for (const UsageRecord &r : rollupRows(0, 50))
            ledger.append(r);
        ledger.flush();
        // While the writer's connection has its triggers off, another connection's do run.
        QVERIFY(insertDirectly(path, rollupRows(50, 60)));
        for (const UsageRecord &r : rollupRows(60, 90))
            ledger.append(r);
        ledger.flush();
        QVERIFY(insertDirectly(path, rollupRows(90, 95)));
        QCOMPARE(scalar(path, QStringLiteral("SELECT SUM(requests) FROM usage_hourly")), 95);
        QCOMPARE(rollupOf(path), expectedFromRequests(path));
    }

    void aFailedBatchLeavesTheTriggersOn()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("patchbay.db"));
        UsageLedger ledger(path);
        ledger.setBusyTimeoutMs(50);
        ledger.setRetryBackoff(20, 200);
        QString error;
        QVERIFY2(ledger.start(&error), qPrintable(error));
        QSignalSpy failed(&ledger, &UsageLedger::writeFailed);
        QSignalSpy recovered(&ledger, &UsageLedger::writeRecovered);
        for (const UsageRecord &r : rollupRows(0, 20))
            ledger.append(r);
        ledger.flush();
        // No room for another page: the next batch fails part-way and rolls back.
        ledger.runOnWriterConnection([](QSqlDatabase &db) {
            QSqlQuery q(db);
            q.exec(QStringLiteral("PRAGMA page_count"));
            q.next();
            q.exec(QStringLiteral("PRAGMA max_page_count=%1").arg(q.value(0).toLongLong()));
        });
        for (const UsageRecord &r : rollupRows(20, 400))
            ledger.append(r);
        QTRY_COMPARE(failed.size(), 1);
        QVERIFY(rowCount(path) < 400); // a first small batch may have fitted
        // Another connection, and the writer's own (for what is not its inserts), roll up.
        const qint64 before = scalar(path, QStringLiteral("SELECT SUM(requests) FROM usage_hourly"));
        QVERIFY(insertDirectly(path, {rollupRow(1000)}));
        QCOMPARE(scalar(path, QStringLiteral("SELECT SUM(requests) FROM usage_hourly")), before + 1);
        qint64 added = -1;
        ledger.runOnWriterConnection([&](QSqlDatabase &db) {
            // On the ledger thread: no retry runs in between.
            QSqlQuery q(db);
            const auto sum = [&q] {
                return q.exec(QStringLiteral("SELECT SUM(requests) FROM usage_hourly")) && q.next() ? q.value(0).toLongLong() : -1;
            };
            q.exec(QStringLiteral("PRAGMA max_page_count=1000000"));
            const qint64 was = sum();
            q.prepare(LedgerRow::insertStatement(LedgerRow::Conflict::Fail));
            LedgerRow::bind(q, rollupRow(1001));
            if (q.exec())
                added = sum() - was;
        });
        QCOMPARE(added, 1);
        QTRY_COMPARE(recovered.size(), 1);
        ledger.flush();
        QCOMPARE(rowCount(path), 402);
        QCOMPARE(rollupOf(path), expectedFromRequests(path));
    }

    void aTriggerOfAnyoneElseRunsForTheWritersRows()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("patchbay.db"));
        const QString audit = QStringLiteral("CREATE TRIGGER requests_audit AFTER INSERT ON requests BEGIN "
                                             "INSERT INTO audit VALUES (NEW.request_id); END");
        QVERIFY(exec(path, {QStringLiteral("CREATE TABLE audit (request_id TEXT)")}));
        UsageLedger ledger(path);
        QString error;
        QVERIFY2(ledger.start(&error), qPrintable(error));
        const auto write = [&ledger](int from, int to) {
            for (const UsageRecord &r : rollupRows(from, to))
                ledger.append(r);
            ledger.flush();
        };
        write(0, 40);
        // Added while the writer runs: it notices, and leaves the triggers on for its rows.
        QVERIFY(exec(path, {audit}));
        write(40, 80);
        // Gone again: it sums the rollup itself again.
        QVERIFY(exec(path, {QStringLiteral("DROP TRIGGER requests_audit")}));
        write(80, 100);
        ledger.stop();
        QCOMPARE(scalar(path, QStringLiteral("SELECT COUNT(*) FROM audit")), 40);
        QCOMPARE(scalar(path, QStringLiteral("SELECT COUNT(*) FROM audit WHERE request_id IN ('req_40', 'req_79')")), 2);
        // There when the writer opens the database.
        QVERIFY(exec(path, {audit}));
        QVERIFY(writeOneBatch(path, rollupRows(100, 130)));
        QCOMPARE(scalar(path, QStringLiteral("SELECT COUNT(*) FROM audit")), 70);
        QCOMPARE(scalar(path, QStringLiteral("SELECT SUM(requests) FROM usage_hourly")), 130);
        QCOMPARE(rollupOf(path), expectedFromRequests(path));
    }

    void costsAddUpInTheTriggersOrder()
    {
        QTemporaryDir dir;
        const QString ledger = dir.filePath(QStringLiteral("ledger.db"));
        const QString direct = dir.filePath(QStringLiteral("direct.db"));
        // One bucket. Added one by one onto 1.0, as the trigger adds, each tiny cost is lost to
        // rounding; summed first, they would not be. Floating-point sums depend on their order.
        const auto batch = [](const QString &prefix, int rows, double firstCost) {
            QList<UsageRecord> out;
            for (int i = 0; i < rows; ++i) {
                UsageRecord r = ledgerRow(4, kStartMs);
                r.requestId = QStringLiteral("%1_%2").arg(prefix).arg(i);
                r.costUsd = i == 0 ? firstCost : 0.6e-16;
                out.append(r);
            }
            return out;
        };
        const QList<UsageRecord> first = batch(QStringLiteral("a"), 20, 1.0);
        const QList<UsageRecord> second = batch(QStringLiteral("b"), 20, 0.6e-16);
        QVERIFY(writeOneBatch(ledger, first));
        QVERIFY(writeOneBatch(ledger, second));
        QVERIFY(insertDirectly(direct, first + second));
        QCOMPARE(usageHourly(ledger), usageHourly(direct));
        QCOMPARE(usageHourly(ledger).size(), 1);
    }

    void retentionTakesRowsOutOfTheRollupAfterABatch()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("patchbay.db"));
        UsageLedger ledger(path);
        QString error;
        QVERIFY2(ledger.start(&error), qPrintable(error));
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        for (int i = 0; i < 40; ++i)
            ledger.append(ledgerRow(i, i < 25 ? now - 40 * 86'400'000LL : now - 1000));
        ledger.flush();
        QCOMPARE(scalar(path, QStringLiteral("SELECT SUM(requests) FROM usage_hourly")), 40);
        // The writer's connection had its triggers off for that batch; deleting needs them.
        ledger.setRetentionDays(30);
        ledger.flush();
        ledger.stop();
        QCOMPARE(rowCount(path), 15);
        QCOMPARE(scalar(path, QStringLiteral("SELECT SUM(requests) FROM usage_hourly")), 15);
        QCOMPARE(rollupOf(path), expectedFromRequests(path));
    }

    void theSpillImportRollsUpToo()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("patchbay.db"));
        const QString spill = dir.filePath(QStringLiteral("ledger-spill.jsonl"));
        QVERIFY(writeOneBatch(path, rollupRows(0, 30)));
        QString error;
        // Rows from an earlier run's spill file, one of them already in the database.
        QVERIFY2(LedgerSpill(spill).append(rollupRows(29, 60), &error), qPrintable(error));
        QVERIFY(writeOneBatch(path, rollupRows(60, 90)));
        QCOMPARE(rowCount(path), 90);
        QCOMPARE(scalar(path, QStringLiteral("SELECT SUM(requests) FROM usage_hourly")), 90);
        QCOMPARE(rollupOf(path), expectedFromRequests(path));
    }

    void rowsSpilledDuringAnOutageRollUpWhenTheyComeBack()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("patchbay.db"));
        UsageLedger ledger(path);
        ledger.setBusyTimeoutMs(50);
        ledger.setRetryBackoff(20, 200);
        ledger.setQueueLimit(5);
        QString error;
        QVERIFY2(ledger.start(&error), qPrintable(error));
        QSignalSpy recovered(&ledger, &UsageLedger::writeRecovered);
        QSignalSpy imported(&ledger, &UsageLedger::spillImported);
        for (const UsageRecord &r : rollupRows(0, 20))
            ledger.append(r);
        ledger.flush();
        const auto maxPages = [&ledger](bool room) {
            ledger.runOnWriterConnection([room](QSqlDatabase &db) {
                QSqlQuery q(db);
                q.exec(QStringLiteral("PRAGMA page_count"));
                q.next();
                q.exec(QStringLiteral("PRAGMA max_page_count=%1").arg(room ? 1'000'000 : q.value(0).toLongLong()));
            });
        };
        maxPages(false);
        // Past the queue's bound: to the spill file, imported once the database takes rows again,
        // right after the writer's first batch since (with its triggers off).
        for (const UsageRecord &r : rollupRows(20, 400))
            ledger.append(r);
        QTRY_VERIFY(QFileInfo::exists(dir.filePath(QStringLiteral("ledger-spill.jsonl"))));
        ledger.append(rollupRow(400));
        ledger.append(rollupRow(401));
        maxPages(true);
        QTRY_COMPARE(recovered.size(), 1);
        QTRY_COMPARE(imported.size(), 1);
        ledger.flush();
        ledger.stop();
        QCOMPARE(rowCount(path), 402);
        QCOMPARE(scalar(path, QStringLiteral("SELECT SUM(requests) FROM usage_hourly")), 402);
        QCOMPARE(rollupOf(path), expectedFromRequests(path));
    }
};

QTEST_GUILESS_MAIN(TestLedgerRollup)
#include "tst_ledgerrollup.moc"
