#pragma once

#include "fakestep.h"
#include "receivedrequest.h"

#include <QList>
#include <QObject>
#include <QQueue>
#include <QString>
#include <QStringList>

class QTcpServer;

namespace patchbay::testing {

class FakeHttpConnection;

// A scriptable stand-in for OpenAI's Chat Completions API on 127.0.0.1, for gateway tests:
// it answers like the real service (plain JSON, SSE streams, error shape) and, on cue,
// delays, stalls, drops connections or returns errors. Lives on the thread that made it.
class FakeProvider : public QObject
{
    Q_OBJECT
public:
    explicit FakeProvider(QObject *parent = nullptr);
    ~FakeProvider() override;

    bool listen(quint16 port = 0); // 127.0.0.1 only; port 0 picks a free one
    quint16 port() const;
    QString baseUrl() const; // "http://127.0.0.1:<port>/v1"

    // When set, requests to /v1/* without "Authorization: Bearer <key>" get OpenAI's 401
    // (missing key: "You didn't provide an API key…"; wrong key: code invalid_api_key
    // with the key masked). Rejected requests do not consume a step.
    void setExpectedKey(const QString &key);
    // GET /v1/models and /v1/models/<id>; defaults to gpt-4o-mini and gpt-4o.
    void setModels(const QStringList &models);
    // Serves POST /_fake/script, GET /_fake/requests, GET /_fake/stats, POST /_fake/reset
    // on the same port (for fakeproviderd). These are neither key-checked nor recorded.
    void setControlEndpointsEnabled(bool enabled);

    // Each valid POST /v1/chat/completions takes the next step; with none queued it
    // gets the default echo reply.
    void enqueue(const FakeStep &step);
    int pendingSteps() const;
    // Clears queued steps, recorded requests and counters; open connections stay.
    void reset();

    QList<ReceivedRequest> requests() const; // every request received, in order
    // Connections that used the control endpoints are left out of both counts.
    int openConnections() const;
    // Connections the client closed while the fake still owed or was sending an answer
    // (header delay, stream, stall) — the gateway's upstream abort shows up here.
    int closedMidResponse() const;
    // Answer bytes the fake has written that the peer has not taken yet; stays high while
    // the gateway holds a slow client's stream back instead of buffering it.
    qint64 unsentBytes() const;

Q_SIGNALS:
    void requestReceived(const patchbay::testing::ReceivedRequest &request);
    void connectionClosedMidResponse();

private:
    void onNewConnection();
    void route(FakeHttpConnection *connection, const ReceivedRequest &request);
    bool keyAccepted(FakeHttpConnection *connection, const ReceivedRequest &request);
    void answerChat(FakeHttpConnection *connection, const ReceivedRequest &request);
    void answerModels(FakeHttpConnection *connection, const QByteArray &path);
    void answerControl(FakeHttpConnection *connection, const ReceivedRequest &request,
                       const QByteArray &path);

    QTcpServer *m_server = nullptr;
    QString m_expectedKey;
    QStringList m_models{QStringLiteral("gpt-4o-mini"), QStringLiteral("gpt-4o")};
    bool m_controlEnabled = false;
    QQueue<FakeStep> m_steps;
    QList<ReceivedRequest> m_requests;
    QList<FakeHttpConnection *> m_connections;
    QList<FakeHttpConnection *> m_controlConnections; // a subset of m_connections
    int m_closedMidResponse = 0;
};

} // namespace patchbay::testing
