#pragma once

#include "appconfig.h"
#include "httpparser.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <functional>


namespace patchbay {

class ClientSocket;

// One client connection to the gateway: reads requests one at a time (pipelined ones wait
// their turn), enforces the limits, and writes the handler's response, whole or streamed.
class HttpConnection : public QObject
{
    Q_OBJECT
public:
    using Handler = std::function<void(HttpConnection *)>;

    HttpConnection(ClientSocket *socket, const GatewayLimits &limits, Handler handler, QObject *parent = nullptr);
    ~HttpConnection() override;

    const HttpRequestHead &request() const { return m_head; }
    const QByteArray &requestBody() const { return m_body; }
    // When the request's head was complete; the gateway's clock for latency.
    const QElapsedTimer &requestTimer() const { return m_requestTimer; }

    // Headers every response to the current request carries (CORS for an allowed origin).
    void setExtraResponseHeaders(const HttpHeaders &headers) { m_extraHeaders = headers; }
    void respond(int status, const HttpHeaders &headers, const QByteArray &body);
    void beginChunked(int status, const HttpHeaders &headers);
    void writeChunk(const QByteArray &data);
    void endChunked();

    bool isOpen() const;
    bool responseStarted() const { return m_responseStarted; }
    // Bytes written but not yet taken by the kernel: the relay pauses upstream above a mark.
    qint64 pendingBytes() const;
    static constexpr qint64 kHighWater = 256 * 1024;

    void close();

Q_SIGNALS:
    // pendingBytes() fell below kHighWater / 4.
    void drained();
    // The client went away while a response was owed or being written.
    void clientGone();

private:
    void touchIdle();
    void onReadyRead();
    void processInput();
    void finishResponse();
    void failRequest(int status, const QString &message, const QString &code);
    void onDisconnected();
    void writeHead(int status, const HttpHeaders &headers, bool chunked, qint64 contentLength);
    void appendHead(QByteArray *to, int status, const HttpHeaders &headers, bool chunked, qint64 contentLength) const;

    ClientSocket *m_socket;
    GatewayLimits m_limits;
    Handler m_handler;
    HttpParser m_parser;
    HttpRequestHead m_head;
    QByteArray m_body;
    QElapsedTimer m_requestTimer;
    HttpHeaders m_extraHeaders;
    QTimer m_headerTimer; // the head must arrive within limits.headerTimeoutMs
    QTimer m_idleTimer;   // nothing at all happens for limits.idleTimeoutMs
    QElapsedTimer m_clock;
    qint64 m_idleDeadline = 0; // on m_clock
    bool m_inRequest = false;      // a request is with the handler
    bool m_responseStarted = false;
    bool m_chunked = false;
    bool m_keepAlive = true;
    bool m_gone = false;
};

} // namespace patchbay
