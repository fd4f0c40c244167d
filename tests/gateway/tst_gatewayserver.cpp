// The gateway end to end inside one process: real sockets on loopback, the scriptable fake
// provider upstream, a real ledger on a temporary SQLite file.

#include "accesstokenstore.h"
#include "chatrelay.h"
#include "closedport.h"
#include "database.h"
#include "fakeprovider.h"
#include "gatewayserver.h"
#include "ledgerquery.h"
#include "usageledger.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QSet>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace patchbay;
using namespace patchbay::testing;

namespace {

const QByteArray kToken = "pb-test-token";
const QString kProviderKey = QStringLiteral("sk-provider-secret-123456");

struct Answer
{
    int status = 0;
    QByteArray body;
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    QString errorMessage() const { return json().value(QLatin1String("error")).toObject().value(QLatin1String("message")).toString(); }
};


} // namespace

class TestGatewayServer : public QObject
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
        m_ledger = std::make_unique<UsageLedger>(m_dir.filePath(QStringLiteral("p%1.db").arg(++m_dbCount)));
        QString error;
        QVERIFY2(m_ledger->start(&error), qPrintable(error));
        m_server = std::make_unique<GatewayServer>(m_ledger.get());
        m_config = {};
        m_config.port = 0;
        m_config.limits.headerTimeoutMs = 500;
        m_config.limits.maxBodyBytes = 64 * 1024;
        m_config.limits.maxHeaderBytes = 4 * 1024;
        QVERIFY2(m_server->listen(m_config, &error), qPrintable(error));

        ProviderConfig fake;
        fake.id = QStringLiteral("fake");
        fake.name = QStringLiteral("Fake");
        fake.baseUrl = m_fake->baseUrl();
        fake.keyRef = QStringLiteral("env:UNUSED");
        fake.models = {QStringLiteral("gpt-test")};
        fake.timeouts.firstByteMs = 10'000; // generous: a loaded machine must not turn a test into a timeout
        ProviderConfig slow = fake;
        slow.id = QStringLiteral("slow");
        slow.name = QStringLiteral("Slow");
        slow.timeouts.firstByteMs = 300;
        slow.timeouts.idleMs = 300;
        ProviderConfig dead = fake;
        dead.id = QStringLiteral("dead");
        dead.name = QStringLiteral("Dead");
        dead.baseUrl = QStringLiteral("http://127.0.0.1:%1/v1").arg(closedPort());
        dead.models = {QStringLiteral("gone")};
        ProviderConfig keyless = fake;
        keyless.id = QStringLiteral("keyless");
        keyless.name = QStringLiteral("Keyless");
        m_server->setProviders({fake, dead, keyless, slow}, {{QStringLiteral("fake"), kProviderKey},
                                                             {QStringLiteral("dead"), kProviderKey},
                                                             {QStringLiteral("slow"), kProviderKey}});
        m_server->setTokens({{AccessTokenStore::hash(kToken), QStringLiteral("tester")}});

        RoutingConfig routing;
        routing.aliases.append({QStringLiteral("smart"), QStringLiteral("fallback"),
                                {{QStringLiteral("dead/gone"), 1}, {QStringLiteral("fake/gpt-test"), 1}}});
        routing.aliases.append({QStringLiteral("picky"), QStringLiteral("weighted"),
                                {{QStringLiteral("dead/gone"), 0}, {QStringLiteral("fake/gpt-test"), 5}}});
        routing.retry.attemptsPerTarget = 2;
        routing.retry.baseDelayMs = 10;
        routing.retry.maxDelayMs = 50;
        routing.retry.failuresBeforeCooldown = 2;
        routing.retry.cooldownMs = 60'000;
        m_server->setRouting(routing);
    }

    void cleanup()
    {
        m_server.reset();
        m_ledger.reset();
        m_fake.reset();
    }

    void healthNeedsNoTokenButModelsDo()
    {
        QCOMPARE(get("/health", false).status, 200);
        const Answer unauthorized = get("/v1/models", false);
        QCOMPARE(unauthorized.status, 401);
        QVERIFY(unauthorized.errorMessage().contains(QStringLiteral("access token")));
        const Answer models = get("/v1/models");
        QCOMPARE(models.status, 200);
        QStringList ids;
        for (const QJsonValue &m : models.json().value(QLatin1String("data")).toArray())
            ids << m.toObject().value(QLatin1String("id")).toString();
        QCOMPARE(ids, (QStringList{QStringLiteral("fake/gpt-test"), QStringLiteral("dead/gone"), QStringLiteral("keyless/gpt-test"), QStringLiteral("slow/gpt-test")}));
    }

    void modelsComeFromTheProvidersOwnLists()
    {
        m_fake->setModels({QStringLiteral("gpt-test"), QStringLiteral("gpt-extra")});
        const Answer a = get("/v1/models?refresh=1");
        QCOMPARE(a.status, 200);
        QStringList ids;
        for (const QJsonValue &m : a.json().value(QLatin1String("data")).toArray())
            ids << m.toObject().value(QLatin1String("id")).toString();
        // Listed by the provider; the unreachable one and the one without a key fall back to the config.
        QCOMPARE(ids, (QStringList{QStringLiteral("fake/gpt-test"), QStringLiteral("fake/gpt-extra"), QStringLiteral("dead/gone"),
                                   QStringLiteral("keyless/gpt-test"), QStringLiteral("slow/gpt-test"), QStringLiteral("slow/gpt-extra")}));
        const ReceivedRequest listCall = m_fake->requests().last();
        QCOMPARE(listCall.path, QByteArray("/v1/models"));
        QCOMPARE(listCall.header("authorization"), "Bearer " + kProviderKey.toUtf8());

        // A bare name the provider listed now routes to it.
        QCOMPARE(post(chatBody(QStringLiteral("gpt-extra"))).status, 200);
        QCOMPARE(lastRow().provider, QStringLiteral("fake"));

        // Anthropic clients get Anthropic's list shape.
        QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1/v1/models").arg(m_server->port())));
        request.setRawHeader("x-api-key", kToken);
        request.setRawHeader("anthropic-version", "2023-06-01");
        const QJsonObject anthropic = send(request, "GET", {}).json();
        QCOMPARE(anthropic.value(QLatin1String("data")).toArray().first().toObject().value(QLatin1String("type")).toString(),
                 QStringLiteral("model"));
        QVERIFY(anthropic.contains(QLatin1String("has_more")));
    }

    void wrongTokenIsRefusedInOpenAiShape()
    {
        const Answer a = post(chatBody(QStringLiteral("fake/gpt-test")), "pb-wrong");
        QCOMPARE(a.status, 401);
        QCOMPARE(a.json().value(QLatin1String("error")).toObject().value(QLatin1String("code")).toString(), QStringLiteral("invalid_api_key"));
        QCOMPARE(chatRequests().size(), 0);
    }

    void revokedTokenStopsWorkingAtOnce()
    {
        QCOMPARE(post(chatBody(QStringLiteral("fake/gpt-test"))).status, 200); // verified and remembered
        m_server->setTokens({});                                              // revoked on the Gateway page
        const Answer a = post(chatBody(QStringLiteral("fake/gpt-test")));
        QCOMPARE(a.status, 401);
        QVERIFY(a.errorMessage().contains(QStringLiteral("revoked")));
        QCOMPARE(chatRequests().size(), 1);
    }

    void finishedCallsLeaveNothingBehind()
    {
        // Each call's relay and upstream exchange are deleted once it is over (in batches, see
        // BatchDeleter); a gateway that ran a thousand calls holds none of them.
        for (int i = 0; i < 20; ++i)
            QCOMPARE(post(chatBody(QStringLiteral("fake/gpt-test"))).status, 200);
        QTRY_COMPARE(m_server->findChildren<ChatRelay *>().size(), 0);
        QTRY_COMPARE(m_server->findChildren<UpstreamCall *>().size(), 0);
    }

    void plainCompletionIsForwardedAndRecorded()
    {
        QJsonObject body = chatBody(QStringLiteral("fake/gpt-test"));
        body.insert(QStringLiteral("x_unknown_field"), 42); // fields Patchbay does not know survive
        const Answer a = post(body);
        QCOMPARE(a.status, 200);
        const QJsonObject answer = a.json();
        QCOMPARE(answer.value(QLatin1String("choices")).toArray().first().toObject().value(QLatin1String("message")).toObject()
                     .value(QLatin1String("content")).toString(),
                 QStringLiteral("Echo: hello there gateway"));

        QCOMPARE(chatRequests().size(), 1);
        const ReceivedRequest sent = chatRequests().first();
        QCOMPARE(sent.header("authorization"), "Bearer " + kProviderKey.toUtf8()); // never the client's token
        QCOMPARE(sent.json().value(QLatin1String("model")).toString(), QStringLiteral("gpt-test"));
        QCOMPARE(sent.json().value(QLatin1String("x_unknown_field")).toInt(), 42);

        const UsageRecord row = lastRow();
        QCOMPARE(row.status, 200);
        QCOMPARE(row.client, QStringLiteral("tester"));
        QCOMPARE(row.provider, QStringLiteral("fake"));
        QCOMPARE(row.requestedModel, QStringLiteral("fake/gpt-test"));
        QCOMPARE(row.upstreamModel, QStringLiteral("gpt-test"));
        QCOMPARE(row.inputTokens, answer.value(QLatin1String("usage")).toObject().value(QLatin1String("prompt_tokens")).toInteger());
        QCOMPARE(row.outputTokens, 4);
        QVERIFY(!row.stream);
        QVERIFY(row.ttfbMs >= 0 && row.ttfbMs <= row.latencyMs);
    }

    void bareModelNameFindsItsProvider()
    {
        QCOMPARE(post(chatBody(QStringLiteral("gpt-test"))).status, 200);
        QCOMPARE(lastRow().provider, QStringLiteral("fake"));
    }

    void streamIsRelayedEventByEventWithUsageStripped()
    {
        FakeStep step;
        step.chunks = {QStringLiteral("one "), QStringLiteral("two "), QStringLiteral("three")};
        step.chunkIntervalMs = 300;
        m_fake->enqueue(step);
        QJsonObject body = chatBody(QStringLiteral("fake/gpt-test"));
        body.insert(QStringLiteral("stream"), true);

        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_server->port());
        QVERIFY(socket.waitForConnected(2000));
        socket.write(request("POST", "/v1/chat/completions", QJsonDocument(body).toJson()));
        // The first content event arrives while the provider is still writing the rest.
        QByteArray received;
        QTRY_VERIFY_WITH_TIMEOUT((received += socket.readAll()).contains("one "), 2000);
        QVERIFY(!received.contains("three"));
        QTRY_VERIFY_WITH_TIMEOUT((received += socket.readAll()).contains("0\r\n\r\n"), 4000);
        QVERIFY(received.startsWith("HTTP/1.1 200"));
        QVERIFY(received.contains("Content-Type: text/event-stream"));
        QVERIFY(received.contains("data: [DONE]"));
        QVERIFY(!received.contains("\"choices\":[]")); // the usage chunk the client did not ask for

        QVERIFY(chatRequests().first().json().value(QLatin1String("stream_options")).toObject()
                    .value(QLatin1String("include_usage")).toBool());
        const UsageRecord row = lastRow();
        QVERIFY(row.stream);
        QCOMPARE(row.status, 200);
        QCOMPARE(row.outputTokens, 3);
        QVERIFY(row.inputTokens > 0);
    }

    void silentProviderGetsEstimatedUsage()
    {
        FakeStep step;
        step.omitUsage = true;
        step.text = QStringLiteral("twelve chars"); // 12 characters → 3 tokens at four a token
        m_fake->enqueue(step);
        QCOMPARE(post(chatBody(QStringLiteral("fake/gpt-test"))).status, 200);
        UsageRecord row = lastRow();
        QCOMPARE(row.usageSource, QStringLiteral("estimated"));
        QCOMPARE(row.outputTokens, 3);
        QCOMPARE(row.inputTokens, 5); // "hello there gateway": 19 characters → 5

        QCOMPARE(post(chatBody(QStringLiteral("fake/gpt-test"))).status, 200);
        row = lastRow();
        QCOMPARE(row.usageSource, QStringLiteral("provider"));
        QVERIFY(row.ttftMs >= row.ttfbMs);
    }

    void usageChunkStaysWhenTheClientAskedForIt()
    {
        QJsonObject body = chatBody(QStringLiteral("fake/gpt-test"));
        body.insert(QStringLiteral("stream"), true);
        body.insert(QStringLiteral("stream_options"), QJsonObject{{QStringLiteral("include_usage"), true}});
        const Answer a = post(body);
        QCOMPARE(a.status, 200);
        QVERIFY(a.body.contains("\"choices\":[]"));
    }

    void errorsComeBackInOpenAiShape_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        QTest::newRow("bad json") << QByteArray("{\"model\": ") << 400 << QStringLiteral("invalid_json");
        QTest::newRow("no model") << QByteArray("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}") << 400 << QStringLiteral("missing_model");
        QTest::newRow("unknown model") << QByteArray("{\"model\":\"nope/x\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}") << 404 << QStringLiteral("model_not_found");
        QTest::newRow("unreachable") << QByteArray("{\"model\":\"dead/gone\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}") << 502 << QStringLiteral("provider_unreachable");
        QTest::newRow("no key") << QByteArray("{\"model\":\"keyless/gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}") << 503 << QStringLiteral("provider_key_missing");
    }
    void errorsComeBackInOpenAiShape()
    {
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, code);
        const Answer a = postRaw(body);
        QCOMPARE(a.status, status);
        const QJsonObject error = a.json().value(QLatin1String("error")).toObject();
        QCOMPARE(error.value(QLatin1String("code")).toString(), code);
        QVERIFY(error.value(QLatin1String("message")).toString().size() > 20);
        QVERIFY(!a.body.contains(kProviderKey.toUtf8()));
        const UsageRecord row = lastRow();
        QCOMPARE(row.status, status);
        QCOMPARE(row.error, error.value(QLatin1String("message")).toString());
    }

    void providerErrorPassesThroughWithItsStatus()
    {
        // Both attempts (the first and its retry) meet the limit.
        for (int i = 0; i < 2; ++i)
            m_fake->enqueue(FakeStep::error(429, QStringLiteral("Rate limit reached for gpt-test in organization org-x.")));
        const Answer a = post(chatBody(QStringLiteral("fake/gpt-test")));
        QCOMPARE(a.status, 429);
        QCOMPARE(a.errorMessage(), QStringLiteral("Rate limit reached for gpt-test in organization org-x."));
        QCOMPARE(lastRow().status, 429);
    }

    void providerEchoingTheKeyIsScrubbed()
    {
        m_fake->setExpectedKey(QStringLiteral("some-other-key"));
        FakeStep step;
        step.status = 401;
        step.rawBody = "{\"error\":{\"message\":\"Bad key " + kProviderKey.toUtf8() + "\",\"type\":\"invalid_request_error\"}}";
        m_fake->setExpectedKey({});
        m_fake->enqueue(step);
        const Answer a = post(chatBody(QStringLiteral("fake/gpt-test")));
        QCOMPARE(a.status, 401);
        QVERIFY(!a.body.contains(kProviderKey.toUtf8()));
        QVERIFY(!lastRow().error.contains(kProviderKey));
    }

    void slowProviderTimesOut()
    {
        FakeStep step;
        step.headerDelayMs = 2000; // slow's first_byte_ms is 300
        m_fake->enqueue(step);
        m_fake->enqueue(step); // and the retry times out as well
        const Answer a = post(chatBody(QStringLiteral("slow/gpt-test")));
        QCOMPARE(a.status, 504);
        QVERIFY(a.errorMessage().contains(QStringLiteral("300 ms")));
    }

    void providerSilentMidStreamTimesOut()
    {
        FakeStep step;
        step.chunks = {QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")};
        step.stallAfterChunks = 1; // slow's idle_ms is 300
        m_fake->enqueue(step);
        QJsonObject body = chatBody(QStringLiteral("slow/gpt-test"));
        body.insert(QStringLiteral("stream"), true);
        const Answer a = post(body);
        QCOMPARE(a.status, 200); // the stream had begun
        QVERIFY(a.body.contains("\"error\""));
        QVERIFY(!a.body.contains("[DONE]"));
        QVERIFY(lastRow().error.contains(QStringLiteral("went silent for 300 ms")));
    }

    void steadyStreamOutlastsTheIdleTimeout()
    {
        // Each chunk moves the idle deadline: 4 chunks 200 ms apart take 600 ms in all, twice
        // slow's idle_ms, and none of the gaps reaches it.
        FakeStep step;
        step.chunks = {QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c"), QStringLiteral("d")};
        step.chunkIntervalMs = 200;
        m_fake->enqueue(step);
        QJsonObject body = chatBody(QStringLiteral("slow/gpt-test"));
        body.insert(QStringLiteral("stream"), true);
        const Answer a = post(body);
        QCOMPARE(a.status, 200);
        QVERIFY2(a.body.contains("[DONE]"), a.body.constData());
        QCOMPARE(lastRow().status, 200);
    }

    void droppedConnectionMidStreamEndsWithAnErrorEvent()
    {
        FakeStep step;
        step.chunks = {QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")};
        step.dropAfterChunks = 1;
        m_fake->enqueue(step);
        QJsonObject body = chatBody(QStringLiteral("fake/gpt-test"));
        body.insert(QStringLiteral("stream"), true);
        const Answer a = post(body);
        QCOMPARE(a.status, 200);
        QVERIFY(a.body.contains("\"error\""));
        QVERIFY(!a.body.contains("[DONE]"));
        const UsageRecord row = lastRow();
        QCOMPARE(row.status, 502);
        QVERIFY(row.error.contains(QStringLiteral("closed the connection")));
    }

    void clientDisconnectAbortsTheUpstreamCall()
    {
        FakeStep step;
        step.chunks = {QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c"), QStringLiteral("d")};
        step.chunkIntervalMs = 500;
        m_fake->enqueue(step);
        QJsonObject body = chatBody(QStringLiteral("fake/gpt-test"));
        body.insert(QStringLiteral("stream"), true);
        QElapsedTimer sinceLeaving;
        qint64 noticedAfterMs = -1;
        connect(m_fake.get(), &FakeProvider::connectionClosedMidResponse, this,
                [&] { noticedAfterMs = sinceLeaving.elapsed(); });
        {
            QTcpSocket socket;
            socket.connectToHost(QHostAddress::LocalHost, m_server->port());
            QVERIFY(socket.waitForConnected(2000));
            socket.write(request("POST", "/v1/chat/completions", QJsonDocument(body).toJson()));
            QByteArray received;
            QTRY_VERIFY_WITH_TIMEOUT((received += socket.readAll()).contains("data: "), 2000);
            socket.abort();
            sinceLeaving.start();
        }
        QTRY_VERIFY_WITH_TIMEOUT(noticedAfterMs >= 0, 1000);
        // The provider sees its connection closed within 100 ms of the client leaving.
        QVERIFY2(noticedAfterMs < 100, QByteArray::number(noticedAfterMs).constData());
        const UsageRecord row = lastRow();
        QCOMPARE(row.status, 499);
        QVERIFY(row.error.startsWith(QStringLiteral("client_cancelled")));
    }

    void slowClientHoldsTheProviderBack()
    {
        // 24 MiB of stream for a client that reads nothing: unless the gateway stops reading
        // upstream, it would take it all into memory and the provider would never wait.
        FakeStep step;
        const QString piece(64 * 1024, QLatin1Char('x'));
        for (int i = 0; i < 384; ++i)
            step.chunks.append(piece);
        m_fake->enqueue(step);
        QJsonObject body = chatBody(QStringLiteral("fake/gpt-test"));
        body.insert(QStringLiteral("stream"), true);
        QTcpSocket socket;
        socket.setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption, 64 * 1024);
        socket.setReadBufferSize(16 * 1024);
        socket.connectToHost(QHostAddress::LocalHost, m_server->port());
        QVERIFY(socket.waitForConnected(2000));
        socket.write(request("POST", "/v1/chat/completions", QJsonDocument(body).toJson()));
        QTRY_VERIFY_WITH_TIMEOUT(chatRequests().size() == 1, 2000);
        // Let the pipes fill; then most of the answer must still be waiting at the provider.
        QTest::qWait(1500);
        QVERIFY2(m_fake->unsentBytes() > 8 * 1024 * 1024, QByteArray::number(m_fake->unsentBytes()).constData());
        socket.abort();
        QTRY_COMPARE_WITH_TIMEOUT(lastRow().status, 499, 2000);
    }

    void shutdownMidStreamStillAnswersAndRecords()
    {
        FakeStep step;
        step.chunks = {QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")};
        step.chunkIntervalMs = 1000;
        m_fake->enqueue(step);
        QJsonObject body = chatBody(QStringLiteral("fake/gpt-test"));
        body.insert(QStringLiteral("stream"), true);
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_server->port());
        QVERIFY(socket.waitForConnected(2000));
        socket.write(request("POST", "/v1/chat/completions", QJsonDocument(body).toJson()));
        QByteArray received;
        QTRY_VERIFY_WITH_TIMEOUT((received += socket.readAll()).contains("data: "), 2000);
        m_server->close();
        QTRY_VERIFY_WITH_TIMEOUT((received += socket.readAll()).contains("gateway_stopping"), 2000);
        const UsageRecord row = lastRow();
        QCOMPARE(row.status, 503);
        QVERIFY(row.error.contains(QStringLiteral("shutting down")));
    }

    void aliasFallsBackAndEveryAttemptIsARow()
    {
        const Answer a = post(chatBody(QStringLiteral("smart")));
        QCOMPARE(a.status, 200); // dead/gone refused the connection twice; fake answered
        const QList<UsageRecord> rows = latestRows(3);
        QCOMPARE(rows.size(), 3);
        // Newest first: the answer, then the two attempts at the dead provider it fell back from.
        QCOMPARE(rows[0].status, 200);
        QCOMPARE(rows[0].provider, QStringLiteral("fake"));
        QCOMPARE(rows[0].attempt, 3);
        QCOMPARE(rows[0].retryOf, rows[1].requestId);
        QCOMPARE(rows[1].provider, QStringLiteral("dead"));
        QCOMPARE(rows[1].status, 502);
        QCOMPARE(rows[1].attempt, 2);
        QCOMPARE(rows[1].retryOf, rows[2].requestId);
        QCOMPARE(rows[2].attempt, 1);
        QCOMPARE(rows[2].retryOf, QString());

        // Two failures in a row put dead/gone in cooldown: the next call goes straight to fake.
        QCOMPARE(post(chatBody(QStringLiteral("smart"))).status, 200);
        const UsageRecord next = lastRow();
        QCOMPARE(next.provider, QStringLiteral("fake"));
        QCOMPARE(next.attempt, 1);
    }

    void transientProviderErrorIsRetriedHonouringRetryAfter()
    {
        FakeStep busy = FakeStep::error(503, QStringLiteral("The engine is currently overloaded."));
        busy.extraHeaders.append(qMakePair(QByteArray("retry-after"), QByteArray("0")));
        m_fake->enqueue(busy);
        const Answer a = post(chatBody(QStringLiteral("fake/gpt-test")));
        QCOMPARE(a.status, 200);
        QCOMPARE(chatRequests().size(), 2);
        const QList<UsageRecord> rows = latestRows(2);
        QCOMPARE(rows[1].status, 503);
        QVERIFY(rows[1].error.contains(QStringLiteral("overloaded")));
        QCOMPARE(rows[0].retryOf, rows[1].requestId);

        // A client error is the client's to fix: no retry.
        m_fake->enqueue(FakeStep::error(400, QStringLiteral("Bad parameter.")));
        QCOMPARE(post(chatBody(QStringLiteral("fake/gpt-test"))).status, 400);
        QCOMPARE(chatRequests().size(), 3);
    }

    void nothingIsRetriedOnceTheClientHasBytes()
    {
        FakeStep step;
        step.chunks = {QStringLiteral("a"), QStringLiteral("b")};
        step.dropAfterChunks = 1;
        m_fake->enqueue(step);
        QJsonObject body = chatBody(QStringLiteral("fake/gpt-test"));
        body.insert(QStringLiteral("stream"), true);
        QCOMPARE(post(body).status, 200);
        QCOMPARE(chatRequests().size(), 1);
    }

    void weightedAliasPicksByWeight()
    {
        for (int i = 0; i < 5; ++i)
            QCOMPARE(post(chatBody(QStringLiteral("picky"))).status, 200);
        for (const UsageRecord &row : latestRows(5)) {
            QCOMPARE(row.provider, QStringLiteral("fake")); // weight 0 is never picked first
            QCOMPARE(row.attempt, 1);
        }
    }

    void aKeyPoolIsSeveralProvidersBehindOneAlias()
    {
        // Two keys of one account: two provider entries, one alias spreading calls across them.
        m_fake->setExpectedKey({});
        ProviderConfig fake = ProviderConfig();
        fake.name = QStringLiteral("Key A");
        fake.id = QStringLiteral("key-a");
        fake.baseUrl = m_fake->baseUrl();
        fake.keyRef = QStringLiteral("env:UNUSED");
        fake.models = {QStringLiteral("gpt-test")};
        ProviderConfig second = fake;
        second.id = QStringLiteral("key-b");
        second.name = QStringLiteral("Key B");
        m_server->setProviders({fake, second}, {{QStringLiteral("key-a"), QStringLiteral("sk-key-a-000000")},
                                                {QStringLiteral("key-b"), QStringLiteral("sk-key-b-000000")}});
        RoutingConfig routing;
        routing.aliases.append({QStringLiteral("pool"), QStringLiteral("fallback"),
                                {{QStringLiteral("key-a/gpt-test"), 1}, {QStringLiteral("key-b/gpt-test"), 1}}});
        routing.retry.attemptsPerTarget = 1;
        routing.retry.failuresBeforeCooldown = 1;
        m_server->setRouting(routing);

        // Key A hits its rate limit: the call moves to key B, and A rests while B serves.
        m_fake->enqueue(FakeStep::error(429, QStringLiteral("Rate limit reached for requests.")));
        QCOMPARE(post(chatBody(QStringLiteral("pool"))).status, 200);
        QCOMPARE(post(chatBody(QStringLiteral("pool"))).status, 200);
        const QList<ReceivedRequest> calls = chatRequests();
        QCOMPARE(calls.size(), 3);
        QCOMPARE(calls[0].header("authorization"), QByteArray("Bearer sk-key-a-000000"));
        QCOMPARE(calls[1].header("authorization"), QByteArray("Bearer sk-key-b-000000"));
        QCOMPARE(calls[2].header("authorization"), QByteArray("Bearer sk-key-b-000000"));
    }

    void retryAfterIsRead()
    {
        QCOMPARE(ChatRelay::retryAfterMs("2"), 2000);
        QCOMPARE(ChatRelay::retryAfterMs(""), -1);
        const QByteArray inTenSeconds = QDateTime::currentDateTimeUtc().addSecs(10).toString(Qt::RFC2822Date).toLatin1();
        const qint64 ms = ChatRelay::retryAfterMs(inTenSeconds);
        QVERIFY2(ms > 8000 && ms <= 10000, QByteArray::number(ms).constData());
    }

    void tokenLimitsAnswer429InTheCallersShape()
    {
        TokenPolicy p;
        p.requestsPerMinute = 1;
        p.allowedModels = {QStringLiteral("fake/gpt-test")};
        m_server->setTokenPolicies({{QStringLiteral("tester"), p}});
        QCOMPARE(post(chatBody(QStringLiteral("fake/gpt-test"))).status, 200);

        QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1/v1/chat/completions").arg(m_server->port())));
        request.setRawHeader("Authorization", "Bearer " + kToken);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        QNetworkReply *reply = m_network.post(request, QJsonDocument(chatBody(QStringLiteral("fake/gpt-test"))).toJson());
        QSignalSpy done(reply, &QNetworkReply::finished);
        QVERIFY(done.wait(5000));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 429);
        QVERIFY(reply->rawHeader("Retry-After").toInt() > 0);
        const QJsonObject error = QJsonDocument::fromJson(reply->readAll()).object().value(QLatin1String("error")).toObject();
        QCOMPARE(error.value(QLatin1String("type")).toString(), QStringLiteral("rate_limit_error"));
        QVERIFY(error.value(QLatin1String("message")).toString().contains(QStringLiteral("1 requests a minute")));
        reply->deleteLater();
        QCOMPARE(chatRequests().size(), 1); // the refused call never left the gateway
        QCOMPARE(lastRow().status, 429);

        const Answer other = post(chatBody(QStringLiteral("smart")));
        QCOMPARE(other.status, 403);
        QVERIFY(other.errorMessage().contains(QStringLiteral("may not use \"smart\"")));
    }

    void allowListedOriginGetsCorsAndItsPreflight()
    {
        GatewayConfig config = m_config;
        config.allowedOrigins = {QStringLiteral("https://app.example.com")};
        config.allowedHosts = {QStringLiteral("patchbay.internal")};
        m_server->close();
        QString error;
        QVERIFY2(m_server->listen(config, &error), qPrintable(error));

        const QByteArray preflight = rawExchange(
            "OPTIONS /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nOrigin: https://app.example.com\r\n"
            "Access-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: authorization, content-type\r\n\r\n");
        QVERIFY2(preflight.startsWith("HTTP/1.1 204"), preflight.constData());
        QVERIFY(preflight.contains("Access-Control-Allow-Origin: https://app.example.com"));
        QVERIFY(preflight.contains("Access-Control-Allow-Headers: authorization, content-type"));
        QVERIFY(!preflight.contains("Access-Control-Allow-Origin: *"));

        const QByteArray call = rawExchange("GET /health HTTP/1.1\r\nHost: patchbay.internal:7229\r\nOrigin: https://app.example.com\r\n\r\n");
        QVERIFY2(call.startsWith("HTTP/1.1 200"), call.constData());
        QVERIFY(call.contains("Access-Control-Allow-Origin: https://app.example.com"));

        const QByteArray foreign = rawExchange(
            "OPTIONS /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nOrigin: https://evil.example\r\n\r\n");
        QVERIFY(foreign.startsWith("HTTP/1.1 403"));
        QVERIFY(!foreign.contains("Access-Control-Allow-Origin"));
    }

    void requestIdsSortByTimeAndDoNotRepeat()
    {
        // Time-ordered, so the ledger's indexes on request_id grow at one edge.
        QStringList ids;
        QSet<QString> seen;
        for (int i = 0; i < 10'000; ++i) {
            if (i % 1000 == 0)
                QTest::qSleep(2); // across milliseconds too
            ids << ChatRelay::newRequestId();
            seen.insert(ids.last());
        }
        QCOMPARE(seen.size(), ids.size());
        static const QRegularExpression shape(QStringLiteral("^req_[0-9a-f]{28}$"));
        QVERIFY2(shape.match(ids.first()).hasMatch(), qPrintable(ids.first()));
        for (qsizetype i = 1000; i < ids.size(); i += 1000)
            QVERIFY2(ids.at(i - 1) < ids.at(i), qPrintable(ids.at(i - 1) + QLatin1String(" then ") + ids.at(i)));
    }

    void keepAliveAndPipelining()
    {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_server->port());
        QVERIFY(socket.waitForConnected(2000));
        const QByteArray chat = QJsonDocument(chatBody(QStringLiteral("fake/gpt-test"))).toJson();
        socket.write(request("POST", "/v1/chat/completions", chat) + request("GET", "/health", {}) + request("GET", "/nope", {}));
        QByteArray received;
        QTRY_VERIFY_WITH_TIMEOUT((received += socket.readAll()).count("HTTP/1.1 ") == 3, 3000);
        const qsizetype first = received.indexOf("HTTP/1.1 200");
        const qsizetype second = received.indexOf("\"status\":\"ok\"");
        const qsizetype third = received.indexOf("HTTP/1.1 404");
        QVERIFY(first == 0 && first < second && second < third); // answered in order on one connection
        QCOMPARE(socket.state(), QAbstractSocket::ConnectedState);
    }

    void chunkedRequestBodyIsAccepted()
    {
        const QByteArray chat = QJsonDocument(chatBody(QStringLiteral("fake/gpt-test"))).toJson(QJsonDocument::Compact);
        const QByteArray wire = "POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + kToken
            + "\r\nTransfer-Encoding: chunked\r\n\r\n" + QByteArray::number(10, 16) + "\r\n" + chat.left(10) + "\r\n"
            + QByteArray::number(chat.size() - 10, 16) + "\r\n" + chat.mid(10) + "\r\n0\r\n\r\n";
        QVERIFY(rawExchange(wire).startsWith("HTTP/1.1 200"));
    }

    void limitsAreAnsweredWithTheRightStatus_data()
    {
        QTest::addColumn<QByteArray>("wire");
        QTest::addColumn<QByteArray>("statusLine");
        QTest::newRow("head too large") << QByteArray("GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: " + QByteArray(8000, 'a') + "\r\n\r\n")
                                        << QByteArray("HTTP/1.1 431");
        QTest::newRow("body too large") << QByteArray("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100000\r\n\r\n")
                                        << QByteArray("HTTP/1.1 413");
        QTest::newRow("malformed") << QByteArray("GARBAGE\r\n\r\n") << QByteArray("HTTP/1.1 400");
        QTest::newRow("head timeout") << QByteArray("GET /health HTTP/1.1\r\nHost: loc") << QByteArray("HTTP/1.1 408");
        QTest::newRow("foreign host") << QByteArray("GET /health HTTP/1.1\r\nHost: evil.example:7229\r\n\r\n") << QByteArray("HTTP/1.1 403");
        QTest::newRow("browser origin") << QByteArray("GET /health HTTP/1.1\r\nHost: localhost\r\nOrigin: https://evil.example\r\n\r\n")
                                        << QByteArray("HTTP/1.1 403");
        QTest::newRow("wrong method") << QByteArray("DELETE /health HTTP/1.1\r\nHost: localhost\r\n\r\n") << QByteArray("HTTP/1.1 405");
    }
    void limitsAreAnsweredWithTheRightStatus()
    {
        QFETCH(QByteArray, wire);
        QFETCH(QByteArray, statusLine);
        const QByteArray answer = rawExchange(wire);
        QVERIFY2(answer.startsWith(statusLine), answer.left(200).constData());
        QVERIFY(answer.contains("{\"error\":{"));
    }

private:
    QJsonObject chatBody(const QString &model) const
    {
        return {{QStringLiteral("model"), model},
                {QStringLiteral("messages"),
                 QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                                        {QStringLiteral("content"), QStringLiteral("hello there gateway")}}}}};
    }

    static QByteArray request(const QByteArray &method, const QByteArray &path, const QByteArray &body)
    {
        QByteArray out = method + ' ' + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + kToken + "\r\n";
        if (!body.isEmpty())
            out += "Content-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n";
        return out + "\r\n" + body;
    }

    // Sends bytes and returns whatever comes back until the server closes or goes quiet.
    QByteArray rawExchange(const QByteArray &wire)
    {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_server->port());
        if (!socket.waitForConnected(2000))
            return {};
        socket.write(wire);
        QByteArray received;
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < 3000 && socket.state() == QAbstractSocket::ConnectedState) {
            QTest::qWait(20);
            received += socket.readAll();
            if (received.contains("\r\n\r\n{") && received.endsWith("}"))
                break;
            if (received.contains("0\r\n\r\n"))
                break;
        }
        return received + socket.readAll();
    }

    Answer send(QNetworkRequest request, const QByteArray &method, const QByteArray &body)
    {
        QNetworkReply *reply = m_network.sendCustomRequest(request, method, body);
        QSignalSpy finished(reply, &QNetworkReply::finished);
        if (!finished.wait(5000))
            return {};
        Answer a{reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->readAll()};
        reply->deleteLater();
        return a;
    }

    Answer get(const QByteArray &path, bool withToken = true)
    {
        QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_server->port()).arg(QString::fromLatin1(path))));
        if (withToken)
            request.setRawHeader("Authorization", "Bearer " + kToken);
        return send(request, "GET", {});
    }

    Answer postRaw(const QByteArray &body, const QByteArray &token = kToken)
    {
        QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1/v1/chat/completions").arg(m_server->port())));
        request.setRawHeader("Authorization", "Bearer " + token);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        return send(request, "POST", body);
    }

    Answer post(const QJsonObject &body, const QByteArray &token = kToken)
    {
        return postRaw(QJsonDocument(body).toJson(QJsonDocument::Compact), token);
    }

    // What reached the provider's chat endpoint; the gateway also asks for model lists.
    QList<ReceivedRequest> chatRequests() const
    {
        QList<ReceivedRequest> out;
        for (const ReceivedRequest &r : m_fake->requests()) {
            if (r.path == "/v1/chat/completions")
                out.append(r);
        }
        return out;
    }

    QList<UsageRecord> latestRows(int count)
    {
        m_ledger->flush();
        QString error;
        const QString name = QStringLiteral("rows-%1").arg(m_dbCount);
        QList<UsageRecord> rows;
        {
            QSqlDatabase db = Database::open(m_dir.filePath(QStringLiteral("p%1.db").arg(m_dbCount)), name, &error);
            rows = LedgerQuery(db).latest(count);
        }
        Database::close(name);
        return rows;
    }

    UsageRecord lastRow()
    {
        const QList<UsageRecord> rows = latestRows(1);
        return rows.isEmpty() ? UsageRecord() : rows.first();
    }

    QTemporaryDir m_dir;
    int m_dbCount = 0;
    std::unique_ptr<FakeProvider> m_fake;
    std::unique_ptr<UsageLedger> m_ledger;
    std::unique_ptr<GatewayServer> m_server;
    GatewayConfig m_config;
    QNetworkAccessManager m_network;
};

QTEST_GUILESS_MAIN(TestGatewayServer)
#include "tst_gatewayserver.moc"
