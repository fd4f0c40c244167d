#include "httpserver.h"

#include <QTcpSocket>
#include <QTest>

using namespace patchbay;

// The connection's own clocks: an idle keep-alive connection is closed, any request moves
// that deadline, a slow handler is not idle, and a head that trickles in has its own limit.
class TestHttpConnection : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init()
    {
        m_server = std::make_unique<HttpServer>([this](HttpConnection *c) {
            if (c->request().path() == "/slow") {
                // Answers after longer than the idle limit: a request in progress is not idleness.
                QTimer::singleShot(2 * kIdleMs, c, [c] { c->respond(200, {}, "late"); });
                return;
            }
            if (c->request().path() == "/big") {
                c->respond(200, {}, bigBody());
                return;
            }
            c->respond(200, {}, "ok");
        });
        GatewayLimits limits;
        limits.idleTimeoutMs = kIdleMs;
        limits.headerTimeoutMs = kIdleMs * 3;
        m_server->setLimits(limits);
        QString error;
        QVERIFY2(m_server->listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));
    }

    void idleConnectionIsClosedAfterItsLastRequest()
    {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_server->port());
        QVERIFY(socket.waitForConnected(2000));
        // Requests closer together than the limit, for longer than the limit in all: each one
        // moves the deadline, so the connection stays.
        QElapsedTimer span;
        span.start();
        while (span.elapsed() < 3 * kIdleMs) {
            QVERIFY(exchange(&socket, "/fast").endsWith("ok"));
            QTest::qWait(kIdleMs / 4);
        }
        QCOMPARE(socket.state(), QAbstractSocket::ConnectedState);
        // Then silence: the server closes it.
        QTRY_COMPARE_WITH_TIMEOUT(socket.state(), QAbstractSocket::UnconnectedState, 10 * kIdleMs);
    }

    void requestInProgressIsNotIdle()
    {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_server->port());
        QVERIFY(socket.waitForConnected(2000));
        QVERIFY(exchange(&socket, "/slow").endsWith("late"));
        QCOMPARE(socket.state(), QAbstractSocket::ConnectedState);
    }

    void headThatTricklesInIsTimedOut()
    {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_server->port());
        QVERIFY(socket.waitForConnected(2000));
        // A byte now and then keeps the connection from being idle, but the head never ends.
        QByteArray received;
        for (int i = 0; i < 40 && !received.contains("408"); ++i) {
            socket.write(i == 0 ? QByteArray("GET /fast HTTP/1.1\r\nX-Drip: ") : QByteArray("a"));
            QTest::qWait(kIdleMs / 3);
            received += socket.readAll();
        }
        QVERIFY2(received.startsWith("HTTP/1.1 408"), received.constData());
    }

    void answerLargerThanTheSocketBufferArrivesWhole()
    {
        // The kernel takes part of it at once; the rest waits in the connection's buffer until
        // this client, which reads only after a pause, makes room.
        QTcpSocket socket;
        socket.setReadBufferSize(4096); // a slow reader: it takes little until it is asked
        socket.connectToHost(QHostAddress::LocalHost, m_server->port());
        QVERIFY(socket.waitForConnected(2000));
        socket.write("GET /big HTTP/1.1\r\nHost: localhost\r\n\r\n");
        QTest::qWait(200);
        socket.setReadBufferSize(0);
        const QByteArray expected = bigBody();
        QByteArray received;
        QVERIFY(QTest::qWaitFor([&] {
            received += socket.readAll();
            return received.endsWith(expected.right(64)) && received.size() >= expected.size();
        }, 20'000));
        const qsizetype bodyAt = received.indexOf("\r\n\r\n") + 4;
        QVERIFY(received.startsWith("HTTP/1.1 200"));
        QVERIFY(received.contains("Content-Length: " + QByteArray::number(expected.size()) + "\r\n"));
        QCOMPARE(received.size() - bodyAt, expected.size());
        QVERIFY(received.mid(bodyAt) == expected);
    }

    void connectionCloseEndsAfterTheWholeAnswer()
    {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_server->port());
        QVERIFY(socket.waitForConnected(2000));
        socket.write("GET /big HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        QByteArray received;
        QVERIFY(QTest::qWaitFor([&] {
            received += socket.readAll();
            return socket.state() == QAbstractSocket::UnconnectedState;
        }, 20'000));
        received += socket.readAll();
        QVERIFY(received.contains("Connection: close\r\n"));
        QVERIFY(received.endsWith(bigBody().right(64)));
        QCOMPARE(received.size() - (received.indexOf("\r\n\r\n") + 4), bigBody().size());
    }

private:
    static constexpr int kIdleMs = 400;

    // 8 MiB that no two offsets repeat in step, so a lost or doubled piece shows.
    static QByteArray bigBody()
    {
        static const QByteArray body = [] {
            QByteArray b;
            b.reserve(8 << 20);
            for (int i = 0; b.size() < (8 << 20); ++i)
                b += QByteArray::number(i) + ',';
            return b;
        }();
        return body;
    }

    // The server runs on this thread, so waiting must keep its event loop turning.
    static QByteArray exchange(QTcpSocket *socket, const QByteArray &path)
    {
        socket->write("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
        QByteArray received;
        const bool answered = QTest::qWaitFor([&] {
            received += socket->readAll();
            return received.endsWith("ok") || received.endsWith("late");
        }, 10'000);
        return answered ? received : QByteArray();
    }

    std::unique_ptr<HttpServer> m_server;
};

QTEST_MAIN(TestHttpConnection)
#include "tst_httpconnection.moc"
