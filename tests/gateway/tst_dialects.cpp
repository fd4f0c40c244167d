// Golden transcripts: for each client dialect × provider dialect, a client request, the
// upstream request expected, the upstream answer, and the client answer expected — plain and
// streamed. The files live in data/dialects/; see data/dialects/README.md for their shape.

#include "dialects.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>
#include <QUrlQuery>

using namespace patchbay;

namespace {

// Values that differ from run to run ("created" timestamps) are not part of the contract.
QJsonValue normalized(const QJsonValue &v)
{
    if (v.isObject()) {
        QJsonObject o = v.toObject();
        o.remove(QStringLiteral("created"));
        for (auto it = o.begin(); it != o.end(); ++it)
            it.value() = normalized(it.value());
        return o;
    }
    if (v.isArray()) {
        QJsonArray a = v.toArray();
        for (auto it = a.begin(); it != a.end(); ++it)
            *it = normalized(*it);
        return a;
    }
    return v;
}

QString pretty(const QJsonValue &v)
{
    return QString::fromUtf8(v.isObject() ? QJsonDocument(v.toObject()).toJson() : QJsonDocument(v.toArray()).toJson());
}

// An SSE text as [{"event": name?, "data": json or string}] for comparison.
QJsonArray sseEvents(const QByteArray &text)
{
    SseParser parser;
    QJsonArray out;
    QByteArray input = text;
    if (!input.endsWith("\n\n"))
        input += "\n\n";
    for (const SseEvent &e : parser.feed(input)) {
        QJsonObject o;
        if (!e.event.isEmpty())
            o.insert(QStringLiteral("event"), QString::fromUtf8(e.event));
        const QJsonDocument doc = QJsonDocument::fromJson(e.data);
        if (doc.isObject())
            o.insert(QStringLiteral("data"), normalized(doc.object()));
        else if (!e.data.isEmpty())
            o.insert(QStringLiteral("data"), QString::fromUtf8(e.data));
        if (!o.isEmpty())
            out.append(o);
    }
    return out;
}

std::optional<Dialect> dialectOf(const QJsonObject &t, const char *key)
{
    return Dialects::fromName(t.value(QLatin1String(key)).toString());
}

} // namespace

