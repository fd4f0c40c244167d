// Proves the fake provider speaks Anthropic's Messages API byte for byte: the plain
// message, the named-event stream in the real order, tool use and thinking blocks, stop
// reasons, usage with cache counts, the error shape, and the x-api-key and
// anthropic-version checks.

#include "fakeprovider.h"
#include "rawhttpclient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace patchbay::testing;

namespace {

const QByteArray kHeaders = "x-api-key: sk-ant-test\r\nanthropic-version: 2023-06-01\r\n";

QJsonObject messagesBody(bool stream, const QJsonObject &extra = {})
{
    QJsonObject body{{QStringLiteral("model"), QStringLiteral("claude-test")},
                     {QStringLiteral("max_tokens"), 1024},
                     {QStringLiteral("system"), QStringLiteral("be brief")},
                     {QStringLiteral("messages"),
                      QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                                             {QStringLiteral("content"), QStringLiteral("hello there")}}}}};
    if (stream)
        body.insert(QStringLiteral("stream"), true);
    for (auto it = extra.begin(); it != extra.end(); ++it)
        body.insert(it.key(), it.value());
    return body;
}

QByteArray messagesRequest(const QJsonObject &body, const QByteArray &headers = kHeaders,
                           const QByteArray &path = "/v1/messages")
{
    return request("POST", path, QJsonDocument(body).toJson(QJsonDocument::Compact), headers);
}

struct NamedEvent
{
    QByteArray name;
    QJsonObject data;
};

// Splits a stream into "event: <name>\ndata: <json>\n\n" events; empty when any event is
// framed otherwise.
QList<NamedEvent> namedEvents(const QByteArray &body)
{
    QList<NamedEvent> events;
    QList<QByteArray> blocks = body.split('\n');
    for (qsizetype i = 0; i < blocks.size();) {
        if (blocks.at(i).isEmpty()) {
            ++i;
            continue;
        }
        if (i + 2 >= blocks.size() || !blocks.at(i).startsWith("event: ") || !blocks.at(i + 1).startsWith("data: ")
            || !blocks.at(i + 2).isEmpty())
            return {};
        events.append({blocks.at(i).mid(7), QJsonDocument::fromJson(blocks.at(i + 1).mid(6)).object()});
        i += 3;
    }
    return events;
}

QList<QByteArray> namesOf(const QList<NamedEvent> &events)
{
    QList<QByteArray> names;
    for (const auto &event : events)
        names.append(event.name);
    return names;
}

QJsonObject textBlockJson(const QString &text)
{
    return {{QStringLiteral("type"), QStringLiteral("text")}, {QStringLiteral("text"), text}};
}

} // namespace

class TestFakeAnthropic : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void plainMessage();
    void blocksInSystemAndContent();
    void streamEventsInOrder();
    void thinkingAndToolUse();
    void thinkingOnlyWhenEnabled();
    void stopReasons_data();
    void stopReasons();
    void usageWithCache();
    void omitUsage();
    void errors_data();
    void errors();
    void errorMidStream();
    void dropAndStallMidStream();
    void keyAndVersion();
    void validation();
    void countTokens();
    void models();

private:
    FakeProvider *m_fake = nullptr;
};

void TestFakeAnthropic::init()
{
    m_fake = new FakeProvider;
    QVERIFY(m_fake->listen());
}

void TestFakeAnthropic::cleanup()
{
    delete m_fake;
    m_fake = nullptr;
}

