#include "chatrelay.h"

#include "httpconnection.h"
#include "usageledger.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace patchbay {

namespace {

constexpr qsizetype kMaxBufferedAnswer = 64 * 1024 * 1024;

QByteArray userAgent()
{
    return QByteArrayLiteral("Patchbay/" PATCHBAY_VERSION);
}

} // namespace

ChatRelay::ChatRelay(Context context, QJsonObject body, QObject *parent)
    : QObject(parent)
    , m_ctx(std::move(context))
    , m_body(std::move(body))
    , m_connection(m_ctx.connection)
    , m_clock(m_ctx.connection->requestTimer())
{
}

void ChatRelay::start()
{
    m_stream = m_body.value(QLatin1String("stream")).toBool(false);
    m_ctx.record.stream = m_stream;
    m_ctx.record.provider = m_ctx.route.provider.id;
    m_ctx.record.upstreamModel = m_ctx.route.upstreamModel;

    m_body.insert(QStringLiteral("model"), m_ctx.route.upstreamModel);
    if (m_stream) {
        // Usage only comes in a stream when asked for; the ledger needs it either way.
        QJsonObject options = m_body.value(QLatin1String("stream_options")).toObject();
        if (!options.value(QLatin1String("include_usage")).toBool(false)) {
            options.insert(QStringLiteral("include_usage"), true);
            m_body.insert(QStringLiteral("stream_options"), options);
            m_stripUsageChunk = true;
        }
    }

    UpstreamRequest request;
    request.url = QUrl(m_ctx.route.provider.baseUrl + QStringLiteral("/chat/completions"));
    request.timeouts = m_ctx.route.provider.timeouts;
    request.body = QJsonDocument(m_body).toJson(QJsonDocument::Compact);
    request.headers.add("Content-Type", "application/json");
    request.headers.add("Accept", m_stream ? "text/event-stream" : "application/json");
    request.headers.add("User-Agent", userAgent());
    if (!m_ctx.apiKey.isEmpty())
        request.headers.add("Authorization", "Bearer " + m_ctx.apiKey.toUtf8());
    for (auto it = m_ctx.route.provider.headers.begin(); it != m_ctx.route.provider.headers.end(); ++it)
        request.headers.set(it.key().toUtf8(), it.value().toUtf8());

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

void ChatRelay::onHead(const HttpResponseHead &head)
{
    m_ctx.record.ttfbMs = m_clock.elapsed();
    m_upstreamStatus = head.status;
    m_contentType = head.headers.value("content-type");
    m_upstreamIsSse = m_contentType.startsWith("text/event-stream");
    if (head.status >= 200 && head.status < 300 && m_stream && m_upstreamIsSse && m_connection) {
        HttpHeaders headers;
        headers.add("Content-Type", "text/event-stream; charset=utf-8");
        headers.add("Cache-Control", "no-cache");
        headers.add("X-Request-Id", m_ctx.record.requestId.toLatin1());
        m_connection->beginChunked(200, headers);
    }
}

void ChatRelay::onBody(const QByteArray &bytes)
{
    if (m_upstreamStatus >= 200 && m_upstreamStatus < 300 && m_stream && m_upstreamIsSse) {
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
        // Only a chunk that mentions usage can carry it; skip parsing the rest.
        if (event.data.contains("\"usage\"") && event.data != "[DONE]") {
            const QJsonObject chunk = QJsonDocument::fromJson(event.data).object();
            const QJsonValue usage = chunk.value(QLatin1String("usage"));
            if (usage.isObject()) {
                m_usage = TokenUsage::fromOpenAi(usage.toObject());
                if (m_stripUsageChunk && chunk.value(QLatin1String("choices")).toArray().isEmpty())
                    continue;
            }
        }
        out += event.raw;
    }
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
    if (m_stream && m_upstreamIsSse) {
        if (m_sse.pendingBytes() > 0)
            relayEvents("\n\n"); // a last event the provider did not terminate
        if (m_connection)
            m_connection->endChunked();
        finish(200, {});
        return;
    }
    const QJsonObject answer = QJsonDocument::fromJson(m_buffered).object();
    if (answer.value(QLatin1String("usage")).isObject())
        m_usage = TokenUsage::fromOpenAi(answer.value(QLatin1String("usage")).toObject());
    if (m_connection) {
        HttpHeaders headers;
        headers.add("Content-Type", m_contentType.isEmpty() ? QByteArray("application/json") : m_contentType);
        headers.add("X-Request-Id", m_ctx.record.requestId.toLatin1());
        m_connection->respond(m_upstreamStatus, headers, m_buffered);
    }
    finish(m_upstreamStatus, {});
}

void ChatRelay::answerUpstreamError()
{
    const QByteArray body = scrub(m_buffered);
    const QJsonObject json = QJsonDocument::fromJson(body).object();
    const QJsonValue error = json.value(QLatin1String("error"));
    QString message;
    QByteArray out;
    if (error.isObject() && error.toObject().value(QLatin1String("message")).isString()) {
        // Already in OpenAI's shape: the provider's own words reach the client unchanged.
        message = error.toObject().value(QLatin1String("message")).toString();
        out = body;
    } else {
        const QString text = QString::fromUtf8(body.left(500)).trimmed();
        message = QStringLiteral("Provider \"%1\" answered HTTP %2%3")
                      .arg(m_ctx.route.provider.name)
                      .arg(m_upstreamStatus)
                      .arg(text.isEmpty() ? QStringLiteral(".") : QStringLiteral(": ") + text);
        const ApiError wrapped{m_upstreamStatus, message,
                               m_upstreamStatus >= 500 ? QStringLiteral("api_error") : QStringLiteral("invalid_request_error"),
                               QStringLiteral("provider_error")};
        out = wrapped.toOpenAiJson();
    }
    if (m_connection) {
        HttpHeaders headers;
        headers.add("Content-Type", "application/json");
        headers.add("X-Request-Id", m_ctx.record.requestId.toLatin1());
        m_connection->respond(m_upstreamStatus, headers, out);
    }
    finish(m_upstreamStatus, message);
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
        // Mid-stream the status is long gone; OpenAI's own streams report errors as an event.
        m_connection->writeChunk("data: " + error.toOpenAiJson() + "\n\n");
        m_connection->endChunked();
        // The ledger keeps the failure's own status so error rates count it.
        finish(error.status, error.message);
        return;
    }
    if (m_connection)
        m_connection->respondError(error);
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
