// Proves the fake provider speaks Google's Gemini API byte for byte: generateContent, the
// SSE and JSON-array forms of streamGenerateContent, function calls and thought parts,
// finish reasons, usageMetadata, Google's error shape and the key checks.

#include "fakeprovider.h"
#include "rawhttpclient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace patchbay::testing;

namespace {

const QByteArray kKeyHeader = "x-goog-api-key: AIza-test\r\n";

QJsonObject textPart(const QString &text)
{
    return {{QStringLiteral("text"), text}};
}

QJsonObject generateBody(const QJsonObject &extra = {})
{
    QJsonObject body{{QStringLiteral("systemInstruction"), QJsonObject{{QStringLiteral("parts"), QJsonArray{textPart(QStringLiteral("be brief"))}}}},
                     {QStringLiteral("contents"),
                      QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                                             {QStringLiteral("parts"), QJsonArray{textPart(QStringLiteral("hello there"))}}}}}};
    for (auto it = extra.begin(); it != extra.end(); ++it)
        body.insert(it.key(), it.value());
    return body;
}

QByteArray generateRequest(const QByteArray &method, const QJsonObject &body = generateBody(),
                           const QByteArray &headers = kKeyHeader, const QByteArray &model = "gemini-test")
{
    return request("POST", "/v1beta/models/" + model + ':' + method,
                   QJsonDocument(body).toJson(QJsonDocument::Compact), headers);
}

// Splits an alt=sse body into its events; empty when any is not "data: <json>\r\n\r\n".
QList<QJsonObject> sseEvents(const QByteArray &body)
{
    QList<QJsonObject> events;
    if (!body.endsWith("\r\n\r\n"))
        return {};
    for (const auto &event : body.chopped(4).split('\r')) {
        const QByteArray trimmed = event.startsWith('\n') ? event.mid(1) : event;
        if (trimmed.isEmpty())
            continue;
        if (!trimmed.startsWith("data: "))
            return {};
        events.append(QJsonDocument::fromJson(trimmed.mid(6)).object());
    }
    return events;
}

QJsonObject candidate(const QJsonObject &response)
{
    return response[QLatin1String("candidates")][0].toObject();
}

QJsonArray partsOf(const QJsonObject &response)
{
    return candidate(response)[QLatin1String("content")][QLatin1String("parts")].toArray();
}

QJsonObject includeThoughts()
{
    return {{QStringLiteral("generationConfig"),
             QJsonObject{{QStringLiteral("maxOutputTokens"), 512},
                         {QStringLiteral("thinkingConfig"), QJsonObject{{QStringLiteral("includeThoughts"), true},
                                                                        {QStringLiteral("thinkingBudget"), 1024}}}}}};
}

} // namespace

class TestFakeGemini : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void plainGenerateContent();
    void snakeCaseAndOtherParts();
    void streamSse();
    void streamJsonArray();
    void functionCallsAndThoughts();
    void thoughtsOnlyWhenAsked();
    void finishReasons_data();
    void finishReasons();
    void usageWithCacheAndThoughts();
    void errors_data();
    void errors();
    void errorMidStream();
    void keyChecks();
    void validation();
    void countTokens();
    void models();

private:
    FakeProvider *m_fake = nullptr;
};

void TestFakeGemini::init()
{
    m_fake = new FakeProvider;
    QVERIFY(m_fake->listen());
    QCOMPARE(m_fake->geminiBaseUrl(), m_fake->rootUrl() + QStringLiteral("/v1beta"));
}

void TestFakeGemini::cleanup()
{
    delete m_fake;
    m_fake = nullptr;
}

