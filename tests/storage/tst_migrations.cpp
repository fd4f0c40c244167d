#include "database.h"
#include "migrations.h"

#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace patchbay;

class TestMigrations : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void freshDatabaseGetsEveryStepOnce()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("patchbay.db"));
        QString error;
        {
            QSqlDatabase db = Database::open(path, QStringLiteral("m1"), &error);
            QVERIFY2(db.isOpen(), qPrintable(error));
            QCOMPARE(Migrations::applied(db), Migrations::names());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("PRAGMA journal_mode")) && q.next());
            QCOMPARE(q.value(0).toString(), QStringLiteral("wal"));
            QVERIFY(q.exec(QStringLiteral("INSERT INTO requests (request_id, started_at, endpoint, status) VALUES ('r1', 1, '/x', 200)")));
        }
        Database::close(QStringLiteral("m1"));
        {
            // Opening again applies nothing twice and keeps the rows.
            QSqlDatabase db = Database::open(path, QStringLiteral("m2"), &error);
            QVERIFY2(db.isOpen(), qPrintable(error));
            QCOMPARE(Migrations::applied(db), Migrations::names());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM requests")) && q.next());
            QCOMPARE(q.value(0).toInt(), 1);
        }
        Database::close(QStringLiteral("m2"));
    }

    void olderDatabaseIsBroughtUpToDate()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("patchbay.db"));
        {
            // A database as the first release left it: only step one applied.
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("old"));
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)")));
            QVERIFY(q.exec(QStringLiteral("CREATE TABLE requests (id INTEGER PRIMARY KEY, request_id TEXT NOT NULL UNIQUE, started_at INTEGER NOT NULL, client TEXT NOT NULL DEFAULT '', endpoint TEXT NOT NULL, provider TEXT NOT NULL DEFAULT '', requested_model TEXT NOT NULL DEFAULT '', upstream_model TEXT NOT NULL DEFAULT '', stream INTEGER NOT NULL DEFAULT 0, status INTEGER NOT NULL, error TEXT NOT NULL DEFAULT '', input_tokens INTEGER, output_tokens INTEGER, latency_ms INTEGER NOT NULL DEFAULT 0, ttfb_ms INTEGER)")));
            QVERIFY(q.exec(QStringLiteral("INSERT INTO schema_migrations VALUES ('0001_create_requests', 1)")));
            QVERIFY(q.exec(QStringLiteral("INSERT INTO requests (request_id, started_at, endpoint, status) VALUES ('kept', 1, '/x', 200)")));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("old"));
        QString error;
        {
            QSqlDatabase db = Database::open(path, QStringLiteral("new"), &error);
            QVERIFY2(db.isOpen(), qPrintable(error));
            QCOMPARE(Migrations::applied(db), Migrations::names());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("SELECT request_id FROM requests")) && q.next());
            QCOMPARE(q.value(0).toString(), QStringLiteral("kept"));
            QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM access_tokens")) && q.next());
        }
        Database::close(QStringLiteral("new"));
    }

    void costColumnsArriveWithoutLosingOlderRows()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("patchbay.db"));
        {
            // A database as the release before 0004 left it, with a few calls recorded.
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("v3"));
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)")));
            QVERIFY(q.exec(QStringLiteral("CREATE TABLE requests (id INTEGER PRIMARY KEY, request_id TEXT NOT NULL UNIQUE, started_at INTEGER NOT NULL, client TEXT NOT NULL DEFAULT '', endpoint TEXT NOT NULL, provider TEXT NOT NULL DEFAULT '', requested_model TEXT NOT NULL DEFAULT '', upstream_model TEXT NOT NULL DEFAULT '', stream INTEGER NOT NULL DEFAULT 0, status INTEGER NOT NULL, error TEXT NOT NULL DEFAULT '', input_tokens INTEGER, output_tokens INTEGER, latency_ms INTEGER NOT NULL DEFAULT 0, ttfb_ms INTEGER)")));
            QVERIFY(q.exec(QStringLiteral("CREATE INDEX requests_started_at ON requests(started_at)")));
            QVERIFY(q.exec(QStringLiteral("CREATE TABLE access_tokens (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, token_hash TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL, revoked_at INTEGER)")));
            QVERIFY(q.exec(QStringLiteral("CREATE INDEX requests_client_started_at ON requests(client, started_at)")));
            for (const char *name : {"0001_create_requests", "0002_create_access_tokens", "0003_index_requests_by_client"})
                QVERIFY(q.exec(QStringLiteral("INSERT INTO schema_migrations VALUES ('%1', 1)").arg(QLatin1String(name))));
            // Two calls in one hour, one in the next; one failed, one has no token counts.
            QVERIFY(q.exec(QStringLiteral("INSERT INTO requests (request_id, started_at, client, endpoint, provider, upstream_model, status, input_tokens, output_tokens, latency_ms, ttfb_ms) VALUES "
                                          "('a', 3600000, 'cli', '/v1/chat/completions', 'openai', 'gpt-4o', 200, 10, 20, 100, 50), "
                                          "('b', 3600001, 'cli', '/v1/chat/completions', 'openai', 'gpt-4o', 502, NULL, NULL, 300, NULL), "
                                          "('c', 7200000, 'cli', '/v1/chat/completions', 'openai', 'gpt-4o', 200, 1, 2, 5, 4)")));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("v3"));
        QString error;
        {
            QSqlDatabase db = Database::open(path, QStringLiteral("v4"), &error);
            QVERIFY2(db.isOpen(), qPrintable(error));
            QCOMPARE(Migrations::applied(db), Migrations::names());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("SELECT request_id, input_tokens, cost_usd IS NULL, cache_read_tokens IS NULL, ttft_ms IS NULL, "
                                          "usage_source, catalog_version, attempt, retry_of FROM requests ORDER BY id")));
            QStringList ids;
            while (q.next()) {
                ids.append(q.value(0).toString());
                QVERIFY(q.value(2).toBool()); // the price of an old call is unknown, not 0
                QVERIFY(q.value(3).toBool());
                QVERIFY(q.value(4).toBool());
                QCOMPARE(q.value(5).toString(), QString());
                QCOMPARE(q.value(6).toString(), QString());
                QCOMPARE(q.value(7).toInt(), 1);
                QCOMPARE(q.value(8).toString(), QString());
            }
            QCOMPARE(ids, (QStringList{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")}));
            // The rollup starts out with them.
            QVERIFY(q.exec(QStringLiteral("SELECT hour, requests, errors, unpriced, input_tokens, output_tokens, latency_ms FROM usage_hourly ORDER BY hour")));
            QVERIFY(q.next());
            QCOMPARE(q.value(0).toLongLong(), 1);
            QCOMPARE(q.value(1).toLongLong(), 2);
            QCOMPARE(q.value(2).toLongLong(), 1);
            QCOMPARE(q.value(3).toLongLong(), 2);
            QCOMPARE(q.value(4).toLongLong(), 10);
            QCOMPARE(q.value(5).toLongLong(), 20);
            QCOMPARE(q.value(6).toLongLong(), 400);
            QVERIFY(q.next());
            QCOMPARE(q.value(0).toLongLong(), 2);
            QCOMPARE(q.value(1).toLongLong(), 1);
            QVERIFY(!q.next());
        }
        Database::close(QStringLiteral("v4"));
    }

    void unwritableFolderIsExplained()
    {
        QString error;
        const QSqlDatabase db = Database::open(QStringLiteral("/nonexistent-folder/patchbay.db"), QStringLiteral("bad"), &error);
        QVERIFY(!db.isOpen());
        QVERIFY2(error.contains(QStringLiteral("/nonexistent-folder/patchbay.db")), qPrintable(error));
        Database::close(QStringLiteral("bad"));
    }
};

QTEST_GUILESS_MAIN(TestMigrations)
#include "tst_migrations.moc"
