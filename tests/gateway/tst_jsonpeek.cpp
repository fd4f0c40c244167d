#include "chatpeek.h"
#include "jsonpeek.h"

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
