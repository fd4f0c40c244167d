#include "httpparser.h"

#include <QTest>

using namespace patchbay;

namespace {

struct Parsed
{
    QList<HttpRequestHead> heads;
    QList<QByteArray> bodies;
    HttpParser::Event last = HttpParser::Event::NeedMore;
};

// Feeds the parts one by one and collects every complete message.
Parsed feed(HttpParser &parser, const QList<QByteArray> &parts)
{
    Parsed out;
    QByteArray body;
    for (const QByteArray &part : parts) {
        parser.append(part);
        for (;;) {
            const HttpParser::Event e = parser.next();
            out.last = e;
            if (e == HttpParser::Event::Head)
                out.heads.append(parser.requestHead());
            else if (e == HttpParser::Event::Body)
                body += parser.takeBody();
            else if (e == HttpParser::Event::Done)
                out.bodies.append(std::exchange(body, {}));
            else
                break;
        }
        if (out.last == HttpParser::Event::Error)
            break;
    }
    return out;
}

QList<QByteArray> splitEvery(const QByteArray &bytes, int n)
{
    QList<QByteArray> parts;
    for (qsizetype i = 0; i < bytes.size(); i += n)
        parts.append(bytes.mid(i, n));
    return parts;
}

} // namespace

class TestHttpParser : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void contentLengthRequest()
    {
        HttpParser parser(HttpParser::Mode::Request);
        const Parsed p = feed(parser, {"POST /v1/chat/completions?x=1 HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n\r\nhello"});
        QCOMPARE(p.heads.size(), 1);
        QCOMPARE(p.heads[0].method, QByteArray("POST"));
        QCOMPARE(p.heads[0].path(), QByteArray("/v1/chat/completions"));
        QCOMPARE(p.heads[0].headers.value("HOST"), QByteArray("localhost"));
        QCOMPARE(p.bodies, QList<QByteArray>{"hello"});
        QVERIFY(p.heads[0].keepAlive());
    }

    void splitAcrossReadsAtEveryByte_data()
    {
        QTest::addColumn<int>("step");
        for (int step : {1, 2, 3, 7, 64})
            QTest::addRow("%d", step) << step;
    }
    void splitAcrossReadsAtEveryByte()
    {
        QFETCH(int, step);
        const QByteArray wire = "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                                "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: t\r\n\r\n"
                                "GET /b HTTP/1.1\r\nHost: x\r\n\r\n";
        HttpParser parser(HttpParser::Mode::Request);
        const Parsed p = feed(parser, splitEvery(wire, step));
        QCOMPARE(p.heads.size(), 2);
        QCOMPARE(p.bodies, (QList<QByteArray>{"hello world", ""}));
        QCOMPARE(p.heads[1].path(), QByteArray("/b"));
    }

    void pipelinedRequestsComeOutOneAtATime()
    {
        HttpParser parser(HttpParser::Mode::Request);
        parser.append("GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\n");
        QCOMPARE(parser.next(), HttpParser::Event::Head);
        QCOMPARE(parser.requestHead().target, QByteArray("/1"));
        QCOMPARE(parser.next(), HttpParser::Event::Done);
        QVERIFY(parser.unreadBytes() > 0); // the second waits until the server asks for it
        QCOMPARE(parser.next(), HttpParser::Event::Head);
        QCOMPARE(parser.requestHead().target, QByteArray("/2"));
        QCOMPARE(parser.next(), HttpParser::Event::Done);
        QCOMPARE(parser.next(), HttpParser::Event::NeedMore);
    }

    void oversizeHeadIsRefused()
    {
        HttpParser parser(HttpParser::Mode::Request, 1024, 1024);
        const Parsed p = feed(parser, {"GET / HTTP/1.1\r\nX-Big: " + QByteArray(2000, 'a')});
        QCOMPARE(p.last, HttpParser::Event::Error);
        QCOMPARE(parser.error(), HttpParser::Error::HeadTooLarge);
    }

    void oversizeBodyIsRefusedBeforeItArrives()
    {
        HttpParser parser(HttpParser::Mode::Request, 1024, 100);
        const Parsed p = feed(parser, {"POST / HTTP/1.1\r\nContent-Length: 101\r\n\r\n"});
        QCOMPARE(p.last, HttpParser::Event::Error);
        QCOMPARE(parser.error(), HttpParser::Error::BodyTooLarge);
    }

    void oversizeChunkedBodyIsRefused()
    {
        HttpParser parser(HttpParser::Mode::Request, 1024, 10);
        const Parsed p = feed(parser, {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n8\r\n"});
        QCOMPARE(p.last, HttpParser::Event::Error);
        QCOMPARE(parser.error(), HttpParser::Error::BodyTooLarge);
    }

    void malformedInput_data()
    {
        QTest::addColumn<QByteArray>("wire");
        QTest::addColumn<int>("error");
        const int malformed = int(HttpParser::Error::Malformed);
        QTest::newRow("no version") << QByteArray("GET /\r\n\r\n") << malformed;
        QTest::newRow("http/2") << QByteArray("GET / HTTP/2.0\r\n\r\n") << malformed;
        QTest::newRow("header without colon") << QByteArray("GET / HTTP/1.1\r\nNoColon\r\n\r\n") << malformed;
        QTest::newRow("space in name") << QByteArray("GET / HTTP/1.1\r\nBad Name: x\r\n\r\n") << malformed;
        QTest::newRow("folded header") << QByteArray("GET / HTTP/1.1\r\nA: b\r\n c\r\n\r\n") << malformed;
        QTest::newRow("bad length") << QByteArray("POST / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n") << malformed;
        QTest::newRow("conflicting lengths") << QByteArray("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n") << malformed;
        QTest::newRow("smuggling") << QByteArray("POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n") << malformed;
        QTest::newRow("bad chunk size") << QByteArray("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n") << malformed;
        QTest::newRow("chunk overrun") << QByteArray("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n") << malformed;
        QTest::newRow("gzip") << QByteArray("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n")
                              << int(HttpParser::Error::UnsupportedTransferEncoding);
        QTest::newRow("gzip, chunked over two lines")
            << QByteArray("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n")
            << int(HttpParser::Error::UnsupportedTransferEncoding);
        QTest::newRow("third length differs") << QByteArray("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n"
                                                            "Content-Length: 2\r\n\r\n") << malformed;
        for (const char separator : QByteArrayView("()<>@,;\\\"/[]?={}"))
            QTest::newRow(qPrintable(QStringLiteral("separator %1 in name").arg(QLatin1Char(separator))))
                << QByteArray("GET / HTTP/1.1\r\nBad") + separator + QByteArray("Name: x\r\n\r\n") << malformed;
        QTest::newRow("control character in name") << QByteArray("GET / HTTP/1.1\r\nBad\x01Name: x\r\n\r\n") << malformed;
        QTest::newRow("high byte in name") << QByteArray("GET / HTTP/1.1\r\nBad\xe9Name: x\r\n\r\n") << malformed;
    }

    void framingHeadersThatAgree()
    {
        // The same length twice is one length; the framing names match in any case.
        HttpParser parser(HttpParser::Mode::Request);
        const Parsed p = feed(parser, {"POST / HTTP/1.1\r\nContent-Length: 3\r\ncontent-length: 3\r\n\r\nabc"});
        QCOMPARE(p.last, HttpParser::Event::NeedMore); // done, and waiting for the next request
        QCOMPARE(p.bodies, QList<QByteArray>{"abc"});
        HttpParser chunked(HttpParser::Mode::Request);
        const Parsed c = feed(chunked, {"POST / HTTP/1.1\r\nTRANSFER-ENCODING:  Chunked \r\n\r\n"
                                        "3\r\nabc\r\n0\r\n\r\n"});
        QCOMPARE(c.last, HttpParser::Event::NeedMore);
        QCOMPARE(c.bodies, QList<QByteArray>{"abc"});
        // Every tchar is allowed in a name.
        HttpParser names(HttpParser::Mode::Request);
        const Parsed n = feed(names, {"GET / HTTP/1.1\r\nX-a.b_c~d!e#f$g%h&i'j*k+l^m`n|o: v\r\n\r\n"});
        QCOMPARE(n.bodies.size(), 1);
        QCOMPARE(n.heads.first().headers.value("x-a.b_c~d!e#f$g%h&i'j*k+l^m`n|o"), QByteArray("v"));
    }
    void malformedInput()
    {
        QFETCH(QByteArray, wire);
        QFETCH(int, error);
        HttpParser parser(HttpParser::Mode::Request);
        const Parsed p = feed(parser, {wire});
        QCOMPARE(p.last, HttpParser::Event::Error);
        QCOMPARE(int(parser.error()), error);
        QVERIFY(!parser.errorText().isEmpty());
    }

    void http10ClosesUnlessAsked()
    {
        HttpParser parser(HttpParser::Mode::Request);
        Parsed p = feed(parser, {"GET / HTTP/1.0\r\n\r\nGET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"});
        QCOMPARE(p.heads.size(), 2);
        QVERIFY(!p.heads[0].keepAlive());
        QVERIFY(p.heads[1].keepAlive());
    }

    void responseWithLengthThenInterimAndChunked()
    {
        HttpParser parser(HttpParser::Mode::Response);
        parser.append("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                      "Transfer-Encoding: chunked\r\n\r\n7\r\ndata: 1\r\n");
        QCOMPARE(parser.next(), HttpParser::Event::Head);
        QCOMPARE(parser.responseHead().status, 200);
        QCOMPARE(parser.next(), HttpParser::Event::Body);
        QCOMPARE(parser.takeBody(), QByteArray("data: 1"));
        QCOMPARE(parser.next(), HttpParser::Event::NeedMore); // relayed before the rest exists
        parser.append("0\r\n\r\n");
        QCOMPARE(parser.next(), HttpParser::Event::Done);
    }

    void responseUntilClose()
    {
        HttpParser parser(HttpParser::Mode::Response);
        parser.append("HTTP/1.0 200 OK\r\n\r\nabc");
        QCOMPARE(parser.next(), HttpParser::Event::Head);
        QVERIFY(!parser.responseHead().keepAlive());
        QCOMPARE(parser.next(), HttpParser::Event::Body);
        QCOMPARE(parser.takeBody(), QByteArray("abc"));
        QCOMPARE(parser.next(), HttpParser::Event::NeedMore);
        parser.finishInput();
        QCOMPARE(parser.next(), HttpParser::Event::Done);
    }

    void truncatedResponseIsAnError()
    {
        HttpParser parser(HttpParser::Mode::Response);
        parser.append("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
        QCOMPARE(parser.next(), HttpParser::Event::Head);
        QCOMPARE(parser.next(), HttpParser::Event::Body);
        parser.takeBody();
        parser.finishInput();
        QCOMPARE(parser.next(), HttpParser::Event::Error);
        QCOMPARE(parser.error(), HttpParser::Error::Truncated);
    }

    void noBodyStatuses()
    {
        HttpParser parser(HttpParser::Mode::Response);
        parser.append("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        QCOMPARE(parser.next(), HttpParser::Event::Head);
        QCOMPARE(parser.next(), HttpParser::Event::Done);
        QCOMPARE(parser.next(), HttpParser::Event::Head);
        QCOMPARE(parser.responseHead().status, 200);
        QCOMPARE(parser.next(), HttpParser::Event::Done);
    }

    void bareLineFeedsAreAccepted()
    {
        HttpParser parser(HttpParser::Mode::Request);
        const Parsed p = feed(parser, {"POST /x HTTP/1.1\nHost: a\nContent-Length: 2\n\nok"});
        QCOMPARE(p.bodies, QList<QByteArray>{"ok"});
    }
};

QTEST_APPLESS_MAIN(TestHttpParser)
#include "tst_httpparser.moc"