void TestFakeAnthropic::plainMessage()
{
    RawClient client(m_fake->port());
    client.send(messagesRequest(messagesBody(false)));
    const auto response = client.next();
    QVERIFY(response);
    QCOMPARE(response->status, 200);
    QCOMPARE(response->header("content-type"), QByteArray("application/json"));
    QVERIFY(response->header("request-id").startsWith("req_011C"));
    QVERIFY(response->hasHeader("anthropic-organization-id"));

    const QJsonObject message = response->json();
    QCOMPARE(message.keys(), QStringList({QStringLiteral("content"), QStringLiteral("id"), QStringLiteral("model"),
                                          QStringLiteral("role"), QStringLiteral("stop_reason"),
                                          QStringLiteral("stop_sequence"), QStringLiteral("type"),
                                          QStringLiteral("usage")}));
    QVERIFY(message.value(QLatin1String("id")).toString().startsWith(QLatin1String("msg_01")));
    QCOMPARE(message.value(QLatin1String("type")).toString(), QStringLiteral("message"));
    QCOMPARE(message.value(QLatin1String("role")).toString(), QStringLiteral("assistant"));
    QCOMPARE(message.value(QLatin1String("model")).toString(), QStringLiteral("claude-test"));
    QCOMPARE(message.value(QLatin1String("content")).toArray(), QJsonArray{textBlockJson(QStringLiteral("Echo: hello there"))});
    QCOMPARE(message.value(QLatin1String("stop_reason")).toString(), QStringLiteral("end_turn"));
    QVERIFY(message.value(QLatin1String("stop_sequence")).isNull());

    const QJsonObject usage = message.value(QLatin1String("usage")).toObject();
    QCOMPARE(usage.value(QLatin1String("input_tokens")).toInt(), 4); // be brief hello there
    QCOMPARE(usage.value(QLatin1String("output_tokens")).toInt(), 3);
    QCOMPARE(usage.value(QLatin1String("cache_creation_input_tokens")).toInt(-1), 0);
    QCOMPARE(usage.value(QLatin1String("cache_read_input_tokens")).toInt(-1), 0);
    QCOMPARE(m_fake->requests().constLast().header("anthropic-version"), QByteArray("2023-06-01"));
}

void TestFakeAnthropic::blocksInSystemAndContent()
{
    const QJsonObject image{{QStringLiteral("type"), QStringLiteral("image")},
                            {QStringLiteral("source"), QJsonObject{{QStringLiteral("type"), QStringLiteral("base64")},
                                                                   {QStringLiteral("media_type"), QStringLiteral("image/png")},
                                                                   {QStringLiteral("data"), QStringLiteral("iVBORw0KGgo=")}}}};
    const QJsonObject toolUse{{QStringLiteral("type"), QStringLiteral("tool_use")},
                              {QStringLiteral("id"), QStringLiteral("toolu_1")},
                              {QStringLiteral("name"), QStringLiteral("f")},
                              {QStringLiteral("input"), QJsonObject()}};
    const QJsonObject toolResult{{QStringLiteral("type"), QStringLiteral("tool_result")},
                                 {QStringLiteral("tool_use_id"), QStringLiteral("toolu_1")},
                                 {QStringLiteral("content"), QStringLiteral("sunny and warm")}};
    const QJsonObject body = messagesBody(
        false, {{QStringLiteral("system"), QJsonArray{textBlockJson(QStringLiteral("be")), textBlockJson(QStringLiteral("brief"))}},
                {QStringLiteral("messages"),
                 QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")}, {QStringLiteral("content"), QStringLiteral("weather?")}},
                            QJsonObject{{QStringLiteral("role"), QStringLiteral("assistant")}, {QStringLiteral("content"), QJsonArray{toolUse}}},
                            QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                                        {QStringLiteral("content"),
                                         QJsonArray{toolResult, textBlockJson(QStringLiteral("part one")), image,
                                                    textBlockJson(QStringLiteral(" two"))}}}}}});
    RawClient client(m_fake->port());
    client.send(messagesRequest(body));
    const auto response = client.next();
    QVERIFY(response);
    QCOMPARE(response->status, 200);
    QCOMPARE(response->json()[QLatin1String("content")][0][QLatin1String("text")].toString(),
             QStringLiteral("Echo: part one two"));
    // be, brief, weather?, sunny and warm, part one, two
    QCOMPARE(response->json()[QLatin1String("usage")][QLatin1String("input_tokens")].toInt(), 9);
}

