#include "chatrelay.h"

#include "batchdeleter.h"
#include "dialects.h"
#include "httpconnection.h"
#include "jsonpeek.h"
#include "targethealth.h"
#include "usagelimits.h"
#include "usageledger.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QTimer>

#include <cstring>

namespace patchbay {

namespace {

constexpr qsizetype kMaxBufferedAnswer = 64 * 1024 * 1024;

HttpHeaders jsonHeaders(const QString &requestId)
{
    HttpHeaders headers;
    // Literals as static data, and the id's bytes made once: this runs for every answer.
    const QByteArray id = requestId.toLatin1();
    headers.add(QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json"));
    headers.add(QByteArrayLiteral("X-Request-Id"), id);
    headers.add(QByteArrayLiteral("request-id"), id); // what Anthropic's SDKs read
    return headers;
}

// A JSON string literal for name, quotes and escapes included.
QByteArray jsonString(const QString &name)
{
    QByteArray out;
    const QByteArray utf8 = name.toUtf8();
    out.reserve(utf8.size() + 2);
    out += '"';
    for (const char c : utf8) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            out += "\\u00";
            out += "0123456789abcdef"[(c >> 4) & 0xf];
            out += "0123456789abcdef"[c & 0xf];
        } else {
            out += c;
        }
    }
    out += '"';
    return out;
}

// The body with the top-level model's name swapped in place, or empty when that cannot be
// done with certainty (see JsonPeek), in which case the caller re-serialises.
QByteArray withModel(const QByteArray &body, const QString &to)
{
    QByteArrayView value;
    if (JsonPeek::member(body, "model", &value) != JsonPeek::Result::Found || !value.startsWith('"'))
        return {};
    QByteArray out = body;
    out.replace(value.data() - body.constData(), value.size(), jsonString(to));
    return out;
}

// An OpenAI streaming body that asks for the usage chunk: stream_options is added in front of
// the other members. Empty when the client sent stream_options of its own (it is merged then).
QByteArray withStreamUsage(const QByteArray &body)
{
    QByteArrayView options;
    if (body.isEmpty() || JsonPeek::member(body, "stream_options", &options) != JsonPeek::Result::Absent)
        return {};
    const qsizetype brace = body.indexOf('{');
    if (brace < 0)
        return {};
    QByteArray out = body;
    out.insert(brace + 1, "\"stream_options\":{\"include_usage\":true},");
    return out;
}

// The last "usage": {…} object in a JSON answer, as text; empty when there is none.
QByteArray usageObject(const QByteArray &body)
{
    const qsizetype key = body.lastIndexOf("\"usage\"");
    if (key < 0)
        return {};
    const qsizetype open = body.indexOf('{', key);
    if (open < 0)
        return {};
    int depth = 0;
    bool inString = false;
    for (qsizetype i = open; i < body.size(); ++i) {
        const char c = body.at(i);
        if (inString) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                inString = false;
        } else if (c == '"') {
            inString = true;
        } else if (c == '{') {
            ++depth;
        } else if (c == '}' && --depth == 0) {
            return body.mid(open, i - open + 1);
        }
    }
    return {};
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
    const ProviderConfig &provider = m_route.provider;
    const QString &model = m_route.upstreamModel;
    if (m_passthrough) {
        const bool askForUsage =
            m_ctx.request.stream && m_provider->dialect() == Dialect::OpenAi && !m_ctx.request.clientWantsStreamUsage;
        // The common case keeps the client's bytes and only swaps the model's name in them.
        QByteArray bytes = withModel(m_ctx.rawBody, model);
        if (askForUsage) {
            // Usage only comes in an OpenAI stream when asked for; the ledger needs it either way.
            bytes = withStreamUsage(bytes);
            m_stripUsageChunk = !bytes.isEmpty();
        }
        if (bytes.isEmpty()) {
            ensureParsed();
            QJsonObject body = m_ctx.body;
            body.insert(QStringLiteral("model"), model);
            if (askForUsage) {
                // Usage only comes in an OpenAI stream when asked for; the ledger needs it either way.
                QJsonObject options = body.value(QLatin1String("stream_options")).toObject();
                options.insert(QStringLiteral("include_usage"), true);
                body.insert(QStringLiteral("stream_options"), options);
                m_stripUsageChunk = true;
            }
            bytes = QJsonDocument(body).toJson(QJsonDocument::Compact);
        }
        *request = m_provider->passthroughRequest(provider, m_apiKey, model, m_ctx.request.stream, bytes);
        m_provider->forwardClientHeaders(m_ctx.clientHeaders, request);
        return true;
    }
    ensureParsed();
    if (!m_ctx.request.untranslatable.isEmpty()) {
        *error = ApiError::badRequest(
            QStringLiteral("Patchbay cannot carry %1 to provider \"%2\", which speaks the %3 dialect. Remove %4, or use a "
                           "model from a provider that speaks the same dialect as your client.")
                .arg(m_ctx.request.untranslatable.join(QStringLiteral(", ")), provider.name, Dialects::name(m_provider->dialect()),
                     m_ctx.request.untranslatable.size() == 1 ? QStringLiteral("it") : QStringLiteral("them")),
            QStringLiteral("untranslatable_field"));
        return false;
    }
    return m_provider->buildRequest(provider, m_apiKey, model, m_ctx.request, request, error);
}

