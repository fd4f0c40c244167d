#include "sseparser.h"

#include <QTest>

using namespace patchbay;

class TestSseParser : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void eventsKeepTheirRawBytes()
    {
        SseParser parser;
        const QByteArray wire = "event: message_start\ndata: {\"a\":1}\n\n: keep-alive comment\n\ndata: [DONE]\n\n";
        const QList<SseEvent> events = parser.feed(wire);
        QCOMPARE(events.size(), 3);
        QCOMPARE(events[0].event, QByteArray("message_start"));
        QCOMPARE(events[0].data, QByteArray("{\"a\":1}"));
        QCOMPARE(events[2].data, QByteArray("[DONE]"));
        QByteArray joined;
        for (const SseEvent &e : events)
            joined += e.raw;
        QCOMPARE(joined, wire); // a relay passes the stream on byte for byte
    }

    void anySplitGivesTheSameEvents_data()
    {
        QTest::addColumn<QByteArray>("wire");
        QTest::newRow("lf") << QByteArray("data: one\n\ndata: two\ndata: lines\n\n");
        QTest::newRow("crlf") << QByteArray("data: one\r\n\r\ndata: two\r\ndata: lines\r\n\r\n");
        QTest::newRow("cr") << QByteArray("data: one\r\rdata: two\rdata: lines\r\r");
    }
    void anySplitGivesTheSameEvents()
    {
        QFETCH(QByteArray, wire);
        for (int step = 1; step <= wire.size(); ++step) {
            SseParser parser;
            QList<SseEvent> events;
            for (qsizetype i = 0; i < wire.size(); i += step)
                events += parser.feed(wire.mid(i, step));
            if (wire.endsWith("\r\r"))
                events += parser.feed("\n"); // a CR at the very end may still be half of a CRLF
            QCOMPARE(events.size(), 2);
            QCOMPARE(events[0].data, QByteArray("one"));
            QCOMPARE(events[1].data, QByteArray("two\nlines"));
        }
    }

    void incompleteEventWaits()
    {
        SseParser parser;
        QVERIFY(parser.feed("data: partial\n").isEmpty());
        QVERIFY(parser.pendingBytes() > 0);
        const QList<SseEvent> events = parser.feed("\n");
        QCOMPARE(events.size(), 1);
        QCOMPARE(events[0].data, QByteArray("partial"));
        QCOMPARE(parser.pendingBytes(), 0);
    }
};

QTEST_APPLESS_MAIN(TestSseParser)
#include "tst_sseparser.moc"
