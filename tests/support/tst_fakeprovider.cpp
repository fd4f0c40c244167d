// Proves the fake provider speaks OpenAI's wire format byte for byte and does on cue what
// gateway tests rely on. Most checks read raw bytes from a plain QTcpSocket so the
// framing itself (status line, chunk sizes, SSE events) is under test.

#include "fakeprovider.h"
#include "rawhttpclient.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>

#include <csignal>
#include <optional>

using namespace patchbay::testing;

namespace {

QByteArray chatBody(bool stream, const QJsonObject &extra = {})
{
    QJsonObject body{{QStringLiteral("model"), QStringLiteral("gpt-test")},
                     {QStringLiteral("messages"),
                      QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("system")},
                                             {QStringLiteral("content"), QStringLiteral("be brief")}},
                                 QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                                             {QStringLiteral("content"), QStringLiteral("hello there")}}}}};
    if (stream)
        body.insert(QStringLiteral("stream"), true);
    for (auto it = extra.begin(); it != extra.end(); ++it)
        body.insert(it.key(), it.value());
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

QByteArray chatRequest(bool stream, const QJsonObject &extra = {}, const QByteArray &headers = {})
{
    return request("POST", "/v1/chat/completions", chatBody(stream, extra), headers);
}

const QJsonObject kIncludeUsage{
    {QStringLiteral("stream_options"), QJsonObject{{QStringLiteral("include_usage"), true}}}};

// Splits an SSE body into its JSON events; *done tells whether "data: [DONE]" ended it.
QList<QJsonObject> sseEvents(const QByteArray &body, bool *done)
{
    QList<QJsonObject> events;
    *done = false;
    QList<QByteArray> parts = body.split('\n');
    for (const auto &line : parts) {
        if (line.isEmpty())
            continue;
        if (!line.startsWith("data: "))
            return {};
        if (line == "data: [DONE]") {
            *done = true;
            continue;
        }
        events.append(QJsonDocument::fromJson(line.mid(6)).object());
    }
    return events;
}

QString contentOf(const QJsonObject &chunk)
{
    return chunk[QLatin1String("choices")][0][QLatin1String("delta")][QLatin1String("content")].toString();
}

} // namespace

class TestFakeProvider : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void plainReplyIsAChatCompletion();
    void textPartsAreConcatenated();
    void scriptedTextAndUsage();
    void streamFramingAndDone();
    void streamUsageOnlyWhenAsked();
    void streamOmitUsage();
    void streamScriptedChunks();
    void errorOnCue_data();
    void errorOnCue();
    void errorOnStreamRequestIsPlainJson();
    void rawBodyIsSentVerbatim();
    void dropBeforeAnswer();
    void dropMidStream();
    void stallKeepsConnectionOpenAndNoticesClientClose();
    void headerDelay();
    void chunkInterval();
    void keyCheck();
    void keepAliveAndPipelining();
    void connectionCloseIsHonoured();
    void chunkedRequestBody();
    void expectContinue();
    void badRequests();
    void models();
    void requestsAreRecorded();
    void worksWithQNetworkAccessManager();
    void daemonScriptsOverHttp();

    // Added with the Anthropic and Gemini dialects; OpenAI learns tool calls and more.
    void toolCallsPlain();
    void toolCallsStream();
    void reasoningContent();
    void errorMidStream();
    void finishReasonMapping_data();
    void finishReasonMapping();
    void stepFromJsonNewKeys();
    void otherDialectsDoNotDisturbOpenAi();

private:
    FakeProvider *m_fake = nullptr;
};

void TestFakeProvider::init()
{
    m_fake = new FakeProvider;
    QVERIFY(m_fake->listen());
    QVERIFY(m_fake->port() != 0);
    QCOMPARE(m_fake->baseUrl(), QStringLiteral("http://127.0.0.1:%1/v1").arg(m_fake->port()));
}

void TestFakeProvider::cleanup()
{
    delete m_fake;
    m_fake = nullptr;
}

void TestFakeProvider::plainReplyIsAChatCompletion()
{
    RawClient client(m_fake->port());
    client.send(chatRequest(false));
    const auto response = client.next();
    QVERIFY(response);
    QCOMPARE(response->status, 200);
    QCOMPARE(response->header("content-type"), QByteArray("application/json"));
    QVERIFY(response->header("x-request-id").startsWith("req_"));
    QVERIFY(!response->chunked);

    const QJsonObject reply = response->json();
    QVERIFY(reply.value(QLatin1String("id")).toString().startsWith(QLatin1String("chatcmpl-")));
    QCOMPARE(reply.value(QLatin1String("object")).toString(), QStringLiteral("chat.completion"));
    QVERIFY(qAbs(reply.value(QLatin1String("created")).toInteger() - QDateTime::currentSecsSinceEpoch()) < 5);
    QCOMPARE(reply.value(QLatin1String("model")).toString(), QStringLiteral("gpt-test"));
    QVERIFY(reply.value(QLatin1String("system_fingerprint")).toString().startsWith(QLatin1String("fp_")));

    const QJsonArray choices = reply.value(QLatin1String("choices")).toArray();
    QCOMPARE(choices.size(), 1);
    const QJsonObject choice = choices.first().toObject();
    QCOMPARE(choice.value(QLatin1String("index")).toInt(-1), 0);
    QVERIFY(choice.value(QLatin1String("logprobs")).isNull());
    QCOMPARE(choice.value(QLatin1String("finish_reason")).toString(), QStringLiteral("stop"));
    const QJsonObject message = choice.value(QLatin1String("message")).toObject();
    QCOMPARE(message.value(QLatin1String("role")).toString(), QStringLiteral("assistant"));
    QCOMPARE(message.value(QLatin1String("content")).toString(), QStringLiteral("Echo: hello there"));
    QVERIFY(message.contains(QLatin1String("refusal")) && message.value(QLatin1String("refusal")).isNull());

    const QJsonObject usage = reply.value(QLatin1String("usage")).toObject();
    QCOMPARE(usage.value(QLatin1String("prompt_tokens")).toInt(), 4);     // be brief hello there
    QCOMPARE(usage.value(QLatin1String("completion_tokens")).toInt(), 3); // Echo: hello there
    QCOMPARE(usage.value(QLatin1String("total_tokens")).toInt(), 7);
    QCOMPARE(usage[QLatin1String("prompt_tokens_details")][QLatin1String("cached_tokens")].toInt(-1), 0);
    QCOMPARE(usage[QLatin1String("completion_tokens_details")][QLatin1String("reasoning_tokens")].toInt(-1), 0);
}

