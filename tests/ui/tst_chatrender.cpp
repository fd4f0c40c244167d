// How a reply is rendered while it streams: a label per Markdown block so that an update touches
// only the block still growing, the finished reply shown whole exactly as a reopened one is, the
// label that remembers its heights, and the queue that spreads final renders over event-loop passes.

#include "chatmessagewidget.h"
#include "chatrenderqueue.h"
#include "chattextlabel.h"
#include "markdownsegments.h"

#include <QFrame>
#include <QLabel>
#include <QPointer>
#include <QTest>

using namespace patchbay;

class TestChatRender : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void proseBlocks_data();
    void proseBlocks();
    void codeIsNotCut();
    void streamingTouchesOnlyTheLastBlock();
    void finishedReplyLooksLikeAReopenedOne();
    void labelHeightsMatchQLabel();
    void queueRunsOneJobPerPass();

private:
    static QStringList texts(const QList<MarkdownSegment> &segments);
    static void settle(); // the render timer, the queued final render, deferred deletes
};

QStringList TestChatRender::texts(const QList<MarkdownSegment> &segments)
{
    QStringList out;
    for (const MarkdownSegment &s : segments)
        out << s.text.trimmed();
    return out;
}

void TestChatRender::settle()
{
    QTest::qWait(80);
    for (int i = 0; i < 5; ++i)
        QCoreApplication::processEvents();
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
}

void TestChatRender::proseBlocks_data()
{
    QTest::addColumn<QString>("markdown");
    QTest::addColumn<QStringList>("blocks");
    QTest::newRow("paragraphs") << "One.\n\nTwo.\n\n\nThree." << QStringList{"One.", "Two.", "Three."};
    QTest::newRow("heading") << "Intro.\n\n## Part\nText." << QStringList{"Intro.", "## Part\nText."};
    // A list stays whole, loose or not: a cut would restart its numbering.
    QTest::newRow("loose list") << "Steps:\n\n1. a\n\n2. b\n\nDone." << QStringList{"Steps:\n\n1. a\n\n2. b", "Done."};
    QTest::newRow("bullets") << "- a\n\n- b\n\n  more of b\n\nAfter." << QStringList{"- a\n\n- b\n\n  more of b", "After."};
    QTest::newRow("quote") << "Said:\n\n> one\n\n> two" << QStringList{"Said:\n\n> one\n\n> two"};
    QTest::newRow("table") << "Costs:\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nThat is all."
                           << QStringList{"Costs:\n\n| a | b |\n|---|---|\n| 1 | 2 |", "That is all."};
    QTest::newRow("indented code") << "Run:\n\n    make\n\n    make test" << QStringList{"Run:\n\n    make\n\n    make test"};
    QTest::newRow("html block") << "<!-- a\n\nb -->\n\nText." << QStringList{"<!-- a\n\nb -->\n\nText."};
    // Streaming: what follows a blank line has not arrived yet, or only its first character.
    QTest::newRow("open end") << "One.\n\n" << QStringList{"One."};
    QTest::newRow("undecided") << "One.\n\n1" << QStringList{"One.\n\n1"};
}

void TestChatRender::proseBlocks()
{
    QFETCH(QString, markdown);
    QFETCH(QStringList, blocks);
    const QList<MarkdownSegment> split = splitProseBlocks(splitMarkdown(markdown));
    QCOMPARE(texts(split), blocks);
    for (const MarkdownSegment &s : split)
        QVERIFY(!s.code);
}

void TestChatRender::codeIsNotCut()
{
    const QString markdown = QStringLiteral("Before.\n\nStill before.\n\n```py\nx = 1\n\ny = 2\n```\n\nAfter.");
    const QList<MarkdownSegment> split = splitProseBlocks(splitMarkdown(markdown));
    QCOMPARE(split.size(), 4);
    QCOMPARE(texts(split), (QStringList{"Before.", "Still before.", "x = 1\n\ny = 2", "After."}));
    QVERIFY(split.at(2).code);
    QCOMPARE(split.at(2).language, QStringLiteral("py"));
}

namespace {

ConversationMessage reply(const QString &content, ConversationMessage::Status status)
{
    ConversationMessage m;
    m.id = 7;
    m.role = QStringLiteral("assistant");
    m.content = content;
    m.status = status;
    return m;
}

QList<ChatTextLabel *> prose(const QWidget *w)
{
    QList<ChatTextLabel *> out;
    for (ChatTextLabel *l : w->findChildren<ChatTextLabel *>(QStringLiteral("messageText"))) {
        if (l->isVisibleTo(w))
            out << l;
    }
    return out;
}

const QString kFinal = QStringLiteral("First paragraph with **bold**.\n\nSecond paragraph, a [link](https://example.com).\n\n"
                                      "```cpp\nint x = 1;\n```\n\nThird paragraph.\n\n- a\n- b\n\nLast words.");

} // namespace

