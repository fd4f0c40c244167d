#pragma once

#include <QHash>
#include <QList>
#include <QObject>
#include <QString>

class QTcpSocket;

namespace patchbay {

// Keep-alive connections to the providers, per scheme/host/port, so a call skips the TCP and
// TLS handshakes. No cap per host: the provider's own limits are the only ones.
class UpstreamPool : public QObject
{
    Q_OBJECT
public:
    explicit UpstreamPool(QObject *parent = nullptr);
    ~UpstreamPool() override;

    static QString key(const QString &scheme, const QString &host, quint16 port);

    // An idle connected socket for key, or nullptr.
    QTcpSocket *takeIdle(const QString &key);
    // Gives a socket whose exchange ended cleanly back for reuse.
    void putIdle(const QString &key, QTcpSocket *socket);
    int idleCount(const QString &key) const;
    void clear();

    // Idle connections are closed after this long; providers drop theirs after about a minute.
    static constexpr int kIdleTimeoutMs = 30'000;

private:
    void forget(QTcpSocket *socket);

    QHash<QString, QList<QTcpSocket *>> m_idle;
};

} // namespace patchbay
