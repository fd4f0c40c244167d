// Captured headers and bodies in storage: their table, the trip through the ledger and its
// spill file, retention taking them along, and exports leaving them out.

#include "capturerow.h"
#include "database.h"
#include "ledgerexport.h"
#include "ledgerjson.h"
#include "ledgerquery.h"
#include "ledgerrow.h"
#include "ledgerspill.h"
#include "ledgertestrows.h"
#include "migrations.h"
#include "usageledger.h"

#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace patchbay;
using patchbay::test::ledgerRow;
using patchbay::test::rowCount;
using patchbay::test::scalar;

namespace {

constexpr qint64 kDayMs = 86'400'000;

// Marked so a test can look for each part in a file; the body has bytes that are not text.
RequestCapture fullCapture(const QByteArray &mark)
{
    RequestCapture c;
    c.headersCaptured = true;
    c.requestHeaders = "POST /v1/chat/completions HTTP/1.1\nAuthorization: Bearer [redacted]\nX-Mark: req-head-" + mark + '\n';
    c.responseHeaders = "HTTP/1.1 200\nContent-Type: application/json\nX-Mark: resp-head-" + mark + '\n';
    c.bodiesCaptured = true;
    c.requestBody = "{\"messages\":\"req-body-" + mark + "\"}" + QByteArray("\0\x01\xff", 3);
    c.responseBody = "{\"answer\":\"resp-body-" + mark + "\"}";
    c.responseBodyTruncated = true;
    return c;
}

UsageRecord withCapture(UsageRecord r, const RequestCapture &c)
{
    r.capture = std::make_shared<const RequestCapture>(c);
    return r;
}

std::optional<RequestCapture> captureOf(const QString &path, const QString &requestId)
{
    std::optional<RequestCapture> out;
    {
        QString error;
        QSqlDatabase db = Database::open(path, QStringLiteral("capture-of"), &error);
        out = LedgerQuery(db).capture(requestId, &error);
        if (!error.isEmpty())
            qWarning() << error;
    }
    Database::close(QStringLiteral("capture-of"));
    return out;
}

QByteArray fileBytes(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TestRequestCapture : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void migrationAddsTheTableAndDeletesGoTogether()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("patchbay.db"));
        QString error;
        {
            QSqlDatabase db = Database::open(path, QStringLiteral("m"), &error);
            QVERIFY2(db.isOpen(), qPrintable(error));
            QVERIFY(Migrations::applied(db).contains(QStringLiteral("0008_request_captures")));
            QSqlQuery q(db);
            for (const char *id : {"a", "b"}) {
                QVERIFY(q.exec(QStringLiteral("INSERT INTO requests (request_id, started_at, endpoint, status) VALUES ('%1', 1, '/x', 200)")
                                   .arg(QLatin1String(id))));
                QVERIFY(q.exec(QStringLiteral("INSERT INTO request_captures (request_row, request_headers) VALUES (%1, 'h')")
                                   .arg(q.lastInsertId().toLongLong())));
            }
            // A capture belongs to a request; there is none without one.
            QVERIFY(!q.exec(QStringLiteral("INSERT INTO request_captures (request_row) VALUES (12345)")));
            // Deleting a request deletes its capture, with foreign keys on (as Patchbay opens
            // the database) and off (as the sqlite3 shell does by default).
            QVERIFY(q.exec(QStringLiteral("DELETE FROM requests WHERE request_id = 'a'")));
            QVERIFY(q.exec(QStringLiteral("PRAGMA foreign_keys=OFF")));
            QVERIFY(q.exec(QStringLiteral("DELETE FROM requests WHERE request_id = 'b'")));
        }
        Database::close(QStringLiteral("m"));
        QCOMPARE(scalar(path, QStringLiteral("SELECT COUNT(*) FROM request_captures")), 0);
    }

    void olderCapturesAreKeyedByTheirRow()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("patchbay.db"));
        RequestCapture headersOnly;
        headersOnly.headersCaptured = true;
        headersOnly.requestHeaders = "GET / HTTP/1.1\nHost: x\n";
        QString error;
        {
            // The database as release 0008 left it: captures keyed by request id.
            QSqlDatabase db = Database::open(path, QStringLiteral("v8"), &error);
            QVERIFY2(db.isOpen(), qPrintable(error));
            QSqlQuery q(db);
            for (const char *sql :
                 {"DROP TRIGGER requests_capture_delete", "DROP TABLE request_captures",
                  "CREATE TABLE request_captures (request_id TEXT PRIMARY KEY REFERENCES requests(request_id) ON DELETE CASCADE, "
                  "request_headers TEXT, response_headers TEXT, request_body BLOB, response_body BLOB, "
                  "request_body_truncated INTEGER NOT NULL DEFAULT 0, response_body_truncated INTEGER NOT NULL DEFAULT 0)",
                  "CREATE TRIGGER requests_capture_delete AFTER DELETE ON requests BEGIN "
                  "DELETE FROM request_captures WHERE request_id = OLD.request_id; END",
                  "DELETE FROM schema_migrations WHERE name = '0009_request_captures_by_row'"})
                QVERIFY2(q.exec(QLatin1String(sql)), qPrintable(q.lastError().text()));
            q.prepare(LedgerRow::insertStatement(LedgerRow::Conflict::Fail));
            for (int i = 1; i <= 5; ++i) {
                LedgerRow::bind(q, ledgerRow(i));
                QVERIFY(q.exec());
            }
            QVERIFY(q.exec(QStringLiteral("DELETE FROM requests WHERE request_id = 'req_2'"))); // ids are not row numbers
            const auto keep = [&q](const QString &requestId, const RequestCapture &c) {
                q.prepare(QStringLiteral("INSERT INTO request_captures (request_id, %1) VALUES (?, ?, ?, ?, ?, ?, ?)").arg(CaptureRow::columns()));
                CaptureRow::bind(q, 0, c);
                q.bindValue(0, requestId);
                return q.exec();
            };
            QVERIFY(keep(QStringLiteral("req_1"), fullCapture("1")));
            QVERIFY(keep(QStringLiteral("req_3"), headersOnly));
            QVERIFY(keep(QStringLiteral("req_5"), fullCapture("5")));
            // Left by a program that deleted its request with foreign keys and triggers off.
            QVERIFY(q.exec(QStringLiteral("PRAGMA foreign_keys=OFF")));
            QVERIFY(keep(QStringLiteral("req_gone"), fullCapture("gone")));
        }
        Database::close(QStringLiteral("v8"));
        {
            QSqlDatabase db = Database::open(path, QStringLiteral("v9"), &error);
            QVERIFY2(db.isOpen(), qPrintable(error));
            QCOMPARE(Migrations::applied(db), Migrations::names());
        }
        Database::close(QStringLiteral("v9"));
        QCOMPARE(rowCount(path), 4);
        QCOMPARE(scalar(path, QStringLiteral("SELECT COUNT(*) FROM request_captures")), 3);
        QCOMPARE(captureOf(path, QStringLiteral("req_1")), std::optional<RequestCapture>(fullCapture("1")));
        QCOMPARE(captureOf(path, QStringLiteral("req_3")), std::optional<RequestCapture>(headersOnly));
        QCOMPARE(captureOf(path, QStringLiteral("req_5")), std::optional<RequestCapture>(fullCapture("5")));
        QVERIFY(!captureOf(path, QStringLiteral("req_4")));
        QCOMPARE(scalar(path, QStringLiteral("SELECT COUNT(*) FROM request_captures c JOIN requests r ON r.id = c.request_row "
                                             "WHERE r.request_id IN ('req_1', 'req_3', 'req_5')")), 3);
    }

    void everyPartSurvivesTheLedger()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("patchbay.db"));
        RequestCapture headersOnly;
        headersOnly.headersCaptured = true;
        headersOnly.requestHeaders = "GET / HTTP/1.1\nHost: x\n";
        RequestCapture emptyBodies; // captured, and empty: not the same as not captured
        emptyBodies.bodiesCaptured = true;
        QString error;
        {
            UsageLedger ledger(path);
            QVERIFY2(ledger.start(&error), qPrintable(error));
            QSignalSpy recorded(&ledger, &UsageLedger::recorded);
            ledger.append(withCapture(ledgerRow(1), fullCapture("1")));
            ledger.append(withCapture(ledgerRow(2), headersOnly));
            ledger.append(withCapture(ledgerRow(3), emptyBodies));
            ledger.append(ledgerRow(4));
            ledger.flush();
            QTRY_COMPARE(recorded.size(), 4);
            // Listeners keep rows; the bodies stay in the database.
            for (const QList<QVariant> &signal : recorded)
                QVERIFY(!signal.first().value<UsageRecord>().capture);
        }
        QCOMPARE(captureOf(path, QStringLiteral("req_1")), std::optional<RequestCapture>(fullCapture("1")));
        const std::optional<RequestCapture> two = captureOf(path, QStringLiteral("req_2"));
        QVERIFY(two && two->headersCaptured && !two->bodiesCaptured);
        QCOMPARE(*two, headersOnly);
        const std::optional<RequestCapture> three = captureOf(path, QStringLiteral("req_3"));
        QVERIFY(three && three->bodiesCaptured && !three->headersCaptured);
        QVERIFY(three->requestBody.isEmpty());
        QVERIFY(!captureOf(path, QStringLiteral("req_4")));
        QCOMPARE(scalar(path, QStringLiteral("SELECT COUNT(*) FROM request_captures WHERE request_body IS NULL")), 1);
        // The requests row stays as lean as before, and the rollup counts each call once.
        QCOMPARE(scalar(path, QStringLiteral("SELECT SUM(requests) FROM usage_hourly")), 4);
    }

    void capturesOfAChunkFindTheirRows()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("patchbay.db"));
        QString error;
        {
            UsageLedger ledger(path);
            QVERIFY(ledger.start(&error));
            ledger.append(withCapture(ledgerRow(7), fullCapture("first 7")));
            ledger.flush();
        }
        // Appended before start(): one transaction, written in chunks of several rows. One
        // row's request id is taken already; its capture must not land on another row.
        UsageLedger ledger(path);
        for (int i = 0; i < 40; ++i) {
            UsageRecord r = ledgerRow(i);
            if (i != 3)
                r = withCapture(r, fullCapture(QByteArray::number(i)));
            ledger.append(r);
        }
        QVERIFY(ledger.start(&error));
        ledger.flush();
        ledger.stop();
        QCOMPARE(scalar(path, QStringLiteral("SELECT COUNT(*) FROM request_captures")), 39);
        QCOMPARE(captureOf(path, QStringLiteral("req_7")), std::optional<RequestCapture>(fullCapture("first 7")));
        QVERIFY(!captureOf(path, QStringLiteral("req_3")));
        for (int i : {0, 6, 8, 15, 16, 31, 32, 39})
            QCOMPARE(captureOf(path, QStringLiteral("req_%1").arg(i)), std::optional<RequestCapture>(fullCapture(QByteArray::number(i))));
    }

    void retentionDeletesCapturesWithTheirRequests()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("patchbay.db"));
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        QString error;
        {
            UsageLedger ledger(path);
            QVERIFY(ledger.start(&error));
            ledger.append(withCapture(ledgerRow(1, now - 40 * kDayMs), fullCapture("old")));
            ledger.append(withCapture(ledgerRow(2, now - 1000), fullCapture("new")));
        }
        QCOMPARE(scalar(path, QStringLiteral("SELECT COUNT(*) FROM request_captures")), 2);
        UsageLedger ledger(path);
        ledger.setRetentionDays(30);
        QVERIFY(ledger.start(&error));
        ledger.flush();
        QVERIFY(!captureOf(path, QStringLiteral("req_1")));
        QCOMPARE(captureOf(path, QStringLiteral("req_2")), std::optional<RequestCapture>(fullCapture("new")));
        QCOMPARE(scalar(path, QStringLiteral("SELECT COUNT(*) FROM request_captures")), 1);
    }

    void exportsLeaveHeadersAndBodiesOut()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("patchbay.db"));
        QString error;
        {
            UsageLedger ledger(path);
            QVERIFY(ledger.start(&error));
            ledger.append(withCapture(ledgerRow(1), fullCapture("exported")));
        }
        QSqlDatabase db = Database::open(path, QStringLiteral("export"), &error);
        for (const QString &name : {QStringLiteral("out.csv"), QStringLiteral("out.json")}) {
            const QString file = dir.filePath(name);
            QCOMPARE(LedgerExport::write(db, file, *LedgerExport::formatFor(file), 0, std::numeric_limits<qint64>::max(), &error), 1);
            const QByteArray bytes = fileBytes(file);
            QVERIFY2(bytes.contains("req_1"), bytes.constData());
            for (const char *part : {"req-head-", "resp-head-", "req-body-", "resp-body-", "Authorization", "capture"})
                QVERIFY2(!bytes.contains(part), part);
        }
        db = {};
        Database::close(QStringLiteral("export"));
    }

    void theSpillFileKeepsCaptures()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("patchbay.db"));
        LedgerSpill spill(dir.filePath(QStringLiteral("spill.jsonl")));
        QString error;
        QVERIFY2(spill.append({withCapture(ledgerRow(1), fullCapture("spilled")), ledgerRow(2)}, &error), qPrintable(error));
        // The JSON export's form of a row has no capture; the spill's has.
        QVERIFY(!LedgerJson::toJson(withCapture(ledgerRow(1), fullCapture("x"))).contains(QLatin1String("capture")));
        QSqlDatabase db = Database::open(path, QStringLiteral("spill"), &error);
        LedgerSpill::ImportResult result;
        QVERIFY2(spill.importInto(db, &result, &error), qPrintable(error));
        QCOMPARE(result.inserted, 2);
        db = {};
        Database::close(QStringLiteral("spill"));
        QCOMPARE(captureOf(path, QStringLiteral("req_1")), std::optional<RequestCapture>(fullCapture("spilled")));
        QVERIFY(!captureOf(path, QStringLiteral("req_2")));
    }

    void queuedCapturesHaveTheirOwnBound()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("patchbay.db"));
        const QString spill = dir.filePath(QStringLiteral("spill.jsonl"));
        QString error;
        UsageLedger ledger(path);
        ledger.setBusyTimeoutMs(50);
        ledger.setRetryBackoff(20, 200);
        ledger.setSpillPath(spill);
        ledger.setCaptureBytesLimit(1000); // far fewer rows than the row bound
        QVERIFY(ledger.start(&error));
        QSignalSpy failed(&ledger, &UsageLedger::writeFailed);
        ledger.runOnWriterConnection([](QSqlDatabase &db) { QSqlQuery(db).exec(QStringLiteral("PRAGMA query_only=1")); });
        ledger.append(ledgerRow(0));
        QTRY_COMPARE(failed.size(), 1);
        RequestCapture big = fullCapture("big");
        big.responseBody = QByteArray(600, 'x');
        ledger.append(withCapture(ledgerRow(1), big));
        QVERIFY(!QFileInfo::exists(spill));
        ledger.append(withCapture(ledgerRow(2), big));
        QTRY_VERIFY(QFileInfo::exists(spill));
        QTRY_COMPARE(ledger.pendingCount(), 0);
        // Still refused, so the file is not imported yet: the capture went with its row.
        QVERIFY(fileBytes(spill).contains(QByteArray(600, 'x').toBase64()));
    }
};

QTEST_GUILESS_MAIN(TestRequestCapture)
#include "tst_requestcapture.moc"
