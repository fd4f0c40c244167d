// Conversations and messages in a real patchbay.db: the schema from the migrations, FTS5 search,
// branches, delete with undo, and that everything survives reopening the database.

#include "conversationstore.h"
#include "database.h"

#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace patchbay;

class TestConversationStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        QString error;
        m_path = m_dir.filePath(QStringLiteral("c%1.db").arg(++m_count));
        m_db = Database::open(m_path, QStringLiteral("conv"), &error);
        QVERIFY2(m_db.isOpen(), qPrintable(error));
    }

    void cleanup()
    {
        m_db = {};
        Database::close(QStringLiteral("conv"));
    }

    void sqliteHasFts5()
    {
        QSqlQuery q(m_db);
        QVERIFY(q.exec(QStringLiteral("SELECT sqlite_compileoption_used('ENABLE_FTS5')")));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toInt(), 1);
    }

    void roundTripAndSearch()
    {
        ConversationStore store(m_db);
        Conversation c;
        c.title = QStringLiteral("Rust lifetimes");
        c.model = QStringLiteral("fake/gpt-test");
        c.params.insert(QStringLiteral("temperature"), 0.3);
        QString error;
        const qint64 id = store.create(c, &error);
        QVERIFY2(id > 0, qPrintable(error));
        ConversationMessage user;
        user.conversationId = id;
        user.role = QStringLiteral("user");
        user.content = QStringLiteral("What is a borrow checker?");
        const qint64 userId = store.addMessage(user);
        ConversationMessage reply;
        reply.conversationId = id;
        reply.parentId = userId;
        reply.role = QStringLiteral("assistant");
        reply.status = ConversationMessage::Status::Streaming;
        reply.id = store.addMessage(reply);
        reply.content = QStringLiteral("It checks references against ownership.");
        reply.status = ConversationMessage::Status::Done;
        reply.outputTokens = 5;
        reply.ttftMs = 80;
        QVERIFY(store.updateMessage(reply));

        Conversation other;
        other.title = QStringLiteral("Pasta recipes");
        const qint64 otherId = store.create(other);

        // Reopen: a new connection sees exactly what was written.
        cleanup();
        m_db = Database::open(m_path, QStringLiteral("conv"), &error);
        ConversationStore again(m_db);
        const QList<Conversation> all = again.list();
        QCOMPARE(all.size(), 2);
        QCOMPARE(all.first().id, otherId); // newest first
        const Conversation loaded = *again.conversation(id);
        QCOMPARE(loaded.params.value(QStringLiteral("temperature")).toDouble(), 0.3);
        const QList<ConversationMessage> messages = again.messages(id);
        QCOMPARE(messages.size(), 2);
        QCOMPARE(messages.at(1).content, reply.content);
        QCOMPARE(messages.at(1).parentId, userId);
        QCOMPARE(messages.at(1).outputTokens, std::optional<int>(5));
        QCOMPARE(messages.at(1).ttftMs, std::optional<int>(80));
        QVERIFY(!messages.at(1).inputTokens);
        QVERIFY(messages.at(1).status == ConversationMessage::Status::Done);

        // FTS5 over titles and message text (updated content is indexed, prefixes match).
        QCOMPARE(again.list(QStringLiteral("owner")).size(), 1);
        QCOMPARE(again.list(QStringLiteral("owner")).first().id, id);
        QCOMPARE(again.list(QStringLiteral("pasta")).first().id, otherId);
        QCOMPARE(again.list(QStringLiteral("borrow checker")).size(), 1);
        QCOMPARE(again.list(QStringLiteral("nothing-like-this")).size(), 0);
        QCOMPARE(again.list(QStringLiteral("\"quoted")).size(), 0); // no syntax error
        QVERIFY(again.rename(otherId, QStringLiteral("Soup")));
        QCOMPARE(again.list(QStringLiteral("pasta")).size(), 0);
        QCOMPARE(again.list(QStringLiteral("soup")).size(), 1);

        // Pinned ones come first.
        QVERIFY(again.setPinned(id, true));
        QCOMPARE(again.list().first().id, id);
    }

    void deleteUndoAndPurge()
    {
        qint64 t = 1000;
        ConversationStore store(m_db, [&t] { return t; });
        Conversation c;
        c.title = QStringLiteral("Gone soon");
        const qint64 id = store.create(c);
        ConversationMessage m;
        m.conversationId = id;
        m.role = QStringLiteral("user");
        m.content = QStringLiteral("unique-word");
        store.addMessage(m);
        QVERIFY(store.remove(id));
        QCOMPARE(store.list().size(), 0);
        QCOMPARE(store.list(QStringLiteral("unique")).size(), 0);
        QVERIFY(store.restore(id));
        QCOMPARE(store.list().size(), 1);
        QVERIFY(store.remove(id));
        QCOMPARE(store.purgeDeleted(1000), 0); // not older than the cut-off
        QCOMPARE(store.purgeDeleted(1001), 1);
        QVERIFY(!store.conversation(id));
        QCOMPARE(store.messages(id).size(), 0);
    }

    void branchesAreKept()
    {
        ConversationStore store(m_db);
        const qint64 id = store.create({});
        auto add = [&](qint64 parent, const QString &role, const QString &text) {
            ConversationMessage m;
            m.conversationId = id;
            m.parentId = parent;
            m.role = role;
            m.content = text;
            return store.addMessage(m);
        };
        const qint64 u1 = add(0, QStringLiteral("user"), QStringLiteral("q1"));
        const qint64 a1 = add(u1, QStringLiteral("assistant"), QStringLiteral("a1"));
        const qint64 a1b = add(u1, QStringLiteral("assistant"), QStringLiteral("a1 again"));
        const QList<ConversationMessage> all = store.messages(id);
        QList<ConversationMessage> path = ConversationStore::thread(all, 0);
        QCOMPARE(path.size(), 2);
        QCOMPARE(path.last().id, a1b);
        path = ConversationStore::thread(all, a1);
        QCOMPARE(path.last().id, a1);
        QCOMPARE(ConversationStore::newestLeafUnder(all, u1), a1b);
    }

private:
    QTemporaryDir m_dir;
    QString m_path;
    int m_count = 0;
    QSqlDatabase m_db;
};

QTEST_GUILESS_MAIN(TestConversationStore)
#include "tst_conversationstore.moc"