void TestFakeAnthropic::streamEventsInOrder()
{
    RawClient client(m_fake->port());
    client.send(messagesRequest(messagesBody(true)));
    const auto response = client.next();
    QVERIFY(response);
    QCOMPARE(response->status, 200);
    QCOMPARE(response->header("content-type"), QByteArray("text/event-stream; charset=utf-8"));
    QCOMPARE(response->header("cache-control"), QByteArray("no-cache"));
    QVERIFY(response->chunked);

    // One SSE event per HTTP chunk, and each event's data type names the event.
    for (const auto &chunk : response->chunks)
        QCOMPARE(namedEvents(chunk).size(), 1);
    const QList<NamedEvent> events = namedEvents(response->body);
    QCOMPARE(namesOf(events),
             QList<QByteArray>({"message_start", "content_block_start", "ping", "content_block_delta",
                                "content_block_delta", "content_block_delta", "content_block_stop",
                                "message_delta", "message_stop"}));
    for (const auto &event : events)
        QCOMPARE(event.data.value(QLatin1String("type")).toString().toLatin1(), event.name);

    const QJsonObject start = events.at(0).data.value(QLatin1String("message")).toObject();
    QVERIFY(start.value(QLatin1String("id")).toString().startsWith(QLatin1String("msg_01")));
    QCOMPARE(start.value(QLatin1String("content")).toArray(), QJsonArray());
    QVERIFY(start.value(QLatin1String("stop_reason")).isNull());
    QVERIFY(start.value(QLatin1String("stop_sequence")).isNull());
    QCOMPARE(start[QLatin1String("usage")][QLatin1String("input_tokens")].toInt(), 4);
    QCOMPARE(start[QLatin1String("usage")][QLatin1String("output_tokens")].toInt(), 1);

    QCOMPARE(events.at(1).data.value(QLatin1String("index")).toInt(-1), 0);
    QCOMPARE(events.at(1).data.value(QLatin1String("content_block")).toObject(), textBlockJson(QString()));
    QString text;
    for (qsizetype i = 3; i < 6; ++i) {
        const QJsonObject delta = events.at(i).data.value(QLatin1String("delta")).toObject();
        QCOMPARE(events.at(i).data.value(QLatin1String("index")).toInt(-1), 0);
        QCOMPARE(delta.value(QLatin1String("type")).toString(), QStringLiteral("text_delta"));
        text += delta.value(QLatin1String("text")).toString();
    }
    QCOMPARE(text, QStringLiteral("Echo: hello there"));
    QCOMPARE(events.at(6).data.value(QLatin1String("index")).toInt(-1), 0);

    const QJsonObject messageDelta = events.at(7).data;
    QCOMPARE(messageDelta[QLatin1String("delta")][QLatin1String("stop_reason")].toString(), QStringLiteral("end_turn"));
    QVERIFY(messageDelta[QLatin1String("delta")].toObject().contains(QLatin1String("stop_sequence")));
    QVERIFY(messageDelta[QLatin1String("delta")][QLatin1String("stop_sequence")].isNull());
    QCOMPARE(messageDelta.value(QLatin1String("usage")).toObject(),
             QJsonObject({{QStringLiteral("output_tokens"), 3}}));
    QCOMPARE(events.at(8).data, QJsonObject({{QStringLiteral("type"), QStringLiteral("message_stop")}}));
}

