#pragma once

#include "apierror.h"
#include "modelrouter.h"
#include "sseparser.h"
#include "tokenusage.h"
#include "upstreamcall.h"
#include "usagerecord.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QObject>
#include <QPointer>

namespace patchbay {

class HttpConnection;
class UpstreamPool;
class UsageLedger;

// Carries one chat completion from a client to its provider and the answer back: plain
// answers whole, streams event by event, pausing the provider while the client is slow and
// aborting it when the client leaves. Writes the call's ledger row when it ends.
class ChatRelay : public QObject
{
    Q_OBJECT
public:
    struct Context
    {
        HttpConnection *connection = nullptr;
        UpstreamPool *pool = nullptr;
        UsageLedger *ledger = nullptr;
        Route route;
        QString apiKey;
        UsageRecord record; // filled in as far as the gateway knows before the call
    };

    ChatRelay(Context context, QJsonObject body, QObject *parent = nullptr);
    void start();
    // The gateway is stopping: the provider call ends and the client hears why; the row is kept.
    void stopForShutdown();

private:
    void onHead(const HttpResponseHead &head);
    void onBody(const QByteArray &bytes);
    void onFinished();
    void onFailed(UpstreamCall::Failure failure, const QString &message);
    void onClientGone();
    void relayEvents(const QByteArray &bytes);
    void answerUpstreamError();
    void fail(const ApiError &error);
    void finish(int status, const QString &error);
    QByteArray scrub(QByteArray text) const;

    Context m_ctx;
    QJsonObject m_body;
    QPointer<HttpConnection> m_connection;
    QElapsedTimer m_clock; // started when the request's head arrived
    UpstreamCall *m_call = nullptr;
    bool m_stream = false;
    bool m_stripUsageChunk = false; // the gateway asked for usage; the client did not
    bool m_upstreamIsSse = false;
    int m_upstreamStatus = 0;
    QByteArray m_contentType;
    QByteArray m_buffered; // plain answers and upstream errors
    SseParser m_sse;
    TokenUsage m_usage;
    bool m_done = false;
};

} // namespace patchbay