class TestDialects : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void transcripts_data()
    {
        QTest::addColumn<QJsonObject>("transcript");
        const QDir dir(QFINDTESTDATA("data/dialects"));
        const QStringList files = dir.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
        QVERIFY2(!files.isEmpty(), "no transcripts found");
        for (const QString &name : files) {
            QFile f(dir.filePath(name));
            QVERIFY(f.open(QIODevice::ReadOnly));
            QJsonParseError error;
            const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &error);
            QVERIFY2(doc.isObject(), qPrintable(name + QStringLiteral(": ") + error.errorString()));
            QTest::newRow(qPrintable(name)) << doc.object();
        }
    }

    void transcripts()
    {
        QFETCH(QJsonObject, transcript);
        const auto clientDialect = dialectOf(transcript, "client");
        const auto providerDialect = dialectOf(transcript, "provider");
        QVERIFY(clientDialect && providerDialect);
        const ClientCodec *client = Dialects::client(*clientDialect);
        const ProviderCodec *provider = Dialects::provider(*providerDialect);
        QVERIFY(client && provider);

        ChatRequest request;
        ApiError error;
        const bool read = client->readRequest(transcript.value(QLatin1String("client_request")).toObject(), &request, &error);
        ProviderConfig config;
        config.id = QStringLiteral("p");
        config.name = QStringLiteral("P");
        config.baseUrl = transcript.value(QLatin1String("base_url")).toString(QStringLiteral("https://api.example.com/v1"));
        UpstreamRequest upstream;
        const bool built = read && request.untranslatable.isEmpty()
            && provider->buildRequest(config, QStringLiteral("KEY"), transcript.value(QLatin1String("upstream_model")).toString(),
                                      request, &upstream, &error);
        if (!read || !request.untranslatable.isEmpty() || !built) {
            const QJsonObject expected = transcript.value(QLatin1String("expected_error")).toObject();
            QVERIFY2(!expected.isEmpty(), qPrintable(QStringLiteral("unexpected refusal: ") + error.message + request.untranslatable.join(QLatin1Char(','))));
            const QString field = expected.value(QLatin1String("mentions")).toString();
            const QString said = error.message.isEmpty() ? request.untranslatable.join(QLatin1Char(',')) : error.message;
            QVERIFY2(said.contains(field), qPrintable(said));
            return;
        }
        QVERIFY2(!transcript.contains(QLatin1String("expected_error")), "the request was expected to be refused");

        // The upstream request: path, query, auth headers and body.
        const QJsonObject expectedUpstream = transcript.value(QLatin1String("expected_upstream")).toObject();
        QCOMPARE(upstream.url.path(), expectedUpstream.value(QLatin1String("path")).toString());
        QCOMPARE(upstream.url.query(), expectedUpstream.value(QLatin1String("query")).toString());
        QVERIFY2(!upstream.url.toString().contains(QLatin1String("KEY")), "a key must never be in a URL");
        const QJsonObject headers = expectedUpstream.value(QLatin1String("headers")).toObject();
        for (auto it = headers.begin(); it != headers.end(); ++it)
            QCOMPARE(QString::fromUtf8(upstream.headers.value(it.key().toUtf8())), it.value().toString());
        const QJsonObject body = QJsonDocument::fromJson(upstream.body).object();
        const QJsonObject expectedBody = expectedUpstream.value(QLatin1String("body")).toObject();
        QVERIFY2(body == expectedBody, qPrintable(QStringLiteral("upstream body:\n") + pretty(body) + QStringLiteral("expected:\n") + pretty(expectedBody)));

        if (transcript.contains(QLatin1String("upstream_response"))) {
            ChatResponse response;
            QString readError;
            const QByteArray raw = QJsonDocument(transcript.value(QLatin1String("upstream_response")).toObject()).toJson();
            QVERIFY2(provider->readResponse(raw, &response, &readError), qPrintable(readError));
            const QJsonValue answer = normalized(QJsonDocument::fromJson(client->writeResponse(response)).object());
            const QJsonValue expected = normalized(transcript.value(QLatin1String("expected_client_response")));
            QVERIFY2(answer == expected, qPrintable(QStringLiteral("client answer:\n") + pretty(answer) + QStringLiteral("expected:\n") + pretty(expected)));
        }
        if (transcript.contains(QLatin1String("upstream_sse"))) {
            const QByteArray sse = transcript.value(QLatin1String("upstream_sse")).toString().toUtf8();
            std::unique_ptr<StreamReader> reader = provider->streamReader();
            std::unique_ptr<StreamWriter> writer = client->streamWriter(request);
            SseParser parser;
            QByteArray out;
            // Byte by byte: a translation must not depend on how the provider's bytes were split.
            for (qsizetype i = 0; i < sse.size(); ++i) {
                for (const SseEvent &e : parser.feed(sse.mid(i, 1))) {
                    for (const StreamEvent &se : reader->read(e))
                        out += writer->write(se);
                }
            }
            out += writer->finish();
            const QJsonArray got = sseEvents(out);
            const QJsonArray expected = sseEvents(transcript.value(QLatin1String("expected_client_sse")).toString().toUtf8());
            QVERIFY2(got == expected, qPrintable(QStringLiteral("client stream:\n") + pretty(got) + QStringLiteral("expected:\n") + pretty(expected)));
            if (transcript.contains(QLatin1String("expected_usage"))) {
                const QJsonObject u = transcript.value(QLatin1String("expected_usage")).toObject();
                const TokenUsage usage = reader->usage();
                QCOMPARE(usage.input, u.value(QLatin1String("input")).toInteger(-1));
                QCOMPARE(usage.output, u.value(QLatin1String("output")).toInteger(-1));
                QCOMPARE(usage.cacheRead, u.value(QLatin1String("cache_read")).toInteger(-1));
                QCOMPARE(usage.cacheWrite, u.value(QLatin1String("cache_write")).toInteger(-1));
                QCOMPARE(usage.reasoning, u.value(QLatin1String("reasoning")).toInteger(-1));
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestDialects)
#include "tst_dialects.moc"
