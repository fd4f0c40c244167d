#include "chatrelay.h"

#include "dialects.h"
#include "httpconnection.h"
#include "usageledger.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace patchbay {

namespace {

constexpr qsizetype kMaxBufferedAnswer = 64 * 1024 * 1024;

HttpHeaders jsonHeaders(const QString &requestId)
{
    HttpHeaders headers;
    headers.add("Content-Type", "application/json");
    headers.add("X-Request-Id", requestId.toLatin1());
    return headers;
}

} // namespace

ChatRelay::ChatRelay(Context context, QObject *parent)
    : QObject(parent)
    , m_ctx(std::move(context))
    , m_connection(m_ctx.connection)
    , m_clock(m_ctx.connection->requestTimer())
{
}

bool ChatRelay::prepare(UpstreamRequest *request, ApiError *error)
{
    const ProviderConfig &provider = m_ctx.route.provider;
    const QString &model = m_ctx.route.upstreamModel;
    if (m_passthrough) {
        QJsonObject body = m_ctx.body;
        body.insert(QStringLiteral("model"), model);
        if (m_ctx.request.stream && m_ctx.provider->dialect() == Dialect::OpenAi && !m_ctx.request.clientWantsStreamUsage) {
            // Usage only comes in an OpenAI stream when asked for; the ledger needs it either way.
            QJsonObject options = body.value(QLatin1String("stream_options")).toObject();
            options.insert(QStringLiteral("include_usage"), true);
            body.insert(QStringLiteral("stream_options"), options);
            m_stripUsageChunk = true;
        }
        *request = m_ctx.provider->passthroughRequest(provider, m_ctx.apiKey, model, m_ctx.request.stream,
                                                      QJsonDocument(body).toJson(QJsonDocument::Compact));
        m_ctx.provider->forwardClientHeaders(m_ctx.clientHeaders, request);
        return true;
    }
    if (!m_ctx.request.untranslatable.isEmpty()) {
        *error = ApiError::badRequest(
            QStringLiteral("Patchbay cannot carry %1 to provider \"%2\", which speaks the %3 dialect. Remove %4, or use a "
                           "model from a provider that speaks the same dialect as your client.")
                .arg(m_ctx.request.untranslatable.join(QStringLiteral(", ")), provider.name, Dialects::name(m_ctx.provider->dialect()),
                     m_ctx.request.untranslatable.size() == 1 ? QStringLiteral("it") : QStringLiteral("them")),
            QStringLiteral("untranslatable_field"));
        return false;
    }
    return m_ctx.provider->buildRequest(provider, m_ctx.apiKey, model, m_ctx.request, request, error);
}

void ChatRelay::start()
{
    UsageRecord &r = m_ctx.record;
    r.stream = m_ctx.request.stream;
    r.provider = m_ctx.route.provider.id;
    r.upstreamModel = m_ctx.route.upstreamModel;
    m_passthrough = m_ctx.client->dialect() == m_ctx.provider->dialect();
    m_reader = m_ctx.provider->streamReader();
    m_writer = m_ctx.client->streamWriter(m_ctx.request);

    UpstreamRequest request;
    ApiError error;
    if (!prepare(&request, &error)) {
        fail(error);
        return;
    }
    if (!m_ctx.upstreamPathSuffix.isEmpty()) {
        // Another endpoint beside the chat one, under the provider's base path.
        QString basePath = QUrl(m_ctx.route.provider.baseUrl).path();
        while (basePath.endsWith(QLatin1Char('/')))
            basePath.chop(1);
        request.url.setPath(basePath + QLatin1Char('/') + m_ctx.upstreamPathSuffix);
    }
    request.headers.set("User-Agent", QByteArrayLiteral("Patchbay/" PATCHBAY_VERSION));

    m_call = new UpstreamCall(m_ctx.pool, std::move(request), this);
    connect(m_call, &UpstreamCall::headReceived, this, &ChatRelay::onHead);
    connect(m_call, &UpstreamCall::bodyReceived, this, &ChatRelay::onBody);
    connect(m_call, &UpstreamCall::finished, this, &ChatRelay::onFinished);
    connect(m_call, &UpstreamCall::failed, this, &ChatRelay::onFailed);
    connect(m_ctx.connection, &HttpConnection::clientGone, this, &ChatRelay::onClientGone);
    connect(m_ctx.connection, &HttpConnection::drained, this, [this] {
        if (m_call)
            m_call->setPaused(false);
    });
    m_call->start();
}

bool ChatRelay::isStreamAnswer() const
{
    return m_upstreamStatus >= 200 && m_upstreamStatus < 300 && m_ctx.request.stream && m_upstreamIsSse;
}

