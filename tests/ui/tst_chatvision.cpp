// Which models take images (ChatVision's name table), and the warning the attachment strip shows
// when the chosen model may not. Whether the image is still sent is tested end to end in tst_chat.

#include "attachmentimages.h"
#include "attachmentstrip.h"
#include "chatvision.h"

#include <QImage>
#include <QLabel>
#include <QTest>
#include <QToolButton>

using namespace patchbay;
using Images = ChatVision::Images;

Q_DECLARE_METATYPE(patchbay::ChatVision::Images)

class TestChatVision : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void table_data();
    void table();
    void stripWarnsOnlyWhileImagesWait();

private:
    static ConversationAttachment picture();
};

void TestChatVision::table_data()
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<Images>("expected");
    // Vision families, under the names the provider presets and local servers use.
    QTest::newRow("gpt-4o") << "openai/gpt-4o" << Images::Taken;
    QTest::newRow("gpt-4o-mini") << "openai/gpt-4o-mini" << Images::Taken;
    QTest::newRow("gpt-4.1") << "openai/gpt-4.1-mini" << Images::Taken;
    QTest::newRow("gpt-5.x") << "openai/gpt-5.4-nano" << Images::Taken;
    QTest::newRow("o1") << "openai/o1" << Images::Taken;
    QTest::newRow("o4-mini") << "openai/o4-mini" << Images::Taken;
    QTest::newRow("claude-3.5") << "anthropic/claude-3-5-sonnet-20241022" << Images::Taken;
    QTest::newRow("claude-4") << "anthropic/claude-sonnet-4-5" << Images::Taken;
    QTest::newRow("via openrouter") << "openrouter/anthropic/claude-sonnet-4.6" << Images::Taken;
    QTest::newRow("gemini") << "gemini/gemini-2.5-flash-lite" << Images::Taken;
    QTest::newRow("gemma 3") << "ollama/gemma3:27b" << Images::Taken;
    QTest::newRow("grok-4") << "xai/grok-4-fast-reasoning" << Images::Taken;
    QTest::newRow("llama 4") << "groq/meta-llama/llama-4-scout-17b-16e-instruct" << Images::Taken;
    QTest::newRow("llama 3.2 vision") << "together/meta-llama/Llama-3.2-90B-Vision-Instruct-Turbo" << Images::Taken;
    QTest::newRow("llava") << "ollama/llava:13b" << Images::Taken;
    QTest::newRow("qwen vl") << "ollama/qwen2.5vl:7b" << Images::Taken;
    QTest::newRow("qwen-vl") << "openrouter/qwen/qwen2.5-vl-72b-instruct" << Images::Taken;
    QTest::newRow("pixtral") << "mistral/pixtral-large-latest" << Images::Taken;
    QTest::newRow("mistral small") << "mistral/mistral-small-latest" << Images::Taken;
    QTest::newRow("kimi k2.5") << "moonshot/kimi-k2.5" << Images::Taken;
    // Text only, several of them in a vision family.
    QTest::newRow("gpt-3.5") << "openai/gpt-3.5-turbo" << Images::Refused;
    QTest::newRow("first gpt-4") << "openai/gpt-4" << Images::Refused;
    QTest::newRow("o3-mini") << "openai/o3-mini" << Images::Refused;
    QTest::newRow("o1-mini") << "openai/o1-mini" << Images::Refused;
    QTest::newRow("gpt-oss") << "groq/openai/gpt-oss-120b" << Images::Refused;
    QTest::newRow("claude-2") << "anthropic/claude-2.1" << Images::Refused;
    QTest::newRow("grok-3") << "xai/grok-3-mini" << Images::Refused;
    QTest::newRow("grok code") << "xai/grok-code-fast-1" << Images::Refused;
    QTest::newRow("deepseek") << "deepseek/deepseek-chat" << Images::Refused;
    QTest::newRow("deepseek v3") << "together/deepseek-ai/DeepSeek-V3" << Images::Refused;
    QTest::newRow("llama 3.3") << "groq/llama-3.3-70b-versatile" << Images::Refused;
    QTest::newRow("llama 3.1 fireworks") << "fireworks/accounts/fireworks/models/llama-v3p1-8b-instruct" << Images::Refused;
    QTest::newRow("llama 3.2 small") << "ollama/llama3.2:3b" << Images::Refused;
    QTest::newRow("gemma 3 1b") << "ollama/gemma3:1b" << Images::Refused;
    QTest::newRow("codestral") << "mistral/codestral-latest" << Images::Refused;
    QTest::newRow("kimi k2") << "moonshot/kimi-k2-instruct" << Images::Refused;
    // Not in the table.
    QTest::newRow("fake") << "fake/gpt-a" << Images::Unknown;
    QTest::newRow("qwen3") << "groq/qwen/qwen3-32b" << Images::Unknown;
    QTest::newRow("sonar") << "perplexity/sonar-pro" << Images::Unknown;
    QTest::newRow("empty") << "" << Images::Unknown;
}