void TestFakeAnthropic::thinkingAndToolUse()
{
    FakeStep step;
    step.thinkingText = QStringLiteral("The user wants weather");
    step.text = QStringLiteral("Checking.");
    step.toolCalls = {{QString(), QStringLiteral("get_weather"), QStringLiteral("{\"city\":\"Paris\",\"days\":3}")}};
    m_fake->enqueue(step);
    m_fake->enqueue(step);
    const QJsonObject thinking{{QStringLiteral("thinking"),
                                QJsonObject{{QStringLiteral("type"), QStringLiteral("enabled")},
                                            {QStringLiteral("budget_tokens"), 1024}}}};

    RawClient client(m_fake->port());
    client.send(messagesRequest(messagesBody(false, thinking)));
    const auto plain = client.next();
    QVERIFY(plain);
    const QJsonArray content = plain->json().value(QLatin1String("content")).toArray();
    QCOMPARE(content.size(), 3);
    QCOMPARE(content[0][QLatin1String("type")].toString(), QStringLiteral("thinking"));
    QCOMPARE(content[0][QLatin1String("thinking")].toString(), step.thinkingText);
    QVERIFY(!content[0][QLatin1String("signature")].toString().isEmpty());
    QCOMPARE(content[1].toObject(), textBlockJson(step.text));
    QCOMPARE(content[2][QLatin1String("type")].toString(), QStringLiteral("tool_use"));
    QVERIFY(content[2][QLatin1String("id")].toString().startsWith(QLatin1String("toolu_01")));
    QCOMPARE(content[2][QLatin1String("name")].toString(), QStringLiteral("get_weather"));
    QCOMPARE(content[2][QLatin1String("input")].toObject(),
             QJsonObject({{QStringLiteral("city"), QStringLiteral("Paris")}, {QStringLiteral("days"), 3}}));
    QCOMPARE(plain->json().value(QLatin1String("stop_reason")).toString(), QStringLiteral("tool_use"));

    client.send(messagesRequest(messagesBody(true, thinking)));
    const auto stream = client.next();
    QVERIFY(stream);
    const QList<NamedEvent> events = namedEvents(stream->body);
    QCOMPARE(namesOf(events),
             QList<QByteArray>({"message_start",
                                "content_block_start", "ping", "content_block_delta", "content_block_delta",
                                "content_block_delta", "content_block_delta", "content_block_stop",
                                "content_block_start", "content_block_delta", "content_block_stop",
                                "content_block_start", "content_block_delta", "content_block_delta",
                                "content_block_delta", "content_block_stop",
                                "message_delta", "message_stop"}));
    QCOMPARE(events.at(1).data[QLatin1String("content_block")][QLatin1String("type")].toString(), QStringLiteral("thinking"));
    QString thought;
    for (qsizetype i = 3; i < 6; ++i) {
        QCOMPARE(events.at(i).data[QLatin1String("delta")][QLatin1String("type")].toString(), QStringLiteral("thinking_delta"));
        thought += events.at(i).data[QLatin1String("delta")][QLatin1String("thinking")].toString();
    }
    QCOMPARE(thought, step.thinkingText);
    QCOMPARE(events.at(6).data[QLatin1String("delta")][QLatin1String("type")].toString(), QStringLiteral("signature_delta"));
    QVERIFY(!events.at(6).data[QLatin1String("delta")][QLatin1String("signature")].toString().isEmpty());

    QCOMPARE(events.at(8).data.value(QLatin1String("index")).toInt(), 1);
    QCOMPARE(events.at(9).data[QLatin1String("delta")][QLatin1String("text")].toString(), step.text);

    const QJsonObject toolStart = events.at(11).data;
    QCOMPARE(toolStart.value(QLatin1String("index")).toInt(), 2);
    const QJsonObject block = toolStart.value(QLatin1String("content_block")).toObject();
    QCOMPARE(block.value(QLatin1String("type")).toString(), QStringLiteral("tool_use"));
    QVERIFY(block.value(QLatin1String("id")).toString().startsWith(QLatin1String("toolu_01")));
    QCOMPARE(block.value(QLatin1String("name")).toString(), QStringLiteral("get_weather"));
    QCOMPARE(block.value(QLatin1String("input")).toObject(), QJsonObject());
    QString json;
    for (qsizetype i = 12; i < 15; ++i) {
        const QJsonObject delta = events.at(i).data.value(QLatin1String("delta")).toObject();
        QCOMPARE(events.at(i).data.value(QLatin1String("index")).toInt(), 2);
        QCOMPARE(delta.value(QLatin1String("type")).toString(), QStringLiteral("input_json_delta"));
        json += delta.value(QLatin1String("partial_json")).toString();
    }
    QCOMPARE(json, step.toolCalls.first().argumentsJson);
    QCOMPARE(events.at(16).data[QLatin1String("delta")][QLatin1String("stop_reason")].toString(), QStringLiteral("tool_use"));
}

void TestFakeAnthropic::thinkingOnlyWhenEnabled()
{
    FakeStep step;
    step.thinkingText = QStringLiteral("hidden");
    step.toolCalls = {{QStringLiteral("toolu_fixed"), QStringLiteral("f"), QString()}};
    m_fake->enqueue(step);
    RawClient client(m_fake->port());
    client.send(messagesRequest(messagesBody(false)));
    const auto response = client.next();
    QVERIFY(response);
    // No thinking asked for, and a pure tool call has no text block at all.
    const QJsonArray content = response->json().value(QLatin1String("content")).toArray();
    QCOMPARE(content.size(), 1);
    QCOMPARE(content[0][QLatin1String("id")].toString(), QStringLiteral("toolu_fixed"));
    QCOMPARE(content[0][QLatin1String("input")].toObject(), QJsonObject());
}