void ChatRelay::onHead(const HttpResponseHead &head)
{
    m_ctx.record.ttfbMs = m_clock.elapsed();
    m_upstreamStatus = head.status;
    m_contentType = head.headers.value("content-type");
    m_upstreamIsSse = m_contentType.startsWith("text/event-stream");
    if (isStreamAnswer() && m_connection) {
        HttpHeaders headers;
        headers.add("Content-Type", "text/event-stream; charset=utf-8");
        headers.add("Cache-Control", "no-cache");
        headers.add("X-Request-Id", m_ctx.record.requestId.toLatin1());
        m_connection->beginChunked(200, headers);
    }
}

void ChatRelay::onBody(const QByteArray &bytes)
{
    if (isStreamAnswer()) {
        relayEvents(bytes);
        return;
    }
    if (m_buffered.size() + bytes.size() > kMaxBufferedAnswer) {
        m_call->abort();
        fail(ApiError::badGateway(QStringLiteral("Provider \"%1\" sent an answer larger than %2 MiB; Patchbay stopped reading it.")
                                      .arg(m_ctx.route.provider.name)
                                      .arg(kMaxBufferedAnswer / (1024 * 1024)),
                                  QStringLiteral("provider_answer_too_large")));
        return;
    }
    m_buffered += bytes;
}

void ChatRelay::relayEvents(const QByteArray &bytes)
{
    if (!m_connection)
        return;
    QByteArray out;
    for (const SseEvent &event : m_sse.feed(bytes)) {
        const QList<StreamEvent> events = m_reader->read(event);
        for (const StreamEvent &e : events) {
            if (e.kind == StreamEvent::Kind::Error)
                m_streamError = QStringLiteral("Provider \"%1\" reported an error in its stream: %2").arg(m_ctx.route.provider.name, e.text);
        }
        if (m_passthrough) {
            // The usage-only chunk the gateway asked for on the client's behalf stays here.
            const bool usageOnly = m_stripUsageChunk && !events.isEmpty()
                && std::all_of(events.begin(), events.end(), [](const StreamEvent &e) {
                       return e.kind == StreamEvent::Kind::Usage || e.kind == StreamEvent::Kind::Start;
                   })
                && std::any_of(events.begin(), events.end(), [](const StreamEvent &e) { return e.kind == StreamEvent::Kind::Usage; });
            if (!usageOnly)
                out += event.raw;
        } else {
            for (const StreamEvent &e : events)
                out += m_writer->write(e);
        }
    }
    m_usage = m_reader->usage();
    if (out.isEmpty())
        return;
    m_connection->writeChunk(out);
    if (m_connection->pendingBytes() > HttpConnection::kHighWater)
        m_call->setPaused(true);
}

void ChatRelay::onFinished()
{
    if (m_done)
        return;
    if (m_upstreamStatus < 200 || m_upstreamStatus >= 300) {
        answerUpstreamError();
        return;
    }
    if (!isStreamAnswer()) {
        answerPlain();
        return;
    }
    if (m_sse.pendingBytes() > 0)
        relayEvents("\n\n"); // a last event the provider did not terminate
    if (m_connection) {
        if (!m_passthrough)
            m_connection->writeChunk(m_writer->finish());
        m_connection->endChunked();
    }
    finish(m_streamError.isEmpty() ? 200 : 502, m_streamError);
}

void ChatRelay::answerPlain()
{
    ChatResponse response;
    QString readError;
    const bool read = m_ctx.provider->readResponse(m_buffered, &response, &readError);
    if (read) {
        m_usage = response.usage;
    } else if (m_passthrough) {
        // Not a chat answer (embeddings, responses, count_tokens): usage sits at the top if anywhere.
        m_usage = m_ctx.provider->usageOf(m_buffered);
    }
    if (m_passthrough || !m_ctx.upstreamPathSuffix.isEmpty()) {
        if (m_connection) {
            HttpHeaders headers = jsonHeaders(m_ctx.record.requestId);
            if (!m_contentType.isEmpty())
                headers.set("Content-Type", m_contentType);
            m_connection->respond(m_upstreamStatus, headers, m_buffered);
        }
        finish(m_upstreamStatus, {});
        return;
    }
    if (!read) {
        fail(ApiError::badGateway(QStringLiteral("Provider \"%1\" sent an answer Patchbay could not read: %2")
                                      .arg(m_ctx.route.provider.name, readError),
                                  QStringLiteral("provider_error")));
        return;
    }
    if (m_connection)
        m_connection->respond(200, jsonHeaders(m_ctx.record.requestId), m_ctx.client->writeResponse(response));
    finish(200, {});
}

