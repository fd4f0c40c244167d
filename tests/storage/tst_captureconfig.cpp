// gateway.capture in config.json: its defaults, its round trip through ConfigStore, and the
// sentences for values it refuses.

#include "configstore.h"

#include <QFile>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace patchbay;

class TestCaptureConfig : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void headersOnBodiesOffByDefault()
    {
        AppConfig config;
        QString error;
        QVERIFY(AppConfig::fromJson(QJsonObject{}, &config, &error));
        QVERIFY(config.gateway.capture.headers);
        QVERIFY(!config.gateway.capture.bodies);
        QCOMPARE(config.gateway.capture.maxBodyBytes, 65536);
        // Written even when it is the default, so the file shows what is kept of each call.
        const QJsonObject written = config.toJson().value(QLatin1String("gateway")).toObject().value(QLatin1String("capture")).toObject();
        QCOMPARE(written.value(QLatin1String("headers")).toBool(true), true);
        QCOMPARE(written.value(QLatin1String("bodies")).toBool(true), false);
        QCOMPARE(written.value(QLatin1String("max_body_bytes")).toInteger(), 65536);
    }

    void roundTripsThroughTheConfigFile()
    {
        QTemporaryDir dir;
        const ConfigStore store(dir.filePath(QStringLiteral("config.json")));
        AppConfig config;
        config.gateway.capture.headers = false;
        config.gateway.capture.bodies = true;
        config.gateway.capture.maxBodyBytes = 1000;
        QString error;
        QVERIFY2(store.save(config, &error), qPrintable(error));
        AppConfig loaded;
        QVERIFY2(store.load(&loaded, &error), qPrintable(error));
        QCOMPARE(loaded.gateway.capture, config.gateway.capture);
        QCOMPARE(loaded, config);
    }

    void aPartialObjectKeepsTheOtherDefaults()
    {
        AppConfig config;
        QString error;
        QVERIFY(AppConfig::fromJson(QJsonDocument::fromJson("{\"gateway\":{\"capture\":{\"bodies\":true}}}").object(), &config, &error));
        QVERIFY(config.gateway.capture.headers);
        QVERIFY(config.gateway.capture.bodies);
        QCOMPARE(config.gateway.capture.maxBodyBytes, CaptureConfig::kDefaultMaxBodyBytes);
    }

    void badValuesAreExplained_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("not an object") << QByteArray("true") << QStringLiteral("gateway.capture must be an object");
        QTest::newRow("headers text") << QByteArray("{\"headers\":\"yes\"}") << QStringLiteral("gateway.capture.headers must be true or false");
        QTest::newRow("bodies number") << QByteArray("{\"bodies\":1}") << QStringLiteral("gateway.capture.bodies must be true or false");
        QTest::newRow("cap zero") << QByteArray("{\"max_body_bytes\":0}") << QStringLiteral("gateway.capture.max_body_bytes");
        QTest::newRow("cap fraction") << QByteArray("{\"max_body_bytes\":1.5}") << QStringLiteral("gateway.capture.max_body_bytes");
        QTest::newRow("cap huge") << QByteArray("{\"max_body_bytes\":1000000000}") << QStringLiteral("16 MiB");
    }

    void badValuesAreExplained()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, mentions);
        AppConfig config;
        QString error;
        const QByteArray file = "{\"gateway\":{\"capture\":" + json + "}}";
        QVERIFY(!AppConfig::fromJson(QJsonDocument::fromJson(file).object(), &config, &error));
        QVERIFY2(error.contains(mentions), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestCaptureConfig)
#include "tst_captureconfig.moc"
