#include "httpconnection.h"

#include "apierror.h"
#include "clientsocket.h"

namespace patchbay {

namespace {

QByteArrayView reasonPhrase(int status)
{
    switch (status) {
    case 200: return "OK";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 413: return "Content Too Large";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 499: return "Client Closed Request";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return status < 300 ? "OK" : status < 500 ? "Client Error" : "Server Error";
    }
}

} // namespace

HttpConnection::HttpConnection(ClientSocket *socket, const GatewayLimits &limits, Handler handler, QObject *parent)
    : QObject(parent)
    , m_socket(socket)
    , m_limits(limits)
    , m_handler(std::move(handler))
    , m_parser(HttpParser::Mode::Request, limits.maxHeaderBytes, limits.maxBodyBytes)
{
    m_socket->setParent(this);
    m_socket->setNoDelay();
    m_headerTimer.setSingleShot(true);
    m_headerTimer.setInterval(limits.headerTimeoutMs);
    m_idleTimer.setSingleShot(true);
    m_idleTimer.setInterval(limits.idleTimeoutMs);
    connect(&m_headerTimer, &QTimer::timeout, this, [this] {
        failRequest(408, QStringLiteral("The request's header section did not arrive within %1 ms.").arg(m_limits.headerTimeoutMs),
                    QStringLiteral("request_timeout"));
    });
    connect(&m_idleTimer, &QTimer::timeout, this, [this] {
        // The timer is re-armed lazily: activity only moves the deadline, and a timer that
        // fires early is started again for what is left.
        const qint64 left = m_idleDeadline - m_clock.elapsed();
        if (m_inRequest || left > 0) {
            m_idleTimer.start(m_inRequest ? int(m_limits.idleTimeoutMs) : int(left));
            return; // while a request runs, the handler owns the connection's time
        }
        if (m_parser.midMessage())
            failRequest(408, QStringLiteral("The request stalled: nothing arrived for %1 ms.").arg(m_limits.idleTimeoutMs),
                        QStringLiteral("request_timeout"));
        else
            close();
    });
    connect(m_socket, &ClientSocket::readyRead, this, &HttpConnection::onReadyRead);
    connect(m_socket, &ClientSocket::disconnected, this, &HttpConnection::onDisconnected);
    connect(m_socket, &ClientSocket::bytesWritten, this, [this] {
        if (m_socket->bytesToWrite() < kHighWater / 4)
            Q_EMIT drained();
        if (!m_keepAlive && !m_inRequest && m_socket->bytesToWrite() == 0)
            m_socket->disconnectFromHost();
    });
    m_clock.start();
    touchIdle();
    if (m_socket->bytesAvailable() > 0)
        QMetaObject::invokeMethod(this, &HttpConnection::onReadyRead, Qt::QueuedConnection);
}

HttpConnection::~HttpConnection() = default;

bool HttpConnection::isOpen() const
{
    return !m_gone && m_socket->isConnected();
}

qint64 HttpConnection::pendingBytes() const
{
    return m_socket->bytesToWrite();
}

void HttpConnection::close()
{
    m_keepAlive = false;
    m_headerTimer.stop();
    m_idleTimer.stop();
    if (m_socket->isConnected())
        m_socket->disconnectFromHost(); // writes what is buffered first
    else
        onDisconnected();
}

void HttpConnection::touchIdle()
{
    m_idleDeadline = m_clock.elapsed() + m_limits.idleTimeoutMs;
    if (!m_idleTimer.isActive())
        m_idleTimer.start(int(m_limits.idleTimeoutMs));
}

void HttpConnection::onReadyRead()
{
    if (m_gone)
        return;
    const QByteArray bytes = m_socket->readAll();
    if (bytes.isEmpty())
        return;
    m_parser.append(bytes);
    if (!m_inRequest) {
        touchIdle();
        processInput();
    }
}

void HttpConnection::processInput()
{
    while (!m_inRequest && !m_gone) {
        const bool hadHead = !m_head.method.isEmpty();
        switch (m_parser.next()) {
        case HttpParser::Event::NeedMore:
            // Only a head that did not come whole in one read needs its own clock.
            if (!hadHead && m_parser.midMessage() && !m_headerTimer.isActive())
                m_headerTimer.start();
            return;
        case HttpParser::Event::Head:
            m_headerTimer.stop();
            m_head = m_parser.requestHead();
            m_body.clear();
            m_requestTimer.start();
            if (m_head.headers.value("expect").compare("100-continue", Qt::CaseInsensitive) == 0)
                m_socket->write(QByteArrayLiteral("HTTP/1.1 100 Continue\r\n\r\n"));
            continue;
        case HttpParser::Event::Body:
            m_body.append(m_parser.takeBody());
            continue;
        case HttpParser::Event::Done:
            m_inRequest = true;
            m_responseStarted = false;
            m_keepAlive = m_head.keepAlive();
            m_handler(this);
            return;
        case HttpParser::Event::Error: {
            m_headerTimer.stop();
            const QString text = m_parser.errorText();
            switch (m_parser.error()) {
            case HttpParser::Error::HeadTooLarge:
                failRequest(431, text + QStringLiteral(" Send fewer or shorter headers."), QStringLiteral("header_too_large"));
                break;
            case HttpParser::Error::BodyTooLarge:
                failRequest(413, text + QStringLiteral(" Send a smaller request, or raise gateway.limits.max_body_bytes."),
                            QStringLiteral("body_too_large"));
                break;
            case HttpParser::Error::UnsupportedTransferEncoding:
                failRequest(501, text, QStringLiteral("unsupported_transfer_encoding"));
                break;
            default:
                failRequest(400, QStringLiteral("The HTTP request is malformed: ") + text, QStringLiteral("malformed_request"));
                break;
            }
            return;
        }
        }
    }
}

void HttpConnection::failRequest(int status, const QString &message, const QString &code)
{
    // The stream is out of step with the request framing, so the connection cannot be reused.
    m_keepAlive = false;
    m_inRequest = true;
    HttpHeaders headers;
    headers.add("Content-Type", "application/json");
    const ApiError error{status, message, status == 408 || status == 413 || status == 431 || status == 400 || status == 501
                                              ? QStringLiteral("invalid_request_error")
                                              : QStringLiteral("api_error"),
                         code};
    writeHead(status, headers, false, error.toOpenAiJson().size());
    m_socket->write(error.toOpenAiJson());
    m_responseStarted = true;
    m_socket->disconnectFromHost();
}

void HttpConnection::writeHead(int status, const HttpHeaders &headers, bool chunked, qint64 contentLength)
{
    QByteArray out;
    out.reserve(256);
    appendHead(&out, status, headers, chunked, contentLength);
    // A stream's head goes with its first events.
    m_socket->write(out, chunked ? ClientSocket::Send::Coalesced : ClientSocket::Send::Now);
}

void HttpConnection::appendHead(QByteArray *to, int status, const HttpHeaders &headers, bool chunked, qint64 contentLength) const
{
    QByteArray &out = *to;
    out += "HTTP/1.1 ";
    appendNumber(out, status);
    out += ' ';
    out.append(reasonPhrase(status));
    out += "\r\n";
    for (const auto &h : headers.items())
        appendHeaderLine(out, h.first, h.second);
    for (const auto &h : m_extraHeaders.items())
        appendHeaderLine(out, h.first, h.second);
    if (chunked) {
        out += "Transfer-Encoding: chunked\r\n";
    } else {
        out += "Content-Length: ";
        appendNumber(out, contentLength);
        out += "\r\n";
    }
    out += m_keepAlive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
}

void HttpConnection::respond(int status, const HttpHeaders &headers, const QByteArray &body)
{
    if (m_gone || m_responseStarted)
        return;
    m_responseStarted = true;
    // One buffer and one send now, instead of two writes.
    QByteArray out;
    out.reserve(256 + body.size());
    appendHead(&out, status, headers, false, body.size());
    out += body;
    m_socket->write(out);
    finishResponse();
}

void HttpConnection::beginChunked(int status, const HttpHeaders &headers)
{
    if (m_gone || m_responseStarted)
        return;
    m_responseStarted = true;
    m_chunked = true;
    writeHead(status, headers, true, 0);
}

void HttpConnection::writeChunk(const QByteArray &data)
{
    if (m_gone || !m_chunked || data.isEmpty())
        return;
    m_socket->write(QByteArray::number(data.size(), 16) + "\r\n" + data + "\r\n", ClientSocket::Send::Coalesced);
}

void HttpConnection::endChunked()
{
    if (m_gone || !m_chunked)
        return;
    m_socket->write(QByteArrayLiteral("0\r\n\r\n"), ClientSocket::Send::Coalesced);
    m_chunked = false;
    finishResponse();
}

void HttpConnection::finishResponse()
{
    m_inRequest = false;
    m_head = {};
    m_body.clear();
    m_extraHeaders = HttpHeaders();
    if (!m_keepAlive) {
        m_socket->disconnectFromHost();
        return;
    }
    touchIdle();
    // A pipelined request may already be waiting in the parser.
    if (m_parser.unreadBytes() > 0)
        QMetaObject::invokeMethod(this, &HttpConnection::processInput, Qt::QueuedConnection);
}

void HttpConnection::onDisconnected()
{
    if (m_gone)
        return;
    m_gone = true;
    m_headerTimer.stop();
    m_idleTimer.stop();
    if (m_inRequest)
        Q_EMIT clientGone();
    deleteLater();
}

} // namespace patchbay
