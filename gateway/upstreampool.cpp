#include "upstreampool.h"

#include <QSslSocket>
#include <QTcpSocket>

namespace patchbay {

UpstreamPool::UpstreamPool(QObject *parent)
    : QObject(parent)
    , m_sweep(this) // a child, so it follows the pool to the gateway thread
    , m_tick(this)
{
    m_clock.start();
    m_tick.setInterval(kTickMs);
    connect(&m_tick, &QTimer::timeout, this, &UpstreamPool::tick);
    // One sweep for all idle sockets; a socket may so live up to a third longer than the limit.
    m_sweep.setInterval(m_idleTimeoutMs / 3);
    connect(&m_sweep, &QTimer::timeout, this, &UpstreamPool::sweep);
}

UpstreamPool::~UpstreamPool()
{
    clear();
    // Sockets still owned by an exchange go with the pool, their parent: stop their events and
    // tell their owners, which must not hand them back.
    for (auto it = m_sockets.begin(); it != m_sockets.end(); ++it) {
        disconnect(it.key(), nullptr, this, nullptr);
        if (it->owner)
            it->owner->poolGone();
    }
}

void UpstreamPool::setIdleTimeoutMs(int ms)
{
    m_idleTimeoutMs = ms;
    m_sweep.setInterval(qMax(1, ms / 3));
}

QString UpstreamPool::key(const QString &scheme, const QString &host, quint16 port)
{
    return scheme + QLatin1String("://") + host + QLatin1Char(':') + QString::number(port);
}

QTcpSocket *UpstreamPool::create(const QString &key, bool tls)
{
    QTcpSocket *socket = tls ? new QSslSocket(this) : new QTcpSocket(this);
    m_sockets.insert(socket, Slot{key, nullptr, 0});
    connect(socket, &QTcpSocket::readyRead, this, [this, socket] { dispatch(socket, &Owner::socketReadyRead); });
    connect(socket, &QTcpSocket::disconnected, this, [this, socket] { dispatch(socket, &Owner::socketDisconnected); });
    connect(socket, &QTcpSocket::errorOccurred, this, [this, socket] { dispatch(socket, &Owner::socketError); });
    return socket;
}

void UpstreamPool::dispatch(QTcpSocket *socket, void (Owner::*handler)())
{
    const auto it = m_sockets.constFind(socket);
    if (it == m_sockets.constEnd())
        return;
    if (Owner *owner = it->owner) {
        (owner->*handler)(); // may release the socket, or end the owner; nothing is touched after
        return;
    }
    // An idle connection that closes, fails or speaks out of turn is of no more use.
    close(socket);
}

QTcpSocket *UpstreamPool::acquire(const QString &key, bool tls, bool allowReuse, Owner *owner, bool *reused)
{
    *reused = false;
    auto idle = allowReuse ? m_idle.find(key) : m_idle.end();
    while (idle != m_idle.end() && !idle->isEmpty()) {
        QTcpSocket *socket = idle->takeLast(); // the most recently used is the least likely stale
        if (socket->state() == QAbstractSocket::ConnectedState && socket->bytesAvailable() == 0) {
            m_sockets[socket].owner = owner;
            *reused = true;
            if (!m_tick.isActive())
                m_tick.start();
            return socket;
        }
        close(socket);
    }
    QTcpSocket *socket = create(key, tls);
    m_sockets[socket].owner = owner;
    if (!m_tick.isActive())
        m_tick.start();
    return socket;
}

void UpstreamPool::release(QTcpSocket *socket, bool reusable)
{
    const auto it = m_sockets.find(socket);
    if (it == m_sockets.end())
        return;
    it->owner = nullptr;
    if (!reusable || socket->state() != QAbstractSocket::ConnectedState) {
        close(socket);
        return;
    }
    it->idleSinceMs = m_clock.elapsed();
    m_idle[it->key].append(socket);
    if (!m_sweep.isActive())
        m_sweep.start();
}

void UpstreamPool::close(QTcpSocket *socket)
{
    const auto it = m_sockets.find(socket);
    if (it == m_sockets.end())
        return;
    if (it->owner == nullptr) {
        const auto idle = m_idle.find(it->key);
        if (idle != m_idle.end())
            idle->removeOne(socket);
    }
    m_sockets.erase(it);
    disconnect(socket, nullptr, this, nullptr);
    socket->abort();
    socket->deleteLater();
}

void UpstreamPool::sweep()
{
    const qint64 cutoff = m_clock.elapsed() - m_idleTimeoutMs;
    QList<QTcpSocket *> stale;
    bool anyLeft = false;
    for (const QList<QTcpSocket *> &list : std::as_const(m_idle)) {
        for (QTcpSocket *socket : list) {
            if (m_sockets.value(socket).idleSinceMs <= cutoff)
                stale.append(socket);
            else
                anyLeft = true;
        }
    }
    for (QTcpSocket *socket : std::as_const(stale))
        close(socket);
    if (!anyLeft)
        m_sweep.stop();
}

void UpstreamPool::tick()
{
    const qint64 now = nowMs();
    QList<QTcpSocket *> due;
    bool anyOwned = false;
    for (auto it = m_sockets.cbegin(); it != m_sockets.cend(); ++it) {
        if (!it->owner)
            continue;
        anyOwned = true;
        const qint64 deadline = it->owner->deadlineMs();
        if (deadline >= 0 && deadline <= now)
            due.append(it.key());
    }
    // An owner that gives up releases its socket, and may end other exchanges with it: each is
    // looked up again before it is told.
    for (QTcpSocket *socket : std::as_const(due)) {
        const auto it = m_sockets.constFind(socket);
        if (it == m_sockets.constEnd() || !it->owner)
            continue;
        const qint64 deadline = it->owner->deadlineMs();
        if (deadline >= 0 && deadline <= now)
            it->owner->deadlinePassed();
    }
    if (!anyOwned)
        m_tick.stop();
}

int UpstreamPool::idleCount(const QString &key) const
{
    return static_cast<int>(m_idle.value(key).size());
}

void UpstreamPool::clear()
{
    QList<QTcpSocket *> idle;
    for (const QList<QTcpSocket *> &list : std::as_const(m_idle))
        idle += list;
    for (QTcpSocket *socket : std::as_const(idle))
        close(socket);
    m_idle.clear();
    m_sweep.stop();
}

} // namespace patchbay
