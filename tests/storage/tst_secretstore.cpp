#include "providerkeys.h"
#include "secretstore.h"

#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTest>

using namespace patchbay;

// Runs against the real Secret Service of the session bus (CI starts gnome-keyring in a
// private D-Bus session), never against a stand-in.
class TestSecretStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        SecretStore probe(m_service);
        const SecretResult r = probe.readNow(QStringLiteral("probe"));
        if (!r.ok && !r.notFound) {
            if (qEnvironmentVariableIntValue("PATCHBAY_ALLOW_NO_KEYCHAIN") == 1)
                QSKIP(qPrintable(QStringLiteral("No keychain: ") + r.error));
            QFAIL(qPrintable(QStringLiteral("No Secret Service is reachable (%1). Run the tests through "
                                            "scripts/test.sh, which starts gnome-keyring in a private D-Bus session.")
                                 .arg(r.error)));
        }
    }

    void roundTrip()
    {
        SecretStore store(m_service);
        const QString account = QStringLiteral("openai");
        const QString key = QStringLiteral("sk-test-%1").arg(QRandomGenerator::global()->generate());
        SecretResult r = store.writeNow(account, key);
        QVERIFY2(r.ok, qPrintable(r.error));
        r = store.readNow(account);
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.secret, key);

        // Another instance (a restarted app) sees the same key.
        SecretStore other(m_service);
        QCOMPARE(other.readNow(account).secret, key);

        r = store.removeNow(account);
        QVERIFY2(r.ok, qPrintable(r.error));
        r = store.readNow(account);
        QVERIFY(!r.ok);
        QVERIFY(r.notFound);
        QVERIFY(r.error.contains(QStringLiteral("Providers page")));
    }

    void providerKeysResolveFromKeychainAndEnvironment()
    {
        SecretStore store(m_service);
        QVERIFY(store.writeNow(QStringLiteral("kc"), QStringLiteral("from-keychain")).ok);
        qputenv("PATCHBAY_TEST_KEY", "from-env");
        const ProviderConfig kc = provider(QStringLiteral("kc"), QStringLiteral("KC"), QStringLiteral("keychain:kc"));
        const ProviderConfig env = provider(QStringLiteral("env"), QStringLiteral("Env"), QStringLiteral("env:PATCHBAY_TEST_KEY"));
        const ProviderConfig unset = provider(QStringLiteral("unset"), QStringLiteral("Unset"), QStringLiteral("env:PATCHBAY_TEST_UNSET"));
        const ProviderConfig missing = provider(QStringLiteral("missing"), QStringLiteral("Missing"), QStringLiteral("keychain:missing"));
        const ProviderConfig none = provider(QStringLiteral("local"), QStringLiteral("Local"), QString());
        bool done = false;
        ProviderKeys::Result result;
        ProviderKeys::resolve({kc, env, unset, missing, none}, &store, this, [&](const ProviderKeys::Result &r) {
            result = r;
            done = true;
        });
        QTRY_VERIFY(done);
        QCOMPARE(result.keys.value(QStringLiteral("kc")), QStringLiteral("from-keychain"));
        QCOMPARE(result.keys.value(QStringLiteral("env")), QStringLiteral("from-env"));
        QVERIFY(!result.keys.contains(QStringLiteral("local")));
        QCOMPARE(result.problems.size(), 2);
        QVERIFY(result.problems.join(QLatin1Char('\n')).contains(QStringLiteral("PATCHBAY_TEST_UNSET")));
        QVERIFY(result.problems.join(QLatin1Char('\n')).contains(QStringLiteral("\"Missing\"")));
        store.removeNow(QStringLiteral("kc"));
    }

private:
    static ProviderConfig provider(const QString &id, const QString &name, const QString &keyRef)
    {
        ProviderConfig p;
        p.id = id;
        p.name = name;
        p.baseUrl = QStringLiteral("http://x");
        p.keyRef = keyRef;
        return p;
    }

    const QString m_service = QStringLiteral("Patchbay-tests-%1").arg(QCoreApplication::applicationPid());
};

QTEST_GUILESS_MAIN(TestSecretStore)
#include "tst_secretstore.moc"