void TestFakeAnthropic::stopReasons_data()
{
    QTest::addColumn<QString>("neutral");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<QString>("sequence"); // empty: null
    QTest::newRow("stop") << "stop" << "end_turn" << QString();
    QTest::newRow("length") << "length" << "max_tokens" << QString();
    QTest::newRow("tool_calls") << "tool_calls" << "tool_use" << QString();
    QTest::newRow("content_filter") << "content_filter" << "refusal" << QString();
    QTest::newRow("stop_sequence") << "stop_sequence" << "stop_sequence" << "###";
    QTest::newRow("verbatim") << "pause_turn" << "pause_turn" << QString();
}

void TestFakeAnthropic::stopReasons()
{
    QFETCH(QString, neutral);
    QFETCH(QString, expected);
    QFETCH(QString, sequence);
    FakeStep step;
    step.finishReason = neutral;
    m_fake->enqueue(step);
    m_fake->enqueue(step);
    const QJsonObject extra{{QStringLiteral("stop_sequences"), QJsonArray{QStringLiteral("###"), QStringLiteral("END")}}};
    RawClient client(m_fake->port());
    client.send(messagesRequest(messagesBody(false, extra)));
    const auto plain = client.next();
    QVERIFY(plain);
    QCOMPARE(plain->json().value(QLatin1String("stop_reason")).toString(), expected);
    QCOMPARE(plain->json().value(QLatin1String("stop_sequence")).toString(), sequence);
    QCOMPARE(plain->json().value(QLatin1String("stop_sequence")).isNull(), sequence.isEmpty());

    client.send(messagesRequest(messagesBody(true, extra)));
    const auto stream = client.next();
    QVERIFY(stream);
    const QList<NamedEvent> events = namedEvents(stream->body);
    const QJsonObject delta = events.at(events.size() - 2).data.value(QLatin1String("delta")).toObject();
    QCOMPARE(delta.value(QLatin1String("stop_reason")).toString(), expected);
    QCOMPARE(delta.value(QLatin1String("stop_sequence")).toString(), sequence);
}

void TestFakeAnthropic::usageWithCache()
{
    FakeStep step;
    step.promptTokens = 100;
    step.cachedTokens = 40;
    step.cacheCreationTokens = 10;
    step.completionTokens = 7;
    m_fake->enqueue(step);
    m_fake->enqueue(step);
    RawClient client(m_fake->port());
    client.send(messagesRequest(messagesBody(false)));
    const auto plain = client.next();
    QVERIFY(plain);
    const QJsonObject usage = plain->json().value(QLatin1String("usage")).toObject();
    // The step's prompt includes what came from or went to the cache; Anthropic's does not.
    QCOMPARE(usage.value(QLatin1String("input_tokens")).toInt(), 50);
    QCOMPARE(usage.value(QLatin1String("cache_read_input_tokens")).toInt(), 40);
    QCOMPARE(usage.value(QLatin1String("cache_creation_input_tokens")).toInt(), 10);
    QCOMPARE(usage.value(QLatin1String("output_tokens")).toInt(), 7);

    client.send(messagesRequest(messagesBody(true)));
    const auto stream = client.next();
    QVERIFY(stream);
    const QList<NamedEvent> events = namedEvents(stream->body);
    const QJsonObject startUsage = events.first().data[QLatin1String("message")][QLatin1String("usage")].toObject();
    QCOMPARE(startUsage.value(QLatin1String("input_tokens")).toInt(), 50);
    QCOMPARE(startUsage.value(QLatin1String("cache_read_input_tokens")).toInt(), 40);
    QCOMPARE(startUsage.value(QLatin1String("cache_creation_input_tokens")).toInt(), 10);
    QCOMPARE(startUsage.value(QLatin1String("output_tokens")).toInt(), 1);
    QCOMPARE(events.at(events.size() - 2).data[QLatin1String("usage")][QLatin1String("output_tokens")].toInt(), 7);
}