void ChatRelay::answerUpstreamError()
{
    const QByteArray body = scrub(m_buffered);
    QString message = m_ctx.provider->errorMessage(body);
    if (m_passthrough && !message.isEmpty()) {
        // Already in the client's own dialect: the provider's words reach it unchanged.
        if (m_connection)
            m_connection->respond(m_upstreamStatus, jsonHeaders(m_ctx.record.requestId), body);
        finish(m_upstreamStatus, message);
        return;
    }
    if (message.isEmpty()) {
        const QString text = QString::fromUtf8(body.left(500)).trimmed();
        message = QStringLiteral("Provider \"%1\" answered HTTP %2%3")
                      .arg(m_ctx.route.provider.name)
                      .arg(m_upstreamStatus)
                      .arg(text.isEmpty() ? QStringLiteral(".") : QStringLiteral(": ") + text);
    }
    const ApiError error{m_upstreamStatus, message,
                         m_upstreamStatus >= 500 ? QStringLiteral("api_error") : QStringLiteral("invalid_request_error"),
                         QStringLiteral("provider_error")};
    if (m_connection)
        m_connection->respond(error.status, jsonHeaders(m_ctx.record.requestId), m_ctx.client->writeError(error));
    finish(error.status, message);
}

void ChatRelay::onFailed(UpstreamCall::Failure failure, const QString &message)
{
    const QString provider = m_ctx.route.provider.name;
    switch (failure) {
    case UpstreamCall::Failure::Timeout:
        fail(ApiError::gatewayTimeout(QStringLiteral("Provider \"%1\" timed out: %2 Try again, or raise its timeouts in config.json.")
                                          .arg(provider, message)));
        break;
    case UpstreamCall::Failure::Connect:
        fail(ApiError::badGateway(QStringLiteral("Provider \"%1\" is unreachable: %2 Check that it is running and that its base URL (%3) is right.")
                                      .arg(provider, message, m_ctx.route.provider.baseUrl),
                                  QStringLiteral("provider_unreachable")));
        break;
    case UpstreamCall::Failure::ConnectionLost:
    case UpstreamCall::Failure::Protocol:
        fail(ApiError::badGateway(QStringLiteral("Provider \"%1\" failed: %2").arg(provider, message),
                                  QStringLiteral("provider_error")));
        break;
    }
}

void ChatRelay::fail(const ApiError &error)
{
    if (m_done)
        return;
    if (m_connection && m_connection->responseStarted()) {
        // Mid-stream the status is long gone; every dialect reports errors as an event.
        StreamEvent event;
        event.kind = StreamEvent::Kind::Error;
        event.text = error.message;
        event.errorType = error.type;
        event.errorCode = error.code;
        m_connection->writeChunk(m_writer->write(event));
        m_connection->endChunked();
        // The ledger keeps the failure's own status so error rates count it.
        finish(error.status, error.message);
        return;
    }
    if (m_connection)
        m_connection->respond(error.status, jsonHeaders(m_ctx.record.requestId), m_ctx.client->writeError(error));
    finish(error.status, error.message);
}

void ChatRelay::stopForShutdown()
{
    if (m_done)
        return;
    if (m_call)
        m_call->abort();
    fail(ApiError::unavailable(QStringLiteral("Patchbay is shutting down; the call to provider \"%1\" was stopped. "
                                              "Send it again once the gateway is back.")
                                   .arg(m_ctx.route.provider.name),
                               QStringLiteral("gateway_stopping")));
}

void ChatRelay::onClientGone()
{
    if (m_done)
        return;
    if (m_call)
        m_call->abort();
    m_usage = m_reader->usage();
    finish(499, QStringLiteral("client_cancelled: the client closed the connection before the answer was complete."));
}

void ChatRelay::finish(int status, const QString &error)
{
    if (m_done)
        return;
    m_done = true;
    UsageRecord &r = m_ctx.record;
    r.status = status;
    r.error = error;
    r.inputTokens = m_usage.input;
    r.outputTokens = m_usage.output;
    r.latencyMs = m_clock.elapsed();
    if (m_ctx.ledger)
        m_ctx.ledger->append(r);
    deleteLater();
}

QByteArray ChatRelay::scrub(QByteArray text) const
{
    // Some providers echo the key they were sent; it must not reach the client or the ledger.
    if (m_ctx.apiKey.size() >= 8)
        text.replace(m_ctx.apiKey.toUtf8(), "***");
    return text;
}

} // namespace patchbay
