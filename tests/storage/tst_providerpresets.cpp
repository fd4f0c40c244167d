#include "providerpresets.h"

#include <QTest>
#include <QUrl>

using namespace patchbay;

class TestProviderPresets : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void everyPresetTheIssueNames()
    {
        QStringList ids;
        for (const ProviderPreset &p : ProviderPresets::all())
            ids << p.id;
        for (const char *id : {"openai", "anthropic", "gemini", "groq", "mistral", "deepseek", "openrouter", "xai", "together",
                               "fireworks", "cerebras", "perplexity", "ollama", "lmstudio", "llamacpp", "vllm", "custom"})
            QVERIFY2(ids.contains(QLatin1String(id)), id);
        for (const ProviderPreset &p : ProviderPresets::all()) {
            QVERIFY2(QStringList({QStringLiteral("openai"), QStringLiteral("anthropic"), QStringLiteral("gemini")}).contains(p.dialect),
                     qPrintable(p.id));
            if (p.id != QLatin1String("custom"))
                QVERIFY2(QUrl(p.baseUrl).isValid() && !QUrl(p.baseUrl).host().isEmpty(), qPrintable(p.id));
            // A preset's own base URL is already in its one spelling.
            QCOMPARE(ProviderPresets::normalizeBaseUrl(p.baseUrl, p.dialect), p.baseUrl);
        }
        QCOMPARE(ProviderPresets::find(QStringLiteral("anthropic"))->dialect, QStringLiteral("anthropic"));
        QVERIFY(!ProviderPresets::find(QStringLiteral("ollama"))->needsKey);
    }

    void baseUrlsAreNormalised_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("dialect");
        QTest::addColumn<QString>("expected");
        QTest::newRow("trailing slash") << "https://api.openai.com/v1/" << "openai" << "https://api.openai.com/v1";
        QTest::newRow("host only") << "http://localhost:11434" << "openai" << "http://localhost:11434/v1";
        QTest::newRow("host slash") << "http://localhost:11434/" << "openai" << "http://localhost:11434/v1";
        QTest::newRow("endpoint pasted") << "https://api.groq.com/openai/v1/chat/completions" << "openai" << "https://api.groq.com/openai/v1";
        QTest::newRow("anthropic host") << "https://api.anthropic.com" << "anthropic" << "https://api.anthropic.com/v1";
        QTest::newRow("anthropic messages") << "https://api.anthropic.com/v1/messages" << "anthropic" << "https://api.anthropic.com/v1";
        QTest::newRow("gemini host") << "https://generativelanguage.googleapis.com" << "gemini" << "https://generativelanguage.googleapis.com/v1beta";
        QTest::newRow("perplexity keeps no version") << "https://api.perplexity.ai/" << "openai" << "https://api.perplexity.ai";
        QTest::newRow("groq host knows its path") << "https://api.groq.com" << "openai" << "https://api.groq.com/openai/v1";
        QTest::newRow("whitespace") << "  http://127.0.0.1:8080/v1  " << "openai" << "http://127.0.0.1:8080/v1";
    }
    void baseUrlsAreNormalised()
    {
        QFETCH(QString, input);
        QFETCH(QString, dialect);
        QFETCH(QString, expected);
        QCOMPARE(ProviderPresets::normalizeBaseUrl(input, dialect), expected);
    }
};

QTEST_GUILESS_MAIN(TestProviderPresets)
#include "tst_providerpresets.moc"