void TestFakeGemini::plainGenerateContent()
{
    RawClient client(m_fake->port());
    client.send(generateRequest("generateContent"));
    const auto response = client.next();
    QVERIFY(response);
    QCOMPARE(response->status, 200);
    QCOMPARE(response->header("content-type"), QByteArray("application/json; charset=UTF-8"));
    QVERIFY(!response->chunked);
    QVERIFY(response->body.startsWith("{\n  \"candidates\": [\n")); // Google indents by two

    const QJsonObject reply = response->json();
    QCOMPARE(reply.keys(), QStringList({QStringLiteral("candidates"), QStringLiteral("modelVersion"),
                                        QStringLiteral("responseId"), QStringLiteral("usageMetadata")}));
    QCOMPARE(reply.value(QLatin1String("candidates")).toArray().size(), 1);
    const QJsonObject first = candidate(reply);
    QCOMPARE(first.value(QLatin1String("index")).toInt(-1), 0);
    QCOMPARE(first.value(QLatin1String("finishReason")).toString(), QStringLiteral("STOP"));
    QCOMPARE(first[QLatin1String("content")][QLatin1String("role")].toString(), QStringLiteral("model"));
    QCOMPARE(partsOf(reply), QJsonArray{textPart(QStringLiteral("Echo: hello there"))});
    QCOMPARE(reply.value(QLatin1String("modelVersion")).toString(), QStringLiteral("gemini-test"));
    QVERIFY(!reply.value(QLatin1String("responseId")).toString().isEmpty());

    const QJsonObject usage = reply.value(QLatin1String("usageMetadata")).toObject();
    QCOMPARE(usage.value(QLatin1String("promptTokenCount")).toInt(), 4);
    QCOMPARE(usage.value(QLatin1String("candidatesTokenCount")).toInt(), 3);
    QCOMPARE(usage.value(QLatin1String("totalTokenCount")).toInt(), 7);
    QVERIFY(!usage.contains(QLatin1String("cachedContentTokenCount")));
    QVERIFY(!usage.contains(QLatin1String("thoughtsTokenCount")));
    QCOMPARE(usage[QLatin1String("promptTokensDetails")][0][QLatin1String("tokenCount")].toInt(), 4);
}

void TestFakeGemini::snakeCaseAndOtherParts()
{
    const QJsonObject inlineData{{QStringLiteral("inline_data"), QJsonObject{{QStringLiteral("mime_type"), QStringLiteral("image/png")},
                                                                             {QStringLiteral("data"), QStringLiteral("iVBORw0KGgo=")}}}};
    const QJsonObject call{{QStringLiteral("functionCall"), QJsonObject{{QStringLiteral("name"), QStringLiteral("f")},
                                                                        {QStringLiteral("args"), QJsonObject()}}}};
    const QJsonObject result{{QStringLiteral("functionResponse"),
                              QJsonObject{{QStringLiteral("name"), QStringLiteral("f")},
                                          {QStringLiteral("response"), QJsonObject{{QStringLiteral("ok"), true}}}}}};
    const QJsonObject body{
        {QStringLiteral("system_instruction"), QJsonObject{{QStringLiteral("parts"), QJsonArray{textPart(QStringLiteral("be brief"))}}}},
        {QStringLiteral("generation_config"), QJsonObject{{QStringLiteral("temperature"), 0.2}}},
        {QStringLiteral("contents"),
         QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")}, {QStringLiteral("parts"), QJsonArray{textPart(QStringLiteral("go"))}}},
                    QJsonObject{{QStringLiteral("role"), QStringLiteral("model")}, {QStringLiteral("parts"), QJsonArray{call}}},
                    QJsonObject{{QStringLiteral("parts"), QJsonArray{result, textPart(QStringLiteral("part one")), inlineData,
                                                                     textPart(QStringLiteral(" two"))}}}}}};
    RawClient client(m_fake->port());
    client.send(generateRequest("generateContent", body));
    const auto response = client.next();
    QVERIFY(response);
    QCOMPARE(response->status, 200);
    // A content without a role is the user's.
    QCOMPARE(partsOf(response->json())[0][QLatin1String("text")].toString(), QStringLiteral("Echo: part one two"));
    QCOMPARE(response->json()[QLatin1String("usageMetadata")][QLatin1String("promptTokenCount")].toInt(), 6);
}

