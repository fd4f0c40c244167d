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

// A scriptable stand-in for three upstream dialects on 127.0.0.1, for gateway tests:
// OpenAI's Chat Completions (/v1/chat/completions), Anthropic's Messages (/v1/messages)
// and Google's Gemini (/v1beta/models/{m}:generateContent, :streamGenerateContent).
// It answers like the real services (plain JSON, SSE streams, error shapes) and, on cue,
// delays, stalls, drops connections or returns errors. Lives on the thread that made it.
class FakeProvider : public QObject
{
    Q_OBJECT
public:
    explicit FakeProvider(QObject *parent = nullptr);
    ~FakeProvider() override;

    bool listen(quint16 port = 0); // 127.0.0.1 only; port 0 picks a free one
    quint16 port() const;
    // "http://127.0.0.1:<port>/v1": the base URL of OpenAI and of Anthropic (…/v1/messages).
    QString baseUrl() const;
    QString geminiBaseUrl() const; // "http://127.0.0.1:<port>/v1beta"
    QString rootUrl() const;       // "http://127.0.0.1:<port>", as the official SDKs take it

    // When set, every dialect checks it its own way; rejected requests do not consume a
    // step. OpenAI: "Authorization: Bearer <key>", else 401 (missing: "You didn't provide
    // an API key…"; wrong: code invalid_api_key with the key masked). Anthropic:
    // "x-api-key", else 401 authentication_error. Gemini: "x-goog-api-key" (or ?key=),
    // else 403 PERMISSION_DENIED when missing and 400 API_KEY_INVALID when wrong.
    void setExpectedKey(const QString &key);
    // The models every dialect lists: GET /v1/models[/<id>] (OpenAI's shape, or Anthropic's
    // when the request carries x-api-key or anthropic-version) and GET /v1beta/models[/<id>].
    // Defaults to gpt-4o-mini and gpt-4o.
    void setModels(const QStringList &models);
    // Serves POST /_fake/script, GET /_fake/requests, GET /_fake/stats, POST /_fake/reset
    // on the same port (for fakeproviderd). These are neither key-checked nor recorded.
    void setControlEndpointsEnabled(bool enabled);

    // Each valid generation request, in any dialect, takes the next step; with none queued
    // it gets the default echo reply. Token counting endpoints never take one.
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
    // Requests that put a `key` query parameter in their URL (Gemini accepts it, but a key
    // in a URL ends up in logs; the gateway must send x-goog-api-key instead).
    int keysInUrl() const;

Q_SIGNALS:
    void requestReceived(const patchbay::testing::ReceivedRequest &request);
    void connectionClosedMidResponse();

private:
    void onNewConnection();
    void route(FakeHttpConnection *connection, const ReceivedRequest &request);
    bool keyAccepted(FakeHttpConnection *connection, const ReceivedRequest &request);
    FakeStep takeStep();
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
    int m_keysInUrl = 0;
};

} // namespace patchbay::testing
