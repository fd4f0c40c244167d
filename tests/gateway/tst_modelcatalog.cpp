#include "closedport.h"
#include "fakeprovider.h"
#include "modelcatalog.h"
#include "upstreampool.h"

#include <QTest>

using namespace patchbay;
using namespace patchbay::testing;

// The catalog asks each provider for its model list: what answers is listed, what fails or
// refuses is named as the provider's problem, and its configured list stands in.
class TestModelCatalog : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void listsWhatAnswersAndNamesWhatDoesNot()
    {
        FakeProvider open;
        QVERIFY(open.listen());
        open.setModels({QStringLiteral("model-a"), QStringLiteral("model-b")});
        FakeProvider guarded;
        QVERIFY(guarded.listen());
        guarded.setExpectedKey(QStringLiteral("right-key-123"));

        ProviderConfig listed = provider(QStringLiteral("listed"), open.baseUrl());
        ProviderConfig refusing = provider(QStringLiteral("refusing"), guarded.baseUrl());
        refusing.keyRef = QStringLiteral("env:UNUSED");
        refusing.models = {QStringLiteral("configured-model")};
        ProviderConfig dead = provider(QStringLiteral("dead"), QStringLiteral("http://127.0.0.1:%1/v1").arg(closedPort()));
        dead.models = {QStringLiteral("fallback-model")};

        UpstreamPool pool;
        ModelCatalog catalog(&pool);
        catalog.setProviders({listed, refusing, dead}, {{QStringLiteral("refusing"), QStringLiteral("wrong-key-456")}});
        bool done = false;
        catalog.refresh([&] { done = true; });
        QTRY_VERIFY_WITH_TIMEOUT(done, 10'000);

        QCOMPARE(catalog.models(listed), (QStringList{QStringLiteral("model-a"), QStringLiteral("model-b")}));
        QCOMPARE(catalog.problem(QStringLiteral("listed")), QString());
        QCOMPARE(catalog.problem(QStringLiteral("refusing")), QStringLiteral("its model list answered HTTP 401"));
        QCOMPARE(catalog.models(refusing), QStringList{QStringLiteral("configured-model")});
        QVERIFY2(catalog.problem(QStringLiteral("dead")).contains(QStringLiteral("Could not connect")),
                 qPrintable(catalog.problem(QStringLiteral("dead"))));
        QCOMPARE(catalog.models(dead), QStringList{QStringLiteral("fallback-model")});
    }

private:
    static ProviderConfig provider(const QString &id, const QString &baseUrl)
    {
        ProviderConfig p;
        p.id = id;
        p.name = id;
        p.baseUrl = baseUrl;
        p.timeouts.connectMs = 5'000;
        return p;
    }
};

QTEST_GUILESS_MAIN(TestModelCatalog)
#include "tst_modelcatalog.moc"
