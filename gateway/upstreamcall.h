#pragma once

#include "appconfig.h"
#include "httpparser.h"
#include "upstreampool.h"
#include "upstreamtarget.h"

#include <QObject>
#include <QUrl>

class QTcpSocket;

namespace patchbay {

class UpstreamPool;

struct UpstreamRequest
{
    QUrl url;
    QByteArray method = "POST";
    HttpHeaders headers; // Host and Content-Length are added
    QByteArray body;
    ProviderTimeouts timeouts;
};

// One HTTP/1.1 exchange with a provider over a pooled keep-alive connection. The answer's
// body comes out as it arrives; reading can be paused while the client is slow, which lets
// TCP push back on the provider. A pooled connection found stale before any answer is
// retried once on a fresh one.
class UpstreamCall : public QObject, private UpstreamPool::Owner
{
    Q_OBJECT
public:
    enum class Failure { Connect, Timeout, ConnectionLost, Protocol };
    Q_ENUM(Failure)

    // Hears how the exchange goes: the head, the body piece by piece, then finished or failed
    // (never both, and nothing after either). Called directly, not through signals: a chat call
    // connected four signals and disconnected them again, which cost more than parsing the
    // answer's head. A receiver may end the call with deleteLater(), never with delete.
    class Receiver
    {
    public:
        virtual void upstreamHead(const HttpResponseHead &head) = 0;
        virtual void upstreamBody(const QByteArray &bytes) = 0;
        virtual void upstreamFinished() = 0;
        virtual void upstreamFailed(Failure failure, const QString &message) = 0;

    protected:
        ~Receiver() = default;
    };

    UpstreamCall(UpstreamPool *pool, UpstreamRequest request, Receiver *receiver, QObject *parent = nullptr);
    ~UpstreamCall() override;

    void start();
    // Drops the connection at once (it is not reused); no signal follows.
    void abort();
    void setPaused(bool paused);
    bool isFinished() const { return m_state == State::Finished; }

private:
    enum class State { Idle, Connecting, AwaitingHead, ReadingBody, Finished };

    void openSocket(bool allowReuse);
    void sendRequest();
    void process();
    void onDisconnected();
    void onSocketError();
    void socketReadyRead() override { process(); }
    void socketDisconnected() override { onDisconnected(); }
    void socketError() override { onSocketError(); }
    void poolGone() override;
    qint64 deadlineMs() const override { return m_deadlineMs; }
    void deadlinePassed() override;
    void arm(int ms); // the connect, first-byte or idle deadline that applies from now
    void disarm();
    void fail(Failure failure, const QString &message);
    void releaseSocket(bool reusable);
    QString hostLabel() const;

    UpstreamPool *m_pool;
    Receiver *m_receiver;
    UpstreamRequest m_request;
    UpstreamTarget m_target; // of m_request.url
    QTcpSocket *m_socket = nullptr;
    HttpParser m_parser;
    State m_state = State::Idle;
    bool m_reused = false;
    bool m_retried = false;
    bool m_paused = false;
    bool m_receivedAny = false;
    // Connect, first byte or idle, whichever applies now; the pool's tick checks it.
    qint64 m_deadlineMs = -1; // on the pool's clock; -1: nothing due
    int m_armedMs = 0;        // the span of the deadline, for the message
};

} // namespace patchbay
