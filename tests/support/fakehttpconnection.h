#pragma once

#include "receivedrequest.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPair>

class QTcpSocket;

namespace patchbay::testing {

using HttpHeaders = QList<QPair<QByteArray, QByteArray>>;

// One server-side HTTP/1.1 connection of the fake: parses requests (Content-Length or
// chunked bodies, keep-alive, pipelining) and frames the answers its owner writes.
// Deliberately independent of gateway/http so a parser bug there cannot hide itself.
class FakeHttpConnection : public QObject
{
    Q_OBJECT
public:
    // Takes ownership of the connected socket.
    explicit FakeHttpConnection(QTcpSocket *socket, QObject *parent = nullptr);
    ~FakeHttpConnection() override;

    // The answer to the request last announced by requestReceived(). Exactly one of
    // sendResponse(), finishChunked() or closeAfterFlush() ends it.
    void sendResponse(int status, const HttpHeaders &headers, const QByteArray &body);
    void sendJson(int status, const QJsonObject &body, const HttpHeaders &extraHeaders = {});
    void startChunked(int status, const HttpHeaders &headers);
    void sendChunk(const QByteArray &data);
    void finishChunked();
    // Ends the connection as soon as what was written has been handed to the kernel: the
    // peer sees everything sent so far, then EOF — an upstream that died mid-answer.
    void closeAfterFlush();

    bool isAnswering() const { return m_answering; }
    // Bytes written but not yet taken by the kernel: grows while the peer pushes back.
    qint64 unsentBytes() const;

Q_SIGNALS:
    void requestReceived(const patchbay::testing::ReceivedRequest &request);
    // The connection is gone. clientClosedMidResponse: the peer closed it while an answer
    // was still owed or under way (not when the fake closed it on purpose).
    void closed(bool clientClosedMidResponse);

private:
    enum class State { Head, FixedBody, ChunkSize, ChunkData, ChunkDataEnd, Trailer, Broken };

    void onReadyRead();
    void onDisconnected();
    void parse();
    bool parseHead();
    void requestComplete();
    void finishResponse();
    void rejectAndClose(int status, const QByteArray &reason);
    void writeHead(int status, const HttpHeaders &headers);
    void write(const QByteArray &bytes);

    QTcpSocket *m_socket = nullptr;
    QByteArray m_buffer;
    State m_state = State::Head;
    ReceivedRequest m_request;
    qint64 m_remaining = 0;
    bool m_requestKeepAlive = true;
    bool m_answering = false;
    bool m_closingOnPurpose = false;
    bool m_parseQueued = false;
    bool m_closedReported = false;
};

} // namespace patchbay::testing
