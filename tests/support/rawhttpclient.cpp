#include "rawhttpclient.h"

#include <QJsonDocument>
#include <QTest>

namespace patchbay::testing {

QByteArray HttpResponse::header(const QByteArray &name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

bool HttpResponse::hasHeader(const QByteArray &name) const
{
    for (const auto &entry : headers) {
        if (entry.first.compare(name, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

QJsonObject HttpResponse::json() const
{
    return QJsonDocument::fromJson(body).object();
}

qsizetype parseResponse(const QByteArray &data, HttpResponse *out)
{
    qsizetype offset = 0;
    for (;;) {
        const qsizetype headEnd = data.indexOf("\r\n\r\n", offset);
        if (headEnd < 0)
            return 0;
        const QList<QByteArray> lines = data.mid(offset, headEnd - offset).split('\n');
        const QList<QByteArray> statusLine = lines.first().trimmed().split(' ');
        *out = {};
        out->status = statusLine.value(1).toInt();
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QByteArray line = lines.at(i).trimmed();
            const qsizetype colon = line.indexOf(':');
            out->headers.emplaceBack(line.left(colon), line.mid(colon + 1).trimmed());
        }
        offset = headEnd + 4;
        if (out->status >= 200)
            break;
    }
    if (out->header("transfer-encoding") == "chunked") {
        out->chunked = true;
        for (;;) {
            const qsizetype lineEnd = data.indexOf("\r\n", offset);
            if (lineEnd < 0)
                return 0;
            bool ok = false;
            const qsizetype size = data.mid(offset, lineEnd - offset).toLongLong(&ok, 16);
            if (!ok)
                return 0;
            if (data.size() < lineEnd + 2 + size + 2)
                return 0;
            if (size == 0)
                return lineEnd + 4; // no trailers from the fake
            const QByteArray payload = data.mid(lineEnd + 2, size);
            out->chunks.append(payload);
            out->body.append(payload);
            offset = lineEnd + 2 + size + 2;
        }
    }
    const qsizetype length = out->header("content-length").toLongLong();
    if (data.size() < offset + length)
        return 0;
    out->body = data.mid(offset, length);
    return offset + length;
}

QByteArray request(const QByteArray &method, const QByteArray &path, const QByteArray &body,
                   const QByteArray &extraHeaders)
{
    QByteArray out = method + ' ' + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extraHeaders;
    if (!body.isEmpty() || method == "POST")
        out += "Content-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n";
    return out + "\r\n" + body;
}

RawClient::RawClient(quint16 port)
{
    QObject::connect(&m_socket, &QTcpSocket::readyRead, &m_socket, [this] { m_received.append(m_socket.readAll()); });
    QObject::connect(&m_socket, &QTcpSocket::disconnected, &m_socket, [this] { m_closedByPeer = true; });
    m_socket.connectToHost(QHostAddress::LocalHost, port);
}

bool RawClient::waitConnected()
{
    return QTest::qWaitFor([this] { return m_socket.state() == QAbstractSocket::ConnectedState; }, 5000);
}

std::optional<HttpResponse> RawClient::next(int timeoutMs)
{
    HttpResponse response;
    qsizetype used = 0;
    if (!QTest::qWaitFor([&] { return (used = parseResponse(m_received, &response)) > 0; }, timeoutMs))
        return std::nullopt;
    m_received.remove(0, used);
    return response;
}

bool RawClient::waitClosedByPeer(int timeoutMs)
{
    return QTest::qWaitFor([this] { return m_closedByPeer; }, timeoutMs);
}

} // namespace patchbay::testing
