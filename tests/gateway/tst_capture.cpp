// Request capture end to end: real sockets on loopback, the fake provider upstream, a real
// ledger on a temporary SQLite file. What the Requests page will show must be what the client
// sent and was sent, with every credential gone, and nothing at all while capture is off.

#include "accesstokenstore.h"
#include "callcapture.h"
#include "closedport.h"
#include "database.h"
#include "fakeprovider.h"
#include "gatewayserver.h"
#include "headerredaction.h"
#include "ledgerquery.h"
#include "usageledger.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace patchbay;
using namespace patchbay::testing;

namespace {

const QByteArray kToken = "pb-capture-test-token";
const QString kProviderKey = QStringLiteral("sk-capture-provider-key-98765");

struct Answer
{
    int status = 0;
    QByteArray body;
};

QJsonObject chatBody(const QString &text, bool stream = false)
{
    return {{QStringLiteral("model"), QStringLiteral("fake/gpt-test")},
            {QStringLiteral("stream"), stream},
            {QStringLiteral("messages"),
             QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")}, {QStringLiteral("content"), text}}}}};
}


} // namespace

class TestCapture : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        m_fake = std::make_unique<FakeProvider>();
        QVERIFY(m_fake->listen());
        m_fake->setExpectedKey(kProviderKey);
        m_fake->setModels({QStringLiteral("gpt-test")});
        m_dbPath = m_dir.filePath(QStringLiteral("c%1/patchbay.db").arg(++m_dbCount));
        QVERIFY(QDir().mkpath(QFileInfo(m_dbPath).path()));
        m_ledger = std::make_unique<UsageLedger>(m_dbPath);
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
        fake.models = {QStringLiteral("gpt-test")};
        ProviderConfig dead = fake;
        dead.id = QStringLiteral("dead");
        dead.baseUrl = QStringLiteral("http://127.0.0.1:%1/v1").arg(closedPort());
        m_server->setProviders({fake, dead}, {{QStringLiteral("fake"), kProviderKey}, {QStringLiteral("dead"), kProviderKey}});
        m_server->setTokens({{AccessTokenStore::hash(kToken), QStringLiteral("tester")}});
        RoutingConfig routing;
        routing.aliases.append({QStringLiteral("smart"), QStringLiteral("fallback"),
                                {{QStringLiteral("dead/gpt-test"), 1}, {QStringLiteral("fake/gpt-test"), 1}}});
        routing.retry.attemptsPerTarget = 1;
        m_server->setRouting(routing);
    }

    void cleanup()
    {
        m_server.reset();
        m_ledger.reset();
        m_fake.reset();
    }

    void headersAreKeptRedactedByDefault()
    {
        QVERIFY(CaptureConfig().headers && !CaptureConfig().bodies); // the server above runs on the defaults
        QNetworkRequest request(url("/v1/chat/completions?key=AIzaQueryKey123&alt=json"));
        request.setRawHeader("Authorization", "Bearer " + kToken);
        request.setRawHeader("Cookie", "session=abc123cookie");
        request.setRawHeader("X-Goog-Api-Key", "AIzaHeaderKey456");
        request.setRawHeader("X-Trace", "visible-value");
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        const Answer a = send(request, QJsonDocument(chatBody(QStringLiteral("hi"))).toJson());
        QCOMPARE(a.status, 200);

        const RequestCapture c = lastCapture();
        QVERIFY(c.headersCaptured);
        QVERIFY2(c.requestHeaders.startsWith("POST /v1/chat/completions?key=[redacted]&alt=json HTTP/1.1\n"), c.requestHeaders.constData());
        QVERIFY2(c.requestHeaders.contains("Authorization: Bearer [redacted]\n"), c.requestHeaders.constData());
        QVERIFY(c.requestHeaders.contains("Cookie: [redacted]\n"));
        QVERIFY(c.requestHeaders.contains("X-Goog-Api-Key: [redacted]\n"));
        QVERIFY(c.requestHeaders.contains("X-Trace: visible-value\n"));
        for (const char *secret : {"abc123cookie", "AIzaHeaderKey456", "AIzaQueryKey123"})
            QVERIFY2(!c.requestHeaders.contains(secret), secret);
        QVERIFY(!c.requestHeaders.contains(kToken));
        QVERIFY2(c.responseHeaders.startsWith("HTTP/1.1 200\n"), c.responseHeaders.constData());
        QVERIFY(c.responseHeaders.contains("Content-Type: application/json"));
        QVERIFY(c.responseHeaders.contains("Content-Length: " + QByteArray::number(a.body.size())));
        // Bodies are off by default.
        QVERIFY(!c.bodiesCaptured);
        QVERIFY(c.requestBody.isEmpty() && c.responseBody.isEmpty());
    }

