#include "clientsocket.h"

#include <QSocketNotifier>
#include <QTimer>

#include <cerrno>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace patchbay {

namespace {
// One read takes what a request or a pipelined burst of them usually is; more loops.
constexpr qsizetype kReadChunk = 16 * 1024;
}

ClientSocket::ClientSocket(qintptr descriptor, QObject *parent)
    : QObject(parent)
    , m_fd(int(descriptor))
{
    const int flags = ::fcntl(m_fd, F_GETFL);
    if (flags < 0 || ::fcntl(m_fd, F_SETFL, flags | O_NONBLOCK) < 0) {
        closeNow();
        return;
    }
    m_readNotifier = new QSocketNotifier(m_fd, QSocketNotifier::Read, this);
    m_writeNotifier = new QSocketNotifier(m_fd, QSocketNotifier::Write, this);
    m_writeNotifier->setEnabled(false); // only while something waits for room
    m_flush = new QTimer(this);
    m_flush->setSingleShot(true);
    m_flush->setInterval(0);
    connect(m_flush, &QTimer::timeout, this, &ClientSocket::flushCoalesced);
    connect(m_readNotifier, &QSocketNotifier::activated, this, &ClientSocket::onReadable);
    connect(m_writeNotifier, &QSocketNotifier::activated, this, &ClientSocket::onWritable);
}

ClientSocket::~ClientSocket()
{
    closeNow();
}

void ClientSocket::setNoDelay()
{
    const int on = 1;
    if (m_fd >= 0)
        ::setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
}

void ClientSocket::onReadable()
{
    const qsizetype before = m_input.size();
    bool closed = false;
    for (;;) {
        char chunk[kReadChunk];
        const ssize_t n = ::read(m_fd, chunk, sizeof chunk);
        if (n > 0) {
            m_input.append(chunk, n);
            if (n < ssize_t(sizeof chunk))
                break; // the kernel had no more
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        closed = true; // 0: the peer closed; below 0: the connection failed
        break;
    }
    if (m_input.size() > before)
        Q_EMIT readyRead();
    if (closed && m_fd >= 0) {
        closeNow();
        Q_EMIT disconnected();
    }
}

void ClientSocket::write(const QByteArray &bytes, Send when)
{
    if (m_fd < 0 || m_closing || bytes.isEmpty())
        return;
    if (bytesToWrite() == 0) {
        m_output = bytes; // shared, not copied
        m_outputSent = 0;
    } else {
        m_output += bytes;
    }
    if (m_writeNotifier->isEnabled())
        return; // waiting for room already
    if (when == Send::Coalesced) {
        if (!m_flush->isActive())
            m_flush->start();
        return;
    }
    // Nothing is reported from here: like QTcpSocket, bytesWritten() comes from the event loop.
    if (sendQueued() < 0)
        failLater();
}

void ClientSocket::flushCoalesced()
{
    if (m_fd < 0 || m_writeNotifier->isEnabled())
        return;
    if (sendQueued() < 0) {
        closeNow();
        Q_EMIT disconnected();
    }
}

qint64 ClientSocket::sendQueued()
{
    qint64 sent = 0;
    while (m_outputSent < m_output.size()) {
        const ssize_t n = ::send(m_fd, m_output.constData() + m_outputSent, size_t(m_output.size() - m_outputSent),
                                 MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            m_outputSent += n;
            sent += n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        return -1;
    }
    if (m_outputSent == m_output.size()) {
        m_output.clear();
        m_outputSent = 0;
    } else if (m_outputSent > 256 * 1024) {
        m_output.remove(0, m_outputSent); // what was sent of a long backlog goes
        m_outputSent = 0;
    }
    m_writeNotifier->setEnabled(bytesToWrite() > 0);
    return sent;
}

void ClientSocket::onWritable()
{
    const qint64 sent = sendQueued();
    if (sent < 0) {
        closeNow();
        Q_EMIT disconnected();
        return;
    }
    if (sent > 0)
        Q_EMIT bytesWritten(sent);
    if (m_fd < 0)
        return; // a receiver of bytesWritten closed it
    if (m_closing && bytesToWrite() == 0) {
        closeNow();
        Q_EMIT disconnected();
    }
}

void ClientSocket::failLater()
{
    // The caller is in the middle of an answer; it hears of the failure from the event loop,
    // as QTcpSocket would tell it.
    m_readNotifier->setEnabled(false);
    m_writeNotifier->setEnabled(false);
    m_output.clear();
    m_outputSent = 0;
    QMetaObject::invokeMethod(this, [this] {
        if (m_fd < 0)
            return;
        closeNow();
        Q_EMIT disconnected();
    }, Qt::QueuedConnection);
}

void ClientSocket::disconnectFromHost()
{
    if (m_fd < 0 || m_closing)
        return;
    m_closing = true;
    m_readNotifier->setEnabled(false); // a closing connection takes no more requests
    if (bytesToWrite() > 0 && !m_writeNotifier->isEnabled() && sendQueued() < 0) {
        closeNow(); // what waited for the end of the turn could not go
        Q_EMIT disconnected();
        return;
    }
    if (bytesToWrite() == 0) {
        closeNow();
        Q_EMIT disconnected();
    }
}

void ClientSocket::closeNow()
{
    if (m_fd < 0)
        return;
    // Off before the descriptor goes, and deleted later: this may run inside their own signal.
    for (QSocketNotifier *notifier : {m_readNotifier, m_writeNotifier}) {
        if (notifier) {
            notifier->setEnabled(false);
            notifier->deleteLater();
        }
    }
    m_readNotifier = nullptr;
    m_writeNotifier = nullptr;
    if (m_flush) // null when the descriptor was refused in the constructor
        m_flush->stop();
    ::close(m_fd);
    m_fd = -1;
}

} // namespace patchbay
