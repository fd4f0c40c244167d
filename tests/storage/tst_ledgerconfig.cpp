#include "appconfig.h"

#include <QJsonDocument>
#include <QTest>

using namespace patchbay;

class TestLedgerConfig : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void keepsEverythingByDefault()
    {
        AppConfig config;
        QString error;
        QVERIFY(AppConfig::fromJson(QJsonObject{}, &config, &error));
        QCOMPARE(config.ledger.retentionDays, 0);
        QVERIFY(!config.toJson().contains(QLatin1String("ledger")));
    }

    void retentionRoundTrips()
    {
        AppConfig config;
        config.ledger.retentionDays = 90;
        const QJsonObject json = config.toJson();
        QCOMPARE(json.value(QLatin1String("ledger")).toObject().value(QLatin1String("retention_days")).toInt(), 90);
        AppConfig loaded;
        QString error;
        QVERIFY2(AppConfig::fromJson(json, &loaded, &error), qPrintable(error));
        QCOMPARE(loaded.ledger, config.ledger);
        QCOMPARE(loaded, config);
    }

    void badValuesAreExplained_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::newRow("negative") << QByteArray("{\"ledger\":{\"retention_days\":-1}}");
        QTest::newRow("fraction") << QByteArray("{\"ledger\":{\"retention_days\":1.5}}");
        QTest::newRow("text") << QByteArray("{\"ledger\":{\"retention_days\":\"30\"}}");
        QTest::newRow("huge") << QByteArray("{\"ledger\":{\"retention_days\":1000000}}");
        QTest::newRow("not an object") << QByteArray("{\"ledger\":30}");
    }

    void badValuesAreExplained()
    {
        QFETCH(QByteArray, json);
        AppConfig config;
        QString error;
        QVERIFY(!AppConfig::fromJson(QJsonDocument::fromJson(json).object(), &config, &error));
        QVERIFY2(error.startsWith(QLatin1String("ledger")), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestLedgerConfig)
#include "tst_ledgerconfig.moc"