    void plainBodiesAreKeptUpToTheCap()
    {
        setCapture(true, true, 64 * 1024);
        const QByteArray sent = QJsonDocument(chatBody(QStringLiteral("what the client wrote"))).toJson(QJsonDocument::Compact);
        const Answer whole = post(sent);
        QCOMPARE(whole.status, 200);
        RequestCapture c = lastCapture();
        QVERIFY(c.bodiesCaptured);
        QCOMPARE(c.requestBody, sent);
        QCOMPARE(c.responseBody, whole.body);
        QVERIFY(!c.requestBodyTruncated && !c.responseBodyTruncated);

        setCapture(true, true, 40);
        const Answer cut = post(sent);
        QCOMPARE(cut.status, 200);
        c = lastCapture();
        QCOMPARE(c.requestBody, sent.left(40));
        QCOMPARE(c.responseBody, cut.body.left(40));
        QVERIFY(c.requestBodyTruncated && c.responseBodyTruncated);
    }

    void streamedBodyIsTheEventsAsSent()
    {
        setCapture(true, true, 64 * 1024);
        FakeStep step;
        step.chunks = {QStringLiteral("one "), QStringLiteral("two "), QStringLiteral("three")};
        m_fake->enqueue(step);
        const Answer whole = post(QJsonDocument(chatBody(QStringLiteral("stream please"), true)).toJson());
        QCOMPARE(whole.status, 200);
        QVERIFY(whole.body.contains("data: [DONE]"));
        RequestCapture c = lastCapture();
        QVERIFY2(c.responseHeaders.contains("Content-Type: text/event-stream"), c.responseHeaders.constData());
        QVERIFY(c.responseHeaders.contains("Transfer-Encoding: chunked"));
        QCOMPARE(c.responseBody, whole.body); // the SSE bytes, without the chunk framing
        QVERIFY(!c.responseBodyTruncated);

        setCapture(true, true, 100);
        m_fake->enqueue(step);
        const Answer cut = post(QJsonDocument(chatBody(QStringLiteral("stream please"), true)).toJson());
        QCOMPARE(cut.status, 200);
        QVERIFY(cut.body.size() > 100);
        c = lastCapture();
        QCOMPARE(c.responseBody, cut.body.left(100));
        QVERIFY(c.responseBodyTruncated);
    }

    void captureOffKeepsNothing()
    {
        setCapture(false, false, 64 * 1024);
        QCOMPARE(post(QJsonDocument(chatBody(QStringLiteral("hi"))).toJson()).status, 200);
        QVERIFY(!lastRowId().isEmpty());
        QVERIFY(!capture(lastRowId()));
    }

    void aRefusedCallKeepsWhatItWasSent()
    {
        setCapture(true, true, 64 * 1024);
        const Answer a = post("{not json");
        QCOMPARE(a.status, 400);
        const RequestCapture c = lastCapture();
        QCOMPARE(c.requestBody, QByteArray("{not json"));
        QCOMPARE(c.responseBody, a.body);
        QVERIFY(c.responseHeaders.startsWith("HTTP/1.1 400\n"));
    }

    void eachAttemptOfAFallbackHasItsCapture()
    {
        setCapture(true, true, 64 * 1024);
        QJsonObject body = chatBody(QStringLiteral("fall back"));
        body.insert(QStringLiteral("model"), QStringLiteral("smart"));
        const QByteArray sent = QJsonDocument(body).toJson(QJsonDocument::Compact);
        const Answer a = post(sent);
        QCOMPARE(a.status, 200);
        const QList<UsageRecord> rows = latestRows(2);
        QCOMPARE(rows.size(), 2);
        QCOMPARE(rows.at(1).provider, QStringLiteral("dead"));
        const std::optional<RequestCapture> failed = capture(rows.at(1).requestId);
        const std::optional<RequestCapture> answered = capture(rows.at(0).requestId);
        QVERIFY(failed && answered);
        QCOMPARE(failed->requestBody, sent);
        QVERIFY(failed->responseHeaders.isEmpty()); // the client heard nothing of the first try
        QVERIFY(failed->responseBody.isEmpty());
        QCOMPARE(answered->requestBody, sent);
        QCOMPARE(answered->responseBody, a.body);
    }