void TestFakeAnthropic::omitUsage()
{
    FakeStep step;
    step.omitUsage = true;
    m_fake->enqueue(step);
    m_fake->enqueue(step);
    RawClient client(m_fake->port());
    client.send(messagesRequest(messagesBody(false)));
    const auto plain = client.next();
    QVERIFY(plain);
    QVERIFY(!plain->json().contains(QLatin1String("usage")));
    client.send(messagesRequest(messagesBody(true)));
    const auto stream = client.next();
    QVERIFY(stream);
    QVERIFY(!stream->body.contains("\"usage\""));
    QCOMPARE(namedEvents(stream->body).size(), 9);
}

void TestFakeAnthropic::errors_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("type");
    QTest::addColumn<bool>("stream");
    QTest::newRow("400") << 400 << "invalid_request_error" << false;
    QTest::newRow("401") << 401 << "authentication_error" << false;
    QTest::newRow("403") << 403 << "permission_error" << false;
    QTest::newRow("404") << 404 << "not_found_error" << false;
    QTest::newRow("429") << 429 << "rate_limit_error" << false;
    QTest::newRow("500") << 500 << "api_error" << false;
    QTest::newRow("529") << 529 << "overloaded_error" << false;
    QTest::newRow("529 on a stream request") << 529 << "overloaded_error" << true;
}

void TestFakeAnthropic::errors()
{
    QFETCH(int, status);
    QFETCH(QString, type);
    QFETCH(bool, stream);
    FakeStep step = FakeStep::error(status);
    step.extraHeaders.emplaceBack("retry-after", "3");
    m_fake->enqueue(step);
    RawClient client(m_fake->port());
    client.send(messagesRequest(messagesBody(stream)));
    const auto response = client.next();
    QVERIFY(response);
    QCOMPARE(response->status, status);
    QVERIFY(!response->chunked);
    QCOMPARE(response->header("content-type"), QByteArray("application/json"));
    QCOMPARE(response->header("retry-after"), QByteArray("3"));
    const QJsonObject root = response->json();
    QCOMPARE(root.keys(), QStringList({QStringLiteral("error"), QStringLiteral("request_id"), QStringLiteral("type")}));
    QCOMPARE(root.value(QLatin1String("type")).toString(), QStringLiteral("error"));
    QCOMPARE(root.value(QLatin1String("request_id")).toString().toLatin1(), response->header("request-id"));
    const QJsonObject error = root.value(QLatin1String("error")).toObject();
    QCOMPARE(error.keys(), QStringList({QStringLiteral("message"), QStringLiteral("type")}));
    QCOMPARE(error.value(QLatin1String("type")).toString(), type);
    QVERIFY(!error.value(QLatin1String("message")).toString().isEmpty());

    // Keep-alive survives, and the scripted wording wins when given.
    m_fake->enqueue(FakeStep::error(status, QStringLiteral("Custom words.")));
    client.send(messagesRequest(messagesBody(false)));
    const auto custom = client.next();
    QVERIFY(custom);
    QCOMPARE(custom->json()[QLatin1String("error")][QLatin1String("message")].toString(), QStringLiteral("Custom words."));
}

void TestFakeAnthropic::errorMidStream()
{
    FakeStep step = FakeStep::error(529);
    step.errorAfterChunks = 1;
    m_fake->enqueue(step);
    RawClient client(m_fake->port());
    client.send(messagesRequest(messagesBody(true)));
    const auto response = client.next();
    QVERIFY(response);
    QCOMPARE(response->status, 200);
    const QList<NamedEvent> events = namedEvents(response->body);
    QCOMPARE(namesOf(events), QList<QByteArray>({"message_start", "content_block_start", "ping",
                                                 "content_block_delta", "error"}));
    QCOMPARE(events.last().data,
             QJsonObject({{QStringLiteral("type"), QStringLiteral("error")},
                          {QStringLiteral("error"), QJsonObject{{QStringLiteral("type"), QStringLiteral("overloaded_error")},
                                                                {QStringLiteral("message"), QStringLiteral("Overloaded")}}}}));
}

