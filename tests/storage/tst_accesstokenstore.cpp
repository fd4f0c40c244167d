#include "accesstokenstore.h"
#include "database.h"

#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QTest>

using namespace patchbay;

class TestAccessTokenStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void tokensAreStoredOnlyAsHashes()
    {
        QTemporaryDir dir;
        QString error;
        QSqlDatabase db = Database::open(dir.filePath(QStringLiteral("p.db")), QStringLiteral("t"), &error);
        AccessTokenStore store(db);
        const QString token = store.create(QStringLiteral("editor"), &error);
        QVERIFY2(token.startsWith(QStringLiteral("pb-")), qPrintable(error));
        QVERIFY(token.size() > 40);
        QVERIFY(store.create(QStringLiteral("editor"), &error).isEmpty());
        QVERIFY(error.contains(QStringLiteral("exists already")));

        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("SELECT * FROM access_tokens")));
        while (q.next()) {
            for (int c = 0; c < q.record().count(); ++c)
                QVERIFY(!q.value(c).toString().contains(token.mid(3)));
        }
        QCOMPARE(store.list().first().lastUsedAtMs, qint64(-1));
        QVERIFY(q.exec(QStringLiteral("INSERT INTO requests (request_id, started_at, client, endpoint, status) VALUES ('a', 1000, 'editor', '/x', 200), ('b', 3000, 'editor', '/x', 200), ('c', 9000, 'other', '/x', 200)")));
        QCOMPARE(store.list().first().lastUsedAtMs, qint64(3000)); // derived from the ledger, never stored twice
        const QHash<QByteArray, QString> active = store.activeHashes();
        QCOMPARE(active.value(AccessTokenStore::hash(token.toLatin1())), QStringLiteral("editor"));

        QVERIFY(store.revoke(QStringLiteral("editor"), &error));
        QVERIFY(store.activeHashes().isEmpty());
        QVERIFY(!store.revoke(QStringLiteral("editor"), &error));
        QCOMPARE(store.list().size(), 1);
        QVERIFY(store.list().first().revoked);
        q = QSqlQuery();
        db = {};
        Database::close(QStringLiteral("t"));
    }
};

QTEST_GUILESS_MAIN(TestAccessTokenStore)
#include "tst_accesstokenstore.moc"