void TestFakeGemini::streamSse()
{
    RawClient client(m_fake->port());
    client.send(request("POST", "/v1beta/models/gemini-test:streamGenerateContent?alt=sse",
                        QJsonDocument(generateBody()).toJson(), kKeyHeader));
    const auto response = client.next();
    QVERIFY(response);
    QCOMPARE(response->status, 200);
    QCOMPARE(response->header("content-type"), QByteArray("text/event-stream"));
    QVERIFY(response->chunked);
    QCOMPARE(response->chunks.size(), 3);
    for (const auto &chunk : response->chunks) {
        // Google ends each event with CRLF CRLF and puts a space after every colon.
        QVERIFY2(chunk.startsWith("data: {\"candidates\": [") && chunk.endsWith("}\r\n\r\n"), chunk.constData());
        QCOMPARE(chunk.count("\r\n\r\n"), 1);
        QCOMPARE(chunk.count('\n'), 2);
    }
    QVERIFY(!response->body.contains("[DONE]"));

    const QList<QJsonObject> events = sseEvents(response->body);
    QCOMPARE(events.size(), 3);
    QString text;
    const QString responseId = events.first().value(QLatin1String("responseId")).toString();
    for (qsizetype i = 0; i < events.size(); ++i) {
        const QJsonObject event = events.at(i);
        QCOMPARE(event.value(QLatin1String("responseId")).toString(), responseId);
        QCOMPARE(event.value(QLatin1String("modelVersion")).toString(), QStringLiteral("gemini-test"));
        QCOMPARE(partsOf(event).size(), 1);
        text += partsOf(event)[0][QLatin1String("text")].toString();
        // Running totals on every chunk: neither the first nor the sum is the answer's count.
        const QJsonObject usage = event.value(QLatin1String("usageMetadata")).toObject();
        QCOMPARE(usage.value(QLatin1String("promptTokenCount")).toInt(), 4);
        QCOMPARE(usage.value(QLatin1String("candidatesTokenCount")).toInt(), int(i) + 1);
        QCOMPARE(usage.value(QLatin1String("totalTokenCount")).toInt(), 4 + int(i) + 1);
        QCOMPARE(candidate(event).contains(QLatin1String("finishReason")), i == 2);
    }
    QCOMPARE(text, QStringLiteral("Echo: hello there"));
}

void TestFakeGemini::streamJsonArray()
{
    FakeStep step;
    step.chunks = {QStringLiteral("one"), QStringLiteral(" two")};
    m_fake->enqueue(step);
    RawClient client(m_fake->port());
    client.send(generateRequest("streamGenerateContent"));
    const auto response = client.next();
    QVERIFY(response);
    QCOMPARE(response->header("content-type"), QByteArray("application/json; charset=UTF-8"));
    QVERIFY(response->chunked);
    QVERIFY(response->body.startsWith('[') && response->body.endsWith(']'));
    const QJsonArray array = QJsonDocument::fromJson(response->body).array();
    QCOMPARE(array.size(), 2);
    QCOMPARE(partsOf(array[0].toObject())[0][QLatin1String("text")].toString(), QStringLiteral("one"));
    QCOMPARE(partsOf(array[1].toObject())[0][QLatin1String("text")].toString(), QStringLiteral(" two"));
    QCOMPARE(candidate(array[1].toObject()).value(QLatin1String("finishReason")).toString(), QStringLiteral("STOP"));
}

