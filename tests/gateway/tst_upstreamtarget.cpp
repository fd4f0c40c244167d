#include "upstreamtarget.h"

#include <QTest>

using namespace patchbay;

// The parts of a provider URL an exchange uses: the pool key, where to connect, and what the
// request line and Host header say.
class TestUpstreamTarget : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void partsOfAUrl_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("poolKey");
        QTest::addColumn<int>("port");
        QTest::addColumn<bool>("tls");
        QTest::addColumn<QByteArray>("target");
        QTest::addColumn<QByteArray>("hostHeader");
        QTest::addColumn<QString>("label");
        QTest::newRow("https default port") << "https://api.openai.com/v1/chat/completions" << "https://api.openai.com:443" << 443
                                            << true << QByteArray("/v1/chat/completions") << QByteArray("api.openai.com")
                                            << "api.openai.com";
        QTest::newRow("http with a port") << "http://127.0.0.1:11434/v1/chat/completions" << "http://127.0.0.1:11434" << 11434
                                          << false << QByteArray("/v1/chat/completions") << QByteArray("127.0.0.1:11434")
                                          << "127.0.0.1:11434";
        QTest::newRow("default port spelled out") << "https://example.com:443/x" << "https://example.com:443" << 443 << true
                                                  << QByteArray("/x") << QByteArray("example.com") << "example.com:443";
        QTest::newRow("no path") << "http://localhost:8080" << "http://localhost:8080" << 8080 << false << QByteArray("/")
                                 << QByteArray("localhost:8080") << "localhost:8080";
        QTest::newRow("query and encoding") << "https://g.example/v1beta/models/gemini pro:streamGenerateContent?alt=sse"
                                            << "https://g.example:443" << 443 << true
                                            << QByteArray("/v1beta/models/gemini%20pro:streamGenerateContent?alt=sse")
                                            << QByteArray("g.example") << "g.example";
    }

    void partsOfAUrl()
    {
        QFETCH(QString, url);
        const UpstreamTarget t = UpstreamTarget::of(QUrl(url));
        QTEST(t.poolKey, "poolKey");
        QTEST(int(t.port), "port");
        QTEST(t.tls, "tls");
        QTEST(t.requestTarget, "target");
        QTEST(t.hostHeader, "hostHeader");
        QTEST(t.label, "label");
        // The cache gives the same answer, the first time and every later one.
        for (int i = 0; i < 2; ++i) {
            const UpstreamTarget &c = UpstreamTarget::cached(QUrl(url));
            QCOMPARE(c.poolKey, t.poolKey);
            QCOMPARE(c.requestTarget, t.requestTarget);
            QCOMPARE(c.hostHeader, t.hostHeader);
        }
    }

    void cacheTellsUrlsApart()
    {
        // Many URLs (past the cache's bound) and each still gets its own parts.
        for (int i = 0; i < 600; ++i) {
            const QUrl url(QStringLiteral("http://127.0.0.1:%1/v1/m%2").arg(20000 + i % 7).arg(i));
            const UpstreamTarget &t = UpstreamTarget::cached(url);
            QCOMPARE(t.requestTarget, QByteArray("/v1/m") + QByteArray::number(i));
            QCOMPARE(int(t.port), 20000 + i % 7);
        }
    }

    void endpointUrlJoinsBaseAndPath()
    {
        QCOMPARE(endpointUrl(QStringLiteral("https://api.example.com/v1"), u"/chat/completions"),
                 QUrl(QStringLiteral("https://api.example.com/v1/chat/completions")));
        QCOMPARE(endpointUrl(QStringLiteral("https://api.example.com/v1//"), u"/chat/completions"),
                 QUrl(QStringLiteral("https://api.example.com/v1/chat/completions")));
        QCOMPARE(endpointUrl(QStringLiteral("http://localhost:1234/v1"), u"/messages"),
                 QUrl(QStringLiteral("http://localhost:1234/v1/messages")));
        // Same base, other path: not the cached one of the first.
        QCOMPARE(endpointUrl(QStringLiteral("http://localhost:1234/v1"), u"/models"),
                 QUrl(QStringLiteral("http://localhost:1234/v1/models")));
    }
};

QTEST_GUILESS_MAIN(TestUpstreamTarget)
#include "tst_upstreamtarget.moc"
