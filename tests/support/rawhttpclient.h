#pragma once

// Test-only helpers for the fake provider's own tests: a deliberately dumb HTTP client over
// one socket, so the tests see every byte (status line, chunk sizes, SSE events).

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QTcpSocket>

#include <optional>

namespace patchbay::testing {

struct HttpResponse
{
    int status = 0;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;            // de-chunked
    QList<QByteArray> chunks;   // chunk payloads as framed, when chunked
    bool chunked = false;

    QByteArray header(const QByteArray &name) const;
    bool hasHeader(const QByteArray &name) const;
    QJsonObject json() const;
};

// Parses one complete response from the front of `data`; returns the bytes it used, or 0
// while incomplete. Interim 1xx answers are skipped.
qsizetype parseResponse(const QByteArray &data, HttpResponse *out);

// One request's bytes; a POST always gets Content-Type and Content-Length.
QByteArray request(const QByteArray &method, const QByteArray &path, const QByteArray &body = {},
                   const QByteArray &extraHeaders = {});

class RawClient
{
public:
    explicit RawClient(quint16 port);

    bool waitConnected();
    void send(const QByteArray &bytes) { m_socket.write(bytes); }
    void close() { m_socket.disconnectFromHost(); }

    // The next complete response, removed from the buffer; nullopt on timeout.
    std::optional<HttpResponse> next(int timeoutMs = 5000);
    bool waitClosedByPeer(int timeoutMs = 5000);

    const QByteArray &received() const { return m_received; }
    bool closedByPeer() const { return m_closedByPeer; }

private:
    QTcpSocket m_socket;
    QByteArray m_received;
    bool m_closedByPeer = false;
};

} // namespace patchbay::testing