void TestFakeGemini::functionCallsAndThoughts()
{
    FakeStep step;
    step.thinkingText = QStringLiteral("Need the weather tool");
    step.reasoningTokens = 5;
    step.toolCalls = {{QString(), QStringLiteral("get_weather"), QStringLiteral("{\"city\":\"Paris\"}")},
                      {QStringLiteral("call-7"), QStringLiteral("get_time"), QString()}};
    m_fake->enqueue(step);
    m_fake->enqueue(step);

    RawClient client(m_fake->port());
    client.send(generateRequest("generateContent", generateBody(includeThoughts())));
    const auto plain = client.next();
    QVERIFY(plain);
    const QJsonArray parts = partsOf(plain->json());
    QCOMPARE(parts.size(), 3); // the thought, then each call whole; a pure call has no text
    QCOMPARE(parts[0].toObject(), QJsonObject({{QStringLiteral("text"), step.thinkingText}, {QStringLiteral("thought"), true}}));
    QCOMPARE(parts[1].toObject(),
             QJsonObject({{QStringLiteral("functionCall"),
                           QJsonObject{{QStringLiteral("name"), QStringLiteral("get_weather")},
                                       {QStringLiteral("args"), QJsonObject{{QStringLiteral("city"), QStringLiteral("Paris")}}}}}}));
    QCOMPARE(parts[2][QLatin1String("functionCall")][QLatin1String("id")].toString(), QStringLiteral("call-7"));
    QCOMPARE(parts[2][QLatin1String("functionCall")][QLatin1String("args")].toObject(), QJsonObject());
    // Gemini has no tool finish reason: a call ends with STOP.
    QCOMPARE(candidate(plain->json()).value(QLatin1String("finishReason")).toString(), QStringLiteral("STOP"));
    const QJsonObject usage = plain->json().value(QLatin1String("usageMetadata")).toObject();
    QCOMPARE(usage.value(QLatin1String("candidatesTokenCount")).toInt(), 1); // {"city":"Paris"}
    QCOMPARE(usage.value(QLatin1String("thoughtsTokenCount")).toInt(), 5);
    QCOMPARE(usage.value(QLatin1String("totalTokenCount")).toInt(), 4 + 1 + 5);

    client.send(request("POST", "/v1beta/models/gemini-test:streamGenerateContent?alt=sse",
                        QJsonDocument(generateBody(includeThoughts())).toJson(), kKeyHeader));
    const auto stream = client.next();
    QVERIFY(stream);
    const QList<QJsonObject> events = sseEvents(stream->body);
    QCOMPARE(events.size(), 3 + 2); // three thought pieces, two calls
    QString thought;
    for (qsizetype i = 0; i < 3; ++i) {
        QVERIFY(partsOf(events.at(i))[0][QLatin1String("thought")].toBool());
        thought += partsOf(events.at(i))[0][QLatin1String("text")].toString();
    }
    QCOMPARE(thought, step.thinkingText);
    QCOMPARE(partsOf(events.at(3))[0][QLatin1String("functionCall")][QLatin1String("name")].toString(), QStringLiteral("get_weather"));
    QCOMPARE(partsOf(events.at(4))[0][QLatin1String("functionCall")][QLatin1String("name")].toString(), QStringLiteral("get_time"));
    QCOMPARE(candidate(events.at(4)).value(QLatin1String("finishReason")).toString(), QStringLiteral("STOP"));
    QCOMPARE(events.at(4)[QLatin1String("usageMetadata")][QLatin1String("thoughtsTokenCount")].toInt(), 5);
    QCOMPARE(events.at(0)[QLatin1String("usageMetadata")][QLatin1String("thoughtsTokenCount")].toInt(), 1);
}

void TestFakeGemini::thoughtsOnlyWhenAsked()
{
    FakeStep step;
    step.thinkingText = QStringLiteral("hidden");
    step.reasoningTokens = 2;
    m_fake->enqueue(step);
    RawClient client(m_fake->port());
    client.send(generateRequest("generateContent"));
    const auto response = client.next();
    QVERIFY(response);
    QCOMPARE(partsOf(response->json()), QJsonArray{textPart(QStringLiteral("Echo: hello there"))});
    // The model still thought, and says so in the count.
    QCOMPARE(response->json()[QLatin1String("usageMetadata")][QLatin1String("thoughtsTokenCount")].toInt(), 2);
}

void TestFakeGemini::finishReasons_data()
{
    QTest::addColumn<QString>("neutral");
    QTest::addColumn<QString>("expected");
    QTest::newRow("stop") << "stop" << "STOP";
    QTest::newRow("length") << "length" << "MAX_TOKENS";
    QTest::newRow("tool_calls") << "tool_calls" << "STOP";
    QTest::newRow("content_filter") << "content_filter" << "SAFETY";
    QTest::newRow("stop_sequence") << "stop_sequence" << "STOP";
    QTest::newRow("verbatim") << "RECITATION" << "RECITATION";
}

