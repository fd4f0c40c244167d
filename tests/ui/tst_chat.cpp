// The chat workbench end to end in one process: ChatPage and ComparePage talk over real loopback
// HTTP to a real GatewayServer, which forwards to the scriptable FakeProvider; conversations go
// to a real patchbay.db and the workbench's token to a real keychain (under a test service name).

#include "accesstokenstore.h"
#include "attachmentimages.h"
#include "attachmentstrip.h"
#include "chatclient.h"
#include "chatinput.h"
#include "chatmessagewidget.h"
#include "chatmodelpicker.h"
#include "chatpage.h"
#include "chatsession.h"
#include "chatview.h"
#include "closedport.h"
#include "comparepage.h"
#include "conversationexport.h"
#include "conversationlist.h"
#include "conversationpresets.h"
#include "conversationstore.h"
#include "database.h"
#include "fakeprovider.h"
#include "gatewayserver.h"
#include "presetmenu.h"
#include "secretstore.h"
#include "testworkspace.h"
#include "usageledger.h"

#include <QApplication>
#include <QClipboard>
#include <QImage>
#include <QJsonArray>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

using namespace patchbay;
using namespace patchbay::testing;

namespace {

const QString kProviderKey = QStringLiteral("sk-provider-chat-123456");


} // namespace

class TestChat : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void streamsAndSavesAConversation();
    void stopClosesTheUpstreamCall();
    void errorShowsInlineAndRetryWorks();
    void gatewayDownThenRetry();
    void revokedTokenIsReplaced();
    void regenerateKeepsTheOldBranch();
    void compareThreeModels();
    void exportImportRoundTrip();
    void imageAttachmentIsSentAsDataUrl();
    void tooBigImageIsRefused();
    void presetSetsModelAndSystemPrompt();
    void longConversationOpensAtTheEnd();

private:
    ChatPage *makePage();
    void send(ChatPage *page, const QString &text);
    QString url() const { return QStringLiteral("http://127.0.0.1:%1/v1").arg(m_server->port()); }

    QString m_service = QStringLiteral("Patchbay-test-%1").arg(QRandomGenerator::global()->generate(), 8, 16, QLatin1Char('0'));
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<FakeProvider> m_fake;
    std::unique_ptr<UsageLedger> m_ledger;
    std::unique_ptr<GatewayServer> m_server;
    std::unique_ptr<TestWorkspace> m_workspace;
    std::unique_ptr<ChatClient> m_client;
    std::unique_ptr<ChatPage> m_page;
};

void TestChat::initTestCase()
{
    SecretStore probe(m_service);
    const SecretResult written = probe.writeNow(QStringLiteral("probe"), QStringLiteral("x"));
    if (!written.ok) {
        if (qEnvironmentVariable("PATCHBAY_ALLOW_NO_KEYCHAIN") == QLatin1String("1"))
            QSKIP(qPrintable(QStringLiteral("No keychain reachable (PATCHBAY_ALLOW_NO_KEYCHAIN=1): ") + written.error));
        QFAIL(qPrintable(QStringLiteral("These tests need a Secret Service; run them under dbus-run-session with an "
                                        "unlocked gnome-keyring, or set PATCHBAY_ALLOW_NO_KEYCHAIN=1 to skip. ")
                         + written.error));
    }
    probe.removeNow(QStringLiteral("probe"));
}