void TestFakeAnthropic::dropAndStallMidStream()
{
    FakeStep drop;
    drop.dropAfterChunks = 2;
    m_fake->enqueue(drop);
    RawClient client(m_fake->port());
    client.send(messagesRequest(messagesBody(true)));
    QVERIFY(client.waitClosedByPeer());
    HttpResponse partial;
    QCOMPARE(parseResponse(client.received(), &partial), qsizetype(0));
    QCOMPARE(namesOf(namedEvents(partial.body)),
             QList<QByteArray>({"message_start", "content_block_start", "ping", "content_block_delta",
                                "content_block_delta"}));

    // N at or above the content count stops before message_delta.
    FakeStep stall;
    stall.stallAfterChunks = 99;
    m_fake->enqueue(stall);
    RawClient stalled(m_fake->port());
    stalled.send(messagesRequest(messagesBody(true)));
    QVERIFY(QTest::qWaitFor([&] { return stalled.received().contains("content_block_stop"); }, 5000));
    QTest::qWait(100);
    QVERIFY(!stalled.received().contains("message_delta"));
    stalled.close();
    QTRY_COMPARE(m_fake->closedMidResponse(), 1);
}

void TestFakeAnthropic::keyAndVersion()
{
    m_fake->setExpectedKey(QStringLiteral("sk-ant-test"));
    FakeStep step;
    step.text = QStringLiteral("authorised");
    m_fake->enqueue(step);
    RawClient client(m_fake->port());

    client.send(messagesRequest(messagesBody(false), "anthropic-version: 2023-06-01\r\n"));
    const auto missing = client.next();
    QVERIFY(missing);
    QCOMPARE(missing->status, 401);
    QCOMPARE(missing->json()[QLatin1String("error")][QLatin1String("type")].toString(), QStringLiteral("authentication_error"));
    QCOMPARE(missing->json()[QLatin1String("error")][QLatin1String("message")].toString(),
             QStringLiteral("x-api-key header is required"));

    // A bearer token is OpenAI's way, not Anthropic's.
    client.send(messagesRequest(messagesBody(false), "Authorization: Bearer sk-ant-test\r\nanthropic-version: 2023-06-01\r\n"));
    const auto bearer = client.next();
    QVERIFY(bearer);
    QCOMPARE(bearer->status, 401);

    client.send(messagesRequest(messagesBody(false), "x-api-key: sk-ant-wrong\r\nanthropic-version: 2023-06-01\r\n"));
    const auto wrong = client.next();
    QVERIFY(wrong);
    QCOMPARE(wrong->status, 401);
    QCOMPARE(wrong->json(),
             QJsonObject({{QStringLiteral("type"), QStringLiteral("error")},
                          {QStringLiteral("error"), QJsonObject{{QStringLiteral("type"), QStringLiteral("authentication_error")},
                                                                {QStringLiteral("message"), QStringLiteral("invalid x-api-key")}}},
                          {QStringLiteral("request_id"), QString::fromLatin1(wrong->header("request-id"))}}));

    client.send(messagesRequest(messagesBody(false), "x-api-key: sk-ant-test\r\n"));
    const auto noVersion = client.next();
    QVERIFY(noVersion);
    QCOMPARE(noVersion->status, 400);
    QCOMPARE(noVersion->json()[QLatin1String("error")][QLatin1String("type")].toString(), QStringLiteral("invalid_request_error"));
    QCOMPARE(noVersion->json()[QLatin1String("error")][QLatin1String("message")].toString(),
             QStringLiteral("anthropic-version: header is required"));

    QCOMPARE(m_fake->pendingSteps(), 1); // none of the rejected ones used the step
    client.send(messagesRequest(messagesBody(false)));
    const auto right = client.next();
    QVERIFY(right);
    QCOMPARE(right->status, 200);
    QCOMPARE(right->json()[QLatin1String("content")][0][QLatin1String("text")].toString(), QStringLiteral("authorised"));
    QCOMPARE(m_fake->requests().size(), 5); // all recorded
    QCOMPARE(m_fake->requests().constLast().header("x-api-key"), QByteArray("sk-ant-test"));
}