void ChatRelay::ensureParsed()
{
    if (m_ctx.requestParsed)
        return;
    m_ctx.requestParsed = true;
    // The gateway routed on what it peeked; the whole request is read only now that it is
    // needed (a body to rebuild, input to estimate). It was not refused then, so it is not now:
    // the provider, which speaks the client's dialect, has the last word on it.
    m_ctx.body = QJsonDocument::fromJson(m_ctx.rawBody).object();
    ChatRequest full;
    ApiError ignored;
    if (m_ctx.client->readRequest(m_ctx.body, &full, &ignored))
        m_ctx.request = std::move(full);
}

void ChatRelay::start()
{
    m_ctx.record.stream = m_ctx.request.stream;
    m_writer = m_ctx.client->streamWriter(m_ctx.request);
    connect(m_ctx.connection, &HttpConnection::clientGone, this, &ChatRelay::onClientGone);
    connect(m_ctx.connection, &HttpConnection::drained, this, [this] {
        if (m_call)
            m_call->setPaused(false);
    });
    beginAttempt();
}

void ChatRelay::beginAttempt()
{
    if (m_done)
        return;
    for (; m_routeIndex < m_ctx.routes.size(); ++m_routeIndex, m_attemptOnRoute = 0) {
        m_route = m_ctx.routes.at(m_routeIndex);
        m_provider = Dialects::provider(Dialects::fromName(m_route.provider.dialect).value_or(Dialect::OpenAi));
        m_apiKey = m_ctx.keys.value(m_route.provider.id);
        if (!m_route.provider.keyRef.isEmpty() && m_apiKey.isEmpty()) {
            m_lastError = ApiError::unavailable(
                QStringLiteral("Patchbay has no API key for provider \"%1\" (%2). Enter it on the Providers page; for "
                               "patchbayd without a keychain, use \"env:VARIABLE\" as its key in config.json.")
                    .arg(m_route.provider.name, m_route.provider.keyRef),
                QStringLiteral("provider_key_missing"));
            continue;
        }
        m_passthrough = m_ctx.client->dialect() == m_provider->dialect();
        UpstreamRequest request;
        if (!prepare(&request, &m_lastError))
            continue; // this target cannot take the call as written; another may
        startAttempt(std::move(request));
        return;
    }
    fail(m_lastError);
}