void TestChat::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_fake = std::make_unique<FakeProvider>();
    QVERIFY(m_fake->listen());
    m_fake->setExpectedKey(kProviderKey);
    m_fake->setModels({QStringLiteral("gpt-a"), QStringLiteral("gpt-b"), QStringLiteral("gpt-c")});
    m_ledger = std::make_unique<UsageLedger>(m_dir->filePath(QStringLiteral("ledger.db")));
    QString error;
    QVERIFY2(m_ledger->start(&error), qPrintable(error));
    m_server = std::make_unique<GatewayServer>(m_ledger.get());
    GatewayConfig config;
    config.port = 0;
    QVERIFY2(m_server->listen(config, &error), qPrintable(error));
    ProviderConfig fake;
    fake.id = QStringLiteral("fake");
    fake.name = QStringLiteral("Fake");
    fake.baseUrl = m_fake->baseUrl();
    fake.keyRef = QStringLiteral("env:UNUSED");
    fake.models = {QStringLiteral("gpt-a"), QStringLiteral("gpt-b"), QStringLiteral("gpt-c")};
    m_server->setProviders({fake}, {{QStringLiteral("fake"), kProviderKey}});

    m_workspace = std::make_unique<TestWorkspace>(m_dir->path(), m_service);
    m_workspace->setGatewayStatus({GatewayStatus::State::Running, url(), {}});
    m_server->setTokens(m_workspace->tokens().activeHashes());
    m_client = std::make_unique<ChatClient>(m_workspace.get());
    // What AppRuntime::reloadTokens does for the real gateway.
    connect(m_client.get(), &ChatClient::tokenCreated, this,
            [this] { m_server->setTokens(m_workspace->tokens().activeHashes()); });
}

void TestChat::cleanup()
{
    m_page.reset();
    m_client.reset();
    if (m_workspace)
        m_workspace->secrets()->removeNow(ChatClient::keychainAccount());
    m_workspace.reset();
    m_server.reset();
    m_ledger.reset();
    m_fake.reset();
    m_dir.reset();
}

ChatPage *TestChat::makePage()
{
    m_page = std::make_unique<ChatPage>(m_workspace.get(), m_client.get());
    m_page->resize(900, 600);
    m_page->show();
    QSignalSpy models(m_client.get(), &ChatClient::modelsChanged);
    m_client->refreshModels();
    if (!models.wait(5000))
        qWarning("no model list");
    return m_page.get();
}

void TestChat::send(ChatPage *page, const QString &text)
{
    page->input()->setPlainText(text);
    QTest::keyClick(page->input(), Qt::Key_Return);
}

