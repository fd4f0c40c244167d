#include "clientsocket.h"
#include "httpserver.h"

#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>

#include <unistd.h>

using namespace patchbay;

// The gateway's side of a client connection, against a real QTcpSocket client over loopback:
// what one side sends the other gets, whole and in order, and every way a connection ends is
// reported once.
class TestClientSocket : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init()
    {
        m_accepted.clear();
        m_server = std::make_unique<DescriptorServer>([this](qintptr fd) { m_accepted.append(new ClientSocket(fd, this)); });
        QVERIFY(m_server->listen(QHostAddress::LocalHost, 0));
        m_client = std::make_unique<QTcpSocket>();
        m_client->connectToHost(QHostAddress::LocalHost, m_server->serverPort());
        QVERIFY(m_client->waitForConnected(2000));
        QTRY_COMPARE(m_accepted.size(), 1);
        m_socket = m_accepted.first();
    }

    void cleanup()
    {
        m_client.reset();
        qDeleteAll(m_accepted);
        m_accepted.clear();
        m_server.reset();
    }

    void readsWhatTheClientSends()
    {
        QSignalSpy ready(m_socket, &ClientSocket::readyRead);
        m_client->write("GET / HTTP/1.1\r\n\r\n");
        QTRY_VERIFY(ready.count() > 0);
        QCOMPARE(m_socket->readAll(), QByteArray("GET / HTTP/1.1\r\n\r\n"));
        QCOMPARE(m_socket->readAll(), QByteArray()); // taken
        // More than one read's worth arrives whole.
        const QByteArray big = pattern(1 << 20);
        m_client->write(big);
        QByteArray got;
        QTRY_VERIFY_WITH_TIMEOUT((got += m_socket->readAll()).size() >= big.size(), 10'000);
        QVERIFY(got == big);
        QVERIFY(m_socket->isConnected());
    }

    void clientClosingIsReportedOnce()
    {
        QSignalSpy gone(m_socket, &ClientSocket::disconnected);
        QSignalSpy ready(m_socket, &ClientSocket::readyRead);
        m_client->write("last words");
        m_client->disconnectFromHost();
        QTRY_COMPARE(gone.count(), 1);
        QCOMPARE(m_socket->readAll(), QByteArray("last words")); // what came before the close stays
        QVERIFY(!m_socket->isConnected());
        QTest::qWait(50);
        QCOMPARE(gone.count(), 1);
    }

    void largeAnswerToASlowReaderArrivesWhole()
    {
        m_client->setReadBufferSize(4096); // reads little until asked
        const QByteArray big = pattern(8 << 20);
        QSignalSpy written(m_socket, &ClientSocket::bytesWritten);
        m_socket->write(big);
        QVERIFY(m_socket->bytesToWrite() > 0); // the kernel could not take 8 MiB at once
        QTest::qWait(100);
        m_client->setReadBufferSize(0);
        QByteArray got;
        QVERIFY(QTest::qWaitFor([&] { return (got += m_client->readAll()).size() >= big.size(); }, 20'000));
        QVERIFY(got == big);
        QTRY_COMPARE(m_socket->bytesToWrite(), 0);
        qint64 reported = 0;
        for (const QList<QVariant> &args : std::as_const(written))
            reported += args.first().toLongLong();
        QVERIFY(reported > 0 && reported < big.size()); // the rest went at once, unreported
    }

    void disconnectWaitsForWhatIsQueued()
    {
        m_client->setReadBufferSize(4096);
        const QByteArray big = pattern(4 << 20);
        QSignalSpy gone(m_socket, &ClientSocket::disconnected);
        m_socket->write(big);
        m_socket->disconnectFromHost();
        QCOMPARE(gone.count(), 0); // bytes still queued
        m_socket->write("ignored"); // nothing more once closing
        m_client->setReadBufferSize(0);
        QByteArray got;
        QVERIFY(QTest::qWaitFor([&] {
            got += m_client->readAll();
            return m_client->state() == QAbstractSocket::UnconnectedState;
        }, 20'000));
        got += m_client->readAll();
        QVERIFY(got == big);
        QCOMPARE(gone.count(), 1);
    }

    void disconnectWithNothingQueuedIsImmediate()
    {
        QSignalSpy gone(m_socket, &ClientSocket::disconnected);
        m_socket->write("bye");
        m_socket->disconnectFromHost();
        QCOMPARE(gone.count(), 1); // at once, as QTcpSocket does
        QVERIFY(!m_socket->isConnected());
        QTRY_COMPARE(m_client->state(), QAbstractSocket::UnconnectedState);
        QCOMPARE(m_client->readAll(), QByteArray("bye"));
    }

    void writingToAResetConnectionFailsLaterNotInsideWrite()
    {
        QSignalSpy gone(m_socket, &ClientSocket::disconnected);
        m_client->abort(); // RST
        QTest::qWait(50);
        // Whichever of read or write meets the reset first, it is reported from the event loop
        // and once; a write that fails does not report inside the call.
        for (int i = 0; i < 8 && m_socket->isConnected(); ++i) {
            const int before = int(gone.count());
            m_socket->write(pattern(256 * 1024));
            QCOMPARE(int(gone.count()), before);
            QTest::qWait(20);
        }
        QTRY_COMPARE(gone.count(), 1);
        QVERIFY(!m_socket->isConnected());
    }

    void coalescedPiecesGoTogetherAtTheEndOfTheTurn()
    {
        // Pieces of a stream wait for the event loop, then go in order, with a whole answer
        // written meanwhile after them.
        m_socket->write("event 1\n", ClientSocket::Send::Coalesced);
        m_socket->write("event 2\n", ClientSocket::Send::Coalesced);
        QCOMPARE(m_socket->bytesToWrite(), qint64(16));
        QVERIFY(!m_client->waitForReadyRead(100)); // blocks without turning this thread's loop
        QTRY_COMPARE(m_socket->bytesToWrite(), qint64(0));
        m_socket->write("event 3\n", ClientSocket::Send::Coalesced);
        m_socket->write("answer\n"); // Now: takes what waits along, in order
        QCOMPARE(m_socket->bytesToWrite(), qint64(0));
        QByteArray got;
        QTRY_VERIFY((got += m_client->readAll()).size() >= 31);
        QCOMPARE(got, QByteArray("event 1\nevent 2\nevent 3\nanswer\n"));
    }

    void disconnectSendsWhatWaitsForTheTurn()
    {
        QSignalSpy gone(m_socket, &ClientSocket::disconnected);
        m_socket->write("0\r\n\r\n", ClientSocket::Send::Coalesced);
        m_socket->disconnectFromHost();
        QCOMPARE(gone.count(), 1);
        QTRY_COMPARE(m_client->state(), QAbstractSocket::UnconnectedState);
        QCOMPARE(m_client->readAll(), QByteArray("0\r\n\r\n"));
    }

    void descriptorThatCannotBeUsedGivesAClosedSocket()
    {
        int fds[2];
        QCOMPARE(::pipe(fds), 0);
        ::close(fds[0]);
        ::close(fds[1]); // fds[0] names nothing now: fcntl refuses it
        ClientSocket socket(fds[0]);
        QVERIFY(!socket.isConnected());
        QSignalSpy gone(&socket, &ClientSocket::disconnected);
        socket.write("nothing", ClientSocket::Send::Coalesced);
        socket.write("nothing");
        socket.disconnectFromHost();
        QCOMPARE(socket.bytesToWrite(), qint64(0));
        QCOMPARE(gone.count(), 0);
    }

    void destroyingClosesTheConnection()
    {
        m_accepted.removeOne(m_socket);
        delete m_socket;
        QTRY_COMPARE(m_client->state(), QAbstractSocket::UnconnectedState);
    }

private:
    static QByteArray pattern(qsizetype size)
    {
        QByteArray b;
        b.reserve(size + 16);
        for (int i = 0; b.size() < size; ++i)
            b += QByteArray::number(i) + ',';
        b.truncate(size);
        return b;
    }

    std::unique_ptr<DescriptorServer> m_server;
    std::unique_ptr<QTcpSocket> m_client;
    QList<ClientSocket *> m_accepted;
    ClientSocket *m_socket = nullptr;
};

QTEST_MAIN(TestClientSocket)
#include "tst_clientsocket.moc"