void ChatRelay::startAttempt(UpstreamRequest request)
{
    // Each attempt is its own ledger row, linked to the one before it.
    UsageRecord &r = m_ctx.record;
    if (m_attempts > 0) {
        r.retryOf = r.requestId;
        r.requestId = newRequestId();
    }
    r.attempt = ++m_attempts;
    r.provider = m_route.provider.id;
    r.upstreamModel = m_route.upstreamModel;
    r.ttfbMs = -1;
    r.ttftMs = -1;
    m_reader = m_provider->streamReader();
    m_sse = {};
    m_buffered.clear();
    m_usage = {};
    m_upstreamStatus = 0;
    m_upstreamIsSse = false;
    m_streamError.clear();
    m_outputChars = 0;
    m_opaqueChars = 0;
    m_retryAfterMs = -1;
    m_attemptClock.start();

    if (!m_ctx.upstreamPathSuffix.isEmpty()) {
        // Another endpoint beside the chat one, under the provider's base path.
        QString basePath = QUrl(m_route.provider.baseUrl).path();
        while (basePath.endsWith(QLatin1Char('/')))
            basePath.chop(1);
        request.url.setPath(basePath + QLatin1Char('/') + m_ctx.upstreamPathSuffix);
    }
    request.headers.set("User-Agent", QByteArrayLiteral("Patchbay/" PATCHBAY_VERSION));

    m_call = new UpstreamCall(m_ctx.pool, std::move(request), this, this);
    m_call->start();
}

bool ChatRelay::retry(const ApiError &error)
{
    if (m_done || !m_connection || m_connection->responseStarted())
        return false; // something went to the client already: the call is what it is
    const RetryConfig &policy = m_ctx.retry;
    const bool sameTarget = m_attemptOnRoute + 1 < policy.attemptsPerTarget;
    if (!sameTarget && m_routeIndex + 1 >= m_ctx.routes.size())
        return false;
    if (m_ctx.health)
        m_ctx.health->recordFailure(m_route.target());
    recordAttempt(error.status, error.message);
    if (m_call) {
        m_call->abort();
        m_call->deleteLater();
        m_call = nullptr;
    }
    int delay = 0;
    if (sameTarget) {
        ++m_attemptOnRoute;
        // Exponential, with jitter so many clients retrying at once do not arrive together.
        const qint64 ceiling = qMin<qint64>(policy.maxDelayMs, qint64(policy.baseDelayMs) << qMin(m_attemptOnRoute - 1, 20));
        delay = int(ceiling / 2 + (ceiling > 1 ? QRandomGenerator::global()->bounded(ceiling / 2 + 1) : 0));
        if (m_retryAfterMs >= 0)
            delay = int(qMin<qint64>(m_retryAfterMs, policy.maxDelayMs));
    } else {
        ++m_routeIndex;
        m_attemptOnRoute = 0;
    }
    QTimer::singleShot(delay, this, &ChatRelay::beginAttempt);
    return true;
}

bool ChatRelay::isStreamAnswer() const
{
    return m_upstreamStatus >= 200 && m_upstreamStatus < 300 && m_ctx.request.stream && m_upstreamIsSse;
}

void ChatRelay::upstreamHead(const HttpResponseHead &head)
{
    m_ctx.record.ttfbMs = m_clock.elapsed();
    m_upstreamStatus = head.status;
    m_retryAfterMs = retryAfterMs(head.headers.value("retry-after"));
    m_contentType = head.headers.value("content-type");
    m_upstreamIsSse = m_contentType.startsWith("text/event-stream");
    if (isStreamAnswer() && m_connection) {
        HttpHeaders headers;
        headers.add("Content-Type", "text/event-stream; charset=utf-8");
        headers.add("Cache-Control", "no-cache");
        headers.add("X-Request-Id", m_ctx.record.requestId.toLatin1());
        headers.add("request-id", m_ctx.record.requestId.toLatin1());
        m_connection->beginChunked(200, headers);
        if (m_ctx.capture)
            m_ctx.capture->responded(200, headers, -1);
    }
}

