#include "upstreampool.h"

#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QThread>

#include <atomic>

using namespace patchbay;

namespace {

// Stands in for an exchange: counts what the pool passes on.
class Owner final : public UpstreamPool::Owner
{
public:
    int readyReads = 0;
    qint64 deadline = -1;
    std::atomic<int> deadlinesPassed = 0;
    std::atomic<qint64> passedAt = -1; // on the pool's clock
    UpstreamPool *pool = nullptr;
    void socketReadyRead() override { ++readyReads; }
    void socketDisconnected() override {}
    void socketError() override {}
    void poolGone() override {}
    qint64 deadlineMs() const override { return deadline; }
    void deadlinePassed() override
    {
        ++deadlinesPassed;
        passedAt = pool->nowMs();
        deadline = -1; // as an exchange does when it gives up
    }
};

} // namespace

// The pool on its own thread, as the gateway runs it: idle sockets are reused, swept after
// the idle limit, and closed when the provider speaks or hangs up out of turn.
class TestUpstreamPool : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init()
    {
        QVERIFY(m_provider.listen(QHostAddress::LocalHost));
        connect(&m_provider, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = m_provider.nextPendingConnection())
                m_accepted.append(s);
        });
        m_key = UpstreamPool::key(QStringLiteral("http"), QStringLiteral("127.0.0.1"), m_provider.serverPort());
        m_pool = new UpstreamPool;
        m_pool->setIdleTimeoutMs(kIdleMs);
        m_pool->moveToThread(&m_thread);
        m_thread.start();
    }

    void cleanup()
    {
        QMetaObject::invokeMethod(m_pool, [this] { delete m_pool; }, Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
        qDeleteAll(m_accepted);
        m_accepted.clear();
        m_provider.close();
    }

    void idleSocketIsReusedThenSweptOnItsThread()
    {
        QVERIFY(connectAndRelease());
        QCOMPARE(idleCount(), 1);
        // Taken again while fresh: the same connection, no new one at the provider.
        bool reused = false;
        Owner owner;
        onPoolThread([&] {
            QTcpSocket *s = m_pool->acquire(m_key, false, true, &owner, &reused);
            m_pool->release(s, true);
        });
        QVERIFY(reused);
        QCOMPARE(m_accepted.size(), 1);
        // Left alone, the sweep (a timer on the pool's thread) closes it.
        QTRY_COMPARE_WITH_TIMEOUT(idleCount(), 0, 20 * kIdleMs);
        QTRY_COMPARE_WITH_TIMEOUT(m_accepted.first()->state(), QAbstractSocket::UnconnectedState, 5000);
    }

    void idleSocketThatSpeaksIsClosed()
    {
        QVERIFY(connectAndRelease());
        QTRY_COMPARE(m_accepted.size(), 1);
        m_accepted.first()->write("HTTP/1.1 200 OK\r\n\r\n"); // out of turn: nobody asked
        QTRY_COMPARE_WITH_TIMEOUT(idleCount(), 0, 5000);
    }

    void deadlinesAreCheckedWhileSocketsAreInUse()
    {
        // Three exchanges in flight: one due in 200 ms, one that keeps moving its deadline on,
        // one that waits for nothing. Only the first is told, not before its time and at most
        // a few ticks after it (a loaded machine may delay a tick).
        Owner due, moving, waiting;
        qint64 armedAt = 0;
        QList<QTcpSocket *> sockets;
        onPoolThread([&] {
            bool reused = false;
            for (Owner *o : {&due, &moving, &waiting}) {
                o->pool = m_pool;
                sockets.append(m_pool->acquire(m_key, false, false, o, &reused));
            }
            armedAt = m_pool->nowMs();
            due.deadline = armedAt + 200;
            moving.deadline = armedAt + 200;
        });
        QElapsedTimer span;
        span.start();
        while (span.elapsed() < 600) {
            onPoolThread([&] { moving.deadline = m_pool->nowMs() + 200; });
            QTest::qWait(50);
        }
        QCOMPARE(due.deadlinesPassed.load(), 1);
        QVERIFY(due.passedAt >= armedAt + 200);
        QVERIFY2(due.passedAt <= armedAt + 200 + 10 * UpstreamPool::kTickMs, qPrintable(QString::number(due.passedAt - armedAt)));
        QCOMPARE(moving.deadlinesPassed.load(), 0);
        QCOMPARE(waiting.deadlinesPassed.load(), 0);
        onPoolThread([&] {
            for (QTcpSocket *s : std::as_const(sockets))
                m_pool->release(s, false);
        });
    }

private:
    static constexpr int kIdleMs = 300;

    template <typename F>
    void onPoolThread(F f)
    {
        QMetaObject::invokeMethod(m_pool, f, Qt::BlockingQueuedConnection);
    }

    int idleCount()
    {
        int n = -1;
        onPoolThread([&] { n = m_pool->idleCount(m_key); });
        return n;
    }

    // A connection made for one exchange and handed back for reuse.
    bool connectAndRelease()
    {
        Owner owner;
        QTcpSocket *socket = nullptr;
        bool reused = true;
        onPoolThread([&] {
            socket = m_pool->acquire(m_key, false, true, &owner, &reused);
            socket->connectToHost(QHostAddress::LocalHost, m_provider.serverPort());
        });
        bool connected = false;
        for (int i = 0; i < 200 && !connected; ++i) {
            QTest::qWait(10);
            onPoolThread([&] { connected = socket->state() == QAbstractSocket::ConnectedState; });
        }
        if (!connected || reused)
            return false;
        onPoolThread([&] { m_pool->release(socket, true); });
        return true;
    }

    QTcpServer m_provider;
    QList<QTcpSocket *> m_accepted;
    QThread m_thread;
    UpstreamPool *m_pool = nullptr;
    QString m_key;
};

QTEST_MAIN(TestUpstreamPool)
#include "tst_upstreampool.moc"