    void noKeyOrTokenReachesTheDatabaseFile()
    {
        setCapture(true, true, 64 * 1024);
        const QByteArray key = kProviderKey.toUtf8();
        // A provider that echoes the key in a successful answer, passed through to the client...
        FakeStep echo;
        echo.rawBody = "{\"id\":\"x\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                       "\"content\":\"your key is " + key + "\"},\"finish_reason\":\"stop\"}],"
                       "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}";
        m_fake->enqueue(echo);
        // ...a client that pastes both secrets into its prompt and sends the token in a header
        // whose name gives nothing away...
        QNetworkRequest request(url("/v1/chat/completions?api_key=" + key));
        request.setRawHeader("Authorization", "Bearer " + kToken);
        request.setRawHeader("X-Forwarded-For", kToken);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        const QString prompt = QStringLiteral("token %1 and key %2").arg(QString::fromUtf8(kToken), kProviderKey);
        QCOMPARE(send(request, QJsonDocument(chatBody(prompt)).toJson()).status, 200);
        // ...and a stream that carries the key in its events.
        FakeStep streamed;
        streamed.chunks = {QStringLiteral("the key: "), kProviderKey};
        m_fake->enqueue(streamed);
        QCOMPARE(post(QJsonDocument(chatBody(prompt, true)).toJson()).status, 200);

        const QList<UsageRecord> rows = latestRows(2);
        QCOMPARE(rows.size(), 2);
        for (const UsageRecord &r : rows) {
            const std::optional<RequestCapture> c = capture(r.requestId);
            QVERIFY(c && c->bodiesCaptured);
            QVERIFY2(c->requestBody.contains("[redacted]"), c->requestBody.constData());
            QVERIFY2(c->responseBody.contains("[redacted]"), c->responseBody.constData());
        }
        m_server.reset();
        m_ledger.reset(); // every row written, the connection closed
        QByteArray everything;
        for (const QFileInfo &f : QDir(QFileInfo(m_dbPath).path()).entryInfoList(QDir::Files)) {
            QFile file(f.filePath());
            QVERIFY(file.open(QIODevice::ReadOnly));
            everything += file.readAll();
        }
        QVERIFY(everything.contains("[redacted]")); // the captures are in there
        QVERIFY(!everything.contains(key));
        QVERIFY(!everything.contains(kToken));
    }

    // A secret across the cap is scrubbed whole before the body is cut: not even its start stays.
    void aSecretAcrossTheCapIsScrubbedWhole()
    {
        CaptureConfig config;
        config.bodies = true;
        config.maxBodyBytes = 64;
        HttpRequestHead head;
        head.method = "POST";
        head.target = "/v1/chat/completions";
        const QByteArray body = QByteArray(60, 'x') + kProviderKey.toUtf8() + QByteArray(100, 'y');
        CallCapture capture(config, head, body, {kProviderKey.toUtf8()});
        capture.sent(body);
        const std::shared_ptr<const RequestCapture> c = capture.take();
        QCOMPARE(c->requestBody, QByteArray(60, 'x') + "[red");
        QCOMPARE(c->responseBody, c->requestBody);
        QVERIFY(c->requestBodyTruncated && c->responseBodyTruncated);
    }

    void redactionKeepsOnlyTheScheme_data()
    {
        QTest::addColumn<QByteArray>("name");
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<QByteArray>("kept");
        QTest::newRow("bearer") << QByteArray("Authorization") << QByteArray("Bearer sk-abc") << QByteArray("Bearer [redacted]");
        QTest::newRow("basic") << QByteArray("proxy-authorization") << QByteArray("Basic dXNlcjpwdw==") << QByteArray("Basic [redacted]");
        QTest::newRow("x-api-key") << QByteArray("x-api-key") << QByteArray("sk-ant-abc") << QByteArray("[redacted]");
        QTest::newRow("api-key") << QByteArray("api-key") << QByteArray("azure-abc") << QByteArray("[redacted]");
        QTest::newRow("goog") << QByteArray("X-Goog-Api-Key") << QByteArray("AIza") << QByteArray("[redacted]");
        QTest::newRow("cookie") << QByteArray("Cookie") << QByteArray("a=b; c=d") << QByteArray("[redacted]");
        QTest::newRow("set-cookie") << QByteArray("Set-Cookie") << QByteArray("id=1; Path=/") << QByteArray("[redacted]");
        QTest::newRow("token") << QByteArray("X-Auth-Token") << QByteArray("t") << QByteArray("[redacted]");
        QTest::newRow("secret") << QByteArray("X-Client-Secret") << QByteArray("s") << QByteArray("[redacted]");
        QTest::newRow("password") << QByteArray("X-DB-Passwd") << QByteArray("hunter2") << QByteArray("[redacted]");
        QTest::newRow("signature") << QByteArray("X-Amz-Signature") << QByteArray("abc") << QByteArray("[redacted]");
        QTest::newRow("keep-alive") << QByteArray("Keep-Alive") << QByteArray("timeout=5") << QByteArray("timeout=5");
        QTest::newRow("plain") << QByteArray("Content-Type") << QByteArray("application/json") << QByteArray("application/json");
        QTest::newRow("user agent") << QByteArray("User-Agent") << QByteArray("OpenAI/Python 1.0") << QByteArray("OpenAI/Python 1.0");
    }