void TestFakeGemini::finishReasons()
{
    QFETCH(QString, neutral);
    QFETCH(QString, expected);
    FakeStep step;
    step.finishReason = neutral;
    m_fake->enqueue(step);
    RawClient client(m_fake->port());
    client.send(generateRequest("generateContent"));
    const auto response = client.next();
    QVERIFY(response);
    QCOMPARE(candidate(response->json()).value(QLatin1String("finishReason")).toString(), expected);
}

void TestFakeGemini::usageWithCacheAndThoughts()
{
    FakeStep step;
    step.promptTokens = 100;
    step.cachedTokens = 40;
    step.completionTokens = 10;
    step.reasoningTokens = 4;
    m_fake->enqueue(step);
    RawClient client(m_fake->port());
    client.send(generateRequest("generateContent"));
    const auto response = client.next();
    QVERIFY(response);
    const QJsonObject usage = response->json().value(QLatin1String("usageMetadata")).toObject();
    // The prompt count includes the cached part; the candidates leave the thoughts out.
    QCOMPARE(usage.value(QLatin1String("promptTokenCount")).toInt(), 100);
    QCOMPARE(usage.value(QLatin1String("cachedContentTokenCount")).toInt(), 40);
    QCOMPARE(usage.value(QLatin1String("candidatesTokenCount")).toInt(), 6);
    QCOMPARE(usage.value(QLatin1String("thoughtsTokenCount")).toInt(), 4);
    QCOMPARE(usage.value(QLatin1String("totalTokenCount")).toInt(), 110);

    FakeStep omit;
    omit.omitUsage = true;
    m_fake->enqueue(omit);
    client.send(request("POST", "/v1beta/models/gemini-test:streamGenerateContent?alt=sse",
                        QJsonDocument(generateBody()).toJson(), kKeyHeader));
    const auto stream = client.next();
    QVERIFY(stream);
    QVERIFY(!stream->body.contains("usageMetadata"));
    QCOMPARE(sseEvents(stream->body).size(), 3);
}

void TestFakeGemini::errors_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<bool>("stream");
    QTest::newRow("400") << 400 << "INVALID_ARGUMENT" << false;
    QTest::newRow("403") << 403 << "PERMISSION_DENIED" << false;
    QTest::newRow("404") << 404 << "NOT_FOUND" << false;
    QTest::newRow("429") << 429 << "RESOURCE_EXHAUSTED" << false;
    QTest::newRow("500") << 500 << "INTERNAL" << false;
    QTest::newRow("503") << 503 << "UNAVAILABLE" << false;
    QTest::newRow("503 on a stream request") << 503 << "UNAVAILABLE" << true;
}

void TestFakeGemini::errors()
{
    QFETCH(int, status);
    QFETCH(QString, expected);
    QFETCH(bool, stream);
    m_fake->enqueue(FakeStep::error(status));
    RawClient client(m_fake->port());
    client.send(request("POST", stream ? "/v1beta/models/gemini-test:streamGenerateContent?alt=sse"
                                       : "/v1beta/models/gemini-test:generateContent",
                        QJsonDocument(generateBody()).toJson(), kKeyHeader));
    const auto response = client.next();
    QVERIFY(response);
    QCOMPARE(response->status, status);
    QVERIFY(!response->chunked);
    QCOMPARE(response->header("content-type"), QByteArray("application/json; charset=UTF-8"));
    const QJsonObject root = response->json();
    QCOMPARE(root.keys(), QStringList{QStringLiteral("error")});
    const QJsonObject error = root.value(QLatin1String("error")).toObject();
    QCOMPARE(error.value(QLatin1String("code")).toInt(), status);
    QCOMPARE(error.value(QLatin1String("status")).toString(), expected);
    QVERIFY(!error.value(QLatin1String("message")).toString().isEmpty());
    if (status == 404)
        QVERIFY(error.value(QLatin1String("message")).toString().startsWith(QLatin1String("models/gemini-test is not found")));
    if (status == 429) {
        QCOMPARE(error[QLatin1String("details")][0][QLatin1String("@type")].toString(),
                 QStringLiteral("type.googleapis.com/google.rpc.RetryInfo"));
    }
}

