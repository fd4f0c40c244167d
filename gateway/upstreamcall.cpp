#include "upstreamcall.h"

#include "socketsend.h"
#include "upstreampool.h"

#include <QPointer>
#include <QSslSocket>

namespace patchbay {

namespace {
constexpr qint64 kReadBufferBytes = 64 * 1024;
}

UpstreamCall::UpstreamCall(UpstreamPool *pool, UpstreamRequest request, Receiver *receiver, QObject *parent)
    : QObject(parent)
    , m_pool(pool)
    , m_receiver(receiver)
    , m_request(std::move(request))
    , m_target(UpstreamTarget::cached(m_request.url))
    , m_parser(HttpParser::Mode::Response, 64 * 1024, -1)
{
    if (m_request.method == "HEAD")
        m_parser.expectNoBody();
}

UpstreamCall::~UpstreamCall()
{
    releaseSocket(false);
}

void UpstreamCall::arm(int ms)
{
    m_deadlineMs = m_pool ? m_pool->nowMs() + ms : -1;
    m_armedMs = ms;
}

void UpstreamCall::disarm()
{
    m_deadlineMs = -1;
}

void UpstreamCall::deadlinePassed()
{
    m_deadlineMs = -1;
    const int ms = m_armedMs;
    switch (m_state) {
    case State::Connecting:
        fail(Failure::Timeout, QStringLiteral("Connecting to %1 took longer than %2 ms.").arg(hostLabel()).arg(ms));
        break;
    case State::AwaitingHead:
        fail(Failure::Timeout, QStringLiteral("%1 did not start answering within %2 ms.").arg(hostLabel()).arg(ms));
        break;
    case State::ReadingBody:
        fail(Failure::Timeout, QStringLiteral("%1 went silent for %2 ms in the middle of its answer.").arg(hostLabel()).arg(ms));
        break;
    default:
        break;
    }
}

void UpstreamCall::poolGone()
{
    m_socket = nullptr;
    m_pool = nullptr;
    disarm();
    m_state = State::Finished;
}

QString UpstreamCall::hostLabel() const
{
    return m_target.label;
}

void UpstreamCall::start()
{
    openSocket(true);
}

void UpstreamCall::openSocket(bool allowReuse)
{
    if (!m_pool) {
        fail(Failure::Connect, QStringLiteral("The gateway is shutting down."));
        return;
    }
    const bool tls = m_target.tls;
    m_socket = m_pool->acquire(m_target.poolKey, tls, allowReuse, this, &m_reused);
    if (m_reused) {
        sendRequest();
        return;
    }
    // A bounded buffer is what lets a paused relay push back on the provider through TCP.
    m_socket->setReadBufferSize(kReadBufferBytes);
    m_state = State::Connecting;
    arm(m_request.timeouts.connectMs);
    const quint16 port = m_target.port;
    if (tls) {
        auto *ssl = static_cast<QSslSocket *>(m_socket);
        // Once per new connection; the pool passes on every later event.
        connect(ssl, &QSslSocket::encrypted, this, &UpstreamCall::sendRequest, Qt::SingleShotConnection);
        ssl->connectToHostEncrypted(m_target.host, port);
    } else {
        connect(m_socket, &QTcpSocket::connected, this, &UpstreamCall::sendRequest, Qt::SingleShotConnection);
        m_socket->connectToHost(m_target.host, port);
    }
}

void UpstreamCall::sendRequest()
{
    if (!m_reused) // a pooled socket has it already
        m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    m_state = State::AwaitingHead;
    arm(m_request.timeouts.firstByteMs);
    QByteArray out;
    out.reserve(512 + m_request.body.size());
    out.append(m_request.method).append(' ').append(m_target.requestTarget).append(" HTTP/1.1\r\nHost: ");
    out.append(m_target.hostHeader).append("\r\n");
    for (const auto &h : m_request.headers.items())
        appendHeaderLine(out, h.first, h.second);
    if (!m_request.body.isEmpty() || m_request.method == "POST") {
        out += "Content-Length: ";
        appendNumber(out, m_request.body.size());
        out += "\r\n";
    }
    out += "\r\n";
    out += m_request.body;
    if (m_target.tls) {
        m_socket->write(out);
        m_socket->flush(); // send now rather than on the next turn of the event loop
    } else {
        sendNow(m_socket, out);
    }
}

void UpstreamCall::setPaused(bool paused)
{
    if (m_paused == paused)
        return;
    m_paused = paused;
    if (m_state == State::ReadingBody) {
        // A client that reads slowly is not a provider that went silent.
        if (paused)
            disarm();
        else
            arm(m_request.timeouts.idleMs);
    }
    if (!paused)
        QMetaObject::invokeMethod(this, &UpstreamCall::process, Qt::QueuedConnection);
}

void UpstreamCall::process()
{
    if (!m_socket || m_state == State::Finished || m_state == State::Connecting)
        return;
    QPointer<UpstreamCall> self(this);
    if (!m_paused && m_socket->bytesAvailable() > 0) {
        m_parser.append(m_socket->readAll());
        m_receivedAny = true;
    }
    while (!m_paused && self && m_state != State::Finished) {
        switch (m_parser.next()) {
        case HttpParser::Event::NeedMore:
            return;
        case HttpParser::Event::Head:
            m_state = State::ReadingBody;
            arm(m_request.timeouts.idleMs);
            m_receiver->upstreamHead(m_parser.responseHead());
            break;
        case HttpParser::Event::Body:
            if (!m_paused)
                arm(m_request.timeouts.idleMs);
            m_receiver->upstreamBody(m_parser.takeBody());
            break;
        case HttpParser::Event::Done:
            disarm();
            m_state = State::Finished;
            releaseSocket(m_parser.responseHead().keepAlive() && m_parser.unreadBytes() == 0);
            m_receiver->upstreamFinished();
            return;
        case HttpParser::Event::Error:
            if (m_parser.error() == HttpParser::Error::Truncated) {
                fail(Failure::ConnectionLost, QStringLiteral("%1 closed the connection in the middle of its answer.").arg(hostLabel()));
                return;
            }
            fail(Failure::Protocol, QStringLiteral("%1 sent an answer that is not valid HTTP: %2").arg(hostLabel(), m_parser.errorText()));
            return;
        }
    }
}

void UpstreamCall::onDisconnected()
{
    if (m_state == State::Finished || !m_socket)
        return;
    if (m_socket->bytesAvailable() > 0) {
        m_parser.append(m_socket->readAll());
        m_receivedAny = true;
    }
    if (m_reused && !m_receivedAny && !m_retried && m_state == State::AwaitingHead) {
        // The provider had closed the pooled connection while it sat idle.
        m_retried = true;
        releaseSocket(false);
        openSocket(false);
        return;
    }
    m_parser.finishInput();
    const bool wasPaused = m_paused;
    m_paused = false;
    process();
    m_paused = wasPaused;
    if (m_state != State::Finished)
        fail(Failure::ConnectionLost, m_receivedAny
                 ? QStringLiteral("%1 closed the connection in the middle of its answer.").arg(hostLabel())
                 : QStringLiteral("%1 closed the connection without answering.").arg(hostLabel()));
}

void UpstreamCall::onSocketError()
{
    if (m_state == State::Finished || !m_socket)
        return;
    const QAbstractSocket::SocketError error = m_socket->error();
    if (error == QAbstractSocket::RemoteHostClosedError)
        return; // disconnected() follows and knows whether the answer was complete
    if (m_state == State::Connecting)
        fail(Failure::Connect, QStringLiteral("Could not connect to %1: %2.").arg(hostLabel(), m_socket->errorString()));
    else if (m_reused && !m_receivedAny && !m_retried && m_state == State::AwaitingHead)
        onDisconnected();
    else
        fail(Failure::ConnectionLost, QStringLiteral("The connection to %1 failed: %2.").arg(hostLabel(), m_socket->errorString()));
}

void UpstreamCall::fail(Failure failure, const QString &message)
{
    if (m_state == State::Finished)
        return;
    disarm();
    m_state = State::Finished;
    releaseSocket(false);
    m_receiver->upstreamFailed(failure, message);
}

void UpstreamCall::abort()
{
    disarm();
    m_state = State::Finished;
    releaseSocket(false);
}

void UpstreamCall::releaseSocket(bool reusable)
{
    if (!m_socket)
        return;
    m_pool->release(std::exchange(m_socket, nullptr), reusable);
}

} // namespace patchbay
