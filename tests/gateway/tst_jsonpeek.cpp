#include "chatpeek.h"
#include "jsonpeek.h"
#include "jsonreader.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace patchbay;

// (No raw string literals here: moc misreads them.)
// JsonPeek must agree with a full parse whenever it answers, and step aside when unsure.
class TestJsonPeek : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void member_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QByteArray>("key");
        QTest::addColumn<int>("result");
        QTest::addColumn<QByteArray>("value");
        const int found = int(JsonPeek::Result::Found), absent = int(JsonPeek::Result::Absent),
                  unsure = int(JsonPeek::Result::Unsure);
        QTest::newRow("string") << QByteArray("{\"model\":\"gpt-4o\",\"stream\":true}") << QByteArray("model") << found
                                << QByteArray("\"gpt-4o\"");
        QTest::newRow("literal last") << QByteArray("{\"model\":\"m\",\"stream\":true}") << QByteArray("stream") << found
                                      << QByteArray("true");
        QTest::newRow("spaces") << QByteArray(" {\n \"a\" : 1 ,\r\n\t\"b\" :  -2.5e3 }\n") << QByteArray("b") << found
                                << QByteArray("-2.5e3");
        QTest::newRow("nested object") << QByteArray("{\"id\":\"x\",\"usage\":{\"prompt_tokens\":3,\"d\":{\"e\":[1,{\"f\":\"}\"}]}},\"z\":0}")
                                       << QByteArray("usage") << found
                                       << QByteArray("{\"prompt_tokens\":3,\"d\":{\"e\":[1,{\"f\":\"}\"}]}}");
        QTest::newRow("nested key does not count") << QByteArray("{\"choices\":[{\"model\":\"inner\"}],\"x\":1}")
                                                   << QByteArray("model") << absent << QByteArray();
        QTest::newRow("key inside a string value") << QByteArray("{\"content\":\"\\\"model\\\":\\\"no\\\"\",\"m\":1}")
                                                   << QByteArray("model") << absent << QByteArray();
        QTest::newRow("escaped quote in value") << QByteArray("{\"model\":\"a\\\"b\",\"x\":[]}") << QByteArray("model") << found
                                                << QByteArray("\"a\\\"b\"");
        QTest::newRow("empty object") << QByteArray("{}") << QByteArray("model") << absent << QByteArray();
        QTest::newRow("array") << QByteArray("[1,2]") << QByteArray("model") << unsure << QByteArray();
        QTest::newRow("truncated") << QByteArray("{\"model\":\"gpt") << QByteArray("model") << unsure << QByteArray();
        QTest::newRow("unclosed object") << QByteArray("{\"model\":\"gpt\",\"x\":{\"a\":1}") << QByteArray("model") << unsure
                                         << QByteArray();
        QTest::newRow("trailing bytes") << QByteArray("{\"model\":\"gpt\"} x") << QByteArray("model") << unsure << QByteArray();
        QTest::newRow("escaped key") << QByteArray("{\"mod\\u0065l\":\"sneaky\",\"model\":\"gpt\"}") << QByteArray("model")
                                     << unsure << QByteArray();
        QTest::newRow("duplicate key") << QByteArray("{\"model\":\"a\",\"model\":\"b\"}") << QByteArray("model") << unsure
                                       << QByteArray();
        QTest::newRow("missing colon") << QByteArray("{\"model\" \"gpt\"}") << QByteArray("model") << unsure << QByteArray();
        QTest::newRow("control character in string") << QByteArray("{\"model\":\"a\nb\"}") << QByteArray("model") << unsure
                                                     << QByteArray();
        QTest::newRow("control character in a nested string")
            << QByteArray("{\"a\":[\"x\ty\"],\"model\":\"m\"}") << QByteArray("model") << unsure << QByteArray();
        QTest::newRow("escaped backslash ends a nested string")
            << QByteArray("{\"a\":{\"b\":\"x\\\\\"},\"model\":\"m\"}") << QByteArray("model") << found << QByteArray("\"m\"");
        QTest::newRow("text ends in an escape") << QByteArray("{\"model\":\"a\\") << QByteArray("model") << unsure << QByteArray();
        QTest::newRow("brackets in a nested string")
            << QByteArray("{\"a\":[\"]}\",{\"b\":\"{[\"}],\"model\":\"m\"}") << QByteArray("model") << found << QByteArray("\"m\"");
    }

    void member()
    {
        QFETCH(QByteArray, json);
        QFETCH(QByteArray, key);
        QFETCH(int, result);
        QFETCH(QByteArray, value);
        QByteArrayView got;
        QCOMPARE(int(JsonPeek::member(json, key, &got)), result);
        if (result != int(JsonPeek::Result::Found))
            return;
        QCOMPARE(got.toByteArray(), value);
        // The full parser reads the same value from the same document.
        const QJsonObject object = QJsonDocument::fromJson(json).object();
        const QJsonDocument wrapped = QJsonDocument::fromJson("[" + value + "]");
        QVERIFY(!wrapped.isNull());
        QCOMPARE(QJsonValue(wrapped.array().first()), object.value(QString::fromUtf8(key)));
    }

    // JsonReader settles a text only where the full parser accepts it. Strings carry each byte
    // the reader must stop at in every position of its eight-byte steps.
    void reader_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<bool>("settles");
        for (int at = 0; at < 18; ++at) {
            const QByteArray head(at, 'a');
            const auto row = [&](const char *what, const QByteArray &inside, bool settles) {
                QTest::addRow("%s after %d bytes", what, at) << "{\"k\":\"" + head + inside + "tail\",\"n\":1}" << settles;
            };
            row("plain", "", true);
            row("delete character", "\x7f", true);
            row("escape", "\\n", false);
            row("escaped quote", "\\\"", false);
            row("tab", "\t", false);
            row("non-ASCII", "\xc3\xa9", false);
            QTest::addRow("unterminated after %d bytes", at) << "{\"k\":\"" + head << false;
        }
        QTest::newRow("every kind of value")
            << QByteArray(" {\"o\":{\"a\":[]},\"a\":[1,-2.5,3e+10,-0.0E-01,true,false,null,\"s\",{}],\"\":\"\"} ") << true;
        QTest::newRow("array at the top") << QByteArray("[{\"a\":1},[]]") << true;
        QTest::newRow("whitespace everywhere") << QByteArray("\r\n{ \"a\" :\t[ 1 , 2 ] ,\n\"b\" : { } }\n") << true;
        QTest::newRow("31 levels inside") << "{\"a\":" + QByteArray(31, '[') + QByteArray(31, ']') + '}' << true;
        QTest::newRow("32 levels inside") << "{\"a\":" + QByteArray(32, '[') + QByteArray(32, ']') + '}' << false;
        QTest::newRow("leading zero") << QByteArray("{\"a\":01}") << false;
        QTest::newRow("bare fraction") << QByteArray("{\"a\":.5}") << false;
        QTest::newRow("trailing point") << QByteArray("{\"a\":1.}") << false;
        QTest::newRow("empty exponent") << QByteArray("{\"a\":1e}") << false;
        QTest::newRow("three-digit exponent") << QByteArray("{\"a\":1e100}") << false;
        QTest::newRow("misspelt literal") << QByteArray("{\"a\":nul}") << false;
        QTest::newRow("missing value") << QByteArray("{\"a\":}") << false;
        QTest::newRow("trailing comma in array") << QByteArray("{\"a\":[1,]}") << false;
        QTest::newRow("trailing comma in object") << QByteArray("{\"a\":1,}") << false;
        QTest::newRow("garbage after") << QByteArray("{} {}") << false;
    }

    void reader()
    {
        QFETCH(QByteArray, json);
        QFETCH(bool, settles);
        JsonReader reader(json);
        const bool settled = reader.skipValue() && reader.atEnd();
        QCOMPARE(settled, settles);
        if (settled)
            QVERIFY(!QJsonDocument::fromJson(json).isNull());
    }

    // readInteger gives what QJsonValue::toInteger() gives, or steps aside; other values leave
    // the number as it was.
    void readInteger_data()
    {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<bool>("settles");
        QTest::newRow("zero") << QByteArray("0") << true;
        QTest::newRow("minus zero") << QByteArray("-0") << true;
        QTest::newRow("positive") << QByteArray("1117") << true;
        QTest::newRow("negative") << QByteArray("-12") << true;
        QTest::newRow("18 digits") << QByteArray("999999999999999999") << true;
        QTest::newRow("minus 18 digits") << QByteArray("-999999999999999999") << true;
        QTest::newRow("19 digits") << QByteArray("1000000000000000000") << false;
        QTest::newRow("whole fraction") << QByteArray("12.0") << false;
        QTest::newRow("fraction") << QByteArray("12.5") << false;
        QTest::newRow("exponent") << QByteArray("1e3") << false;
        QTest::newRow("capital exponent") << QByteArray("1E3") << false;
        QTest::newRow("leading zero") << QByteArray("012") << false;
        QTest::newRow("lone minus") << QByteArray("-") << false;
        QTest::newRow("minus letter") << QByteArray("-a") << false;
        QTest::newRow("null") << QByteArray("null") << true;
        QTest::newRow("true") << QByteArray("true") << true;
        QTest::newRow("string") << QByteArray("\"12\"") << true;
        QTest::newRow("object") << QByteArray("{\"n\":1}") << true;
        QTest::newRow("array") << QByteArray("[1]") << true;
    }

    void readInteger()
    {
        QFETCH(QByteArray, value);
        QFETCH(bool, settles);
        const QByteArray json = "{\"n\": " + value + " }";
        JsonReader reader(json);
        qint64 number = 77;
        const bool settled = reader.readMember("n", [&] { return reader.readInteger(&number); }) && reader.atEnd();
        QCOMPARE(settled, settles);
        if (!settled)
            return;
        const QJsonValue parsed = QJsonDocument::fromJson(json).object().value(QLatin1String("n"));
        QCOMPARE(number, parsed.isDouble() ? parsed.toInteger() : 77);
    }

    // ChatPeek answers only when it is sure, and then as the full parser would.
    void chatPeek_data()
    {
        QTest::addColumn<int>("dialect");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<bool>("read");
        QTest::addColumn<QString>("model");
        QTest::addColumn<bool>("stream");
        QTest::addColumn<bool>("usage");
        const int openai = int(Dialect::OpenAi), anthropic = int(Dialect::Anthropic), gemini = int(Dialect::Gemini);
        QTest::newRow("plain") << openai << QByteArray("{\"model\":\"stub/m\",\"messages\":[]}") << true << "stub/m" << false << false;
        QTest::newRow("stream") << openai << QByteArray("{\"messages\":[],\"stream\":true,\"model\":\"m\"}") << true << "m" << true
                                << false;
        QTest::newRow("stream usage") << openai
                                      << QByteArray("{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true}}")
                                      << true << "m" << true << true;
        QTest::newRow("stream null") << openai << QByteArray("{\"model\":\"m\",\"stream\":null}") << true << "m" << false << false;
        QTest::newRow("utf-8 model") << openai << QByteArray("{\"model\":\"caf\xc3\xa9\"}") << true << QString::fromUtf8("caf\xc3\xa9")
                                     << false << false;
        QTest::newRow("anthropic stream") << anthropic << QByteArray("{\"model\":\"claude\",\"stream\":true}") << true << "claude"
                                          << true << true;
        QTest::newRow("escaped model") << openai << QByteArray("{\"model\":\"a\\u0062\"}") << false << "" << false << false;
        QTest::newRow("stream not a flag") << openai << QByteArray("{\"model\":\"m\",\"stream\":\"yes\"}") << false << "" << false
                                           << false;
        QTest::newRow("model not a string") << openai << QByteArray("{\"model\":7}") << false << "" << false << false;
        QTest::newRow("no model") << openai << QByteArray("{\"messages\":[]}") << false << "" << false << false;
        QTest::newRow("stream_options not an object") << openai << QByteArray("{\"model\":\"m\",\"stream_options\":1}") << false
                                                      << "" << false << false;
        QTest::newRow("not a client dialect") << gemini << QByteArray("{\"model\":\"m\"}") << false << "" << false << false;
    }

    void chatPeek()
    {
        QFETCH(int, dialect);
        QFETCH(QByteArray, body);
        QFETCH(bool, read);
        ChatPeek peek;
        QCOMPARE(ChatPeek::read(Dialect(dialect), body, &peek), read);
        if (!read)
            return;
        QTEST(peek.model, "model");
        QTEST(peek.stream, "stream");
        QTEST(peek.clientWantsStreamUsage, "usage");
    }
};

QTEST_APPLESS_MAIN(TestJsonPeek)
#include "tst_jsonpeek.moc"