void TestFakeProvider::textPartsAreConcatenated()
{
    const QJsonArray parts{
        QJsonObject{{QStringLiteral("type"), QStringLiteral("text")}, {QStringLiteral("text"), QStringLiteral("part one")}},
        QJsonObject{{QStringLiteral("type"), QStringLiteral("image_url")},
                    {QStringLiteral("image_url"), QJsonObject{{QStringLiteral("url"), QStringLiteral("data:,")}}}},
        QJsonObject{{QStringLiteral("type"), QStringLiteral("text")}, {QStringLiteral("text"), QStringLiteral(" two")}}};
    const QJsonObject body{
        {QStringLiteral("model"), QStringLiteral("m")},
        {QStringLiteral("messages"),
         QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")}, {QStringLiteral("content"), parts}}}}};
    RawClient client(m_fake->port());
    client.send(request("POST", "/v1/chat/completions", QJsonDocument(body).toJson()));
    const auto response = client.next();
    QVERIFY(response);
    const QJsonObject reply = response->json();
    QCOMPARE(reply[QLatin1String("choices")][0][QLatin1String("message")][QLatin1String("content")].toString(),
             QStringLiteral("Echo: part one two"));
    QCOMPARE(reply[QLatin1String("usage")][QLatin1String("prompt_tokens")].toInt(), 3);
}

void TestFakeProvider::scriptedTextAndUsage()
{
    FakeStep step;
    step.text = QStringLiteral("Scripted answer here");
    step.promptTokens = 100;
    step.completionTokens = 7;
    step.cachedTokens = 40;
    step.reasoningTokens = 3;
    step.finishReason = QStringLiteral("length");
    m_fake->enqueue(step);
    QCOMPARE(m_fake->pendingSteps(), 1);

    RawClient client(m_fake->port());
    client.send(chatRequest(false));
    const auto first = client.next();
    QVERIFY(first);
    const QJsonObject reply = first->json();
    QCOMPARE(reply[QLatin1String("choices")][0][QLatin1String("message")][QLatin1String("content")].toString(),
             step.text);
    QCOMPARE(reply[QLatin1String("choices")][0][QLatin1String("finish_reason")].toString(), QStringLiteral("length"));
    const QJsonObject usage = reply.value(QLatin1String("usage")).toObject();
    QCOMPARE(usage.value(QLatin1String("prompt_tokens")).toInt(), 100);
    QCOMPARE(usage.value(QLatin1String("completion_tokens")).toInt(), 7);
    QCOMPARE(usage.value(QLatin1String("total_tokens")).toInt(), 107);
    QCOMPARE(usage[QLatin1String("prompt_tokens_details")][QLatin1String("cached_tokens")].toInt(), 40);
    QCOMPARE(usage[QLatin1String("completion_tokens_details")][QLatin1String("reasoning_tokens")].toInt(), 3);

    // The step was used up: the next request gets the default echo again.
    QCOMPARE(m_fake->pendingSteps(), 0);
    client.send(chatRequest(false));
    const auto second = client.next();
    QVERIFY(second);
    QCOMPARE(second->json()[QLatin1String("choices")][0][QLatin1String("message")][QLatin1String("content")].toString(),
             QStringLiteral("Echo: hello there"));
}

void TestFakeProvider::streamFramingAndDone()
{
    RawClient client(m_fake->port());
    client.send(chatRequest(true));
    const auto response = client.next();
    QVERIFY(response);
    QCOMPARE(response->status, 200);
    QVERIFY(response->header("content-type").startsWith("text/event-stream"));
    QVERIFY(response->chunked);
    QVERIFY(!response->hasHeader("content-length"));
    QVERIFY(client.received().isEmpty()); // nothing after the terminating zero chunk

    // One SSE event per HTTP chunk, each "data: <json>\n\n".
    QCOMPARE(response->chunks.size(), 6); // role, 3 pieces, finish, [DONE]; no usage chunk
    for (const auto &chunk : response->chunks) {
        QVERIFY2(chunk.startsWith("data: ") && chunk.endsWith("\n\n"), chunk.constData());
        QCOMPARE(chunk.count("\n\n"), 1);
    }
    QCOMPARE(response->chunks.last(), QByteArray("data: [DONE]\n\n"));

    bool done = false;
    const QList<QJsonObject> events = sseEvents(response->body, &done);
    QVERIFY(done);
    QCOMPARE(events.size(), 5); // role, 3 pieces, finish
    const QString id = events.first().value(QLatin1String("id")).toString();
    QVERIFY(id.startsWith(QLatin1String("chatcmpl-")));
    for (const auto &event : events) {
        QCOMPARE(event.value(QLatin1String("id")).toString(), id);
        QCOMPARE(event.value(QLatin1String("object")).toString(), QStringLiteral("chat.completion.chunk"));
        QCOMPARE(event.value(QLatin1String("model")).toString(), QStringLiteral("gpt-test"));
        QVERIFY(!event.contains(QLatin1String("usage")));
        QCOMPARE(event.value(QLatin1String("choices")).toArray().size(), 1);
    }
    const QJsonObject roleDelta = events.first()[QLatin1String("choices")][0][QLatin1String("delta")].toObject();
    QCOMPARE(roleDelta.value(QLatin1String("role")).toString(), QStringLiteral("assistant"));
    QVERIFY(roleDelta.value(QLatin1String("content")).isString());
    QCOMPARE(roleDelta.value(QLatin1String("content")).toString(), QString());
    QVERIFY(events.first()[QLatin1String("choices")][0][QLatin1String("finish_reason")].isNull());

    QStringList pieces;
    for (qsizetype i = 1; i < 4; ++i) {
        QVERIFY(events.at(i)[QLatin1String("choices")][0][QLatin1String("finish_reason")].isNull());
        pieces.append(contentOf(events.at(i)));
    }
    QCOMPARE(pieces, QStringList({QStringLiteral("Echo:"), QStringLiteral(" hello"), QStringLiteral(" there")}));

    const QJsonObject finish = events.at(4)[QLatin1String("choices")][0].toObject();
    QCOMPARE(finish.value(QLatin1String("delta")).toObject(), QJsonObject());
    QCOMPARE(finish.value(QLatin1String("finish_reason")).toString(), QStringLiteral("stop"));
}

void TestFakeProvider::streamUsageOnlyWhenAsked()
{
    RawClient client(m_fake->port());
    client.send(chatRequest(true, kIncludeUsage));
    const auto response = client.next();
    QVERIFY(response);
    bool done = false;
    const QList<QJsonObject> events = sseEvents(response->body, &done);
    QVERIFY(done);
    QCOMPARE(events.size(), 6); // role, 3 pieces, finish, usage
    for (qsizetype i = 0; i < 5; ++i) {
        QVERIFY(events.at(i).contains(QLatin1String("usage")));
        QVERIFY(events.at(i).value(QLatin1String("usage")).isNull());
    }
    const QJsonObject last = events.last();
    QCOMPARE(last.value(QLatin1String("choices")).toArray(), QJsonArray());
    const QJsonObject usage = last.value(QLatin1String("usage")).toObject();
    QCOMPARE(usage.value(QLatin1String("prompt_tokens")).toInt(), 4);
    QCOMPARE(usage.value(QLatin1String("completion_tokens")).toInt(), 3);
    QCOMPARE(usage.value(QLatin1String("total_tokens")).toInt(), 7);
    QVERIFY(response->body.endsWith("data: [DONE]\n\n"));
}

void TestFakeProvider::streamOmitUsage()
{
    FakeStep step;
    step.omitUsage = true;
    m_fake->enqueue(step);
    m_fake->enqueue(step);
    RawClient client(m_fake->port());
    client.send(chatRequest(true, kIncludeUsage));
    const auto streamed = client.next();
    QVERIFY(streamed);
    QVERIFY(!streamed->body.contains("\"usage\""));
    bool done = false;
    QCOMPARE(sseEvents(streamed->body, &done).size(), 5);
    QVERIFY(done);

    client.send(chatRequest(false));
    const auto plain = client.next();
    QVERIFY(plain);
    QVERIFY(!plain->json().contains(QLatin1String("usage")));
}

void TestFakeProvider::streamScriptedChunks()
{
    FakeStep step;
    step.chunks = QStringList{QStringLiteral("Hel"), QStringLiteral("lo, "), QStringLiteral("wörld")};
    m_fake->enqueue(step);
    RawClient client(m_fake->port());
    client.send(chatRequest(true, kIncludeUsage));
    const auto response = client.next();
    QVERIFY(response);
    bool done = false;
    const QList<QJsonObject> events = sseEvents(response->body, &done);
    QVERIFY(done);
    QCOMPARE(events.size(), 6);
    QCOMPARE(contentOf(events.at(1)), QStringLiteral("Hel"));
    QCOMPARE(contentOf(events.at(2)), QStringLiteral("lo, "));
    QCOMPARE(contentOf(events.at(3)), QStringLiteral("wörld"));
    QCOMPARE(events.last()[QLatin1String("usage")][QLatin1String("completion_tokens")].toInt(), 2);
}

void TestFakeProvider::errorOnCue_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("message");
    QTest::addColumn<QString>("expectedType");
    QTest::addColumn<QString>("expectedCode"); // empty: null

    QTest::newRow("401") << 401 << QString() << "invalid_request_error" << "invalid_api_key";
    QTest::newRow("404") << 404 << QString() << "invalid_request_error" << "model_not_found";
    QTest::newRow("429") << 429 << QString() << "requests" << "rate_limit_exceeded";
    QTest::newRow("500") << 500 << QString() << "server_error" << QString();
    QTest::newRow("503 with message") << 503 << "Down for a bit." << "server_error" << QString();
}

void TestFakeProvider::errorOnCue()
{
    QFETCH(int, status);
    QFETCH(QString, message);
    QFETCH(QString, expectedType);
    QFETCH(QString, expectedCode);

    FakeStep step = FakeStep::error(status, message);
    step.extraHeaders.emplaceBack("retry-after", "7");
    m_fake->enqueue(step);
    RawClient client(m_fake->port());
    client.send(chatRequest(false));
    const auto response = client.next();
    QVERIFY(response);
    QCOMPARE(response->status, status);
    QCOMPARE(response->header("content-type"), QByteArray("application/json"));
    QCOMPARE(response->header("retry-after"), QByteArray("7"));

    const QJsonObject root = response->json();
    QCOMPARE(root.keys(), QStringList{QStringLiteral("error")});
    const QJsonObject error = root.value(QLatin1String("error")).toObject();
    QCOMPARE(error.keys(), QStringList({QStringLiteral("code"), QStringLiteral("message"),
                                        QStringLiteral("param"), QStringLiteral("type")}));
    QVERIFY(!error.value(QLatin1String("message")).toString().isEmpty());
    if (!message.isEmpty())
        QCOMPARE(error.value(QLatin1String("message")).toString(), message);
    QCOMPARE(error.value(QLatin1String("type")).toString(), expectedType);
    QVERIFY(error.value(QLatin1String("param")).isNull());
    if (expectedCode.isEmpty())
        QVERIFY(error.value(QLatin1String("code")).isNull());
    else
        QCOMPARE(error.value(QLatin1String("code")).toString(), expectedCode);

    // Keep-alive survives an error answer.
    client.send(chatRequest(false));
    const auto after = client.next();
    QVERIFY(after);
    QCOMPARE(after->status, 200);
}

void TestFakeProvider::errorOnStreamRequestIsPlainJson()
{
    FakeStep step = FakeStep::fromJson(QJsonObject{{QStringLiteral("status"), 400},
                                                   {QStringLiteral("error_message"), QStringLiteral("Bad things.")},
                                                   {QStringLiteral("error_type"), QStringLiteral("invalid_request_error")},
                                                   {QStringLiteral("error_code"), QStringLiteral("context_length_exceeded")}});
    m_fake->enqueue(step);
    RawClient client(m_fake->port());
    client.send(chatRequest(true));
    const auto response = client.next();
    QVERIFY(response);
    QCOMPARE(response->status, 400);
    QVERIFY(!response->chunked);
    QCOMPARE(response->header("content-type"), QByteArray("application/json"));
    const QJsonObject error = response->json().value(QLatin1String("error")).toObject();
    QCOMPARE(error.value(QLatin1String("message")).toString(), QStringLiteral("Bad things."));
    QCOMPARE(error.value(QLatin1String("code")).toString(), QStringLiteral("context_length_exceeded"));
}

void TestFakeProvider::rawBodyIsSentVerbatim()
{
    FakeStep step;
    step.status = 200;
    step.rawBody = "{\"choices\": [ not json";
    m_fake->enqueue(step);
    RawClient client(m_fake->port());
    client.send(chatRequest(true));
    const auto response = client.next();
    QVERIFY(response);
    QCOMPARE(response->status, 200);
    QCOMPARE(response->header("content-type"), QByteArray("application/json"));
    QCOMPARE(response->body, step.rawBody);
}

void TestFakeProvider::dropBeforeAnswer()
{
    FakeStep plainDrop;
    plainDrop.dropAfterChunks = 0;
    m_fake->enqueue(plainDrop);
    FakeStep streamDrop;
    streamDrop.dropBeforeHeaders = true;
    m_fake->enqueue(streamDrop);

    for (const bool stream : {false, true}) {
        RawClient client(m_fake->port());
        client.send(chatRequest(stream));
        QVERIFY(client.waitClosedByPeer());
        QVERIFY(client.received().isEmpty());
    }
    QCOMPARE(m_fake->requests().size(), 2);
    QCOMPARE(m_fake->closedMidResponse(), 0); // the fake hung up, not the client
    QTRY_COMPARE(m_fake->openConnections(), 0);
}

void TestFakeProvider::dropMidStream()
{
    FakeStep step;
    step.dropAfterChunks = 1;
    m_fake->enqueue(step);
    RawClient client(m_fake->port());
    client.send(chatRequest(true));
    QVERIFY(client.waitClosedByPeer());

    HttpResponse response;
    QCOMPARE(parseResponse(client.received(), &response), qsizetype(0)); // never completes
    QCOMPARE(response.status, 200);
    QCOMPARE(response.chunks.size(), 2); // role chunk and one content piece
    QCOMPARE(contentOf(QJsonDocument::fromJson(response.chunks.at(1).mid(6)).object()), QStringLiteral("Echo:"));
    QVERIFY(!client.received().contains("[DONE]"));
    QVERIFY(!client.received().endsWith("0\r\n\r\n"));
    QCOMPARE(m_fake->closedMidResponse(), 0);
}

void TestFakeProvider::stallKeepsConnectionOpenAndNoticesClientClose()
{
    FakeStep step;
    step.stallAfterChunks = 2;
    m_fake->enqueue(step);
    QSignalSpy closedSpy(m_fake, &FakeProvider::connectionClosedMidResponse);

    auto client = std::make_unique<RawClient>(m_fake->port());
    client->send(chatRequest(true));
    QVERIFY(QTest::qWaitFor([&] { return client->received().count("data: ") == 3; }, 5000));
    QTest::qWait(300);
    QCOMPARE(client->received().count("data: "), 3); // role and two pieces, then nothing
    QVERIFY(!client->closedByPeer());
    QCOMPARE(m_fake->openConnections(), 1);
    QCOMPARE(m_fake->closedMidResponse(), 0);

    client->close();
    QTRY_COMPARE(closedSpy.size(), 1);
    QCOMPARE(m_fake->closedMidResponse(), 1);
    QTRY_COMPARE(m_fake->openConnections(), 0);

    // A client that closes an idle keep-alive connection is not an abort.
    RawClient idle(m_fake->port());
    idle.send(chatRequest(false));
    QVERIFY(idle.next());
    idle.close();
    QTRY_COMPARE(m_fake->openConnections(), 0);
    QCOMPARE(m_fake->closedMidResponse(), 1);

    // A plain request with a stall never gets an answer.
    FakeStep plainStall;
    plainStall.stallAfterChunks = 0;
    m_fake->enqueue(plainStall);
    RawClient plain(m_fake->port());
    plain.send(chatRequest(false));
    QTest::qWait(200);
    QVERIFY(plain.received().isEmpty());
    QVERIFY(!plain.closedByPeer());
    plain.close();
    QTRY_COMPARE(m_fake->closedMidResponse(), 2);
    QCOMPARE(closedSpy.size(), 2);
}

void TestFakeProvider::headerDelay()
{
    FakeStep step;
    step.headerDelayMs = 400;
    m_fake->enqueue(step);
    m_fake->enqueue(step);

    RawClient client(m_fake->port());
    QElapsedTimer timer;
    timer.start();
    client.send(chatRequest(false));
    QTest::qWait(150);
    QVERIFY(client.received().isEmpty());
    const auto response = client.next();
    QVERIFY(response);
    QVERIFY2(timer.elapsed() >= 380, QByteArray::number(timer.elapsed()).constData());
    QCOMPARE(response->status, 200);

    // Hanging up while the fake is still "thinking" counts as closed mid-response.
    client.send(chatRequest(true));
    QTest::qWait(100);
    client.close();
    QTRY_COMPARE(m_fake->closedMidResponse(), 1);
}

void TestFakeProvider::chunkInterval()
{
    FakeStep step;
    step.chunkIntervalMs = 100;
    m_fake->enqueue(step);
    RawClient client(m_fake->port());
    client.send(chatRequest(true));
    QVERIFY(QTest::qWaitFor([&] { return client.received().contains("data: "); }, 5000));
    QElapsedTimer timer;
    timer.start();
    QCOMPARE(client.received().count("data: "), 1); // the role chunk comes with the headers
    const auto response = client.next();
    QVERIFY(response);
    // Five pauses: before each of the 3 pieces, the finish chunk and [DONE].
    QVERIFY2(timer.elapsed() >= 400, QByteArray::number(timer.elapsed()).constData());
    QVERIFY(response->body.endsWith("data: [DONE]\n\n"));
}

void TestFakeProvider::keyCheck()
{
    const QString key = QStringLiteral("sk-test-0123456789abcdefWXYZ");
    m_fake->setExpectedKey(key);
    FakeStep step;
    step.text = QStringLiteral("authorised");
    m_fake->enqueue(step);

    RawClient client(m_fake->port());
    client.send(chatRequest(false));
    auto missing = client.next();
    QVERIFY(missing);
    QCOMPARE(missing->status, 401);
    const QJsonObject missingError = missing->json().value(QLatin1String("error")).toObject();
    QVERIFY(missingError.value(QLatin1String("message")).toString().startsWith(QLatin1String("You didn't provide an API key")));
    QVERIFY(missingError.value(QLatin1String("code")).isNull());

    const QByteArray wrongKey = "sk-wrong-0123456789abcdefQRST";
    client.send(chatRequest(false, {}, "Authorization: Bearer " + wrongKey + "\r\n"));
    auto wrong = client.next();
    QVERIFY(wrong);
    QCOMPARE(wrong->status, 401);
    QVERIFY(!wrong->body.contains(wrongKey));
    QVERIFY(!wrong->body.contains(key.toUtf8()));
    const QJsonObject wrongError = wrong->json().value(QLatin1String("error")).toObject();
    QCOMPARE(wrongError.value(QLatin1String("type")).toString(), QStringLiteral("invalid_request_error"));
    QCOMPARE(wrongError.value(QLatin1String("code")).toString(), QStringLiteral("invalid_api_key"));
    QVERIFY(wrongError.value(QLatin1String("message")).toString().startsWith(
        QLatin1String("Incorrect API key provided: sk-wrong*****************QRST.")));

    client.send(request("GET", "/v1/models", {}, "Authorization: Bearer nope\r\n"));
    auto models = client.next();
    QVERIFY(models);
    QCOMPARE(models->status, 401);
    QVERIFY(models->json()[QLatin1String("error")][QLatin1String("message")].toString().contains(QLatin1String(": ****.")));

    // Rejected requests did not use up the step.
    client.send(chatRequest(false, {}, "authorization: Bearer " + key.toUtf8() + "\r\n"));
    auto right = client.next();
    QVERIFY(right);
    QCOMPARE(right->status, 200);
    QCOMPARE(right->json()[QLatin1String("choices")][0][QLatin1String("message")][QLatin1String("content")].toString(),
             QStringLiteral("authorised"));
}

void TestFakeProvider::keepAliveAndPipelining()
{
    RawClient client(m_fake->port());
    client.send(chatRequest(false));
    QVERIFY(client.next());
    client.send(chatRequest(true));
    const auto stream = client.next();
    QVERIFY(stream);
    QVERIFY(stream->body.endsWith("data: [DONE]\n\n"));

    // Three requests in one write: answered in order, one after the other.
    FakeStep slow;
    slow.text = QStringLiteral("first");
    slow.headerDelayMs = 100;
    m_fake->enqueue(slow);
    FakeStep second;
    second.text = QStringLiteral("second");
    m_fake->enqueue(second);
    client.send(chatRequest(false) + request("GET", "/v1/models") + chatRequest(true));
    const auto a = client.next();
    const auto b = client.next();
    const auto c = client.next();
    QVERIFY(a && b && c);
    QCOMPARE(a->json()[QLatin1String("choices")][0][QLatin1String("message")][QLatin1String("content")].toString(),
             QStringLiteral("first"));
    QCOMPARE(b->json().value(QLatin1String("object")).toString(), QStringLiteral("list"));
    QVERIFY(c->body.contains("\"content\":\"second\""));
    QVERIFY(!client.closedByPeer());
    QCOMPARE(m_fake->openConnections(), 1);
    QCOMPARE(m_fake->requests().size(), 5);
}

void TestFakeProvider::connectionCloseIsHonoured()
{
    RawClient client(m_fake->port());
    client.send(chatRequest(false, {}, "Connection: close\r\n"));
    const auto response = client.next();
    QVERIFY(response);
    QCOMPARE(response->header("connection"), QByteArray("close"));
    QVERIFY(client.waitClosedByPeer());
    QCOMPARE(m_fake->closedMidResponse(), 0);
}

void TestFakeProvider::chunkedRequestBody()
{
    const QByteArray body = chatBody(false);
    const qsizetype cut = body.size() / 3;
    QByteArray raw = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     "Transfer-Encoding: chunked\r\n\r\n";
    raw += QByteArray::number(cut, 16) + ";note=ext\r\n" + body.left(cut) + "\r\n";
    raw += QByteArray::number(body.size() - cut, 16).toUpper() + "\r\n" + body.mid(cut) + "\r\n";
    raw += "0\r\nX-Trailer: yes\r\n\r\n";

    RawClient client(m_fake->port());
    QVERIFY(client.waitConnected());
    // Trickled in small pieces so the parser has to resume mid-line and mid-chunk.
    for (qsizetype i = 0; i < raw.size(); i += 7) {
        client.send(raw.mid(i, 7));
        QTest::qWait(1);
    }
    const auto response = client.next();
    QVERIFY(response);
    QCOMPARE(response->status, 200);
    QCOMPARE(response->json()[QLatin1String("choices")][0][QLatin1String("message")][QLatin1String("content")].toString(),
             QStringLiteral("Echo: hello there"));
    QCOMPARE(m_fake->requests().constLast().body, body);
}

void TestFakeProvider::expectContinue()
{
    const QByteArray body = chatBody(false);
    RawClient client(m_fake->port());
    client.send("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: "
                + QByteArray::number(body.size()) + "\r\n\r\n");
    QVERIFY(QTest::qWaitFor([&] { return client.received() == "HTTP/1.1 100 Continue\r\n\r\n"; }, 5000));
    client.send(body);
    const auto response = client.next();
    QVERIFY(response);
    QCOMPARE(response->status, 200);
}

void TestFakeProvider::badRequests()
{
    RawClient client(m_fake->port());
    client.send(request("POST", "/v1/chat/completions", "{\"model\": \"x\", \"messages\": ["));
    const auto malformed = client.next();
    QVERIFY(malformed);
    QCOMPARE(malformed->status, 400);
    QVERIFY(malformed->json()[QLatin1String("error")][QLatin1String("message")].toString().startsWith(
        QLatin1String("We could not parse the JSON body of your request.")));
    QCOMPARE(malformed->json()[QLatin1String("error")][QLatin1String("type")].toString(),
             QStringLiteral("invalid_request_error"));

    client.send(request("POST", "/v1/chat/completions", "{\"messages\": []}"));
    const auto noModel = client.next();
    QVERIFY(noModel);
    QCOMPARE(noModel->status, 400);
    QCOMPARE(noModel->json()[QLatin1String("error")][QLatin1String("message")].toString(),
             QStringLiteral("you must provide a model parameter"));

    client.send(request("POST", "/v1/chat/completions", "{\"model\": \"m\"}"));
    const auto noMessages = client.next();
    QVERIFY(noMessages);
    QCOMPARE(noMessages->status, 400);
    QCOMPARE(noMessages->json()[QLatin1String("error")][QLatin1String("param")].toString(), QStringLiteral("messages"));

    client.send(request("GET", "/v1/nope?x=1"));
    const auto unknown = client.next();
    QVERIFY(unknown);
    QCOMPARE(unknown->status, 404);
    QCOMPARE(unknown->json()[QLatin1String("error")][QLatin1String("message")].toString(),
             QStringLiteral("Invalid URL (GET /v1/nope)"));
    QVERIFY(unknown->json()[QLatin1String("error")][QLatin1String("code")].isNull());
}

void TestFakeProvider::models()
{
    m_fake->setModels({QStringLiteral("alpha"), QStringLiteral("beta")});
    RawClient client(m_fake->port());
    client.send(request("GET", "/v1/models"));
    const auto list = client.next();
    QVERIFY(list);
    QCOMPARE(list->status, 200);
    QCOMPARE(list->json().value(QLatin1String("object")).toString(), QStringLiteral("list"));
    const QJsonArray data = list->json().value(QLatin1String("data")).toArray();
    QCOMPARE(data.size(), 2);
    const QJsonObject first = data.first().toObject();
    QCOMPARE(first.value(QLatin1String("id")).toString(), QStringLiteral("alpha"));
    QCOMPARE(first.value(QLatin1String("object")).toString(), QStringLiteral("model"));
    QVERIFY(first.value(QLatin1String("created")).toInteger() > 0);
    QVERIFY(first.value(QLatin1String("owned_by")).isString());

    client.send(request("GET", "/v1/models/beta"));
    const auto one = client.next();
    QVERIFY(one);
    QCOMPARE(one->json().value(QLatin1String("id")).toString(), QStringLiteral("beta"));

    client.send(request("GET", "/v1/models/gamma"));
    const auto missing = client.next();
    QVERIFY(missing);
    QCOMPARE(missing->status, 404);
    QCOMPARE(missing->json()[QLatin1String("error")][QLatin1String("code")].toString(), QStringLiteral("model_not_found"));
}

void TestFakeProvider::requestsAreRecorded()
{
    QSignalSpy spy(m_fake, &FakeProvider::requestReceived);
    RawClient client(m_fake->port());
    client.send(chatRequest(false, {}, "X-Custom-Thing: abc\r\n"));
    QVERIFY(client.next());
    client.send(request("GET", "/v1/models"));
    QVERIFY(client.next());

    QCOMPARE(spy.size(), 2);
    const QList<ReceivedRequest> requests = m_fake->requests();
    QCOMPARE(requests.size(), 2);
    const ReceivedRequest &chat = requests.first();
    QCOMPARE(chat.method, QByteArray("POST"));
    QCOMPARE(chat.path, QByteArray("/v1/chat/completions"));
    QCOMPARE(chat.body, chatBody(false));
    QCOMPARE(chat.header("x-custom-thing"), QByteArray("abc"));
    QVERIFY(chat.headers.contains(qMakePair(QByteArray("X-Custom-Thing"), QByteArray("abc"))));
    QCOMPARE(chat.json().value(QLatin1String("model")).toString(), QStringLiteral("gpt-test"));
    QCOMPARE(spy.first().first().value<ReceivedRequest>().body, chat.body);
    QCOMPARE(requests.at(1).method, QByteArray("GET"));

    const QJsonObject json = chat.toJson();
    QCOMPARE(json[QLatin1String("headers")][QLatin1String("x-custom-thing")].toString(), QStringLiteral("abc"));
    QCOMPARE(json[QLatin1String("body")].toString().toUtf8(), chat.body);

    m_fake->enqueue(FakeStep());
    m_fake->reset();
    QVERIFY(m_fake->requests().isEmpty());
    QCOMPARE(m_fake->pendingSteps(), 0);
}

void TestFakeProvider::worksWithQNetworkAccessManager()
{
    m_fake->setExpectedKey(QStringLiteral("sk-qnam"));
    QNetworkAccessManager manager;
    for (const bool stream : {false, true}) {
        QNetworkRequest networkRequest(QUrl(m_fake->baseUrl() + QStringLiteral("/chat/completions")));
        networkRequest.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        networkRequest.setRawHeader("Authorization", "Bearer sk-qnam");
        std::unique_ptr<QNetworkReply> reply(manager.post(networkRequest, chatBody(stream, kIncludeUsage)));
        QTRY_VERIFY(reply->isFinished());
        QCOMPARE(reply->error(), QNetworkReply::NoError);
        const QByteArray body = reply->readAll();
        if (!stream) {
            QCOMPARE(QJsonDocument::fromJson(body)[QLatin1String("choices")][0][QLatin1String("message")]
                         [QLatin1String("content")].toString(),
                     QStringLiteral("Echo: hello there"));
        } else {
            bool done = false;
            QCOMPARE(sseEvents(body, &done).size(), 6);
            QVERIFY(done);
        }
    }
}

void TestFakeProvider::daemonScriptsOverHttp()
{
    QProcess daemon;
    daemon.start(QStringLiteral(FAKEPROVIDERD_PATH),
                 {QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--key"), QStringLiteral("sk-d"),
                  QStringLiteral("--models"), QStringLiteral("m1,m2")});
    QVERIFY(daemon.waitForStarted());
    QTRY_VERIFY(daemon.canReadLine());
    const QByteArray line = daemon.readLine();
    QVERIFY2(line.startsWith("fakeproviderd listening on "), line.constData());
    const quint16 port = quint16(line.mid(27).trimmed().toUInt());
    QVERIFY(port != 0);

    RawClient client(port);
    const QJsonArray script{QJsonObject{{QStringLiteral("text"), QStringLiteral("from the script")}},
                            QJsonObject{{QStringLiteral("status"), 429}}};
    client.send(request("POST", "/_fake/script", QJsonDocument(script).toJson()));
    const auto scripted = client.next();
    QVERIFY(scripted);
    QCOMPARE(scripted->status, 204);
    QVERIFY(!scripted->hasHeader("content-length"));

    const QByteArray auth = "Authorization: Bearer sk-d\r\n";
    RawClient user(port);
    user.send(chatRequest(false, {}, auth));
    const auto first = user.next();
    QVERIFY(first);
    QVERIFY(first->body.contains("from the script"));
    user.send(chatRequest(false, {}, auth));
    const auto second = user.next();
    QVERIFY(second);
    QCOMPARE(second->status, 429);
    user.send(request("GET", "/v1/models", {}, auth));
    const auto models = user.next();
    QVERIFY(models);
    QCOMPARE(models->json()[QLatin1String("data")][1][QLatin1String("id")].toString(), QStringLiteral("m2"));

    client.send(request("GET", "/_fake/requests"));
    const auto recorded = client.next();
    QVERIFY(recorded);
    const QJsonArray list = QJsonDocument::fromJson(recorded->body).array();
    QCOMPARE(list.size(), 3); // control requests are not recorded
    const QJsonObject firstRequest = list.first().toObject();
    QCOMPARE(firstRequest.value(QLatin1String("method")).toString(), QStringLiteral("POST"));
    QCOMPARE(firstRequest.value(QLatin1String("path")).toString(), QStringLiteral("/v1/chat/completions"));
    QCOMPARE(firstRequest[QLatin1String("headers")][QLatin1String("authorization")].toString(),
             QStringLiteral("Bearer sk-d"));
    QCOMPARE(firstRequest.value(QLatin1String("body")).toString().toUtf8(), chatBody(false));

    // A stalled stream the client walks away from shows up in the stats.
    client.send(request("POST", "/_fake/script", "[{\"stall_after_chunks\": 0}]"));
    QVERIFY(client.next());
    user.send(chatRequest(true, {}, auth));
    QVERIFY(QTest::qWaitFor([&] { return user.received().contains("data: "); }, 5000));
    user.close();
    QJsonObject stats;
    QVERIFY(QTest::qWaitFor([&] {
        client.send(request("GET", "/_fake/stats"));
        const auto response = client.next();
        stats = response ? response->json() : QJsonObject();
        return stats.value(QLatin1String("closed_mid_response")).toInt() == 1;
    }, 5000));
    QCOMPARE(stats.value(QLatin1String("open_connections")).toInt(), 0); // the asking one is not counted

    client.send(request("POST", "/_fake/reset"));
    const auto reset = client.next();
    QVERIFY(reset);
    QCOMPARE(reset->status, 204);
    client.send(request("GET", "/_fake/stats"));
    const auto afterReset = client.next();
    QVERIFY(afterReset);
    QCOMPARE(afterReset->json().value(QLatin1String("closed_mid_response")).toInt(-1), 0);

    daemon.terminate(); // SIGTERM
    QVERIFY(daemon.waitForFinished(5000));
    QCOMPARE(daemon.exitStatus(), QProcess::NormalExit);
    QCOMPARE(daemon.exitCode(), 0);
}

void TestFakeProvider::toolCallsPlain()
{
    FakeStep step;
    step.toolCalls = {{QStringLiteral("call_fixed"), QStringLiteral("get_weather"), QStringLiteral("{\"city\": \"Paris\"}")},
                      {QString(), QStringLiteral("get_time"), QString()}};
    m_fake->enqueue(step);
    RawClient client(m_fake->port());
    client.send(chatRequest(false));
    const auto response = client.next();
    QVERIFY(response);
    const QJsonObject choice = response->json()[QLatin1String("choices")][0].toObject();
    QCOMPARE(choice.value(QLatin1String("finish_reason")).toString(), QStringLiteral("tool_calls"));
    const QJsonObject message = choice.value(QLatin1String("message")).toObject();
    QVERIFY(message.contains(QLatin1String("content")) && message.value(QLatin1String("content")).isNull());
    QVERIFY(!message.contains(QLatin1String("reasoning_content")));
    const QJsonArray calls = message.value(QLatin1String("tool_calls")).toArray();
    QCOMPARE(calls.size(), 2);
    QCOMPARE(calls[0][QLatin1String("id")].toString(), QStringLiteral("call_fixed"));
    QCOMPARE(calls[0][QLatin1String("type")].toString(), QStringLiteral("function"));
    QCOMPARE(calls[0][QLatin1String("function")][QLatin1String("name")].toString(), QStringLiteral("get_weather"));
    QCOMPARE(calls[0][QLatin1String("function")][QLatin1String("arguments")].toString(),
             QStringLiteral("{\"city\": \"Paris\"}")); // a string, exactly as scripted
    QVERIFY(calls[1][QLatin1String("id")].toString().startsWith(QLatin1String("call_")));
    QCOMPARE(calls[1][QLatin1String("id")].toString().size(), 29);
    QCOMPARE(calls[1][QLatin1String("function")][QLatin1String("arguments")].toString(), QStringLiteral("{}"));
    // No text: the completion counts the argument words ({"city": and "Paris"}; none in the empty ones).
    QCOMPARE(response->json()[QLatin1String("usage")][QLatin1String("completion_tokens")].toInt(), 2);
}

void TestFakeProvider::toolCallsStream()
{
    FakeStep step;
    step.text = QStringLiteral("Let me check.");
    const QString arguments = QStringLiteral("{\"city\":\"Paris\",\"unit\":\"celsius\"}");
    step.toolCalls = {{QString(), QStringLiteral("get_weather"), arguments},
                      {QString(), QStringLiteral("get_time"), QStringLiteral("{\"tz\":\"CET\"}")}};
    m_fake->enqueue(step);
    RawClient client(m_fake->port());
    client.send(chatRequest(true));
    const auto response = client.next();
    QVERIFY(response);
    bool done = false;
    const QList<QJsonObject> events = sseEvents(response->body, &done);
    QVERIFY(done);
    // role, 3 text pieces, per call a head and 3 argument fragments, finish
    QCOMPARE(events.size(), 1 + 3 + 4 + 4 + 1);
    const auto delta = [&](qsizetype i) {
        return events.at(i)[QLatin1String("choices")][0][QLatin1String("delta")].toObject();
    };
    QCOMPARE(delta(0).value(QLatin1String("content")).toString(), QString()); // there is text: "" not null
    QCOMPARE(contentOf(events.at(1)) + contentOf(events.at(2)) + contentOf(events.at(3)), step.text);

    QString firstId;
    for (int call = 0; call < 2; ++call) {
        const qsizetype head = 4 + call * 4;
        const QJsonObject headEntry = delta(head)[QLatin1String("tool_calls")][0].toObject();
        QCOMPARE(headEntry.value(QLatin1String("index")).toInt(-1), call);
        QVERIFY(headEntry.value(QLatin1String("id")).toString().startsWith(QLatin1String("call_")));
        QCOMPARE(headEntry.value(QLatin1String("type")).toString(), QStringLiteral("function"));
        QCOMPARE(headEntry[QLatin1String("function")][QLatin1String("name")].toString(),
                 step.toolCalls.at(call).name);
        QCOMPARE(headEntry[QLatin1String("function")][QLatin1String("arguments")].toString(), QString());
        if (call == 0)
            firstId = headEntry.value(QLatin1String("id")).toString();
        else
            QVERIFY(headEntry.value(QLatin1String("id")).toString() != firstId);
        QString joined;
        for (qsizetype i = head + 1; i < head + 4; ++i) {
            const QJsonObject entry = delta(i)[QLatin1String("tool_calls")][0].toObject();
            QCOMPARE(entry.keys(), QStringList({QStringLiteral("function"), QStringLiteral("index")}));
            QCOMPARE(entry.value(QLatin1String("index")).toInt(-1), call);
            QCOMPARE(entry[QLatin1String("function")].toObject().keys(), QStringList{QStringLiteral("arguments")});
            joined += entry[QLatin1String("function")][QLatin1String("arguments")].toString();
        }
        QCOMPARE(joined, step.toolCalls.at(call).argumentsJson);
    }
    QCOMPARE(events.last()[QLatin1String("choices")][0][QLatin1String("finish_reason")].toString(),
             QStringLiteral("tool_calls"));

    // Tool pieces count as content chunks: a stall after 2 leaves the arguments unfinished.
    FakeStep stalled = step;
    stalled.text.clear();
    stalled.stallAfterChunks = 2;
    m_fake->enqueue(stalled);
    RawClient other(m_fake->port());
    other.send(chatRequest(true));
    QVERIFY(QTest::qWaitFor([&] { return other.received().count("data: ") == 3; }, 5000));
    QTest::qWait(100);
    QCOMPARE(other.received().count("data: "), 3); // role (content null), head, one fragment
    QVERIFY(other.received().contains("\"content\":null"));
}

void TestFakeProvider::reasoningContent()
{
    FakeStep step;
    step.thinkingText = QStringLiteral("Think it through first");
    step.reasoningTokens = 4;
    m_fake->enqueue(step);
    m_fake->enqueue(step);
    RawClient client(m_fake->port());
    client.send(chatRequest(false));
    const auto plain = client.next();
    QVERIFY(plain);
    const QJsonObject message = plain->json()[QLatin1String("choices")][0][QLatin1String("message")].toObject();
    QCOMPARE(message.value(QLatin1String("reasoning_content")).toString(), step.thinkingText);
    QCOMPARE(message.value(QLatin1String("content")).toString(), QStringLiteral("Echo: hello there"));
    const QJsonObject usage = plain->json().value(QLatin1String("usage")).toObject();
    QCOMPARE(usage.value(QLatin1String("completion_tokens")).toInt(), 3 + 4); // reasoning is part of it
    QCOMPARE(usage[QLatin1String("completion_tokens_details")][QLatin1String("reasoning_tokens")].toInt(), 4);

    client.send(chatRequest(true));
    const auto stream = client.next();
    QVERIFY(stream);
    bool done = false;
    const QList<QJsonObject> events = sseEvents(stream->body, &done);
    QCOMPARE(events.size(), 1 + 3 + 3 + 1);
    QString reasoning;
    for (qsizetype i = 1; i < 4; ++i)
        reasoning += events.at(i)[QLatin1String("choices")][0][QLatin1String("delta")][QLatin1String("reasoning_content")].toString();
    QCOMPARE(reasoning, step.thinkingText);
    QCOMPARE(contentOf(events.at(4)), QStringLiteral("Echo:"));
}

void TestFakeProvider::errorMidStream()
{
    FakeStep step = FakeStep::error(503, QStringLiteral("Upstream went away."));
    step.errorAfterChunks = 1;
    m_fake->enqueue(step);
    FakeStep plain;
    plain.errorAfterChunks = 0;
    m_fake->enqueue(plain);

    RawClient client(m_fake->port());
    client.send(chatRequest(true));
    const auto response = client.next();
    QVERIFY(response);
    QCOMPARE(response->status, 200);
    QVERIFY(response->chunked);
    QCOMPARE(response->chunks.size(), 3); // role, one piece, the error
    QVERIFY(!response->body.contains("[DONE]"));
    QVERIFY(response->chunks.last().startsWith("data: {") && response->chunks.last().endsWith("}\n\n"));
    const QJsonObject error = QJsonDocument::fromJson(response->chunks.last().mid(6)).object();
    QCOMPARE(error.keys(), QStringList{QStringLiteral("error")});
    QCOMPARE(error[QLatin1String("error")][QLatin1String("message")].toString(), QStringLiteral("Upstream went away."));
    QCOMPARE(error[QLatin1String("error")][QLatin1String("type")].toString(), QStringLiteral("server_error"));

    // On a plain request the same script is an ordinary error answer (200 counts as 500).
    client.send(chatRequest(false));
    const auto second = client.next();
    QVERIFY(second);
    QCOMPARE(second->status, 500);
    QCOMPARE(second->json()[QLatin1String("error")][QLatin1String("type")].toString(), QStringLiteral("server_error"));
}

void TestFakeProvider::finishReasonMapping_data()
{
    QTest::addColumn<QString>("neutral");
    QTest::addColumn<QString>("expected");
    QTest::newRow("stop") << "stop" << "stop";
    QTest::newRow("length") << "length" << "length";
    QTest::newRow("tool_calls") << "tool_calls" << "tool_calls";
    QTest::newRow("content_filter") << "content_filter" << "content_filter";
    QTest::newRow("stop_sequence") << "stop_sequence" << "stop";
    QTest::newRow("verbatim") << "function_call" << "function_call";
}

void TestFakeProvider::finishReasonMapping()
{
    QFETCH(QString, neutral);
    QFETCH(QString, expected);
    FakeStep step;
    step.finishReason = neutral;
    m_fake->enqueue(step);
    RawClient client(m_fake->port());
    client.send(chatRequest(false));
    const auto response = client.next();
    QVERIFY(response);
    QCOMPARE(response->json()[QLatin1String("choices")][0][QLatin1String("finish_reason")].toString(), expected);
}

void TestFakeProvider::stepFromJsonNewKeys()
{
    const QJsonObject json = QJsonDocument::fromJson(
        "{\"tool_calls\": [{\"id\": \"t1\", \"name\": \"f\", \"arguments\": {\"a\": 1}},"
        "                  {\"name\": \"g\", \"arguments\": \"{not json\"}],"
        " \"thinking_text\": \"hmm\", \"error_after_chunks\": 2, \"cache_creation_tokens\": 9}").object();
    const FakeStep step = FakeStep::fromJson(json);
    QCOMPARE(step.toolCalls.size(), 2);
    QCOMPARE(step.toolCalls[0].id, QStringLiteral("t1"));
    QCOMPARE(step.toolCalls[0].name, QStringLiteral("f"));
    QCOMPARE(step.toolCalls[0].argumentsJson, QStringLiteral("{\"a\":1}"));
    QCOMPARE(step.toolCalls[1].id, QString());
    QCOMPARE(step.toolCalls[1].argumentsJson, QStringLiteral("{not json"));
    QCOMPARE(step.thinkingText, QStringLiteral("hmm"));
    QCOMPARE(step.errorAfterChunks, 2);
    QCOMPARE(step.cacheCreationTokens, 9);
    QCOMPARE(step.finishReason, QString());
    QCOMPARE(step.resolvedFinishReason(), QStringLiteral("tool_calls"));
    QCOMPARE(FakeStep().resolvedFinishReason(), QStringLiteral("stop"));
    QCOMPARE(FakeStep().errorAfterChunks, -1);
}

void TestFakeProvider::otherDialectsDoNotDisturbOpenAi()
{
    // The OpenAI model list stays OpenAI's unless the request carries Anthropic's headers.
    m_fake->setExpectedKey(QStringLiteral("sk-k"));
    RawClient client(m_fake->port());
    client.send(request("GET", "/v1/models", {}, "Authorization: Bearer sk-k\r\n"));
    const auto openAi = client.next();
    QVERIFY(openAi);
    QCOMPARE(openAi->json().value(QLatin1String("object")).toString(), QStringLiteral("list"));
    client.send(request("GET", "/v1/models", {}, "x-api-key: sk-k\r\nanthropic-version: 2023-06-01\r\n"));
    const auto anthropic = client.next();
    QVERIFY(anthropic);
    QCOMPARE(anthropic->status, 200);
    QVERIFY(anthropic->json().contains(QLatin1String("has_more")));
    QCOMPARE(m_fake->baseUrl(), m_fake->rootUrl() + QStringLiteral("/v1"));
}

QTEST_GUILESS_MAIN(TestFakeProvider)
#include "tst_fakeprovider.moc"
