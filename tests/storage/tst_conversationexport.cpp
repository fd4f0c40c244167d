// Export and import of conversations, and saved presets, against a real patchbay.db: the JSON
// round trip must give back the same message tree (every branch, stats and attachments).

#include "conversationexport.h"
#include "conversationpresets.h"
#include "conversationstore.h"
#include "database.h"

#include <QHash>
#include <QTemporaryDir>
#include <QTest>

using namespace patchbay;

namespace {

// A message with its parent given as a path of indexes, so two trees with different ids compare.
struct Node
{
    int parentIndex;
    QString role, content, model, status, error;
    std::optional<int> in, out, ttft, total;
    std::optional<double> cost;
    qint64 created;
    QList<ConversationAttachment> attachments;
    bool operator==(const Node &) const = default;
};

QList<Node> tree(const QList<ConversationMessage> &messages)
{
    QHash<qint64, int> index;
    QList<Node> out;
    for (const ConversationMessage &m : messages) {
        index.insert(m.id, static_cast<int>(out.size()));
        out.append({m.parentId ? index.value(m.parentId, -2) : -1, m.role, m.content, m.model,
                    ConversationStore::statusText(m.status), m.error, m.inputTokens, m.outputTokens, m.ttftMs,
                    m.totalMs, m.costUsd, m.createdAtMs, m.attachments});
    }
    return out;
}

} // namespace

