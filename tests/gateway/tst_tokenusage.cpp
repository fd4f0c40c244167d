#include "anthropicdialect.h"
#include "jsonpeek.h"
#include "jsonreader.h"
#include "openaidialect.h"
#include "tokenusage.h"

#include <QJsonDocument>
#include <QTest>

#include <utility>

using namespace patchbay;

// (No raw string literals here: moc misreads them.)
// Usage read from the bytes must be what the parsed document gives, for every input: the
// byte reader either settles a text exactly or steps aside for QJsonDocument.

namespace patchbay {
// The figures when a comparison fails, not only that it did.
char *toString(const TokenUsage &u)
{
    return QTest::toString(QStringLiteral("{input %1, output %2, cacheRead %3, cacheWrite %4, reasoning %5}")
                               .arg(u.input)
                               .arg(u.output)
                               .arg(u.cacheRead)
                               .arg(u.cacheWrite)
                               .arg(u.reasoning));
}
} // namespace patchbay

namespace {

struct Case
{
    const char *name;
    const char *json;
    bool settles; // the byte reader must settle it itself, so a reader that always stepped aside fails
};

// OpenAI usage objects as providers write them, then every way they can go wrong.
const Case kOpenAi[] = {
    {"chat completion",
     "{\"prompt_tokens\":1117,\"completion_tokens\":46,\"total_tokens\":1163,\"prompt_tokens_details\":{\"cached_tokens\":1024,"
     "\"audio_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0,\"accepted_prediction_tokens\":0,"
     "\"rejected_prediction_tokens\":0}}",
     true},
    {"reasoning model",
     "{\"prompt_tokens\":75,\"completion_tokens\":1186,\"total_tokens\":1261,\"prompt_tokens_details\":{\"cached_tokens\":0},"
     "\"completion_tokens_details\":{\"reasoning_tokens\":1024}}",
     true},
    {"bench stub", "{\"prompt_tokens\":12,\"completion_tokens\":11,\"total_tokens\":23}", true},
    {"embeddings", "{\"prompt_tokens\":8,\"total_tokens\":8}", true},
    {"responses api",
     "{\"input_tokens\":328,\"input_tokens_details\":{\"cached_tokens\":128},\"output_tokens\":52,\"output_tokens_details\":"
     "{\"reasoning_tokens\":32},\"total_tokens\":380}",
     true},
    {"deepseek",
     "{\"prompt_tokens\":64,\"completion_tokens\":12,\"total_tokens\":76,\"prompt_tokens_details\":{\"cached_tokens\":0},"
     "\"prompt_cache_hit_tokens\":0,\"prompt_cache_miss_tokens\":64}",
     true},
    {"deepseek hit only",
     "{\"prompt_tokens\":64,\"completion_tokens\":12,\"total_tokens\":76,\"prompt_cache_hit_tokens\":48,\"prompt_cache_miss_tokens\":16}",
     true},
    {"openrouter",
     "{\"prompt_tokens\":194,\"completion_tokens\":2,\"total_tokens\":196,\"cost\":0.000095,\"is_byok\":false,"
     "\"prompt_tokens_details\":{\"cached_tokens\":0},\"cost_details\":{\"upstream_inference_cost\":null},"
     "\"completion_tokens_details\":{\"reasoning_tokens\":0}}",
     true},
    {"groq timings",
     "{\"queue_time\":0.037493,\"prompt_tokens\":18,\"prompt_time\":0.00068,\"completion_tokens\":556,\"completion_time\":0.463333,"
     "\"total_tokens\":574,\"total_time\":0.464013}",
     true},
    {"empty", "{}", true},
    {"only completion", "{\"completion_tokens\":7}", true},
    {"nulls",
     "{\"prompt_tokens\":null,\"completion_tokens\":null,\"prompt_tokens_details\":null,\"completion_tokens_details\":null}", true},
    {"empty details", "{\"prompt_tokens\":5,\"completion_tokens\":1,\"prompt_tokens_details\":{},\"completion_tokens_details\":{}}",
     true},
    {"details not objects",
     "{\"prompt_tokens\":5,\"prompt_tokens_details\":[1,2],\"completion_tokens_details\":\"none\",\"prompt_cache_hit_tokens\":3}",
     true},
    {"null cached falls to deepseek's",
     "{\"prompt_tokens\":5,\"prompt_tokens_details\":{\"cached_tokens\":null},\"prompt_cache_hit_tokens\":4}", true},
    {"negative cached falls to deepseek's", "{\"prompt_tokens_details\":{\"cached_tokens\":-3},\"prompt_cache_hit_tokens\":4}",
     true},
    {"negative and minus zero", "{\"prompt_tokens\":-5,\"completion_tokens\":-0}", true},
    {"18 digits", "{\"prompt_tokens\":999999999999999999,\"completion_tokens\":-999999999999999999}", true},
    {"19 digits", "{\"prompt_tokens\":9223372036854775807}", false},
    {"beyond qint64", "{\"prompt_tokens\":9223372036854775808,\"completion_tokens\":-9223372036854775809}", false},
    {"huge", "{\"prompt_tokens\":123456789012345678901234567890}", false},
    {"whole floats", "{\"prompt_tokens\":12.0,\"completion_tokens\":3.000}", false},
    {"fractions", "{\"prompt_tokens\":12.5,\"completion_tokens\":-0.5}", false},
    {"exponents", "{\"prompt_tokens\":1e3,\"completion_tokens\":25E-1}", false},
    {"exponent in a detail", "{\"prompt_tokens_details\":{\"cached_tokens\":2e1}}", false},
    {"big exponent elsewhere", "{\"prompt_tokens\":3,\"cost\":1e300}", false},
    {"small floats elsewhere", "{\"prompt_tokens\":3,\"cost\":-1.5e-05,\"x\":0e0,\"y\":1E+02,\"z\":-0.0}", true},
    {"40-digit number elsewhere", "{\"x\":1234567890123456789012345678901234567890,\"prompt_tokens\":1}", true},
    {"41-digit number elsewhere", "{\"x\":12345678901234567890123456789012345678901,\"prompt_tokens\":1}", false},
    {"strings for numbers", "{\"prompt_tokens\":\"12\",\"completion_tokens\":\"x\",\"prompt_tokens_details\":{\"cached_tokens\":\"3\"}}",
     true},
    {"other kinds for numbers", "{\"prompt_tokens\":true,\"completion_tokens\":{\"n\":1},\"prompt_cache_hit_tokens\":[4]}", true},
    {"whitespace everywhere",
     " \n{\n\t\"prompt_tokens\" : 12 ,\r\n \"completion_tokens\":\t3 , \"prompt_tokens_details\" : { \"cached_tokens\" : 2 } ,"
     " \"completion_tokens_details\" :{ \"reasoning_tokens\":1 }\n}\n ",
     true},
    {"escaped key", "{\"prompt\\u005ftokens\":12}", false},
    {"escaped key elsewhere", "{\"a\\\"b\":1,\"prompt_tokens\":3}", false},
    {"escape in a value", "{\"note\":\"a\\nb\",\"prompt_tokens\":3}", false},
    {"duplicate key", "{\"prompt_tokens\":1,\"completion_tokens\":5,\"prompt_tokens\":2}", false},
    {"duplicate unread key", "{\"total_tokens\":1,\"total_tokens\":2,\"prompt_tokens\":3}", true},
    {"duplicate in details", "{\"prompt_tokens_details\":{\"cached_tokens\":1,\"cached_tokens\":2}}", false},
    {"duplicate details", "{\"prompt_tokens_details\":{\"cached_tokens\":1},\"prompt_tokens_details\":{\"cached_tokens\":2}}", false},
    {"responses shape by input_tokens alone", "{\"input_tokens\":null,\"prompt_tokens\":5,\"completion_tokens\":2}", true},
    {"both shapes",
     "{\"prompt_tokens\":5,\"input_tokens\":7,\"output_tokens\":2,\"completion_tokens\":9,\"prompt_tokens_details\":{\"cached_tokens\":1},"
     "\"input_tokens_details\":{\"cached_tokens\":4}}",
     true},
    {"responses with chat details",
     "{\"input_tokens\":5,\"output_tokens\":1,\"prompt_tokens_details\":{\"cached_tokens\":3},\"completion_tokens_details\":"
     "{\"reasoning_tokens\":1},\"prompt_cache_hit_tokens\":2}",
     true},
    {"counts nested elsewhere", "{\"details\":{\"prompt_tokens\":99,\"usage\":{\"prompt_tokens\":98}},\"prompt_tokens\":4}", true},
    {"arrays elsewhere", "{\"a\":[1,[2,{\"b\":[]}],\"x\",true,false,null,-1.5e-3,[]],\"prompt_tokens\":4}", true},
    {"empty key", "{\"\":1,\"prompt_tokens\":2}", true},
    {"delete character", "{\"x\":\"a\x7f\",\"prompt_tokens\":3}", true},
    {"unicode elsewhere", "{\"model\":\"caf\xc3\xa9\",\"prompt_tokens\":3}", false},
    {"unicode key", "{\"t\xc3\xb6kens\":1,\"prompt_tokens\":3}", false},
    {"invalid utf-8", "{\"x\":\"\xff\",\"prompt_tokens\":3}", false},
    {"control character", "{\"x\":\"a\tb\",\"prompt_tokens\":3}", false},
    {"truncated", "{\"prompt_tokens\":12,\"completion", false},
    {"truncated after a number", "{\"prompt_tokens\":12", false},
    {"trailing comma", "{\"prompt_tokens\":12,}", false},
    {"missing comma", "{\"prompt_tokens\":12 \"completion_tokens\":3}", false},
    {"missing colon", "{\"prompt_tokens\" 12}", false},
    {"leading zero", "{\"prompt_tokens\":012}", false},
    {"lone minus", "{\"prompt_tokens\":-}", false},
    {"plus sign", "{\"prompt_tokens\":+1}", false},
    {"bare fraction", "{\"prompt_tokens\":.5}", false},
    {"trailing point", "{\"prompt_tokens\":1.}", false},
    {"misspelt literal", "{\"prompt_tokens\":tru}", false},
    {"capital literal", "{\"prompt_tokens\":Null}", false},
    {"trailing bytes", "{\"prompt_tokens\":1} x", false},
    {"extra brace", "{\"prompt_tokens\":1}}", false},
    {"array", "[{\"prompt_tokens\":1}]", false},
    {"null", "null", false},
    {"number", "12", false},
    {"nothing", "", false},
    {"single quotes", "{'prompt_tokens':1}", false},
    {"unquoted key", "{prompt_tokens:1}", false},
    {"byte order mark", "\xef\xbb\xbf{\"prompt_tokens\":1}", false},
};

// Anthropic usage objects, from messages, stream events, and every way they can go wrong.
const Case kAnthropic[] = {
    {"message",
     "{\"input_tokens\":2095,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":1800,\"cache_creation\":"
     "{\"ephemeral_5m_input_tokens\":0,\"ephemeral_1h_input_tokens\":0},\"output_tokens\":503,\"service_tier\":\"standard\"}",
     true},
    {"no cache figures", "{\"input_tokens\":12,\"output_tokens\":6}", true},
    {"cache write",
     "{\"input_tokens\":3,\"cache_creation_input_tokens\":2048,\"cache_read_input_tokens\":0,\"output_tokens\":40,"
     "\"server_tool_use\":{\"web_search_requests\":1}}",
     true},
    {"cache nulls", "{\"input_tokens\":12,\"cache_creation_input_tokens\":null,\"cache_read_input_tokens\":null,\"output_tokens\":6}",
     true},
    {"message_delta", "{\"output_tokens\":15}", true},
    {"delta with cache", "{\"input_tokens\":null,\"cache_read_input_tokens\":30,\"output_tokens\":15}", true},
    {"empty", "{}", true},
    {"negative", "{\"input_tokens\":-4,\"cache_read_input_tokens\":-1,\"output_tokens\":-0}", true},
    {"strings and flags", "{\"input_tokens\":\"12\",\"output_tokens\":false}", true},
    {"18 digits", "{\"input_tokens\":100000000000000000,\"output_tokens\":1}", true},
    {"counts nested elsewhere", "{\"cache_creation\":{\"input_tokens\":50},\"input_tokens\":5}", true},
    {"whitespace everywhere", "\r\n{ \"input_tokens\" :\t7 ,\n\"output_tokens\" : 2 }  ", true},
    {"duplicate unread key", "{\"service_tier\":\"a\",\"service_tier\":\"b\",\"output_tokens\":2}", true},
    {"floats", "{\"input_tokens\":12.0,\"output_tokens\":1.5}", false},
    {"exponent", "{\"cache_read_input_tokens\":1e2}", false},
    {"huge", "{\"input_tokens\":99999999999999999999}", false},
    {"escaped key", "{\"output\\u005ftokens\":9}", false},
    {"duplicate key", "{\"output_tokens\":1,\"output_tokens\":2}", false},
    {"unicode elsewhere", "{\"service_tier\":\"st\xc3\xa4ndard\",\"output_tokens\":2}", false},
    {"truncated", "{\"input_tokens\":12,\"output_tok", false},
    {"malformed value", "{\"input_tokens\":1,\"x\":[1,}", false},
    {"array", "[{\"input_tokens\":1}]", false},
    {"null", "null", false},
};

// What OpenAiDialect::usageOf gave before it read bytes: JsonPeek for the usage member, then
// QJsonDocument for that object, or for the whole answer where JsonPeek was unsure.
TokenUsage parsedOpenAi(const QByteArray &body)
{
    QByteArrayView usage;
    switch (JsonPeek::member(body, "usage", &usage)) {
    case JsonPeek::Result::Found:
        return TokenUsage::fromOpenAi(QJsonDocument::fromJson(usage.toByteArray()).object());
    case JsonPeek::Result::Absent:
        return {};
    case JsonPeek::Result::Unsure:
        break;
    }
    return TokenUsage::fromOpenAi(QJsonDocument::fromJson(body).object().value(QLatin1String("usage")).toObject());
}

// anthropic::readUsage as it was before the byte reader shared its list of counts.
void parsedAnthropicUsage(const QJsonObject &json, anthropic::RawInput *raw, TokenUsage *usage)
{
    const auto count = [&](const char *key, qint64 *into) {
        const QJsonValue v = json.value(QLatin1String(key));
        if (v.isDouble())
            *into = v.toInteger();
    };
    count("input_tokens", &raw->uncached);
    count("cache_read_input_tokens", &raw->cacheRead);
    count("cache_creation_input_tokens", &raw->cacheWrite);
    count("output_tokens", &usage->output);
    if (raw->uncached >= 0)
        usage->input = raw->uncached + TokenUsage::orZero(raw->cacheRead) + TokenUsage::orZero(raw->cacheWrite);
    if (raw->cacheRead >= 0)
        usage->cacheRead = raw->cacheRead;
    if (raw->cacheWrite >= 0)
        usage->cacheWrite = raw->cacheWrite;
}

// What AnthropicDialect::usageOf gave before it read bytes: the whole answer parsed.
TokenUsage parsedAnthropic(const QByteArray &body)
{
    TokenUsage usage;
    anthropic::RawInput raw;
    parsedAnthropicUsage(QJsonDocument::fromJson(body).object().value(QLatin1String("usage")).toObject(), &raw, &usage);
    return usage;
}

// A usage object's text in an answer: as the relay hands it over, and whole, with a decoy usage
// nested in another member that must not be read. Content with escapes and non-ASCII text sends
// the OpenAI reader past its one-pass read.
void addAnswers(const Case &c, const QByteArray &before, const QByteArray &after)
{
    const QByteArray usage(c.json);
    QTest::addRow("%s, relayed", c.name) << "{\"usage\":" + usage + '}';
    QTest::addRow("%s, whole", c.name) << before + usage + after;
}

const char kOpenAiBefore[] =
    "{\"id\":\"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG\",\"object\":\"chat.completion\",\"created\":1741570283,\"model\":\"gpt-4o\","
    "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hello!\",\"usage\":{\"prompt_tokens\":999}},"
    "\"finish_reason\":\"stop\"}],\"usage\":";
const char kOpenAiAfter[] = ",\"system_fingerprint\":\"fp_fc9f1d7035\"}";
const char kOpenAiEscapedBefore[] =
    "{\"id\":\"chatcmpl-2\",\"choices\":[{\"message\":{\"content\":\"Line one\\nline \\\"two\\\" caf\xc3\xa9 \\u00e9\"}}],\"usage\":";

const char kAnthropicBefore[] =
    "{\"id\":\"msg_01XFDUDYJgAACzvnptvVoYEL\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\","
    "\"content\":[{\"type\":\"text\",\"text\":\"Hello!\",\"usage\":{\"input_tokens\":999}}],\"stop_reason\":\"end_turn\","
    "\"stop_sequence\":null,\"usage\":";
const char kAnthropicAfter[] = "}";

} // namespace

