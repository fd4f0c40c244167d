#include "database.h"
#include "ledgerquery.h"
#include "usageledger.h"

#include <QSignalSpy>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThreadPool>

using namespace patchbay;

namespace {

UsageRecord makeRecord(int i)
{
    UsageRecord r;
    r.requestId = QStringLiteral("req_%1").arg(i);
    r.startedAtMs = 1'700'000'000'000 + i;
    r.client = QStringLiteral("client-%1").arg(i % 3);
    r.endpoint = QStringLiteral("/v1/chat/completions");
    r.provider = QStringLiteral("fake");
    r.requestedModel = QStringLiteral("fake/m");
    r.upstreamModel = QStringLiteral("m");
    r.stream = i % 2 == 0;
    r.status = 200;
    r.inputTokens = i;
    r.outputTokens = i % 5 == 0 ? -1 : 2 * i;
    r.latencyMs = 10 + i;
    r.ttfbMs = i % 7 == 0 ? -1 : 5;
    return r;
}

} // namespace

class TestUsageLedger : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void rowsFromManyThreadsArriveWholeAndOnce()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("patchbay.db"));
        QString error;
        UsageLedger ledger(path);
        QVERIFY2(ledger.start(&error), qPrintable(error));
        QSignalSpy recorded(&ledger, &UsageLedger::recorded);
        QThreadPool pool;
        pool.setMaxThreadCount(4);
        for (int t = 0; t < 4; ++t) {
            pool.start([&ledger, t] {
                for (int i = 0; i < 250; ++i)
                    ledger.append(makeRecord(t * 250 + i));
            });
        }
        pool.waitForDone();
        ledger.flush();
        QCOMPARE(ledger.pendingCount(), 0);
        QTRY_COMPARE(recorded.size(), 1000);

        QSqlDatabase db = Database::open(path, QStringLiteral("reader"), &error);
        LedgerQuery query(db);
        QCOMPARE(query.count(), 1000);
        const QList<UsageRecord> latest = query.latest(1000);
        QCOMPARE(latest.size(), 1000);
        QCOMPARE(latest.first(), makeRecord(999)); // every field, including the missing ones, survives
        QCOMPARE(latest.last(), makeRecord(0));
        db = {};
        Database::close(QStringLiteral("reader"));
    }

    void cleanShutdownWritesTheQueue()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("patchbay.db"));
        QString error;
        {
            UsageLedger ledger(path);
            QVERIFY(ledger.start(&error));
            for (int i = 0; i < 100; ++i)
                ledger.append(makeRecord(i));
        } // destructor: stop() flushes
        QSqlDatabase db = Database::open(path, QStringLiteral("reader2"), &error);
        QCOMPARE(LedgerQuery(db).count(), 100);
        db = {};
        Database::close(QStringLiteral("reader2"));
    }

    void lockedDatabaseKeepsRowsUntilItIsBack()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("patchbay.db"));
        QString error;
        UsageLedger ledger(path);
        QVERIFY(ledger.start(&error));
        QSignalSpy failed(&ledger, &UsageLedger::writeFailed);
        QSignalSpy recovered(&ledger, &UsageLedger::writeRecovered);

        QSqlDatabase locker = Database::open(path, QStringLiteral("locker"), &error);
        QSqlQuery q(locker);
        QVERIFY(q.exec(QStringLiteral("BEGIN EXCLUSIVE")));
        ledger.append(makeRecord(1));
        ledger.append(makeRecord(2));
        // The writer waits out SQLite's busy timeout, then reports and keeps the rows.
        QTRY_VERIFY_WITH_TIMEOUT(failed.size() == 1, 15000);
        QVERIFY(failed.first().first().toString().contains(QStringLiteral("ledger")));
        QCOMPARE(ledger.pendingCount(), 2);
        ledger.append(makeRecord(3));
        QVERIFY(q.exec(QStringLiteral("COMMIT")));

        QTRY_VERIFY_WITH_TIMEOUT(recovered.size() == 1, 15000);
        QCOMPARE(ledger.pendingCount(), 0);
        QCOMPARE(LedgerQuery(locker).count(), 3);
        q = QSqlQuery();
        locker = {};
        Database::close(QStringLiteral("locker"));
    }
};

QTEST_GUILESS_MAIN(TestUsageLedger)
#include "tst_usageledger.moc"
