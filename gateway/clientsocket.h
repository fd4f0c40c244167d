#pragma once

#include <QByteArray>
#include <QObject>

class QSocketNotifier;
class QTimer;

namespace patchbay {

// A connection a client opened to the gateway, read and written with plain system calls under
// two QSocketNotifiers. QTcpSocket asked the kernel how much there was to read (FIONREAD)
// before every read, copied what it read through its ring buffer, and switched its write
// notifier on and off around every answer; on the gateway's hot path that was a quarter of the
// system calls. This does what HttpConnection needs and no more: it is not a QIODevice.
class ClientSocket : public QObject
{
    Q_OBJECT
public:
    // Takes a connected, accepted descriptor (made non-blocking here) and closes it when done.
    explicit ClientSocket(qintptr descriptor, QObject *parent = nullptr);
    ~ClientSocket() override;

    bool isConnected() const { return m_fd >= 0; }
    // What arrived since the last call.
    QByteArray readAll() { return std::exchange(m_input, {}); }
    qint64 bytesAvailable() const { return m_input.size(); }
    // Now: a whole answer, sent at once (what the kernel does not take waits for room).
    // Coalesced: a piece of a stream, sent with every other piece written in the same turn of
    // the event loop: one system call, and one wake-up of the client, for all the events that
    // one read from the provider brought (a send each halved streams/s at 16 connections).
    enum class Send { Now, Coalesced };
    void write(const QByteArray &bytes, Send when = Send::Now);
    qint64 bytesToWrite() const { return m_output.size() - m_outputSent; }
    // Closes once everything queued is sent; disconnected() follows (at once when nothing is).
    void disconnectFromHost();
    void setNoDelay();

Q_SIGNALS:
    void readyRead();
    void bytesWritten(qint64 bytes);
    // The peer closed, the connection failed, or disconnectFromHost() finished. Once.
    void disconnected();

private:
    void onReadable();
    void onWritable();
    void flushCoalesced();
    qint64 sendQueued(); // bytes sent, or -1 when the connection failed
    void closeNow();
    void failLater(); // an error met while the caller is still inside write()

    int m_fd = -1;
    QSocketNotifier *m_readNotifier = nullptr;
    QSocketNotifier *m_writeNotifier = nullptr;
    QTimer *m_flush = nullptr; // zero-interval: the end of this turn of the event loop
    QByteArray m_input;
    QByteArray m_output;
    qsizetype m_outputSent = 0; // of m_output, already taken by the kernel
    bool m_closing = false;
};

} // namespace patchbay
