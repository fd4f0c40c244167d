#include "database.h"
#include "ledgerquery.h"
#include "ledgertestrows.h"
#include "usageledger.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThreadPool>

using namespace patchbay;
using patchbay::test::ledgerRow;
using patchbay::test::rowCount;
using patchbay::test::scalar;

namespace {

constexpr qint64 kDayMs = 86'400'000;

// Failures are the point of most tests here: give up on a lock quickly and retry soon.
void makeImpatient(UsageLedger &ledger)
{
    ledger.setBusyTimeoutMs(50);
    ledger.setRetryBackoff(20, 200);
}

qsizetype lineCount(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    return f.readAll().count('\n');
}

QList<UsageRecord> allRows(const QString &path)
{
    QList<UsageRecord> out;
    QString error;
    {
        QSqlDatabase db = Database::open(path, QStringLiteral("all-rows"), &error);
        out = LedgerQuery(db).latest(1'000'000, &error);
    }
    Database::close(QStringLiteral("all-rows"));
    std::reverse(out.begin(), out.end());
    return out;
}

// Another connection holding the write lock, as a second Patchbay process might.
class Locker
{
public:
    explicit Locker(const QString &path)
    {
        QString error;
        m_db = Database::open(path, QStringLiteral("locker"), &error);
        QSqlQuery q(m_db);
        m_locked = q.exec(QStringLiteral("BEGIN EXCLUSIVE"));
    }
    ~Locker() { release(); }
    bool locked() const { return m_locked; }
    void release()
    {
        if (m_db.isOpen()) {
            QSqlQuery(m_db).exec(QStringLiteral("COMMIT"));
            m_db = {};
            Database::close(QStringLiteral("locker"));
        }
    }

private:
    QSqlDatabase m_db;
    bool m_locked = false;
};

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
                    ledger.append(ledgerRow(t * 250 + i));
            });
        }
        pool.waitForDone();
        ledger.flush();
        QCOMPARE(ledger.pendingCount(), 0);
        QTRY_COMPARE(recorded.size(), 1000);

        const QList<UsageRecord> rows = allRows(path);
        QCOMPARE(rows.size(), 1000);
        for (int i = 0; i < 1000; ++i)
            QCOMPARE(rows.at(i), ledgerRow(i)); // every field, including the unknown ones, survives
    }

    void everyFieldSurvivesTheRoundTrip()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("patchbay.db"));
        UsageRecord full = ledgerRow(1);
        full.costUsd = 0.1 + 0.2; // 0.30000000000000004: REAL keeps all 64 bits
        full.cacheReadTokens = 7;
        full.cacheWriteTokens = 8;
        full.reasoningTokens = 9;
        full.ttftMs = 12;
        full.attempt = 3;
        full.retryOf = QStringLiteral("req_0");
        UsageRecord bare;
        bare.requestId = QStringLiteral("bare");
        bare.startedAtMs = 5;
        bare.endpoint = QStringLiteral("/v1/models");
        bare.status = 401;
        UsageRecord free = ledgerRow(2);
        free.costUsd = 0.0; // known to cost nothing (a local model), unlike unknown
        QString error;
        {
            UsageLedger ledger(path);
            QVERIFY2(ledger.start(&error), qPrintable(error));
            ledger.append(full);
            ledger.append(bare);
            ledger.append(free);
        }
        const QList<UsageRecord> rows = allRows(path);
        QCOMPARE(rows.size(), 3);
        QCOMPARE(rows.at(0), bare);
        QVERIFY(!rows.at(0).costUsd.has_value());
        QCOMPARE(rows.at(0).inputTokens, -1);
        QCOMPARE(rows.at(0).ttftMs, -1);
        QCOMPARE(rows.at(0).attempt, 1);
        QCOMPARE(rows.at(1), full);
        QCOMPARE(rows.at(2), free);
        QVERIFY(rows.at(2).costUsd.has_value());
        QCOMPARE(scalar(path, QStringLiteral("SELECT COUNT(*) FROM requests WHERE cost_usd IS NULL")), 1);
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
                ledger.append(ledgerRow(i));
        } // destructor: stop() writes the queue
        QCOMPARE(rowCount(path), 100);
        QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral("ledger-spill.jsonl"))));
    }

    void lockedDatabaseKeepsRowsUntilItIsBack()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("patchbay.db"));
        QString error;
        UsageLedger ledger(path);
        makeImpatient(ledger);
        QVERIFY(ledger.start(&error));
        QSignalSpy failed(&ledger, &UsageLedger::writeFailed);
        QSignalSpy recovered(&ledger, &UsageLedger::writeRecovered);

        Locker locker(path);
        QVERIFY(locker.locked());
        ledger.append(ledgerRow(1));
        ledger.append(ledgerRow(2));
        QTRY_COMPARE(failed.size(), 1);
        QVERIFY2(failed.first().first().toString().contains(QStringLiteral("locked")), qPrintable(failed.first().first().toString()));
        ledger.append(ledgerRow(3));
        QTest::qWait(300); // several retries fail meanwhile
        QCOMPARE(failed.size(), 1); // one report per outage, not one per retry
        QCOMPARE(recovered.size(), 0);
        QCOMPARE(ledger.pendingCount(), 3);
        locker.release();

        QTRY_COMPARE(recovered.size(), 1);
        ledger.flush();
        QCOMPARE(ledger.pendingCount(), 0);
        QCOMPARE(allRows(path), (QList<UsageRecord>{ledgerRow(1), ledgerRow(2), ledgerRow(3)}));
        QCOMPARE(failed.size(), 1);
    }

    void aBacklogLongerThanOneTransactionArrivesWhole()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("patchbay.db"));
        QString error;
        UsageLedger ledger(path);
        makeImpatient(ledger);
        QVERIFY(ledger.start(&error));
        QSignalSpy failed(&ledger, &UsageLedger::writeFailed);
        QSignalSpy recovered(&ledger, &UsageLedger::writeRecovered);
        QSignalSpy recorded(&ledger, &UsageLedger::recorded);
        Locker locker(path);
        for (int i = 0; i < 12'345; ++i)
            ledger.append(ledgerRow(i));
        QTRY_COMPARE(failed.size(), 1);
        locker.release();
        QTRY_COMPARE(recovered.size(), 1);
        ledger.flush();
        QCOMPARE(ledger.pendingCount(), 0);
        QCOMPARE(rowCount(path), 12'345);
        QTRY_COMPARE(recorded.size(), 12'345);
    }

    void readOnlyDatabaseKeepsRowsUntilWritable()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("patchbay.db"));
        QString error;
        UsageLedger ledger(path);
        makeImpatient(ledger);
        QVERIFY(ledger.start(&error));
        QSignalSpy failed(&ledger, &UsageLedger::writeFailed);
        QSignalSpy recovered(&ledger, &UsageLedger::writeRecovered);
        // As root, chmod does not stop writes; query_only makes SQLite refuse them the same
        // way a read-only file or mount does (SQLITE_READONLY).
        const auto queryOnly = [&ledger](bool on) {
            ledger.runOnWriterConnection([on](QSqlDatabase &db) {
                QSqlQuery(db).exec(QStringLiteral("PRAGMA query_only=%1").arg(on ? 1 : 0));
            });
        };
        queryOnly(true);
        for (int i = 0; i < 5; ++i)
            ledger.append(ledgerRow(i));
        QTRY_COMPARE(failed.size(), 1);
        QVERIFY2(failed.first().first().toString().contains(QStringLiteral("readonly")), qPrintable(failed.first().first().toString()));
        QCOMPARE(ledger.pendingCount(), 5);
        queryOnly(false);
        QTRY_COMPARE(recovered.size(), 1);
        QCOMPARE(rowCount(path), 5);
    }

    void fullDiskKeepsRowsUntilThereIsRoom()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("patchbay.db"));
        QString error;
        UsageLedger ledger(path);
        makeImpatient(ledger);
        QVERIFY(ledger.start(&error));
        QSignalSpy failed(&ledger, &UsageLedger::writeFailed);
        QSignalSpy recovered(&ledger, &UsageLedger::writeRecovered);
        // The file may not grow by a page: SQLITE_FULL, what a full disk gives.
        ledger.runOnWriterConnection([](QSqlDatabase &db) {
            QSqlQuery q(db);
            q.exec(QStringLiteral("PRAGMA page_count"));
            q.next();
            const qint64 pages = q.value(0).toLongLong();
            q.exec(QStringLiteral("PRAGMA max_page_count=%1").arg(pages));
        });
        for (int i = 0; i < 300; ++i)
            ledger.append(ledgerRow(i));
        QTRY_COMPARE(failed.size(), 1);
        QVERIFY2(failed.first().first().toString().contains(QStringLiteral("full")), qPrintable(failed.first().first().toString()));
        QVERIFY(rowCount(path) < 300); // a first small batch may have fitted
        ledger.runOnWriterConnection([](QSqlDatabase &db) { QSqlQuery(db).exec(QStringLiteral("PRAGMA max_page_count=1000000")); });
        QTRY_COMPARE(recovered.size(), 1);
        ledger.flush();
        QCOMPARE(rowCount(path), 300);
    }

    void deletedDatabaseIsCreatedAgain()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("patchbay.db"));
        QString error;
        UsageLedger ledger(path);
        makeImpatient(ledger);
        QVERIFY(ledger.start(&error));
        QSignalSpy failed(&ledger, &UsageLedger::writeFailed);
        ledger.append(ledgerRow(1));
        ledger.flush();
        QCOMPARE(rowCount(path), 1);

        // SQLite would go on writing into the deleted file, where nobody could ever read it.
        QVERIFY(QFile::remove(path));
        ledger.append(ledgerRow(2));
        ledger.append(ledgerRow(3));
        ledger.flush();
        QCOMPARE(ledger.pendingCount(), 0);
        QCOMPARE(allRows(path), (QList<UsageRecord>{ledgerRow(2), ledgerRow(3)}));
        QCOMPARE(failed.size(), 0);
    }

    void vanishedFolderKeepsRowsUntilItIsBack()
    {
        QTemporaryDir dir;
        const QString folder = dir.filePath(QStringLiteral("data"));
        QVERIFY(QDir().mkpath(folder));
        const QString path = QDir(folder).filePath(QStringLiteral("patchbay.db"));
        QString error;
        UsageLedger ledger(path);
        makeImpatient(ledger);
        QVERIFY(ledger.start(&error));
        QSignalSpy failed(&ledger, &UsageLedger::writeFailed);
        QSignalSpy recovered(&ledger, &UsageLedger::writeRecovered);
        ledger.append(ledgerRow(1));
        ledger.flush();

        QVERIFY(QDir(folder).removeRecursively()); // e.g. an unmounted disk
        ledger.append(ledgerRow(2));
        QTRY_COMPARE(failed.size(), 1);
        QVERIFY2(failed.first().first().toString().contains(path), qPrintable(failed.first().first().toString()));
        QCOMPARE(ledger.pendingCount(), 1);

        QVERIFY(QDir().mkpath(folder));
        QTRY_COMPARE(recovered.size(), 1);
        QCOMPARE(allRows(path), QList<UsageRecord>{ledgerRow(2)});
    }

    void rowsPastTheBoundGoToTheSpillFileAndComeBackAtStart()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("patchbay.db"));
        const QString spill = dir.filePath(QStringLiteral("spill.jsonl"));
        QString error;
        {
            UsageLedger ledger(path);
            makeImpatient(ledger);
            ledger.setQueueLimit(10);
            ledger.setSpillPath(spill);
            QCOMPARE(ledger.spillPath(), spill);
            QVERIFY(ledger.start(&error));
            QSignalSpy failed(&ledger, &UsageLedger::writeFailed);
            Locker locker(path);
            ledger.append(ledgerRow(0));
            QTRY_COMPARE(failed.size(), 1);
            for (int i = 1; i < 25; ++i)
                ledger.append(ledgerRow(i));
            // The writer spills whenever the queue passes the bound, even while it waits.
            QTRY_VERIFY(QFileInfo::exists(spill));
            QTRY_VERIFY(ledger.pendingCount() <= 10);
            QVERIFY(lineCount(spill) >= 11);
            ledger.stop(); // still locked: the rest goes to the spill file as well
            QCOMPARE(ledger.pendingCount(), 0);
            QCOMPARE(lineCount(spill), 25);
        }
        QCOMPARE(rowCount(path), 0);

        UsageLedger next(path);
        next.setSpillPath(spill);
        QSignalSpy imported(&next, &UsageLedger::spillImported);
        QVERIFY(next.start(&error));
        next.flush();
        QCOMPARE(imported.size(), 1);
        QCOMPARE(imported.first().first().toLongLong(), 25);
        QVERIFY(!QFileInfo::exists(spill));
        QList<UsageRecord> rows = allRows(path);
        std::sort(rows.begin(), rows.end(), [](const UsageRecord &a, const UsageRecord &b) { return a.startedAtMs < b.startedAtMs; });
        QCOMPARE(rows.size(), 25);
        for (int i = 0; i < 25; ++i)
            QCOMPARE(rows.at(i), ledgerRow(i));
    }

    void spillImportIsIdempotentAndKeepsBrokenLines()
    {
        // A crash after the import's commit but before the file was removed: importing again
        // must not double a row. A crash mid-append leaves a torn last line.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("patchbay.db"));
        const QString spill = dir.filePath(QStringLiteral("ledger-spill.jsonl"));
        QString error;
        {
            UsageLedger ledger(path);
            QVERIFY(ledger.start(&error));
            for (int i = 0; i < 3; ++i)
                ledger.append(ledgerRow(i));
        }
        QCOMPARE(rowCount(path), 3);
        QVERIFY(!QFileInfo::exists(spill));
        {
            UsageLedger writer(dir.filePath(QStringLiteral("elsewhere.db")));
            writer.setSpillPath(spill);
            for (int i = 0; i < 5; ++i)
                writer.append(ledgerRow(i)); // never started: stop() spills them
        }
        QCOMPARE(lineCount(spill), 5);
        QFile f(spill);
        QVERIFY(f.open(QIODevice::Append));
        f.write("{\"request_id\":\"torn\",\"started_at_m");
        f.close();
        {
            UsageLedger writer(dir.filePath(QStringLiteral("elsewhere.db")));
            writer.setSpillPath(spill);
            writer.append(ledgerRow(5)); // lands on a line of its own, after the torn one
        }

        UsageLedger ledger(path); // the default spill path: beside the database
        QCOMPARE(ledger.spillPath(), spill);
        QSignalSpy imported(&ledger, &UsageLedger::spillImported);
        QVERIFY(ledger.start(&error));
        ledger.flush();
        QCOMPARE(imported.size(), 1);
        QCOMPARE(imported.first().first().toLongLong(), 3);
        QCOMPARE(rowCount(path), 6);
        QVERIFY(!QFileInfo::exists(spill));
        QFile rejected(spill + QStringLiteral(".rejected"));
        QVERIFY(rejected.open(QIODevice::ReadOnly));
        QVERIFY(rejected.readAll().startsWith("{\"request_id\":\"torn\""));
    }

    void shutdownWithAnUnwritableDatabaseSpills()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("patchbay.db"));
        const QString spill = dir.filePath(QStringLiteral("ledger-spill.jsonl"));
        QString error;
        {
            UsageLedger ledger(path);
            makeImpatient(ledger);
            QVERIFY(ledger.start(&error));
            ledger.runOnWriterConnection([](QSqlDatabase &db) { QSqlQuery(db).exec(QStringLiteral("PRAGMA query_only=1")); });
            for (int i = 0; i < 40; ++i)
                ledger.append(ledgerRow(i));
        } // well under the bound, but the process is ending
        QCOMPARE(lineCount(spill), 40);
        QCOMPARE(rowCount(path), 0);
        {
            UsageLedger ledger(path);
            QVERIFY(ledger.start(&error));
            ledger.flush();
        }
        QCOMPARE(rowCount(path), 40);
        QVERIFY(!QFileInfo::exists(spill));
    }

    void aTakenRequestIdDoesNotHoldUpTheQueue()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("patchbay.db"));
        QString error;
        UsageLedger ledger(path);
        QVERIFY(ledger.start(&error));
        QSignalSpy failed(&ledger, &UsageLedger::writeFailed);
        QSignalSpy recorded(&ledger, &UsageLedger::recorded);
        ledger.append(ledgerRow(1));
        ledger.append(ledgerRow(2));
        ledger.append(ledgerRow(1)); // a second copy, e.g. written once already from a spill file
        ledger.append(ledgerRow(3));
        ledger.flush();
        QCOMPARE(ledger.pendingCount(), 0);
        QCOMPARE(failed.size(), 0);
        QTRY_COMPARE(recorded.size(), 3);
        QCOMPARE(rowCount(path), 3);
    }

    void retentionDeletesOnlyOldRequests()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("patchbay.db"));
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        QString error;
        {
            UsageLedger ledger(path);
            QVERIFY(ledger.start(&error));
            ledger.append(ledgerRow(1, now - 40 * kDayMs));
            ledger.append(ledgerRow(2, now - 31 * kDayMs));
            ledger.append(ledgerRow(3, now - 20 * kDayMs));
            ledger.append(ledgerRow(4, now - 1000));
        }
        // Conversations are the user's own work, never the ledger's to delete, however old.
        {
            QSqlDatabase db = Database::open(path, QStringLiteral("conv"), &error);
            QVERIFY(QSqlQuery(db).exec(QStringLiteral("INSERT INTO conversations (title, created_at, updated_at) VALUES ('old', 1, 1)")));
        }
        Database::close(QStringLiteral("conv"));

        UsageLedger ledger(path);
        ledger.setRetentionDays(30);
        QSignalSpy pruned(&ledger, &UsageLedger::pruned);
        QVERIFY(ledger.start(&error));
        ledger.flush(); // runs after start's housekeeping on the ledger thread
        QCOMPARE(pruned.size(), 1);
        QCOMPARE(pruned.first().first().toLongLong(), 2);
        QCOMPARE(scalar(path, QStringLiteral("SELECT COUNT(*) FROM requests WHERE request_id IN ('req_3', 'req_4')")), 2);
        QCOMPARE(rowCount(path), 2);
        QCOMPARE(scalar(path, QStringLiteral("SELECT COUNT(*) FROM conversations")), 1);
        // The rollup forgets them too.
        QCOMPARE(scalar(path, QStringLiteral("SELECT SUM(requests) FROM usage_hourly")), 2);

        ledger.setRetentionDays(10); // a changed setting applies at once
        ledger.flush();
        QCOMPARE(rowCount(path), 1);
        ledger.setRetentionDays(0);
        ledger.flush();
        QCOMPARE(rowCount(path), 1);
    }
};

QTEST_GUILESS_MAIN(TestUsageLedger)
#include "tst_usageledger.moc"