void TestChatVision::table()
{
    QFETCH(QString, model);
    QFETCH(Images, expected);
    QCOMPARE(ChatVision::takesImages(model), expected);
    // Only a model known to take images goes without a warning, and the warning names the model.
    const QString warning = ChatVision::warning(model);
    QCOMPARE(warning.isEmpty(), expected == Images::Taken);
    if (!warning.isEmpty() && !model.isEmpty())
        QVERIFY2(warning.contains(model), qPrintable(warning));
}

ConversationAttachment TestChatVision::picture()
{
    QImage image(8, 8, QImage::Format_RGB32);
    image.fill(Qt::blue);
    QString error;
    const std::optional<ConversationAttachment> a = AttachmentImages::fromImage(image, QStringLiteral("blue.png"), &error);
    if (!a)
        qFatal("no attachment: %s", qPrintable(error));
    return *a;
}

void TestChatVision::stripWarnsOnlyWhileImagesWait()
{
    QWidget window;
    auto *strip = new AttachmentStrip(&window);
    window.show();
    auto *label = strip->findChild<QLabel *>(QStringLiteral("attachmentModelWarning"));
    QVERIFY(label);

    // No images: nothing to warn about, whatever the model.
    strip->setModel(QStringLiteral("deepseek/deepseek-chat"));
    QVERIFY(strip->modelWarning().isEmpty());
    QVERIFY(!strip->isVisibleTo(&window));

    strip->add({picture()});
    QVERIFY(label->isVisibleTo(&window));
    QVERIFY2(strip->modelWarning().contains(QLatin1String("deepseek/deepseek-chat does not take images")),
             qPrintable(strip->modelWarning()));

    // Another model: the warning follows it.
    strip->setModel(QStringLiteral("openai/gpt-4o"));
    QVERIFY(strip->modelWarning().isEmpty());
    QVERIFY(!label->isVisibleTo(&window));
    strip->setModel(QStringLiteral("local/my-finetune"));
    QVERIFY2(strip->modelWarning().contains(QLatin1String("does not know whether local/my-finetune takes images")),
             qPrintable(strip->modelWarning()));
    QVERIFY(label->isVisibleTo(&window));
    QCOMPARE(strip->attachments().size(), 1); // warned about, never dropped

    // Removing the last image takes the warning with it.
    auto *remove = strip->findChild<QToolButton *>();
    QVERIFY(remove);
    remove->click();
    QVERIFY(strip->attachments().isEmpty());
    QVERIFY(strip->modelWarning().isEmpty());
    QVERIFY(!strip->isVisibleTo(&window));

    strip->add({picture()});
    QVERIFY(!strip->modelWarning().isEmpty());
    strip->clear();
    QVERIFY(strip->modelWarning().isEmpty());
}

QTEST_MAIN(TestChatVision)
#include "tst_chatvision.moc"
