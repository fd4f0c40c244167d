#include "fakehttpconnection.h"

#include <QJsonDocument>
#include <QMetaObject>
#include <QTcpSocket>

namespace patchbay::testing {

namespace {

constexpr qsizetype kMaxHeadBytes = 64 * 1024;

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 529: return "Site is overloaded"; // Anthropic's "overloaded", unofficial
    default: return "Unknown";
    }
}

bool hasToken(const QByteArray &list, const QByteArray &token)
{
    for (const auto &item : list.split(',')) {
        if (item.trimmed().compare(token, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

} // namespace

FakeHttpConnection::FakeHttpConnection(QTcpSocket *socket, QObject *parent)
    : QObject(parent)
    , m_socket(socket)
{
    m_socket->setParent(this);
    connect(m_socket, &QTcpSocket::readyRead, this, &FakeHttpConnection::onReadyRead);
    connect(m_socket, &QTcpSocket::disconnected, this, &FakeHttpConnection::onDisconnected);
    if (m_socket->bytesAvailable() > 0)
        QMetaObject::invokeMethod(this, &FakeHttpConnection::onReadyRead, Qt::QueuedConnection);
}

FakeHttpConnection::~FakeHttpConnection()
{
    // The socket dies with us and may signal on its way out; we must not hear it half-destroyed.
    disconnect(m_socket, nullptr, this, nullptr);
}

void FakeHttpConnection::sendResponse(int status, const HttpHeaders &headers, const QByteArray &body)
{
    HttpHeaders all = headers;
    // RFC 9110 forbids Content-Length on 204; strict clients reject it.
    if (status != 204)
        all.emplaceBack("Content-Length", QByteArray::number(body.size()));
    writeHead(status, all);
    write(body);
    finishResponse();
}

void FakeHttpConnection::sendJson(int status, const QJsonObject &body, const HttpHeaders &extraHeaders)
{
    HttpHeaders headers{{"Content-Type", "application/json"}};
    headers.append(extraHeaders);
    sendResponse(status, headers, QJsonDocument(body).toJson(QJsonDocument::Compact));
}

void FakeHttpConnection::startChunked(int status, const HttpHeaders &headers)
{
    HttpHeaders all = headers;
    all.emplaceBack("Transfer-Encoding", "chunked");
    writeHead(status, all);
}

void FakeHttpConnection::sendChunk(const QByteArray &data)
{
    // An empty chunk would be read as the end of the body.
    if (data.isEmpty())
        return;
    write(QByteArray::number(data.size(), 16) + "\r\n" + data + "\r\n");
}

void FakeHttpConnection::finishChunked()
{
    write("0\r\n\r\n");
    finishResponse();
}

void FakeHttpConnection::closeAfterFlush()
{
    m_answering = false;
    m_closingOnPurpose = true;
    m_socket->disconnectFromHost();
}

void FakeHttpConnection::onReadyRead()
{
    m_buffer.append(m_socket->readAll());
    // Pipelined requests wait in the buffer until the current answer is complete.
    if (!m_answering)
        parse();
}

void FakeHttpConnection::onDisconnected()
{
    if (m_closedReported)
        return;
    m_closedReported = true;
    Q_EMIT closed(m_answering && !m_closingOnPurpose);
    deleteLater();
}

void FakeHttpConnection::parse()
{
    m_parseQueued = false;
    while (!m_answering && !m_closingOnPurpose) {
        switch (m_state) {
        case State::Head:
            if (!parseHead())
                return;
            break;
        case State::FixedBody:
        case State::ChunkData: {
            const qsizetype take = qsizetype(std::min<qint64>(m_remaining, m_buffer.size()));
            m_request.body.append(m_buffer.left(take));
            m_buffer.remove(0, take);
            m_remaining -= take;
            if (m_remaining > 0)
                return;
            if (m_state == State::FixedBody)
                requestComplete();
            else
                m_state = State::ChunkDataEnd;
            break;
        }
        case State::ChunkDataEnd:
            if (m_buffer.size() < 2)
                return;
            if (!m_buffer.startsWith("\r\n"))
                return rejectAndClose(400, "chunk data not followed by CRLF");
            m_buffer.remove(0, 2);
            m_state = State::ChunkSize;
            break;
        case State::ChunkSize: {
            const qsizetype end = m_buffer.indexOf("\r\n");
            if (end < 0) {
                if (m_buffer.size() > 1024)
                    return rejectAndClose(400, "chunk size line too long");
                return;
            }
            QByteArray line = m_buffer.left(end);
            m_buffer.remove(0, end + 2);
            const qsizetype extension = line.indexOf(';');
            if (extension >= 0)
                line.truncate(extension);
            bool ok = false;
            const qint64 size = line.trimmed().toLongLong(&ok, 16);
            if (!ok || size < 0)
                return rejectAndClose(400, "bad chunk size");
            m_remaining = size;
            m_state = size == 0 ? State::Trailer : State::ChunkData;
            break;
        }
        case State::Trailer: {
            const qsizetype end = m_buffer.indexOf("\r\n");
            if (end < 0)
                return;
            const bool last = end == 0;
            m_buffer.remove(0, end + 2);
            if (last)
                requestComplete();
            break;
        }
        case State::Broken:
            return;
        }
    }
}

bool FakeHttpConnection::parseHead()
{
    // RFC 9112 asks servers to ignore empty lines before a request line.
    while (m_buffer.startsWith("\r\n"))
        m_buffer.remove(0, 2);
    const qsizetype end = m_buffer.indexOf("\r\n\r\n");
    if (end < 0) {
        if (m_buffer.size() > kMaxHeadBytes)
            rejectAndClose(431, "request head too large");
        return false;
    }
    const QList<QByteArray> lines = m_buffer.left(end).split('\n');
    m_buffer.remove(0, end + 4);

    const QList<QByteArray> requestLine = lines.first().trimmed().split(' ');
    if (requestLine.size() != 3 || !requestLine.at(2).startsWith("HTTP/1.")) {
        rejectAndClose(400, "malformed request line");
        return false;
    }
    m_request = {};
    m_request.method = requestLine.at(0);
    m_request.path = requestLine.at(1);
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).endsWith('\r') ? lines.at(i).chopped(1) : lines.at(i);
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0 || line.at(colon - 1) == ' ' || line.at(colon - 1) == '\t') {
            rejectAndClose(400, "malformed header line");
            return false;
        }
        m_request.headers.emplaceBack(line.left(colon), line.mid(colon + 1).trimmed());
    }

    const QByteArray connection = m_request.header("connection");
    m_requestKeepAlive = requestLine.at(2) == "HTTP/1.1" ? !hasToken(connection, "close")
                                                         : hasToken(connection, "keep-alive");
    const QByteArray transferEncoding = m_request.header("transfer-encoding").trimmed().toLower();
    const QByteArray contentLength = m_request.header("content-length");
    bool expectsBody = false;
    if (!transferEncoding.isEmpty()) {
        if (!transferEncoding.endsWith("chunked")) {
            rejectAndClose(501, "unsupported transfer coding");
            return false;
        }
        m_state = State::ChunkSize;
        expectsBody = true;
    } else if (!contentLength.isEmpty()) {
        bool ok = false;
        m_remaining = contentLength.trimmed().toLongLong(&ok);
        if (!ok || m_remaining < 0) {
            rejectAndClose(400, "bad Content-Length");
            return false;
        }
        expectsBody = m_remaining > 0;
        m_state = expectsBody ? State::FixedBody : State::Head;
    }
    if (!expectsBody) {
        requestComplete();
        return true;
    }
    if (m_request.header("expect").compare("100-continue", Qt::CaseInsensitive) == 0)
        write("HTTP/1.1 100 Continue\r\n\r\n");
    return true;
}