void TestChat::streamsAndSavesAConversation()
{
    ChatPage *page = makePage();
    QCOMPARE(m_client->models(), (QStringList{QStringLiteral("fake/gpt-a"), QStringLiteral("fake/gpt-b"),
                                              QStringLiteral("fake/gpt-c")}));
    page->modelPicker()->setModel(QStringLiteral("fake/gpt-b"));
    FakeStep step;
    step.chunks = {QStringLiteral("Hello **world**.\n\n"), QStringLiteral("```python\nprint(1)\n"), QStringLiteral("```\nDone.")};
    step.chunkIntervalMs = 40;
    step.promptTokens = 7;
    step.completionTokens = 9;
    m_fake->enqueue(step);
    send(page, QStringLiteral("Say hello"));
    QVERIFY(page->input()->toPlainText().isEmpty());
    QCOMPARE(page->sendButton()->text(), QStringLiteral("Stop"));
    ChatSession *session = page->session();
    QTRY_COMPARE(session->thread().size(), 2);
    // Text shows while it streams, before the reply is complete.
    QTRY_VERIFY_WITH_TIMEOUT(session->thread().last().content.contains(QLatin1String("Hello")), 5000);
    QTRY_VERIFY_WITH_TIMEOUT(session->thread().last().status == ConversationMessage::Status::Done, 5000);
    QCOMPARE(page->sendButton()->text(), QStringLiteral("Send"));
    const ConversationMessage reply = session->thread().last();
    QCOMPARE(reply.content, step.chunks.join(QString()));
    QCOMPARE(reply.model, QStringLiteral("fake/gpt-b"));
    QCOMPARE(reply.inputTokens, std::optional<int>(7));
    QCOMPARE(reply.outputTokens, std::optional<int>(9));
    QVERIFY(reply.ttftMs && reply.totalMs && *reply.totalMs >= *reply.ttftMs);

    // Rendered: Markdown prose, and the code in its own box with a Copy button.
    ChatMessageWidget *w = page->view()->messageWidgets().last();
    QTRY_VERIFY(w->renderedText().contains(QLatin1String("print(1)")));
    QVERIFY(w->findChild<QToolButton *>(QStringLiteral("copyCode")));
    QVERIFY(w->findChild<QLabel *>(QStringLiteral("chatStats"))->text().contains(QString::fromUtf8("7 in · 9 out")));

    // The request went through the gateway as a stream with usage, under the workbench's token.
    const QJsonObject sent = m_fake->requests().last().json();
    QCOMPARE(sent.value(QLatin1String("model")).toString(), QStringLiteral("gpt-b"));
    QVERIFY(sent.value(QLatin1String("stream")).toBool());
    const SecretResult token = m_workspace->secrets()->readNow(ChatClient::keychainAccount());
    QVERIFY(token.ok);
    QCOMPARE(m_workspace->tokens().activeHashes().value(AccessTokenStore::hash(token.secret.toUtf8())),
             ChatClient::tokenName());

    // The conversation is in SQLite: a fresh connection to the same file reads it back.
    QCOMPARE(page->conversations()->list()->count(), 1);
    QString error;
    QSqlDatabase db = Database::open(m_dir->filePath(QStringLiteral("patchbay.db")), QStringLiteral("reopen"), &error);
    {
        ConversationStore store(db);
        const QList<Conversation> all = store.list();
        QCOMPARE(all.size(), 1);
        QCOMPARE(all.first().title, QStringLiteral("Say hello"));
        const QList<ConversationMessage> messages = store.messages(all.first().id);
        QCOMPARE(messages.size(), 2);
        QCOMPARE(messages.at(0).content, QStringLiteral("Say hello"));
        QCOMPARE(messages.at(1).content, reply.content);
        QVERIFY(messages.at(1).status == ConversationMessage::Status::Done);
        QCOMPARE(store.list(QStringLiteral("print")).size(), 1);
    }
    db = {};
    Database::close(QStringLiteral("reopen"));
}

void TestChat::stopClosesTheUpstreamCall()
{
    ChatPage *page = makePage();
    FakeStep step;
    step.chunks = {QStringLiteral("one "), QStringLiteral("two "), QStringLiteral("three "), QStringLiteral("four ")};
    step.chunkIntervalMs = 400;
    m_fake->enqueue(step);
    QSignalSpy closed(m_fake.get(), &FakeProvider::connectionClosedMidResponse);
    send(page, QStringLiteral("Count"));
    ChatSession *session = page->session();
    QTRY_VERIFY_WITH_TIMEOUT(session->thread().size() == 2 && !session->thread().last().content.isEmpty(), 5000);
    QTest::mouseClick(page->sendButton(), Qt::LeftButton); // now "Stop"
    QVERIFY(!session->isStreaming());
    QVERIFY(session->thread().last().status == ConversationMessage::Status::Stopped);
    QTRY_VERIFY_WITH_TIMEOUT(m_fake->closedMidResponse() >= 1, 5000);
    // The partial reply is kept, in the database too.
    const QList<ConversationMessage> saved = ConversationStore(m_workspace->database()).messages(session->conversation().id);
    QVERIFY(saved.last().content.startsWith(QLatin1String("one")));
    QVERIFY(saved.last().status == ConversationMessage::Status::Stopped);
}