    void redactionKeepsOnlyTheScheme()
    {
        QFETCH(QByteArray, name);
        QFETCH(QByteArray, value);
        QFETCH(QByteArray, kept);
        HttpRequestHead head;
        head.method = "GET";
        head.target = "/";
        head.headers.add(name, value);
        QCOMPARE(HeaderRedaction::requestHead(head), "GET / HTTP/1.1\n" + name + ": " + kept + '\n');
    }

    void queryParametersAreRedactedByName()
    {
        QCOMPARE(HeaderRedaction::redactedTarget("/v1/x"), QByteArray("/v1/x"));
        QCOMPARE(HeaderRedaction::redactedTarget("/v1/x?key=abc&alt=sse"), QByteArray("/v1/x?key=[redacted]&alt=sse"));
        QCOMPARE(HeaderRedaction::redactedTarget("/x?alt=sse&access_token=t&api_key=k&"),
                 QByteArray("/x?alt=sse&access_token=[redacted]&api_key=[redacted]&"));
        QCOMPARE(HeaderRedaction::redactedTarget("/x?refresh=1"), QByteArray("/x?refresh=1"));
    }

private:
    void setCapture(bool headers, bool bodies, qint64 maxBodyBytes)
    {
        CaptureConfig c;
        c.headers = headers;
        c.bodies = bodies;
        c.maxBodyBytes = maxBodyBytes;
        m_server->setCapture(c);
    }

    QUrl url(const QByteArray &pathAndQuery) const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_server->port()) + QString::fromUtf8(pathAndQuery));
    }

    Answer send(const QNetworkRequest &request, const QByteArray &body)
    {
        QNetworkReply *reply = m_network.post(request, body);
        QSignalSpy finished(reply, &QNetworkReply::finished);
        if (!finished.wait(10'000))
            return {};
        Answer a{reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->readAll()};
        reply->deleteLater();
        return a;
    }

    Answer post(const QByteArray &body)
    {
        QNetworkRequest request(url("/v1/chat/completions"));
        request.setRawHeader("Authorization", "Bearer " + kToken);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        return send(request, body);
    }

    QList<UsageRecord> latestRows(int count)
    {
        m_ledger->flush();
        QString error;
        QList<UsageRecord> rows;
        {
            QSqlDatabase db = Database::open(m_dbPath, QStringLiteral("rows"), &error);
            rows = LedgerQuery(db).latest(count);
        }
        Database::close(QStringLiteral("rows"));
        return rows;
    }

    QString lastRowId()
    {
        const QList<UsageRecord> rows = latestRows(1);
        return rows.isEmpty() ? QString() : rows.first().requestId;
    }

    std::optional<RequestCapture> capture(const QString &requestId)
    {
        m_ledger->flush();
        QString error;
        std::optional<RequestCapture> out;
        {
            QSqlDatabase db = Database::open(m_dbPath, QStringLiteral("capture"), &error);
            out = LedgerQuery(db).capture(requestId, &error);
        }
        Database::close(QStringLiteral("capture"));
        return out;
    }

    RequestCapture lastCapture()
    {
        const std::optional<RequestCapture> c = capture(lastRowId());
        return c.value_or(RequestCapture());
    }

    QTemporaryDir m_dir;
    int m_dbCount = 0;
    QString m_dbPath;
    std::unique_ptr<FakeProvider> m_fake;
    std::unique_ptr<UsageLedger> m_ledger;
    std::unique_ptr<GatewayServer> m_server;
    QNetworkAccessManager m_network;
};

QTEST_GUILESS_MAIN(TestCapture)
#include "tst_capture.moc"
