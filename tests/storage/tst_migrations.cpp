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