void TestChat::errorShowsInlineAndRetryWorks()
{
    ChatPage *page = makePage();
    m_fake->enqueue(FakeStep::error(400, QStringLiteral("The model refused this on purpose.")));
    send(page, QStringLiteral("Try me"));
    ChatSession *session = page->session();
    QTRY_VERIFY_WITH_TIMEOUT(session->thread().size() == 2 && session->thread().last().status == ConversationMessage::Status::Error, 5000);
    ChatMessageWidget *w = page->view()->messageWidgets().last();
    QVERIFY(session->thread().last().error.contains(QLatin1String("refused this on purpose")));
    auto *retry = w->findChild<QPushButton *>();
    QVERIFY(retry && retry->isVisible());
    QCOMPARE(retry->text(), QStringLiteral("Retry"));
    QTest::mouseClick(retry, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(session->thread().last().status == ConversationMessage::Status::Done, 5000);
    QCOMPARE(session->thread().last().content, QStringLiteral("Echo: Try me"));
    QCOMPARE(session->thread().size(), 2); // retried in place
}

void TestChat::gatewayDownThenRetry()
{
    ChatPage *page = makePage();
    m_workspace->setGatewayStatus({GatewayStatus::State::Stopped, QStringLiteral("http://127.0.0.1:%1/v1").arg(closedPort()), {}});
    send(page, QStringLiteral("Anyone there?"));
    ChatSession *session = page->session();
    QTRY_VERIFY_WITH_TIMEOUT(session->thread().size() == 2 && session->thread().last().status == ConversationMessage::Status::Error, 5000);
    QVERIFY2(session->thread().last().error.contains(QLatin1String("not running")), qPrintable(session->thread().last().error));
    // What was typed is not lost: it is the saved user message, and Retry sends it again.
    QCOMPARE(session->thread().first().content, QStringLiteral("Anyone there?"));
    m_workspace->setGatewayStatus({GatewayStatus::State::Running, url(), {}});
    session->retry();
    QTRY_VERIFY_WITH_TIMEOUT(session->thread().last().status == ConversationMessage::Status::Done, 5000);
    QCOMPARE(session->thread().last().content, QStringLiteral("Echo: Anyone there?"));
}

void TestChat::revokedTokenIsReplaced()
{
    ChatPage *page = makePage();
    QVERIFY(m_workspace->tokens().revoke(ChatClient::tokenName(), nullptr));
    m_server->setTokens(m_workspace->tokens().activeHashes());
    send(page, QStringLiteral("Still me"));
    ChatSession *session = page->session();
    QTRY_VERIFY_WITH_TIMEOUT(session->thread().size() == 2 && session->thread().last().status == ConversationMessage::Status::Done, 5000);
    const SecretResult token = m_workspace->secrets()->readNow(ChatClient::keychainAccount());
    QCOMPARE(m_workspace->tokens().activeHashes().value(AccessTokenStore::hash(token.secret.toUtf8())),
             ChatClient::tokenName() + QStringLiteral(" 2"));
}

void TestChat::regenerateKeepsTheOldBranch()
{
    ChatPage *page = makePage();
    FakeStep first;
    first.text = QStringLiteral("First answer");
    FakeStep second;
    second.text = QStringLiteral("Second answer");
    m_fake->enqueue(first);
    m_fake->enqueue(second);
    send(page, QStringLiteral("Question"));
    ChatSession *session = page->session();
    QTRY_VERIFY_WITH_TIMEOUT(session->thread().size() == 2 && session->thread().last().status == ConversationMessage::Status::Done, 5000);
    session->regenerate();
    QTRY_VERIFY_WITH_TIMEOUT(session->thread().last().content == QLatin1String("Second answer")
                                 && session->thread().last().status == ConversationMessage::Status::Done, 5000);
    QCOMPARE(session->siblings(1).size(), 2);
    session->switchBranch(session->siblings(1).first());
    QCOMPARE(session->thread().last().content, QStringLiteral("First answer"));
    // The choice of branch is saved with the conversation.
    const qint64 id = session->conversation().id;
    session->startNew();
    QVERIFY(session->load(id));
    QCOMPARE(session->thread().last().content, QStringLiteral("First answer"));
}

void TestChat::compareThreeModels()
{
    ComparePage page(m_workspace.get(), m_client.get());
    page.resize(1200, 600);
    page.show();
    QSignalSpy models(m_client.get(), &ChatClient::modelsChanged);
    m_client->refreshModels();
    QVERIFY(models.wait(5000));
    page.setColumnCount(3);
    QCOMPARE(page.columns().size(), 3);
    QStringList picked;
    for (const ComparePage::Column &c : page.columns())
        picked << c.picker->model();
    QCOMPARE(picked, (QStringList{QStringLiteral("fake/gpt-a"), QStringLiteral("fake/gpt-b"), QStringLiteral("fake/gpt-c")}));
    page.input()->setPlainText(QStringLiteral("Hi all"));
    QTest::keyClick(page.input(), Qt::Key_Return);
    for (const ComparePage::Column &c : page.columns())
        QTRY_VERIFY_WITH_TIMEOUT(c.session->thread().size() == 2 && c.session->thread().last().status == ConversationMessage::Status::Done, 5000);
    QSet<QString> upstream;
    for (const ReceivedRequest &r : m_fake->requests()) {
        if (r.method == "POST")
            upstream.insert(r.json().value(QLatin1String("model")).toString());
    }
    QCOMPARE(upstream, (QSet<QString>{QStringLiteral("gpt-a"), QStringLiteral("gpt-b"), QStringLiteral("gpt-c")}));
    QSet<qint64> conversations;
    for (int i = 0; i < 3; ++i) {
        const ChatSession *s = page.columns().at(i).session;
        QCOMPARE(s->thread().last().model, picked.at(i));
        QCOMPARE(s->thread().last().content, QStringLiteral("Echo: Hi all"));
        conversations.insert(s->conversation().id);
    }
    QCOMPARE(conversations.size(), 3); // each column is a conversation of its own
    // A follow-up goes to every column.
    page.input()->setPlainText(QStringLiteral("And again"));
    QTest::keyClick(page.input(), Qt::Key_Return);
    for (const ComparePage::Column &c : page.columns())
        QTRY_VERIFY_WITH_TIMEOUT(c.session->thread().size() == 4 && c.session->thread().last().status == ConversationMessage::Status::Done, 5000);
    // Any column can be continued alone: it hands its conversation to the Chat page.
    QSignalSpy alone(&page, &ComparePage::continueAlone);
    QPushButton *button = page.columns().at(1).continueAlone;
    QTRY_VERIFY(button->isEnabled());
    QTest::mouseClick(button, Qt::LeftButton);
    QCOMPARE(alone.size(), 1);
    const qint64 id = alone.first().first().toLongLong();
    QCOMPARE(id, page.columns().at(1).session->conversation().id);
    ChatPage *chat = makePage();
    chat->openConversation(id);
    QCOMPARE(chat->session()->thread().size(), 4);
    QCOMPARE(chat->modelPicker()->model(), QStringLiteral("fake/gpt-b"));
    send(chat, QStringLiteral("Just you now"));
    QTRY_VERIFY_WITH_TIMEOUT(chat->session()->thread().size() == 6
                                 && chat->session()->thread().last().status == ConversationMessage::Status::Done, 5000);
    QCOMPARE(m_fake->requests().last().json().value(QLatin1String("model")).toString(), QStringLiteral("gpt-b"));
    QCOMPARE(m_fake->requests().last().json().value(QLatin1String("messages")).toArray().size(), 5);
}

namespace {

// The message tree with parents as positions, so trees with different ids compare.
QStringList treeShape(const QList<ConversationMessage> &messages)
{
    QHash<qint64, int> index;
    QStringList out;
    for (const ConversationMessage &m : messages) {
        index.insert(m.id, static_cast<int>(out.size()));
        out << QStringLiteral("%1|%2|%3|%4|%5|%6|%7|%8|%9")
                   .arg(m.parentId ? index.value(m.parentId, -2) : -1)
                   .arg(m.role, m.content, m.model)
                   .arg(m.inputTokens.value_or(-1))
                   .arg(m.outputTokens.value_or(-1))
                   .arg(m.ttftMs.value_or(-1))
                   .arg(m.totalMs.value_or(-1))
                   .arg(ConversationStore::statusText(m.status));
    }
    return out;
}

QString writePng(const QString &path, int size)
{
    QImage image(size, size, QImage::Format_RGB32);
    image.fill(QColor(40, 120, 200));
    image.save(path, "PNG");
    return path;
}

} // namespace

void TestChat::exportImportRoundTrip()
{
    ChatPage *page = makePage();
    FakeStep first;
    first.text = QStringLiteral("First answer");
    first.promptTokens = 5;
    first.completionTokens = 2;
    FakeStep second;
    second.text = QStringLiteral("Second **answer**");
    second.promptTokens = 5;
    second.completionTokens = 3;
    m_fake->enqueue(first);
    m_fake->enqueue(second);
    send(page, QStringLiteral("Question"));
    ChatSession *session = page->session();
    QTRY_VERIFY_WITH_TIMEOUT(session->thread().size() == 2 && session->thread().last().status == ConversationMessage::Status::Done, 5000);
    session->regenerate();
    QTRY_VERIFY_WITH_TIMEOUT(session->thread().last().content == QLatin1String("Second **answer**")
                                 && session->thread().last().status == ConversationMessage::Status::Done, 5000);
    session->switchBranch(session->siblings(1).first()); // the old branch is the one on screen
    const qint64 id = session->conversation().id;
    ConversationStore store(m_workspace->database());
    const QList<ConversationMessage> original = store.messages(id);
    QCOMPARE(original.size(), 3);

    QString error;
    const QString json = m_dir->filePath(QStringLiteral("out.json"));
    const QString md = m_dir->filePath(QStringLiteral("out.md"));
    QVERIFY2(page->conversations()->exportConversation(id, json, &error), qPrintable(error));
    QVERIFY2(page->conversations()->exportConversation(id, md, &error), qPrintable(error));
    QFile mdFile(md);
    QVERIFY(mdFile.open(QIODevice::ReadOnly));
    const QString markdown = QString::fromUtf8(mdFile.readAll());
    QVERIFY(markdown.contains(QLatin1String("First answer")));
    QVERIFY(!markdown.contains(QLatin1String("Second"))); // Markdown is the branch on screen

    const qint64 imported = page->conversations()->importConversation(json, &error);
    QVERIFY2(imported, qPrintable(error));
    QVERIFY(imported != id);
    // Importing opens the copy on the page, with the same branch on screen.
    QTRY_COMPARE(session->conversation().id, imported);
    QCOMPARE(session->thread().last().content, QStringLiteral("First answer"));
    QCOMPARE(treeShape(store.messages(imported)), treeShape(original));
    QCOMPARE(page->conversations()->list()->count(), 2);
    QCOMPARE(session->siblings(1).size(), 2);
}

void TestChat::imageAttachmentIsSentAsDataUrl()
{
    ChatPage *page = makePage();
    const QString path = writePng(m_dir->filePath(QStringLiteral("blue.png")), 24);
    page->attachFiles({path});
    QCOMPARE(page->attachments()->attachments().size(), 1);
    QVERIFY(page->attachments()->isVisibleTo(page));
    // No table knows the fake's models: the strip says so for the model picked, and sends anyway.
    QVERIFY2(page->attachments()->modelWarning().contains(QLatin1String("fake/gpt-a takes images")),
             qPrintable(page->attachments()->modelWarning()));
    page->modelPicker()->setModel(QStringLiteral("fake/gpt-b"));
    QVERIFY2(page->attachments()->modelWarning().contains(QLatin1String("fake/gpt-b takes images")),
             qPrintable(page->attachments()->modelWarning()));
    send(page, QStringLiteral("What colour is this?"));
    ChatSession *session = page->session();
    QTRY_VERIFY_WITH_TIMEOUT(session->thread().size() == 2 && session->thread().last().status == ConversationMessage::Status::Done, 5000);
    QVERIFY(page->attachments()->attachments().isEmpty()); // sent with the message
    QVERIFY(page->attachments()->modelWarning().isEmpty());

    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QString expectedUrl = QStringLiteral("data:image/png;base64,") + QString::fromLatin1(file.readAll().toBase64());
    const QJsonArray messages = m_fake->requests().last().json().value(QLatin1String("messages")).toArray();
    const QJsonArray parts = messages.last().toObject().value(QLatin1String("content")).toArray();
    QCOMPARE(parts.size(), 2);
    QCOMPARE(parts.at(0).toObject().value(QLatin1String("text")).toString(), QStringLiteral("What colour is this?"));
    QCOMPARE(parts.at(1).toObject().value(QLatin1String("type")).toString(), QStringLiteral("image_url"));
    QCOMPARE(parts.at(1).toObject().value(QLatin1String("image_url")).toObject().value(QLatin1String("url")).toString(), expectedUrl);

    // Kept with the message and shown as a thumbnail, also after reopening.
    const qint64 id = session->conversation().id;
    QCOMPARE(ConversationStore(m_workspace->database()).messages(id).first().attachments.first().name, QStringLiteral("blue.png"));
    page->newChat();
    page->openConversation(id);
    auto *thumb = page->view()->messageWidgets().first()->findChild<QLabel *>(QStringLiteral("attachmentThumbnail"));
    QVERIFY(thumb);
    QVERIFY(!thumb->pixmap().isNull());
}

void TestChat::tooBigImageIsRefused()
{
    ChatPage *page = makePage();
    const QString path = m_dir->filePath(QStringLiteral("huge.png"));
    QFile big(path);
    QVERIFY(big.open(QIODevice::WriteOnly));
    QImage small(4, 4, QImage::Format_RGB32);
    small.fill(Qt::red);
    small.save(&big, "PNG");
    big.write(QByteArray(AttachmentImages::kMaxBytes + 1, '\0'));
    big.close();
    page->attachFiles({path, m_dir->filePath(QStringLiteral("missing.txt"))});
    QVERIFY(page->attachments()->attachments().isEmpty());
    QVERIFY2(page->attachments()->problem().contains(QLatin1String("huge.png")) && page->attachments()->problem().contains(QLatin1String("up to 5")),
             qPrintable(page->attachments()->problem()));
    QVERIFY(page->attachments()->problem().contains(QLatin1String("missing.txt")));

    // A pasted picture becomes an attachment, not text.
    QImage pasted(8, 8, QImage::Format_RGB32);
    pasted.fill(Qt::green);
    QApplication::clipboard()->setImage(pasted);
    page->input()->paste();
    QCOMPARE(page->attachments()->attachments().size(), 1);
    QCOMPARE(page->attachments()->attachments().first().mimeType, QStringLiteral("image/png"));
    QVERIFY(page->input()->toPlainText().isEmpty());
}

void TestChat::presetSetsModelAndSystemPrompt()
{
    ChatPage *page = makePage();
    // Save the current settings as a preset from the page, then use another saved one.
    page->modelPicker()->setModel(QStringLiteral("fake/gpt-a"));
    page->session()->setSystemPrompt(QStringLiteral("Speak like a pirate."));
    QString error;
    QVERIFY2(page->saveAsPreset(QStringLiteral("Pirate"), &error), qPrintable(error));
    ChatPreset reviewer;
    reviewer.name = QStringLiteral("Reviewer");
    reviewer.model = QStringLiteral("fake/gpt-c");
    reviewer.systemPrompt = QStringLiteral("Review code tersely.");
    reviewer.params = QJsonObject{{QStringLiteral("temperature"), 0.2}, {QStringLiteral("max_tokens"), 300}};
    QVERIFY(ChatPresetStore(m_workspace->database()).save(reviewer));
    const QList<ChatPreset> presets = page->presets()->store().list();
    QCOMPARE(presets.size(), 2);
    QCOMPARE(presets.first().model, QStringLiteral("fake/gpt-a"));
    QCOMPARE(presets.first().systemPrompt, QStringLiteral("Speak like a pirate."));

    // Picking it from the menu sets up the chat.
    page->presets()->popup(QPoint(0, 0));
    QAction *pick = nullptr;
    for (QAction *a : page->presets()->actions()) {
        if (a->text() == QLatin1String("Reviewer"))
            pick = a;
    }
    QVERIFY(pick);
    pick->trigger();
    page->presets()->hide();
    QCOMPARE(page->modelPicker()->model(), QStringLiteral("fake/gpt-c"));
    send(page, QStringLiteral("int main() {}"));
    ChatSession *session = page->session();
    QTRY_VERIFY_WITH_TIMEOUT(session->thread().size() == 2 && session->thread().last().status == ConversationMessage::Status::Done, 5000);
    const QJsonObject sent = m_fake->requests().last().json();
    QCOMPARE(sent.value(QLatin1String("model")).toString(), QStringLiteral("gpt-c"));
    QCOMPARE(sent.value(QLatin1String("temperature")).toDouble(), 0.2);
    QCOMPARE(sent.value(QLatin1String("max_tokens")).toInt(), 300);
    const QJsonObject system = sent.value(QLatin1String("messages")).toArray().first().toObject();
    QCOMPARE(system.value(QLatin1String("role")).toString(), QStringLiteral("system"));
    QCOMPARE(system.value(QLatin1String("content")).toString(), QStringLiteral("Review code tersely."));

    // On a chat that already has messages, a preset starts a new one.
    const qint64 used = session->conversation().id;
    page->applyPreset(presets.first());
    QVERIFY(session->thread().isEmpty());
    QVERIFY(session->conversation().id != used);
    QCOMPARE(session->conversation().systemPrompt, QStringLiteral("Speak like a pirate."));
    QCOMPARE(page->modelPicker()->model(), QStringLiteral("fake/gpt-a"));
}

void TestChat::longConversationOpensAtTheEnd()
{
    ConversationStore store(m_workspace->database());
    Conversation c;
    c.title = QStringLiteral("Long");
    c.model = QStringLiteral("fake/gpt-a");
    c.id = store.create(c);
    qint64 parent = 0;
    for (int i = 0; i < 150; ++i) {
        ConversationMessage m;
        m.conversationId = c.id;
        m.parentId = parent;
        m.role = i % 2 ? QStringLiteral("assistant") : QStringLiteral("user");
        m.content = QStringLiteral("message %1").arg(i);
        parent = store.addMessage(m);
    }
    ChatPage *page = makePage();
    page->openConversation(c.id);
    QCOMPARE(page->session()->thread().size(), 150);
    // Only the end is made into widgets; the rest comes on request.
    QCOMPARE(page->view()->messageWidgets().size(), ChatView::kPage);
    QCOMPARE(page->view()->firstShown(), 150 - ChatView::kPage);
    QCOMPARE(page->view()->messageWidgets().last()->message().content, QStringLiteral("message 149"));
    auto *earlier = page->view()->findChild<QPushButton *>(QStringLiteral("showEarlier"));
    QVERIFY(earlier && earlier->isVisible());
    QTest::mouseClick(earlier, Qt::LeftButton);
    QCOMPARE(page->view()->messageWidgets().size(), 2 * ChatView::kPage);
    page->view()->showEarlier(1000);
    QCOMPARE(page->view()->messageWidgets().size(), 150);
    QCOMPARE(page->view()->messageWidgets().first()->message().content, QStringLiteral("message 0"));
    QVERIFY(!earlier->isVisible());
    // Edit still addresses the right message of the thread.
    QSignalSpy edit(page->view(), &ChatView::editRequested);
    Q_EMIT page->view()->messageWidgets().at(4)->editRequested();
    QCOMPARE(edit.size(), 1);
    QCOMPARE(edit.first().first().toInt(), 4);
    page->newChat();
    page->openConversation(c.id);
    Q_EMIT page->view()->messageWidgets().at(4)->editRequested();
    QCOMPARE(edit.last().first().toInt(), 150 - ChatView::kPage + 4);
}

QTEST_MAIN(TestChat)
#include "tst_chat.moc"