void TestFakeGemini::errorMidStream()
{
    FakeStep step = FakeStep::error(503);
    step.errorAfterChunks = 2;
    m_fake->enqueue(step);
    RawClient client(m_fake->port());
    client.send(request("POST", "/v1beta/models/gemini-test:streamGenerateContent?alt=sse",
                        QJsonDocument(generateBody()).toJson(), kKeyHeader));
    const auto response = client.next();
    QVERIFY(response);
    QCOMPARE(response->status, 200);
    const QList<QJsonObject> events = sseEvents(response->body);
    QCOMPARE(events.size(), 3);
    QVERIFY(events.at(1).contains(QLatin1String("candidates")));
    QCOMPARE(events.last()[QLatin1String("error")][QLatin1String("code")].toInt(), 503);
    QCOMPARE(events.last()[QLatin1String("error")][QLatin1String("status")].toString(), QStringLiteral("UNAVAILABLE"));
}

void TestFakeGemini::keyChecks()
{
    m_fake->setExpectedKey(QStringLiteral("AIza-test"));
    m_fake->setControlEndpointsEnabled(true);
    FakeStep step;
    step.text = QStringLiteral("authorised");
    m_fake->enqueue(step);
    m_fake->enqueue(step);
    RawClient client(m_fake->port());

    client.send(generateRequest("generateContent", generateBody(), "Authorization: Bearer AIza-test\r\n"));
    const auto missing = client.next();
    QVERIFY(missing);
    QCOMPARE(missing->status, 403);
    QCOMPARE(missing->json()[QLatin1String("error")][QLatin1String("status")].toString(), QStringLiteral("PERMISSION_DENIED"));
    QVERIFY(missing->json()[QLatin1String("error")][QLatin1String("message")].toString().startsWith(
        QLatin1String("Method doesn't allow unregistered callers")));

    client.send(generateRequest("generateContent", generateBody(), "x-goog-api-key: AIza-wrong\r\n"));
    const auto wrong = client.next();
    QVERIFY(wrong);
    QCOMPARE(wrong->status, 400); // Google answers a bad key with 400, not 401
    const QJsonObject error = wrong->json().value(QLatin1String("error")).toObject();
    QCOMPARE(error.value(QLatin1String("code")).toInt(), 400);
    QCOMPARE(error.value(QLatin1String("message")).toString(), QStringLiteral("API key not valid. Please pass a valid API key."));
    QCOMPARE(error.value(QLatin1String("status")).toString(), QStringLiteral("INVALID_ARGUMENT"));
    QCOMPARE(error[QLatin1String("details")][0][QLatin1String("reason")].toString(), QStringLiteral("API_KEY_INVALID"));
    QCOMPARE(m_fake->pendingSteps(), 2);

    client.send(generateRequest("generateContent"));
    const auto header = client.next();
    QVERIFY(header);
    QCOMPARE(header->status, 200);
    QCOMPARE(m_fake->keysInUrl(), 0);

    // The key in the URL works, as it does at Google, but is counted so tests can forbid it.
    client.send(request("POST", "/v1beta/models/gemini-test:generateContent?key=AIza-test",
                        QJsonDocument(generateBody()).toJson()));
    const auto inUrl = client.next();
    QVERIFY(inUrl);
    QCOMPARE(inUrl->status, 200);
    QCOMPARE(m_fake->keysInUrl(), 1);
    client.send(request("GET", "/_fake/stats"));
    const auto stats = client.next();
    QVERIFY(stats);
    QCOMPARE(stats->json().value(QLatin1String("keys_in_url")).toInt(), 1);
    m_fake->reset();
    QCOMPARE(m_fake->keysInUrl(), 0);
}