class TestConversationExport : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init()
    {
        QString error;
        m_db = Database::open(m_dir.filePath(QStringLiteral("e%1.db").arg(++m_count)), QStringLiteral("exp"), &error);
        QVERIFY2(m_db.isOpen(), qPrintable(error));
    }
    void cleanup()
    {
        m_db = {};
        Database::close(QStringLiteral("exp"));
    }

    void jsonRoundTripKeepsTheTree()
    {
        ConversationStore store(m_db);
        Conversation c;
        c.title = QStringLiteral("Branches “and” ünïcode");
        c.model = QStringLiteral("fake/gpt-a");
        c.systemPrompt = QStringLiteral("Be brief.");
        c.params = QJsonObject{{QStringLiteral("temperature"), 0.3}, {QStringLiteral("max_tokens"), 256}};
        c.id = store.create(c);
        QVERIFY(c.id);
        auto add = [&](qint64 parent, const QString &role, const QString &text, int n) {
            ConversationMessage m;
            m.conversationId = c.id;
            m.parentId = parent;
            m.role = role;
            m.content = text;
            m.createdAtMs = 1'700'000'000'000 + n;
            if (role == QLatin1String("assistant")) {
                m.model = n % 2 ? QStringLiteral("fake/gpt-a") : QStringLiteral("fake/gpt-b");
                m.inputTokens = 10 + n;
                m.outputTokens = 20 + n;
                m.costUsd = 0.0125 * n;
                m.ttftMs = 100 + n;
                m.totalMs = 900 + n;
            }
            return store.addMessage(m);
        };
        const qint64 q1 = add(0, QStringLiteral("user"), QStringLiteral("Question **one**"), 1);
        const qint64 a1 = add(q1, QStringLiteral("assistant"), QStringLiteral("Answer A"), 2);
        add(q1, QStringLiteral("assistant"), QStringLiteral("Answer B (regenerated)"), 3);
        ConversationMessage withImage;
        withImage.conversationId = c.id;
        withImage.parentId = a1;
        withImage.role = QStringLiteral("user");
        withImage.content = QStringLiteral("What is in this picture?");
        withImage.createdAtMs = 1'700'000'000'010;
        withImage.attachments = {{QStringLiteral("dot.png"), QStringLiteral("image/png"), QByteArray("\x89PNG\r\n\x1a\nfake", 12)}};
        const qint64 q2 = store.addMessage(withImage);
        ConversationMessage failed;
        failed.conversationId = c.id;
        failed.parentId = q2;
        failed.role = QStringLiteral("assistant");
        failed.status = ConversationMessage::Status::Error;
        failed.error = QStringLiteral("The provider said no.");
        failed.createdAtMs = 1'700'000'000'011;
        store.addMessage(failed);
        QVERIFY(store.setLeaf(c.id, a1));

        const Conversation original = *store.conversation(c.id);
        const QList<ConversationMessage> originalMessages = store.messages(c.id);
        QCOMPARE(originalMessages.size(), 5);
        QCOMPARE(originalMessages.at(3).attachments, withImage.attachments);

        const QByteArray json = ConversationExport::toJson(original, originalMessages);
        QString error;
        const qint64 imported = ConversationExport::importJson(store, json, &error);
        QVERIFY2(imported, qPrintable(error));
        QVERIFY(imported != c.id);
        const Conversation copy = *store.conversation(imported);
        QCOMPARE(copy.title, original.title);
        QCOMPARE(copy.model, original.model);
        QCOMPARE(copy.systemPrompt, original.systemPrompt);
        QCOMPARE(copy.params, original.params);
        const QList<ConversationMessage> copied = store.messages(imported);
        QVERIFY(tree(copied) == tree(originalMessages));
        // The branch on screen comes along too.
        QCOMPARE(ConversationStore::thread(copied, copy.leafId).last().content, QStringLiteral("Answer A"));
        QCOMPARE(store.list().size(), 2);
        // And a second export of the copy is the same file apart from the ids.
        QCOMPARE(tree(copied), tree(originalMessages));
    }

    void importRefusesBadFiles()
    {
        ConversationStore store(m_db);
        QString error;
        QCOMPARE(ConversationExport::importJson(store, "not json", &error), 0);
        QVERIFY(error.contains(QLatin1String("not valid JSON")));
        QCOMPARE(ConversationExport::importJson(store, R"({"format":"other"})", &error), 0);
        QVERIFY(error.contains(QLatin1String("not a Patchbay")));
        const QByteArray orphan = R"({"format":"patchbay.conversation","version":1,"conversation":{},
            "messages":[{"id":2,"parent_id":1,"role":"user","content":"x"}]})";
        QCOMPARE(ConversationExport::importJson(store, orphan, &error), 0);
        QVERIFY(error.contains(QLatin1String("not before it")));
        QVERIFY(store.list().isEmpty());
    }

    void markdownShowsTheBranchOnScreen()
    {
        Conversation c;
        c.title = QStringLiteral("Md");
        c.systemPrompt = QStringLiteral("Line one\nLine two");
        QList<ConversationMessage> all;
        ConversationMessage q;
        q.id = 1;
        q.role = QStringLiteral("user");
        q.content = QStringLiteral("Hi");
        q.attachments = {{QStringLiteral("a.png"), QStringLiteral("image/png"), QByteArray("abc")}};
        ConversationMessage a;
        a.id = 2;
        a.parentId = 1;
        a.role = QStringLiteral("assistant");
        a.model = QStringLiteral("fake/gpt-a");
        a.content = QStringLiteral("Old");
        ConversationMessage b = a;
        b.id = 3;
        b.content = QStringLiteral("New");
        b.inputTokens = 3;
        b.outputTokens = 4;
        all << q << a << b;
        const QString md = ConversationExport::toMarkdown(c, all);
        QVERIFY(md.startsWith(QLatin1String("# Md\n")));
        QVERIFY(md.contains(QLatin1String("> Line one\n> Line two")));
        QVERIFY(md.contains(QLatin1String("## You\n\nHi\n")));
        QVERIFY(md.contains(QLatin1String("![a.png](data:image/png;base64,YWJj)")));
        QVERIFY(md.contains(QLatin1String("## Assistant (`fake/gpt-a`)\n\nNew\n")));
        QVERIFY(md.contains(QString::fromUtf8("*3 in · 4 out*")));
        QVERIFY(!md.contains(QLatin1String("Old")));
    }

    void presetsSaveReplaceAndList()
    {
        ChatPresetStore presets(m_db);
        ChatPreset p;
        p.name = QStringLiteral("Terse reviewer");
        p.model = QStringLiteral("fake/gpt-c");
        p.systemPrompt = QStringLiteral("Review code tersely.");
        p.params = QJsonObject{{QStringLiteral("temperature"), 0.1}};
        QString error;
        const qint64 id = presets.save(p, &error);
        QVERIFY2(id, qPrintable(error));
        p.systemPrompt = QStringLiteral("Review code very tersely.");
        QCOMPARE(presets.save(p), id); // same name: replaced, not duplicated
        ChatPreset other;
        other.name = QStringLiteral("another");
        QVERIFY(presets.save(other));
        const QList<ChatPreset> all = presets.list();
        QCOMPARE(all.size(), 2);
        QCOMPARE(all.first().name, QStringLiteral("another"));
        QCOMPARE(all.last().systemPrompt, QStringLiteral("Review code very tersely."));
        QCOMPARE(all.last().params.value(QLatin1String("temperature")).toDouble(), 0.1);
        QCOMPARE(presets.save(ChatPreset{}, &error), 0);
        QVERIFY(presets.remove(id));
        QCOMPARE(presets.list().size(), 1);
    }

private:
    QTemporaryDir m_dir;
    QSqlDatabase m_db;
    int m_count = 0;
};

QTEST_MAIN(TestConversationExport)
#include "tst_conversationexport.moc"
