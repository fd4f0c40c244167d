#pragma once

#include "apierror.h"
#include "callcapture.h"
#include "chatmodel.h"
#include "dialect.h"
#include "modelrouter.h"
#include "pricecatalog.h"
#include "sseparser.h"
#include "upstreamcall.h"
#include "usagerecord.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QPointer>

namespace patchbay {

class BatchDeleter;
class HttpConnection;
class TargetHealth;
class UsageLimits;
class UpstreamPool;
class UsageLedger;

// Carries one chat call from a client to its provider and the answer back. When the client
// and the provider speak the same dialect the body passes through untouched (fields Patchbay
// does not know survive); otherwise both directions are translated through the gateway's own
// form. Plain answers go back whole, streams event by event, pausing the provider while the
// client is slow and aborting it when the client leaves. Writes the call's ledger row at the end.
class ChatRelay : public QObject, private UpstreamCall::Receiver
{
    Q_OBJECT
public:
    struct Context
    {
        HttpConnection *connection = nullptr;
        UpstreamPool *pool = nullptr;
        UsageLedger *ledger = nullptr;
        QList<Route> routes;           // tried in order until one answers
        QHash<QString, QString> keys;  // provider id → key
        RetryConfig retry;
        TargetHealth *health = nullptr; // learns from every attempt; may be null
        PriceCatalog prices;            // what each attempt cost
        UsageLimits *limits = nullptr;  // learns each attempt's tokens and cost; may be null
        BatchDeleter *deleter = nullptr; // ends the relay when it is done; null: deleteLater()
        UsageRecord record; // filled in as far as the gateway knows before the call
        const ClientCodec *client = nullptr;
        ChatRequest request; // as the client codec read it
        QJsonObject body;    // as the client sent it, for a passthrough
        // False when the gateway only peeked at model and stream (a passthrough); request and
        // body are then read from rawBody the first time something needs them.
        bool requestParsed = true;
        QByteArray rawBody;  // the same, as bytes
        HttpHeaders clientHeaders;
        QString upstreamPathSuffix; // replaces the chat path's last segment, e.g. "messages/count_tokens"
        std::unique_ptr<CallCapture> capture; // null while capture is off
    };

    ChatRelay(Context context, QObject *parent = nullptr);
    void start();
    static QString newRequestId();
    // Retry-After as seconds or an HTTP date, in milliseconds from now; -1 when absent.
    static qint64 retryAfterMs(const QByteArray &value);
    // The gateway is stopping: the provider call ends and the client hears why; the row is kept.
    void stopForShutdown();

private:
    void ensureParsed();
    void beginAttempt();
    void startAttempt(UpstreamRequest request);
    // Schedules another attempt (same target after a backoff, or the next target) when the
    // client has seen nothing yet and there is one left; false means this failure is final.
    bool retry(const ApiError &error);
    bool prepare(UpstreamRequest *request, ApiError *error);
    void upstreamHead(const HttpResponseHead &head) override;
    void upstreamBody(const QByteArray &bytes) override;
    void upstreamFinished() override;
    void upstreamFailed(UpstreamCall::Failure failure, const QString &message) override;
    void onClientGone();
    void relayEvents(const QByteArray &bytes);
    // Everything the client is sent goes through these, so a capture keeps exactly that.
    void respond(int status, const HttpHeaders &headers, const QByteArray &body);
    void writeChunk(const QByteArray &bytes);
    void answerPlain();
    void answerUpstreamError();
    void fail(const ApiError &error);
    void finish(int status, const QString &error);
    UsageRecord completedRecord(int status, const QString &error);
    void recordAttempt(int status, const QString &error);
    void noteOutput(const StreamEvent &event);
    qint64 inputChars();
    QByteArray scrub(QByteArray text) const;
    bool isStreamAnswer() const;

    Context m_ctx;
    QPointer<HttpConnection> m_connection;
    QElapsedTimer m_clock; // started when the request's head arrived
    bool m_passthrough = false;
    Route m_route;                       // the current attempt's target
    QString m_apiKey;
    const ProviderCodec *m_provider = nullptr;
    qsizetype m_routeIndex = 0;
    int m_attemptOnRoute = 0;
    int m_attempts = 0;
    qint64 m_retryAfterMs = -1;
    QElapsedTimer m_attemptClock;
    ApiError m_lastError = ApiError::notFound(QStringLiteral("No provider can serve this model."), QStringLiteral("model_not_found"));
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
    qint64 m_outputChars = 0; // for estimating usage when the provider reports none
    qint64 m_opaqueChars = 0; // bytes passed through without being read
    bool m_done = false;
};

} // namespace patchbay