void FakeHttpConnection::requestComplete()
{
    m_state = State::Head;
    m_answering = true;
    const ReceivedRequest request = std::move(m_request);
    m_request = {};
    Q_EMIT requestReceived(request);
}

void FakeHttpConnection::finishResponse()
{
    m_answering = false;
    if (!m_requestKeepAlive) {
        m_closingOnPurpose = true;
        m_socket->disconnectFromHost();
        return;
    }
    // Queued, not called: the owner may still be inside its requestReceived handler.
    if (!m_buffer.isEmpty() && !m_parseQueued) {
        m_parseQueued = true;
        QMetaObject::invokeMethod(this, &FakeHttpConnection::parse, Qt::QueuedConnection);
    }
}

void FakeHttpConnection::rejectAndClose(int status, const QByteArray &reason)
{
    m_state = State::Broken;
    m_requestKeepAlive = false;
    sendResponse(status, {{"Content-Type", "text/plain"}}, reason + "\n");
}

void FakeHttpConnection::writeHead(int status, const HttpHeaders &headers)
{
    QByteArray head = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n";
    for (const auto &[name, value] : headers)
        head += name + ": " + value + "\r\n";
    head += m_requestKeepAlive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
    write(head);
}

void FakeHttpConnection::write(const QByteArray &bytes)
{
    // A script's timer can fire between the peer hanging up and our deferred deletion.
    if (m_socket->state() == QAbstractSocket::ConnectedState)
        m_socket->write(bytes);
}

qint64 FakeHttpConnection::unsentBytes() const
{
    return m_socket ? m_socket->bytesToWrite() : 0;
}

} // namespace patchbay::testing