void TestFakeGemini::validation()
{
    m_fake->enqueue(FakeStep());
    RawClient client(m_fake->port());
    const auto reason = [&](const QByteArray &requestBytes) {
        client.send(requestBytes);
        const auto response = client.next();
        if (!response || response->status != 400
            || response->json()[QLatin1String("error")][QLatin1String("status")].toString() != QLatin1String("INVALID_ARGUMENT"))
            return QStringLiteral("<not a 400 INVALID_ARGUMENT>");
        return response->json()[QLatin1String("error")][QLatin1String("message")].toString();
    };
    // OpenAI's fields and roles are the usual slips of a translating gateway.
    QCOMPARE(reason(generateRequest("generateContent", generateBody({{QStringLiteral("max_tokens"), 5}}))),
             QStringLiteral("Invalid JSON payload received. Unknown name \"max_tokens\": Cannot find field."));
    const QJsonArray assistant{QJsonObject{{QStringLiteral("role"), QStringLiteral("assistant")},
                                           {QStringLiteral("parts"), QJsonArray{textPart(QStringLiteral("x"))}}}};
    QCOMPARE(reason(generateRequest("generateContent", generateBody({{QStringLiteral("contents"), assistant}}))),
             QStringLiteral("Please use a valid role: user, model."));
    QVERIFY(reason(generateRequest("generateContent", QJsonObject())).contains(QLatin1String("contents is not specified")));
    QVERIFY(reason(request("POST", "/v1beta/models/m:generateContent", "{\"contents\": [", kKeyHeader))
                .startsWith(QLatin1String("Invalid JSON payload received.")));
    QCOMPARE(m_fake->pendingSteps(), 1);

    client.send(request("POST", "/v1beta/models/m:embedEverything", "{}", kKeyHeader));
    const auto unknown = client.next();
    QVERIFY(unknown);
    QCOMPARE(unknown->status, 404);
    QCOMPARE(unknown->json()[QLatin1String("error")][QLatin1String("status")].toString(), QStringLiteral("NOT_FOUND"));
}

void TestFakeGemini::countTokens()
{
    m_fake->enqueue(FakeStep());
    RawClient client(m_fake->port());
    client.send(generateRequest("countTokens"));
    const auto direct = client.next();
    QVERIFY(direct);
    QCOMPARE(direct->status, 200);
    QCOMPARE(direct->json().value(QLatin1String("totalTokens")).toInt(), 4);

    client.send(generateRequest("countTokens", {{QStringLiteral("generateContentRequest"), generateBody()}}));
    const auto wrapped = client.next();
    QVERIFY(wrapped);
    QCOMPARE(wrapped->json().value(QLatin1String("totalTokens")).toInt(), 4);
    QCOMPARE(m_fake->pendingSteps(), 1);
}

void TestFakeGemini::models()
{
    m_fake->setModels({QStringLiteral("gemini-a"), QStringLiteral("gemini-b")});
    RawClient client(m_fake->port());
    client.send(request("GET", "/v1beta/models", {}, kKeyHeader));
    const auto list = client.next();
    QVERIFY(list);
    QCOMPARE(list->status, 200);
    const QJsonArray models = list->json().value(QLatin1String("models")).toArray();
    QCOMPARE(models.size(), 2);
    QCOMPARE(models[0][QLatin1String("name")].toString(), QStringLiteral("models/gemini-a"));
    QCOMPARE(models[0][QLatin1String("displayName")].toString(), QStringLiteral("gemini-a"));
    QVERIFY(models[0][QLatin1String("supportedGenerationMethods")].toArray().contains(QStringLiteral("generateContent")));

    client.send(request("GET", "/v1beta/models/gemini-b", {}, kKeyHeader));
    const auto one = client.next();
    QVERIFY(one);
    QCOMPARE(one->json().value(QLatin1String("name")).toString(), QStringLiteral("models/gemini-b"));

    client.send(request("GET", "/v1beta/models/gemini-z", {}, kKeyHeader));
    const auto missing = client.next();
    QVERIFY(missing);
    QCOMPARE(missing->status, 404);
    QCOMPARE(missing->json()[QLatin1String("error")][QLatin1String("status")].toString(), QStringLiteral("NOT_FOUND"));
}

QTEST_GUILESS_MAIN(TestFakeGemini)
#include "tst_fakegemini.moc"