class TestTokenUsage : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void openAiUsage_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<bool>("settles");
        for (const Case &c : kOpenAi)
            QTest::newRow(c.name) << QByteArray(c.json) << c.settles;
        // The reader stops far below the full parser's 1024 levels.
        QTest::newRow("20 levels elsewhere") << "{\"a\":" + QByteArray(20, '[') + QByteArray(20, ']') + ",\"prompt_tokens\":4}" << true;
        QTest::newRow("40 levels elsewhere") << "{\"a\":" + QByteArray(40, '[') + QByteArray(40, ']') + ",\"prompt_tokens\":4}" << false;
    }

    void openAiUsage()
    {
        QFETCH(QByteArray, json);
        QFETCH(bool, settles);
        const TokenUsage parsed = TokenUsage::fromOpenAi(QJsonDocument::fromJson(json).object());
        JsonReader reader(json);
        TokenUsage read;
        const bool settled = TokenUsage::readOpenAi(reader, &read) && reader.atEnd();
        QCOMPARE(settled, settles);
        if (settled)
            QCOMPARE(read, parsed);
        QCOMPARE(TokenUsage::fromOpenAiText(json), parsed);
    }

    void openAiAnswer_data()
    {
        QTest::addColumn<QByteArray>("body");
        for (const Case &c : kOpenAi) {
            addAnswers(c, kOpenAiBefore, kOpenAiAfter);
            QTest::addRow("%s, whole with escapes", c.name) << kOpenAiEscapedBefore + QByteArray(c.json) + '}';
        }
        QTest::newRow("embeddings answer")
            << QByteArray("{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":[-0.006929283,"
                          "-0.005336422,0.00024047505,-4.547132e-05]}],\"model\":\"text-embedding-3-small\",\"usage\":"
                          "{\"prompt_tokens\":5,\"total_tokens\":5}}");
        QTest::newRow("responses answer")
            << QByteArray("{\"id\":\"resp_1\",\"object\":\"response\",\"status\":\"completed\",\"output\":[{\"type\":\"message\","
                          "\"content\":[{\"type\":\"output_text\",\"text\":\"Two lines:\\n\\u2014 done\"}]}],\"usage\":"
                          "{\"input_tokens\":328,\"input_tokens_details\":{\"cached_tokens\":128},\"output_tokens\":52,"
                          "\"output_tokens_details\":{\"reasoning_tokens\":32},\"total_tokens\":380}}");
        QTest::newRow("only a nested usage") << QByteArray("{\"choices\":[{\"usage\":{\"prompt_tokens\":99}}],\"model\":\"m\"}");
        QTest::newRow("usage null") << QByteArray("{\"usage\":null}");
        QTest::newRow("usage array") << QByteArray("{\"usage\":[{\"prompt_tokens\":1}]}");
        QTest::newRow("usage string") << QByteArray("{\"usage\":\"{\\\"prompt_tokens\\\":1}\"}");
        QTest::newRow("usage number") << QByteArray("{\"usage\":5}");
        QTest::newRow("usage twice") << QByteArray("{\"usage\":{\"prompt_tokens\":1},\"usage\":{\"prompt_tokens\":2}}");
        QTest::newRow("escaped usage key") << QByteArray("{\"us\\u0061ge\":{\"prompt_tokens\":3}}");
        QTest::newRow("malformed elsewhere") << QByteArray("{\"choices\":tru,\"usage\":{\"prompt_tokens\":3}}");
        QTest::newRow("truncated answer") << QByteArray("{\"id\":\"x\",\"usage\":{\"prompt_tokens\":3}");
        QTest::newRow("error answer")
            << QByteArray("{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}");
        QTest::newRow("empty answer") << QByteArray();
    }

    void openAiAnswer()
    {
        QFETCH(QByteArray, body);
        QCOMPARE(OpenAiDialect().usageOf(body), parsedOpenAi(body));
    }

    void anthropicUsage_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<bool>("settles");
        for (const Case &c : kAnthropic)
            QTest::newRow(c.name) << QByteArray(c.json) << c.settles;
    }

    // From nothing, as an answer is read, and on top of a stream's message_start figures.
    void anthropicUsage()
    {
        QFETCH(QByteArray, json);
        QFETCH(bool, settles);
        const QJsonObject object = QJsonDocument::fromJson(json).object();
        anthropic::RawInput started{100, 20, 5};
        TokenUsage startedUsage{125, 1, 20, 5, -1};
        for (const auto &[startRaw, startUsage] : {std::pair{anthropic::RawInput(), TokenUsage()}, std::pair{started, startedUsage}}) {
            anthropic::RawInput parsedRaw = startRaw;
            TokenUsage parsed = startUsage;
            parsedAnthropicUsage(object, &parsedRaw, &parsed);

            anthropic::RawInput raw = startRaw;
            TokenUsage read = startUsage;
            JsonReader reader(json);
            const bool settled = anthropic::readUsage(reader, &raw, &read) && reader.atEnd();
            QCOMPARE(settled, settles);
            if (settled) {
                QCOMPARE(read, parsed);
                QCOMPARE(raw.uncached, parsedRaw.uncached);
                QCOMPARE(raw.cacheRead, parsedRaw.cacheRead);
                QCOMPARE(raw.cacheWrite, parsedRaw.cacheWrite);
            }

            // The parsed reader shares the byte reader's list of counts now; it reads as before.
            anthropic::RawInput objectRaw = startRaw;
            TokenUsage viaObject = startUsage;
            anthropic::readUsage(object, &objectRaw, &viaObject);
            QCOMPARE(viaObject, parsed);
        }
    }

    void anthropicAnswer_data()
    {
        QTest::addColumn<QByteArray>("body");
        for (const Case &c : kAnthropic)
            addAnswers(c, kAnthropicBefore, kAnthropicAfter);
        QTest::newRow("count_tokens answer") << QByteArray("{\"input_tokens\":14}");
        QTest::newRow("text with escapes")
            << QByteArray("{\"type\":\"message\",\"content\":[{\"type\":\"text\",\"text\":\"Line\\nnext \\\"q\\\" caf\xc3\xa9\"}],"
                          "\"usage\":{\"input_tokens\":12,\"cache_read_input_tokens\":4,\"output_tokens\":6}}");
        QTest::newRow("malformed elsewhere") << QByteArray("{\"content\":[tru],\"usage\":{\"input_tokens\":3,\"output_tokens\":1}}");
        QTest::newRow("only a nested usage") << QByteArray("{\"content\":[{\"usage\":{\"input_tokens\":9}}]}");
        QTest::newRow("usage null") << QByteArray("{\"usage\":null}");
        QTest::newRow("usage array") << QByteArray("{\"usage\":[{\"input_tokens\":1}]}");
        QTest::newRow("usage twice") << QByteArray("{\"usage\":{\"input_tokens\":1},\"usage\":{\"input_tokens\":2}}");
        QTest::newRow("escaped usage key") << QByteArray("{\"us\\u0061ge\":{\"input_tokens\":3}}");
        QTest::newRow("trailing bytes") << QByteArray("{\"usage\":{\"input_tokens\":3}} x");
        QTest::newRow("error answer")
            << QByteArray("{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}");
        QTest::newRow("empty answer") << QByteArray();
    }

    void anthropicAnswer()
    {
        QFETCH(QByteArray, body);
        QCOMPARE(AnthropicDialect().usageOf(body), parsedAnthropic(body));
    }
};

QTEST_APPLESS_MAIN(TestTokenUsage)
#include "tst_tokenusage.moc"
