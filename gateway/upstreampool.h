#pragma once

#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QObject>
#include <QString>
#include <QTimer>

class QTcpSocket;

namespace patchbay {

// Keep-alive connections to the providers, per scheme/host/port, so a call skips the TCP and
// TLS handshakes. No cap per host: the provider's own limits are the only ones.
//
// The pool makes every socket and connects its signals once, for the socket's whole life, and
// passes them to whichever exchange owns the socket now: connecting and disconnecting signals
// on every call, and a timer per idle socket, cost more than the call's own parsing did.
class UpstreamPool : public QObject
{
    Q_OBJECT
public:
    // Receives the events of a socket while an exchange owns it.
    class Owner
    {
    public:
        virtual void socketReadyRead() = 0;
        virtual void socketDisconnected() = 0;
        virtual void socketError() = 0;
        // The pool is being destroyed and its sockets with it.
        virtual void poolGone() = 0;
        // When the exchange gives up waiting, on nowMs()'s clock; -1: it is not waiting.
        virtual qint64 deadlineMs() const = 0;
        // deadlineMs() has passed (checked every kTickMs while sockets are in use).
        virtual void deadlinePassed() = 0;

    protected:
        ~Owner() = default;
    };

    explicit UpstreamPool(QObject *parent = nullptr);
    ~UpstreamPool() override;

    static QString key(const QString &scheme, const QString &host, quint16 port);

    // A connected idle socket for key when allowReuse and one is left (*reused = true), or a
    // new unconnected one, TLS or plain. Its events go to owner until release().
    QTcpSocket *acquire(const QString &key, bool tls, bool allowReuse, Owner *owner, bool *reused);
    // The exchange is over. A reusable socket waits for the next call; any other is closed.
    void release(QTcpSocket *socket, bool reusable);
    int idleCount(const QString &key) const;
    void clear();

    // Idle connections are closed after this long; providers drop theirs after about a minute.
    static constexpr int kIdleTimeoutMs = 30'000;
    void setIdleTimeoutMs(int ms); // for tests

    // The clock of the owners' deadlines. One tick for every exchange in flight instead of a
    // QTimer each: registering a timer with the event dispatcher on every call cost more than
    // looking at every exchange's deadline a few times a second. Deadlines so fire up to one
    // tick late; they are connect, first-byte and idle limits of hundreds of ms and more.
    qint64 nowMs() const { return m_clock.elapsed(); }
    static constexpr int kTickMs = 50;

private:
    struct Slot
    {
        QString key;
        Owner *owner = nullptr; // nullptr while idle
        qint64 idleSinceMs = 0;
    };
    QTcpSocket *create(const QString &key, bool tls);
    void dispatch(QTcpSocket *socket, void (Owner::*handler)());
    void close(QTcpSocket *socket);
    void sweep();
    void tick();

    QHash<QTcpSocket *, Slot> m_sockets; // every socket alive, idle or in use
    QHash<QString, QList<QTcpSocket *>> m_idle;
    QElapsedTimer m_clock;
    int m_idleTimeoutMs = kIdleTimeoutMs;
    QTimer m_sweep;
    QTimer m_tick; // runs while any socket has an owner
};

} // namespace patchbay