void TestChatRender::streamingTouchesOnlyTheLastBlock()
{
    ChatMessageWidget w;
    w.resize(500, 300);
    w.show();
    w.setMessage(reply(QStringLiteral("First paragraph with **bold**.\n\nSecond"), ConversationMessage::Status::Streaming));
    settle();
    QList<ChatTextLabel *> labels = prose(&w);
    QCOMPARE(labels.size(), 2);
    QPointer<ChatTextLabel> first = labels.first();
    const QString firstText = first->text();

    w.setMessage(reply(QStringLiteral("First paragraph with **bold**.\n\nSecond paragraph, a [link](https://example.com).\n\nThi"),
                       ConversationMessage::Status::Streaming));
    settle();
    labels = prose(&w);
    QCOMPARE(labels.size(), 3);
    // The finished block is the same label with the same text: not parsed or laid out again.
    QCOMPARE(labels.first(), first.data());
    QCOMPARE(first->text(), firstText);
    QCOMPARE(labels.last()->text(), QStringLiteral("Thi"));
}

void TestChatRender::finishedReplyLooksLikeAReopenedOne()
{
    ChatMessageWidget streamed;
    streamed.resize(500, 400);
    streamed.show();
    for (qsizetype n = 1; n <= kFinal.size(); n += 9) {
        streamed.setMessage(reply(kFinal.left(n), ConversationMessage::Status::Streaming));
        if (n % 45 == 1)
            settle();
    }
    streamed.setMessage(reply(kFinal, ConversationMessage::Status::Streaming));
    settle();
    QVERIFY(prose(&streamed).size() > 3); // block by block while streaming
    auto *code = streamed.findChild<QFrame *>(QStringLiteral("codeBlock"));
    QVERIFY(code);
    streamed.setMessage(reply(kFinal, ConversationMessage::Status::Done));
    settle();

    ChatMessageWidget reopened;
    reopened.resize(500, 400);
    reopened.show();
    reopened.setMessage(reply(kFinal, ConversationMessage::Status::Done));
    settle();

    QCOMPARE(streamed.renderedText(), reopened.renderedText());
    QList<QString> a, b;
    for (ChatTextLabel *l : prose(&streamed))
        a << l->text();
    for (ChatTextLabel *l : prose(&reopened))
        b << l->text();
    QCOMPARE(a, b);
    QCOMPARE(a.size(), 2); // the prose before the code block and after it, each whole
    QCOMPARE(streamed.heightForWidth(500), reopened.heightForWidth(500));
    // The code box made while streaming is kept.
    QCOMPARE(streamed.findChild<QFrame *>(QStringLiteral("codeBlock")), code);
}

void TestChatRender::labelHeightsMatchQLabel()
{
    const QString markdown = QStringLiteral("# Title\n\nSome *text* that wraps across a few lines when the label is narrow "
                                            "enough, with `code` in it.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- one\n- two");
    ChatTextLabel mine;
    mine.setContent(markdown, Qt::MarkdownText);
    QLabel plain;
    plain.setWordWrap(true);
    plain.setTextFormat(Qt::MarkdownText);
    plain.setText(markdown);
    for (int width : {120, 300, 640, 300}) // the last one from memory
        QCOMPARE(mine.heightForWidth(width), plain.heightForWidth(width));
    // New text: the remembered heights go with the old one.
    const int before = mine.heightForWidth(300);
    mine.setContent(markdown + QStringLiteral("\n\nAnother paragraph."), Qt::MarkdownText);
    QVERIFY(mine.heightForWidth(300) > before);
}

void TestChatRender::queueRunsOneJobPerPass()
{
    QStringList ran;
    QObject a, b;
    auto *gone = new QObject;
    ChatRenderQueue::post(&a, [&] { ran << QStringLiteral("a"); });
    ChatRenderQueue::post(gone, [&] { ran << QStringLiteral("gone"); });
    ChatRenderQueue::post(&b, [&] { ran << QStringLiteral("b"); });
    delete gone;
    QCoreApplication::sendPostedEvents();
    QCOMPARE(ran, QStringList{QStringLiteral("a")});
    QCoreApplication::sendPostedEvents();
    QCOMPARE(ran, (QStringList{QStringLiteral("a"), QStringLiteral("b")}));
    QCoreApplication::sendPostedEvents();
    QCOMPARE(ran.size(), 2);
}

QTEST_MAIN(TestChatRender)
#include "tst_chatrender.moc"
