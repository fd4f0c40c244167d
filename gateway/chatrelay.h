#pragma once

#include "apierror.h"
#include "chatmodel.h"
#include "dialect.h"
#include "modelrouter.h"
#include "sseparser.h"
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

// Carries one chat call from a client to its provider and the answer back. When the client
// and the provider speak the same dialect the body passes through untouched (fields Patchbay
// does not know survive); otherwise both directions are translated through the gateway's own
// form. Plain answers go back whole, streams event by event, pausing the provider while the
// client is slow and aborting it when the client leaves. Writes the call's ledger row at the end.
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
        const ClientCodec *client = nullptr;
        const ProviderCodec *provider = nullptr;
        ChatRequest request; // as the client codec read it
        QJsonObject body;    // as the client sent it, for a passthrough
        HttpHeaders clientHeaders;
        QString upstreamPathSuffix; // replaces the chat path's last segment, e.g. "messages/count_tokens"
    };

    ChatRelay(Context context, QObject *parent = nullptr);
    void start();
    // The gateway is stopping: the provider call ends and the client hears why; the row is kept.
    void stopForShutdown();

private:
    bool prepare(UpstreamRequest *request, ApiError *error);
    void onHead(const HttpResponseHead &head);
    void onBody(const QByteArray &bytes);
    void onFinished();
    void onFailed(UpstreamCall::Failure failure, const QString &message);
    void onClientGone();
    void relayEvents(const QByteArray &bytes);
    void answerPlain();
    void answerUpstreamError();
    void fail(const ApiError &error);
    void finish(int status, const QString &error);
    QByteArray scrub(QByteArray text) const;
    bool isStreamAnswer() const;

    Context m_ctx;
    QPointer<HttpConnection> m_connection;
    QElapsedTimer m_clock; // started when the request's head arrived
    bool m_passthrough = false;
    UpstreamCall *m_call = nullptr;
    std::unique_ptr<StreamReader> m_reader;
    std::unique_ptr<StreamWriter> m_writer;
    bool m_stripUsageChunk = false; // the gateway asked an OpenAI provider for usage; the client did not
    bool m_upstreamIsSse = false;
    int m_upstreamStatus = 0;
    QByteArray m_contentType;
    QByteArray m_buffered; // plain answers and upstream errors
    SseParser m_sse;
    TokenUsage m_usage;
    QString m_streamError; // an error event the provider sent inside its stream
    bool m_done = false;
};

} // namespace patchbay