void ChatRelay::upstreamBody(const QByteArray &bytes)
{
    if (isStreamAnswer()) {
        relayEvents(bytes);
        return;
    }
    if (m_buffered.size() + bytes.size() > kMaxBufferedAnswer) {
        m_call->abort();
        fail(ApiError::badGateway(QStringLiteral("Provider \"%1\" sent an answer larger than %2 MiB; Patchbay stopped reading it.")
                                      .arg(m_route.provider.name)
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
        // Passed through, an event matters only for usage, errors and the first token's time;
        // the rest goes on unparsed.
        const bool opaque = m_passthrough && m_ctx.record.ttftMs >= 0 && !event.data.contains("\"usage\"")
            && !event.data.contains("\"error\"");
        if (opaque)
            m_opaqueChars += event.data.size();
        const QList<StreamEvent> events = opaque ? QList<StreamEvent>() : m_reader->read(event);
        for (const StreamEvent &e : events) {
            noteOutput(e);
            if (e.kind == StreamEvent::Kind::Error)
                m_streamError = QStringLiteral("Provider \"%1\" reported an error in its stream: %2").arg(m_route.provider.name, e.text);
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
    writeChunk(out);
    if (m_connection->pendingBytes() > HttpConnection::kHighWater)
        m_call->setPaused(true);
}

void ChatRelay::respond(int status, const HttpHeaders &headers, const QByteArray &body)
{
    if (!m_connection)
        return;
    m_connection->respond(status, headers, body);
    if (m_ctx.capture) {
        m_ctx.capture->responded(status, headers, body.size());
        m_ctx.capture->sent(body);
    }
}

void ChatRelay::writeChunk(const QByteArray &bytes)
{
    if (!m_connection)
        return;
    m_connection->writeChunk(bytes);
    if (m_ctx.capture)
        m_ctx.capture->sent(bytes);
}

void ChatRelay::upstreamFinished()
{
    if (m_done)
        return;
    if (m_upstreamStatus < 200 || m_upstreamStatus >= 300) {
        answerUpstreamError();
        return;
    }
    if (m_ctx.health)
        m_ctx.health->recordSuccess(m_route.target(), m_attemptClock.elapsed());
    if (!isStreamAnswer()) {
        answerPlain();
        return;
    }
    if (m_sse.pendingBytes() > 0)
        relayEvents("\n\n"); // a last event the provider did not terminate
    if (m_connection) {
        if (!m_passthrough)
            writeChunk(m_writer->finish());
        m_connection->endChunked();
    }
    finish(m_streamError.isEmpty() ? 200 : 502, m_streamError);
}

void ChatRelay::answerPlain()
{
    if (m_passthrough) {
        // The answer goes back as it came; only its usage report is read, not the whole body.
        const QByteArray usage = usageObject(m_buffered);
        m_usage = m_provider->usageOf(usage.isEmpty() ? m_buffered : "{\"usage\":" + usage + '}');
        ChatResponse response;
        QString ignored;
        // Rare: the provider counted nothing, so the text is read to estimate from it.
        if (!m_usage.isKnown() && m_provider->readResponse(m_buffered, &response, &ignored)) {
            for (const ContentPart &part : response.content)
                m_outputChars += part.text.size() + part.argumentsJson.size();
        }
        HttpHeaders headers = jsonHeaders(m_ctx.record.requestId);
        if (!m_contentType.isEmpty())
            headers.set(QByteArrayLiteral("Content-Type"), m_contentType);
        respond(m_upstreamStatus, headers, m_buffered);
        finish(m_upstreamStatus, {});
        return;
    }
    ChatResponse response;
    QString readError;
    const bool read = m_provider->readResponse(m_buffered, &response, &readError);
    if (read) {
        m_usage = response.usage;
        for (const ContentPart &part : response.content)
            m_outputChars += part.text.size() + part.argumentsJson.size();
    } else if (m_passthrough) {
        // Not a chat answer (embeddings, responses, count_tokens): usage sits at the top if anywhere.
        m_usage = m_provider->usageOf(m_buffered);
    }
    if (m_passthrough || !m_ctx.upstreamPathSuffix.isEmpty()) {
        HttpHeaders headers = jsonHeaders(m_ctx.record.requestId);
        if (!m_contentType.isEmpty())
            headers.set(QByteArrayLiteral("Content-Type"), m_contentType);
        respond(m_upstreamStatus, headers, m_buffered);
        finish(m_upstreamStatus, {});
        return;
    }
    if (!read) {
        fail(ApiError::badGateway(QStringLiteral("Provider \"%1\" sent an answer Patchbay could not read: %2")
                                      .arg(m_route.provider.name, readError),
                                  QStringLiteral("provider_error")));
        return;
    }
    respond(200, jsonHeaders(m_ctx.record.requestId), m_ctx.client->writeResponse(response));
    finish(200, {});
}

void ChatRelay::answerUpstreamError()
{
    const QByteArray body = scrub(m_buffered);
    QString message = m_provider->errorMessage(body);
    static const QList<int> transient = {408, 429, 500, 502, 503, 504, 529};
    if (transient.contains(m_upstreamStatus)) {
        const QString said = message.isEmpty() ? QStringLiteral("HTTP %1").arg(m_upstreamStatus) : message;
        if (retry({m_upstreamStatus, QStringLiteral("Provider \"%1\" answered %2").arg(m_route.provider.name, said),
                   QStringLiteral("api_error"), QStringLiteral("provider_error")}))
            return;
    }
    if (m_passthrough && !message.isEmpty()) {
        // Already in the client's own dialect: the provider's words reach it unchanged.
        respond(m_upstreamStatus, jsonHeaders(m_ctx.record.requestId), body);
        finish(m_upstreamStatus, message);
        return;
    }
    if (message.isEmpty()) {
        const QString text = QString::fromUtf8(body.left(500)).trimmed();
        message = QStringLiteral("Provider \"%1\" answered HTTP %2%3")
                      .arg(m_route.provider.name)
                      .arg(m_upstreamStatus)
                      .arg(text.isEmpty() ? QStringLiteral(".") : QStringLiteral(": ") + text);
    }
    const ApiError error{m_upstreamStatus, message, ApiError::typeForStatus(m_upstreamStatus), QStringLiteral("provider_error")};
    respond(error.status, jsonHeaders(m_ctx.record.requestId), m_ctx.client->writeError(error));
    finish(error.status, message);
}

void ChatRelay::upstreamFailed(UpstreamCall::Failure failure, const QString &message)
{
    const QString provider = m_route.provider.name;
    m_call->deleteLater();
    m_call = nullptr;
    const ApiError error = failure == UpstreamCall::Failure::Timeout
        ? ApiError::gatewayTimeout(QStringLiteral("Provider \"%1\" timed out: %2").arg(provider, message))
        : ApiError::badGateway(QStringLiteral("Provider \"%1\" failed: %2").arg(provider, message), QStringLiteral("provider_error"));
    if (retry(error))
        return;
    switch (failure) {
    case UpstreamCall::Failure::Timeout:
        fail(ApiError::gatewayTimeout(QStringLiteral("Provider \"%1\" timed out: %2 Try again, or raise its timeouts in config.json.")
                                          .arg(provider, message)));
        break;
    case UpstreamCall::Failure::Connect:
        fail(ApiError::badGateway(QStringLiteral("Provider \"%1\" is unreachable: %2 Check that it is running and that its base URL (%3) is right.")
                                      .arg(provider, message, m_route.provider.baseUrl),
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
        writeChunk(m_writer->write(event));
        m_connection->endChunked();
        // The ledger keeps the failure's own status so error rates count it.
        finish(error.status, error.message);
        return;
    }
    respond(error.status, jsonHeaders(m_ctx.record.requestId), m_ctx.client->writeError(error));
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
                                   .arg(m_route.provider.name),
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

void ChatRelay::noteOutput(const StreamEvent &event)
{
    switch (event.kind) {
    case StreamEvent::Kind::TextDelta:
    case StreamEvent::Kind::ThinkingDelta:
    case StreamEvent::Kind::ToolCallDelta:
    case StreamEvent::Kind::ToolCallStart:
        if (m_ctx.record.ttftMs < 0)
            m_ctx.record.ttftMs = m_clock.elapsed();
        m_outputChars += event.text.size() + event.toolName.size();
        break;
    default:
        break;
    }
}

qint64 ChatRelay::inputChars()
{
    ensureParsed();
    qint64 chars = m_ctx.request.system.size();
    for (const ChatMessage &m : m_ctx.request.messages) {
        for (const ContentPart &p : m.parts)
            chars += p.text.size() + p.argumentsJson.size();
    }
    // Bodies Patchbay does not read as chat (embeddings, responses) count as they came.
    return chars > 0 ? chars : QJsonDocument(m_ctx.body).toJson(QJsonDocument::Compact).size();
}

UsageRecord ChatRelay::completedRecord(int status, const QString &error)
{
    UsageRecord r = m_ctx.record;
    r.status = status;
    r.error = error;
    r.latencyMs = m_clock.elapsed();
    if (r.ttftMs < 0 && status >= 200 && status < 300)
        r.ttftMs = r.latencyMs; // a plain answer's first token reaches the client with its last
    TokenUsage usage = m_usage;
    if (usage.isKnown()) {
        r.usageSource = QStringLiteral("provider");
    } else if (m_upstreamStatus >= 200 && m_upstreamStatus < 300) {
        // The provider answered but reported nothing (an interrupted stream, a server that never
        // counts): about four characters a token, the usual rule of thumb for English and code.
        r.usageSource = QStringLiteral("estimated");
        usage.input = (inputChars() + 3) / 4;
        // Unparsed JSON events carry about twice their text in framing.
        usage.output = (m_outputChars + m_opaqueChars / 2 + 3) / 4;
    }
    r.inputTokens = usage.input;
    r.outputTokens = usage.output;
    r.cacheReadTokens = usage.cacheRead;
    r.cacheWriteTokens = usage.cacheWrite;
    r.reasoningTokens = usage.reasoning;
    const PriceQuote quote = m_ctx.prices.price(m_route.provider, m_route.upstreamModel, usage,
                                                QDateTime::fromMSecsSinceEpoch(r.startedAtMs, Qt::UTC));
    r.catalogVersion = quote.catalogVersion;
    // A call the provider never accepted (refused, unreachable, its own error) is not billed.
    const bool accepted = m_upstreamStatus >= 200 && m_upstreamStatus < 300;
    r.costUsd = !usage.isKnown() && !accepted ? std::optional<double>(0.0) : quote.costUsd;
    return r;
}

void ChatRelay::recordAttempt(int status, const QString &error)
{
    UsageRecord r = completedRecord(status, error);
    if (m_ctx.capture)
        r.capture = m_ctx.capture->take();
    if (m_ctx.limits)
        m_ctx.limits->record(r.client, TokenUsage::orZero(r.inputTokens) + TokenUsage::orZero(r.outputTokens), r.costUsd.value_or(0.0));
    if (m_ctx.ledger)
        m_ctx.ledger->append(std::move(r));
}

void ChatRelay::finish(int status, const QString &error)
{
    if (m_done)
        return;
    m_done = true;
    recordAttempt(status, error);
    if (m_ctx.deleter)
        m_ctx.deleter->add(this);
    else
        deleteLater();
}

QString ChatRelay::newRequestId()
{
    // Time first, then 64 random bits: ids sort by when they were made, so the ledger's
    // request_id indexes grow at their right edge. Random ids put every new row on another
    // page of those b-trees, and each commit rewrote hundreds of pages (perf: the ledger
    // thread spent ~40 us a row, mostly writing WAL frames).
    const quint64 ms = quint64(QDateTime::currentMSecsSinceEpoch()) & 0xffff'ffff'ffffULL; // 48 bits: until 10889
    const quint64 random = QRandomGenerator::global()->generate64();
    char text[4 + 12 + 16];
    std::memcpy(text, "req_", 4);
    static constexpr char kHex[] = "0123456789abcdef";
    for (int i = 0; i < 12; ++i)
        text[4 + i] = kHex[(ms >> (44 - 4 * i)) & 0xf];
    for (int i = 0; i < 16; ++i)
        text[16 + i] = kHex[(random >> (60 - 4 * i)) & 0xf];
    return QString::fromLatin1(text, sizeof text);
}

qint64 ChatRelay::retryAfterMs(const QByteArray &value)
{
    if (value.isEmpty())
        return -1;
    bool ok = false;
    const double seconds = value.trimmed().toDouble(&ok);
    if (ok)
        return seconds < 0 ? -1 : qint64(seconds * 1000);
    // The other form is an HTTP date.
    const QDateTime at = QDateTime::fromString(QString::fromLatin1(value.trimmed()), Qt::RFC2822Date);
    return at.isValid() ? qMax<qint64>(0, QDateTime::currentDateTimeUtc().msecsTo(at)) : -1;
}

QByteArray ChatRelay::scrub(QByteArray text) const
{
    // Some providers echo the key they were sent; it must not reach the client or the ledger.
    if (m_apiKey.size() >= 8)
        text.replace(m_apiKey.toUtf8(), "***");
    return text;
}

} // namespace patchbay