void TestFakeAnthropic::validation()
{
    m_fake->enqueue(FakeStep());
    RawClient client(m_fake->port());
    const auto reason = [&](const QByteArray &requestBytes) {
        client.send(requestBytes);
        const auto response = client.next();
        if (!response || response->status != 400
            || response->json()[QLatin1String("error")][QLatin1String("type")].toString() != QLatin1String("invalid_request_error"))
            return QStringLiteral("<not a 400 invalid_request_error>");
        return response->json()[QLatin1String("error")][QLatin1String("message")].toString();
    };
    QJsonObject noMax = messagesBody(false);
    noMax.remove(QStringLiteral("max_tokens"));
    QCOMPARE(reason(messagesRequest(noMax)), QStringLiteral("max_tokens: Field required"));
    QJsonObject noModel = messagesBody(false);
    noModel.remove(QStringLiteral("model"));
    QCOMPARE(reason(messagesRequest(noModel)), QStringLiteral("model: Field required"));
    // OpenAI-only fields that leak through a translation are refused.
    QCOMPARE(reason(messagesRequest(messagesBody(true, {{QStringLiteral("stream_options"), QJsonObject()}}))),
             QStringLiteral("stream_options: Extra inputs are not permitted"));
    const QJsonArray withSystem{QJsonObject{{QStringLiteral("role"), QStringLiteral("system")}, {QStringLiteral("content"), QStringLiteral("x")}},
                                QJsonObject{{QStringLiteral("role"), QStringLiteral("user")}, {QStringLiteral("content"), QStringLiteral("y")}}};
    QVERIFY(reason(messagesRequest(messagesBody(false, {{QStringLiteral("messages"), withSystem}})))
                .startsWith(QLatin1String("messages: Unexpected role \"system\"")));
    QVERIFY(reason(request("POST", "/v1/messages", "{\"model\": ", kHeaders)).startsWith(QLatin1String("There was an error parsing")));
    QCOMPARE(m_fake->pendingSteps(), 1);
}

void TestFakeAnthropic::countTokens()
{
    m_fake->enqueue(FakeStep());
    QJsonObject body = messagesBody(false);
    body.remove(QStringLiteral("max_tokens"));
    RawClient client(m_fake->port());
    client.send(messagesRequest(body, kHeaders, "/v1/messages/count_tokens"));
    const auto response = client.next();
    QVERIFY(response);
    QCOMPARE(response->status, 200);
    QCOMPARE(response->json(), QJsonObject({{QStringLiteral("input_tokens"), 4}}));
    QCOMPARE(m_fake->pendingSteps(), 1);
}

void TestFakeAnthropic::models()
{
    m_fake->setModels({QStringLiteral("claude-a"), QStringLiteral("claude-b")});
    RawClient client(m_fake->port());
    client.send(request("GET", "/v1/models?limit=20", {}, kHeaders));
    const auto list = client.next();
    QVERIFY(list);
    QCOMPARE(list->status, 200);
    const QJsonObject root = list->json();
    QCOMPARE(root.keys(), QStringList({QStringLiteral("data"), QStringLiteral("first_id"), QStringLiteral("has_more"),
                                       QStringLiteral("last_id")}));
    QCOMPARE(root.value(QLatin1String("has_more")).toBool(true), false);
    QCOMPARE(root.value(QLatin1String("first_id")).toString(), QStringLiteral("claude-a"));
    QCOMPARE(root.value(QLatin1String("last_id")).toString(), QStringLiteral("claude-b"));
    const QJsonObject first = root[QLatin1String("data")][0].toObject();
    QCOMPARE(first.value(QLatin1String("type")).toString(), QStringLiteral("model"));
    QCOMPARE(first.value(QLatin1String("id")).toString(), QStringLiteral("claude-a"));
    QVERIFY(first.value(QLatin1String("display_name")).isString());
    QVERIFY(first.value(QLatin1String("created_at")).toString().endsWith(QLatin1Char('Z')));

    client.send(request("GET", "/v1/models/claude-b", {}, kHeaders));
    const auto one = client.next();
    QVERIFY(one);
    QCOMPARE(one->json().value(QLatin1String("id")).toString(), QStringLiteral("claude-b"));

    client.send(request("GET", "/v1/models/claude-z", {}, kHeaders));
    const auto missing = client.next();
    QVERIFY(missing);
    QCOMPARE(missing->status, 404);
    QCOMPARE(missing->json()[QLatin1String("error")][QLatin1String("type")].toString(), QStringLiteral("not_found_error"));
}

QTEST_GUILESS_MAIN(TestFakeAnthropic)
#include "tst_fakeanthropic.moc"
