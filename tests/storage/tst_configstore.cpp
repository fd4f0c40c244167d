#include "configstore.h"

#include <QFile>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

using namespace patchbay;

class TestConfigStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void missingFileGivesDefaults()
    {
        QTemporaryDir dir;
        AppConfig config;
        config.providers.append(ProviderConfig{});
        QString error;
        QVERIFY(ConfigStore(dir.filePath(QStringLiteral("config.json"))).load(&config, &error));
        QVERIFY(config.providers.isEmpty());
        QCOMPARE(config.gateway.bindAddress, QStringLiteral("127.0.0.1"));
        QCOMPARE(config.gateway.port, quint16(7229));
        QVERIFY(config.gateway.requireTokens);
    }

    void roundTrip()
    {
        QTemporaryDir dir;
        const ConfigStore store(dir.filePath(QStringLiteral("config.json")));
        AppConfig config;
        ProviderConfig p;
        p.id = QStringLiteral("openai");
        p.name = QStringLiteral("OpenAI");
        p.baseUrl = QStringLiteral("https://api.openai.com/v1");
        p.keyRef = p.keychainRef();
        p.models = {QStringLiteral("gpt-4o"), QStringLiteral("gpt-4o-mini")};
        p.headers.insert(QStringLiteral("OpenAI-Organization"), QStringLiteral("org-1"));
        p.timeouts.firstByteMs = 1234;
        config.providers.append(p);
        config.gateway.port = 9999;
        config.gateway.limits.maxBodyBytes = 1000;
        QString error;
        QVERIFY2(store.save(config, &error), qPrintable(error));
        QCOMPARE(QFile::permissions(store.path()) & (QFileDevice::ReadOther | QFileDevice::ReadGroup), QFileDevice::Permissions());
        AppConfig loaded;
        QVERIFY2(store.load(&loaded, &error), qPrintable(error));
        QCOMPARE(loaded, config);
    }

    void pricesRoundTrip()
    {
        QTemporaryDir dir;
        const ConfigStore store(dir.filePath(QStringLiteral("config.json")));
        AppConfig config;
        ProviderConfig local;
        local.id = QStringLiteral("ollama");
        local.name = QStringLiteral("Ollama");
        local.baseUrl = QStringLiteral("http://127.0.0.1:11434/v1");
        local.prices.insert(QStringLiteral("*"), ModelPrice{0.0, 0.0, {}, {}});
        ProviderConfig hosted;
        hosted.id = QStringLiteral("acme");
        hosted.name = QStringLiteral("Acme");
        hosted.baseUrl = QStringLiteral("https://llm.acme.example/v1");
        hosted.prices.insert(QStringLiteral("acme-large"), ModelPrice{0.5, 1.5, 0.05, 0.625});
        hosted.prices.insert(QStringLiteral("acme-small"), ModelPrice{0.1, 0.2, {}, 0.125});
        config.providers = {local, hosted};
        QString error;
        QVERIFY2(store.save(config, &error), qPrintable(error));
        AppConfig loaded;
        QVERIFY2(store.load(&loaded, &error), qPrintable(error));
        QCOMPARE(loaded, config);
        QCOMPARE(loaded.providers.at(1).prices.value(QStringLiteral("acme-small")).cacheReadMtok, std::optional<double>());

        // Spelled in the file as the price catalog spells them.
        const QJsonObject written = config.toJson();
        const QJsonObject large = written.value(QLatin1String("providers")).toArray().at(1).toObject()
                                      .value(QLatin1String("prices")).toObject().value(QLatin1String("acme-large")).toObject();
        QCOMPARE(large.value(QLatin1String("input_mtok")).toDouble(), 0.5);
        QCOMPARE(large.value(QLatin1String("output_mtok")).toDouble(), 1.5);
        QCOMPARE(large.value(QLatin1String("cache_read_mtok")).toDouble(), 0.05);
        QCOMPARE(large.value(QLatin1String("cache_write_mtok")).toDouble(), 0.625);
        // No "prices" key for a provider without any.
        hosted.prices.clear();
        config.providers = {hosted};
        QVERIFY(!config.toJson().value(QLatin1String("providers")).toArray().at(0).toObject().contains(QLatin1String("prices")));
    }

    void saveRefusesWhatCouldNotBeReadBack()
    {
        QTemporaryDir dir;
        const ConfigStore store(dir.filePath(QStringLiteral("config.json")));
        AppConfig config;
        config.routing.aliases.append({QStringLiteral("smart"), QStringLiteral("fallback"), {{QStringLiteral("nowhere/big"), 1}}});
        QString error;
        QVERIFY(!store.save(config, &error));
        QVERIFY2(error.contains(QStringLiteral("no provider has the id \"nowhere\"")), qPrintable(error));
        QVERIFY(!QFile::exists(store.path())); // nothing written
    }

    void brokenJsonNamesTheLineAndKeepsTheFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("config.json"));
        const QByteArray broken = "{\n  \"providers\": [\n    {\"id\": \"a\",}\n  ]\n}\n";
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(broken);
        f.close();
        AppConfig config;
        QString error;
        QVERIFY(!ConfigStore(path).load(&config, &error));
        QVERIFY2(error.contains(QStringLiteral("line 3")), qPrintable(error));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), broken); // never a silent reset
    }

    void invalidValuesAreExplained_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("id") << QByteArray("{\"providers\":[{\"id\":\"Bad Id\",\"base_url\":\"http://x\"}]}") << QStringLiteral("providers[0].id");
        QTest::newRow("url") << QByteArray("{\"providers\":[{\"id\":\"a\",\"base_url\":\"ftp://x\"}]}") << QStringLiteral("base_url");
        QTest::newRow("plain key") << QByteArray("{\"providers\":[{\"id\":\"a\",\"base_url\":\"http://x\",\"key\":\"sk-123\"}]}") << QStringLiteral("keys themselves never go");
        QTest::newRow("dup") << QByteArray("{\"providers\":[{\"id\":\"a\",\"base_url\":\"http://x\"},{\"id\":\"a\",\"base_url\":\"http://y\"}]}") << QStringLiteral("used twice");
        QTest::newRow("port") << QByteArray("{\"gateway\":{\"port\":70000}}") << QStringLiteral("gateway.port");
        QTest::newRow("bind") << QByteArray("{\"gateway\":{\"bind_address\":\"localhost!\"}}") << QStringLiteral("bind_address");
        QTest::newRow("limit") << QByteArray("{\"gateway\":{\"limits\":{\"max_body_bytes\":-1}}}") << QStringLiteral("max_body_bytes");
        QTest::newRow("models") << QByteArray("{\"providers\":[{\"id\":\"a\",\"base_url\":\"http://x\",\"models\":\"m\"}]}") << QStringLiteral("models");
        const QByteArray priced = "{\"providers\":[{\"id\":\"a\",\"base_url\":\"http://x\",\"prices\":";
        QTest::newRow("prices list") << priced + "[]}]}" << QStringLiteral("providers[0].prices must be an object");
        QTest::newRow("price typo") << priced + "{\"m\":{\"input\":1,\"output_mtok\":1}}}]}" << QStringLiteral("providers[0].prices[\"m\"].input is not a price");
        QTest::newRow("price negative") << priced + "{\"*\":{\"input_mtok\":-1,\"output_mtok\":1}}}]}" << QStringLiteral("prices[\"*\"].input_mtok must be a number");
        QTest::newRow("price text") << priced + "{\"*\":{\"input_mtok\":\"1\",\"output_mtok\":1}}}]}" << QStringLiteral("input_mtok must be a number");
        QTest::newRow("price no output") << priced + "{\"m\":{\"input_mtok\":1}}}]}" << QStringLiteral("needs output_mtok");
        QTest::newRow("price empty name") << priced + "{\"\":{\"input_mtok\":1,\"output_mtok\":1}}}]}" << QStringLiteral("empty model name");
    }
    void invalidValuesAreExplained()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, mentions);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("config.json"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(json);
        f.close();
        AppConfig config;
        QString error;
        QVERIFY(!ConfigStore(path).load(&config, &error));
        QVERIFY2(error.contains(mentions), qPrintable(error));
    }

    void uniqueProviderIds()
    {
        AppConfig config;
        QCOMPARE(config.uniqueProviderId(QStringLiteral("My Groq!")), QStringLiteral("my-groq"));
        ProviderConfig p;
        p.id = QStringLiteral("my-groq");
        config.providers.append(p);
        QCOMPARE(config.uniqueProviderId(QStringLiteral("my groq")), QStringLiteral("my-groq-2"));
        QCOMPARE(config.uniqueProviderId(QStringLiteral("???")), QStringLiteral("provider"));
    }
};

QTEST_GUILESS_MAIN(TestConfigStore)
#include "tst_configstore.moc"
