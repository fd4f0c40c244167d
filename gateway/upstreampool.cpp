#include "upstreampool.h"

#include <QTcpSocket>
#include <QTimer>

namespace patchbay {

UpstreamPool::UpstreamPool(QObject *parent)
    : QObject(parent)
{
}

UpstreamPool::~UpstreamPool()
{
    clear();
}

QString UpstreamPool::key(const QString &scheme, const QString &host, quint16 port)
{
    return scheme + QLatin1String("://") + host + QLatin1Char(':') + QString::number(port);
}

QTcpSocket *UpstreamPool::takeIdle(const QString &key)
{
    auto it = m_idle.find(key);
    while (it != m_idle.end() && !it->isEmpty()) {
        QTcpSocket *socket = it->takeLast(); // the most recently used is the least likely stale
        disconnect(socket, nullptr, this, nullptr);
        if (auto *timer = socket->findChild<QTimer *>(QStringLiteral("idle")))
            delete timer;
        if (socket->state() == QAbstractSocket::ConnectedState && socket->bytesAvailable() == 0)
            return socket;
        socket->abort();
        socket->deleteLater();
    }
    return nullptr;
}

void UpstreamPool::putIdle(const QString &key, QTcpSocket *socket)
{
    if (socket->state() != QAbstractSocket::ConnectedState) {
        socket->deleteLater();
        return;
    }
    disconnect(socket, nullptr, nullptr, nullptr);
    socket->setParent(this);
    m_idle[key].append(socket);
    // An idle connection that closes or speaks out of turn is of no more use.
    connect(socket, &QTcpSocket::disconnected, this, [this, socket] { forget(socket); });
    connect(socket, &QTcpSocket::readyRead, this, [this, socket] { forget(socket); });
    auto *timer = new QTimer(socket);
    timer->setObjectName(QStringLiteral("idle"));
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, this, [this, socket] { forget(socket); });
    timer->start(kIdleTimeoutMs);
}

int UpstreamPool::idleCount(const QString &key) const
{
    return static_cast<int>(m_idle.value(key).size());
}

void UpstreamPool::clear()
{
    for (auto &list : m_idle) {
        for (QTcpSocket *s : list) {
            disconnect(s, nullptr, this, nullptr);
            s->abort();
            s->deleteLater();
        }
    }
    m_idle.clear();
}

void UpstreamPool::forget(QTcpSocket *socket)
{
    for (auto &list : m_idle) {
        if (list.removeOne(socket)) {
            disconnect(socket, nullptr, this, nullptr);
            socket->abort();
            socket->deleteLater();
            return;
        }
    }
}

} // namespace patchbay
