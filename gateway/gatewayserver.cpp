#include "gatewayserver.h"

#include "apierror.h"
#include "batchdeleter.h"
#include "callcapture.h"
#include "chatpeek.h"
#include "chatrelay.h"
#include "dialects.h"
#include "httpconnection.h"
#include "httpserver.h"
#include "modelcatalog.h"
#include "upstreampool.h"
#include "usageledger.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QRandomGenerator>
#include <QUrlQuery>

#include <algorithm>

namespace patchbay {

namespace {

// A Host header names this machine only if it is a loopback name or address. Anything else
// is a page on some other site reaching us through DNS rebinding.
bool isLoopbackHost(QByteArray host, const QString &bindAddress)
{
    if (host.startsWith('[')) {
        const qsizetype close = host.indexOf(']');
        host = close < 0 ? QByteArray() : host.mid(1, close - 1);
    } else if (const qsizetype colon = host.lastIndexOf(':'); colon >= 0) {
        host = host.left(colon);
    }
    host = host.toLower();
    if (host == "localhost" || host.endsWith(".localhost") || host == "::1" || host.startsWith("127."))
        return true;
    return !bindAddress.isEmpty() && host == bindAddress.toLatin1();
}

QByteArray bearerToken(const HttpHeaders &headers)
{
    const QByteArray authorization = headers.value("authorization").trimmed();
    if (authorization.size() > 7 && authorization.left(7).compare("bearer ", Qt::CaseInsensitive) == 0)
        return authorization.mid(7).trimmed();
    return headers.value("x-api-key").trimmed();
}

void respondJson(HttpConnection *connection, int status, const QJsonObject &body)
{
    HttpHeaders headers;
    headers.add("Content-Type", "application/json");
    connection->respond(status, headers, QJsonDocument(body).toJson(QJsonDocument::Compact));
}

} // namespace

GatewayServer::GatewayServer(UsageLedger *ledger, QObject *parent)
    : QObject(parent)
    , m_ledger(ledger)
    , m_http(new HttpServer([this](HttpConnection *c) { handle(c); }, this))
    , m_pool(new UpstreamPool(this))
    , m_finishedRelays(new BatchDeleter(this))
    , m_catalog(new ModelCatalog(m_pool, this))
{
    m_router.setCatalog(m_catalog);
}

GatewayServer::~GatewayServer() = default;

bool GatewayServer::listen(const GatewayConfig &config, QString *error)
{
    m_config = config;
    m_http->setLimits(config.limits);
    m_limits.setOverallBudget(config.usdPerDay, config.usdPerMonth);
    return m_http->listen(QHostAddress(config.bindAddress), config.port, error);
}

void GatewayServer::close()
{
    // Calls in flight end first, so each still gets its answer and its ledger row.
    for (ChatRelay *relay : findChildren<ChatRelay *>(Qt::FindDirectChildrenOnly))
        relay->stopForShutdown();
    m_http->close();
    m_pool->clear();
}

void GatewayServer::setRouting(const RoutingConfig &routing)
{
    m_router.setRouting(routing);
    m_health.setPolicy(routing.retry.failuresBeforeCooldown, routing.retry.cooldownMs);
}

bool GatewayServer::isListening() const
{
    return m_http->isListening();
}

quint16 GatewayServer::port() const
{
    return m_http->port();
}

void GatewayServer::setProviders(const QList<ProviderConfig> &providers, const QHash<QString, QString> &keys)
{
    m_router.setProviders(providers);
    m_keys = keys;
    m_captureKeys.clear();
    for (const QString &key : keys)
        m_captureKeys.append(key.toUtf8());
    m_catalog->setProviders(providers, keys);
}

std::optional<QString> GatewayServer::admit(HttpConnection *connection)
{
    const HttpRequestHead &request = connection->request();
    const QByteArray host = request.headers.value("host");
    if (host.isEmpty() && request.versionMinor == 1) {
        respondError(connection, clientCodecFor(connection->request()), ApiError::badRequest(QStringLiteral("The request has no Host header, which HTTP/1.1 requires.")));
        return std::nullopt;
    }
    if (!host.isEmpty() && !isAllowedHost(host)) {
        respondError(connection, clientCodecFor(connection->request()), ApiError::forbidden(
            QStringLiteral("Patchbay only answers requests addressed to this machine (Host \"%1\" is not localhost). "
                           "This protects your keys from web pages that rebind their DNS name to 127.0.0.1.")
                .arg(QString::fromLatin1(host))));
        return std::nullopt;
    }
    if (const QByteArray origin = request.headers.value("origin"); !origin.isEmpty()) {
        if (!m_config.allowedOrigins.contains(QString::fromLatin1(origin).toLower())) {
            respondError(connection, clientCodecFor(connection->request()), ApiError::forbidden(
                QStringLiteral("Patchbay refuses requests from web pages (Origin \"%1\") so that a site you visit cannot "
                               "spend your provider credit. Call it from a program, or add the origin to "
                               "gateway.allowed_origins if you trust it.")
                    .arg(QString::fromLatin1(origin))));
            return std::nullopt;
        }
        // An allow-listed page may read the answers; no wildcard, ever.
        HttpHeaders cors;
        cors.add("Access-Control-Allow-Origin", origin);
        cors.add("Vary", "Origin");
        cors.add("Access-Control-Expose-Headers", "X-Request-Id, request-id, Retry-After");
        connection->setExtraResponseHeaders(cors);
        if (request.method == "OPTIONS") {
            // The preflight carries no credentials; it only learns what the real call may send.
            HttpHeaders headers;
            headers.add("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
            const QByteArray asked = request.headers.value("access-control-request-headers");
            headers.add("Access-Control-Allow-Headers", asked.isEmpty() ? QByteArray("authorization, content-type, x-api-key") : asked);
            headers.add("Access-Control-Max-Age", "600");
            connection->respond(204, headers, {});
            return std::nullopt;
        }
    }
    if (!m_config.requireTokens || request.path() == "/health")
        return QString();
    const QByteArray token = bearerToken(request.headers);
    if (token.isEmpty()) {
        respondError(connection, clientCodecFor(connection->request()), ApiError::unauthorized(
            QStringLiteral("Patchbay needs an access token. Create one on the Gateway page or with "
                           "\"patchbayd --create-token NAME\", and send it as the API key (Authorization: Bearer …).")));
        return std::nullopt;
    }
    // A client sends the same token on every call: remember the ones already verified.
    if (const auto known = m_verifiedTokens.constFind(token); known != m_verifiedTokens.constEnd())
        return known.value();
    const auto it = m_tokens.constFind(QCryptographicHash::hash(token, QCryptographicHash::Sha256).toHex());
    if (it == m_tokens.constEnd()) {
        respondError(connection, clientCodecFor(connection->request()), ApiError::unauthorized(
            QStringLiteral("The access token is not known to Patchbay or has been revoked. Use a token from the "
                           "Gateway page or \"patchbayd --create-token NAME\"; provider keys do not work here.")));
        return std::nullopt;
    }
    if (m_verifiedTokens.size() > 256)
        m_verifiedTokens.clear();
    m_verifiedTokens.insert(token, it.value());
    return it.value();
}

void GatewayServer::handle(HttpConnection *connection)
{
    const std::optional<QString> client = admit(connection);
    if (!client)
        return;
    const HttpRequestHead &request = connection->request();
    const QByteArray path = request.path();
    const QByteArray &method = request.method;
    const auto only = [&](const char *allowed) {
        if (method == allowed)
            return true;
        respondError(connection, clientCodecFor(connection->request()), {405, QStringLiteral("%1 %2 is not supported; use %3.")
                                           .arg(QString::fromLatin1(method), QString::fromLatin1(path), QLatin1String(allowed)),
                                  QStringLiteral("invalid_request_error"), QStringLiteral("method_not_allowed")});
        return false;
    };
    if (path == "/health") {
        if (only("GET"))
            serveHealth(connection);
    } else if (path == "/v1/models") {
        if (only("GET"))
            serveModels(connection);
    } else if (path.startsWith("/v1/models/")) {
        if (only("GET"))
            serveModel(connection, QString::fromUtf8(QByteArray::fromPercentEncoding(path.mid(11))));
    } else if (path == "/v1/chat/completions") {
        if (only("POST"))
            serveChat(connection, *client, Dialect::OpenAi, {});
    } else if (path == "/v1/messages" && Dialects::client(Dialect::Anthropic)) {
        if (only("POST"))
            serveChat(connection, *client, Dialect::Anthropic, {});
    } else if (path == "/v1/messages/count_tokens" && Dialects::client(Dialect::Anthropic)) {
        if (only("POST"))
            serveChat(connection, *client, Dialect::Anthropic, QStringLiteral("messages/count_tokens"));
    } else if (path == "/v1/embeddings" || path == "/v1/responses") {
        // OpenAI endpoints beyond chat: carried untouched to providers that speak OpenAI.
        if (only("POST"))
            serveChat(connection, *client, Dialect::OpenAi, QString::fromLatin1(path.mid(4)));
    } else {
        respondError(connection, clientCodecFor(connection->request()), ApiError::notFound(
            QStringLiteral("Patchbay has no endpoint %1 %2. It serves GET /v1/models, POST /v1/chat/completions, /v1/messages, /v1/embeddings and /v1/responses.")
                .arg(QString::fromLatin1(method), QString::fromLatin1(path)),
            QStringLiteral("unknown_endpoint")));
    }
}

void GatewayServer::serveHealth(HttpConnection *connection)
{
    respondJson(connection, 200,
                {{QStringLiteral("status"), QStringLiteral("ok")},
                 {QStringLiteral("version"), QStringLiteral(PATCHBAY_VERSION)},
                 {QStringLiteral("providers"), static_cast<int>(m_router.providers().size())}});
}

void GatewayServer::serveModels(HttpConnection *connection)
{
    const HttpRequestHead &request = connection->request();
    const bool anthropicShape = request.headers.contains("anthropic-version");
    const QString refresh = QUrlQuery(QUrl::fromEncoded("http://x" + request.target)).queryItemValue(QStringLiteral("refresh"));
    if (refresh == QLatin1String("1") || refresh == QLatin1String("true")) {
        // The answer waits for the providers' own lists; the connection may be gone by then.
        QPointer<HttpConnection> guard(connection);
        m_catalog->refresh([this, guard, anthropicShape] {
            if (guard)
                answerModels(guard, anthropicShape);
        });
        return;
    }
    answerModels(connection, anthropicShape);
    if (m_catalog->isStale())
        m_catalog->refresh();
}

void GatewayServer::serveModel(HttpConnection *connection, const QString &id)
{
    const bool anthropicShape = connection->request().headers.contains("anthropic-version");
    for (const ProviderConfig &p : m_router.providers()) {
        for (const QString &model : m_catalog->models(p)) {
            if (p.id + QLatin1Char('/') + model != id)
                continue;
            if (anthropicShape)
                respondJson(connection, 200,
                            {{QStringLiteral("type"), QStringLiteral("model")},
                             {QStringLiteral("id"), id},
                             {QStringLiteral("display_name"), p.name + QStringLiteral(": ") + model},
                             {QStringLiteral("created_at"), QStringLiteral("1970-01-01T00:00:00Z")}});
            else
                respondJson(connection, 200,
                            {{QStringLiteral("id"), id},
                             {QStringLiteral("object"), QStringLiteral("model")},
                             {QStringLiteral("created"), 0},
                             {QStringLiteral("owned_by"), p.id}});
            return;
        }
    }
    respondError(connection, clientCodecFor(connection->request()),
                 ApiError::notFound(QStringLiteral("The model \"%1\" is not configured in Patchbay; GET /v1/models lists what is.").arg(id),
                                    QStringLiteral("model_not_found")));
}

void GatewayServer::answerModels(HttpConnection *connection, bool anthropicShape)
{
    QJsonArray data;
    for (const ProviderConfig &p : m_router.providers()) {
        for (const QString &model : m_catalog->models(p)) {
            const QString id = p.id + QLatin1Char('/') + model;
            if (anthropicShape)
                data.append(QJsonObject{{QStringLiteral("type"), QStringLiteral("model")},
                                        {QStringLiteral("id"), id},
                                        {QStringLiteral("display_name"), p.name + QStringLiteral(": ") + model},
                                        {QStringLiteral("created_at"), QStringLiteral("1970-01-01T00:00:00Z")}});
            else
                data.append(QJsonObject{{QStringLiteral("id"), id},
                                        {QStringLiteral("object"), QStringLiteral("model")},
                                        {QStringLiteral("created"), 0},
                                        {QStringLiteral("owned_by"), p.id}});
        }
    }
    if (anthropicShape) {
        const QString first = data.isEmpty() ? QString() : data.first().toObject().value(QLatin1String("id")).toString();
        const QString last = data.isEmpty() ? QString() : data.last().toObject().value(QLatin1String("id")).toString();
        respondJson(connection, 200,
                    {{QStringLiteral("data"), data},
                     {QStringLiteral("has_more"), false},
                     {QStringLiteral("first_id"), first.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(first)},
                     {QStringLiteral("last_id"), last.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(last)}});
        return;
    }
    respondJson(connection, 200, {{QStringLiteral("object"), QStringLiteral("list")}, {QStringLiteral("data"), data}});
}

void GatewayServer::serveChat(HttpConnection *connection, const QString &client, Dialect dialect, const QString &suffix)
{
    const ClientCodec *codec = Dialects::client(dialect);
    UsageRecord record;
    record.requestId = ChatRelay::newRequestId();
    record.startedAtMs = QDateTime::currentMSecsSinceEpoch() - connection->requestTimer().elapsed();
    record.client = client;
    record.endpoint = QString::fromLatin1(connection->request().path());
    // One flag to test when capture is off; nothing is copied or built then.
    std::unique_ptr<CallCapture> capture;
    if (m_config.capture.any())
        capture = std::make_unique<CallCapture>(m_config.capture, connection->request(), connection->requestBody(), m_captureKeys);

    const auto reject = [&](const ApiError &error, const HttpHeaders &headers = {}) {
        respondError(connection, codec, error, headers, capture.get());
        record.status = error.status;
        record.error = error.message;
        record.latencyMs = connection->requestTimer().elapsed();
        if (capture)
            record.capture = capture->take();
        if (m_ledger)
            m_ledger->append(record);
    };

    ChatRelay::Context context;
    // Only chat calls are read as chat; the rest (count_tokens, embeddings, responses) pass
    // through to a provider of the client's own dialect as they came.
    const bool chatCall = suffix.isEmpty();
    const auto parseWhole = [&]() -> bool {
        QJsonParseError parseError;
        const QJsonDocument doc = QJsonDocument::fromJson(connection->requestBody(), &parseError);
        if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
            reject(ApiError::badRequest(
                parseError.error != QJsonParseError::NoError
                    ? QStringLiteral("The request body is not valid JSON: %1 at byte %2.").arg(parseError.errorString()).arg(parseError.offset)
                    : QStringLiteral("The request body must be a JSON object."),
                QStringLiteral("invalid_json")));
            return false;
        }
        context.body = doc.object();
        context.request = {};
        record.requestedModel = context.body.value(QLatin1String("model")).toString();
        ApiError error;
        if (chatCall && !codec->readRequest(context.body, &context.request, &error)) {
            reject(error);
            return false;
        }
        if (!chatCall) {
            // Passed through as they are; routing needs only the model and whether it streams.
            context.request.model = record.requestedModel;
            context.request.stream = context.body.value(QLatin1String("stream")).toBool(false);
            context.request.clientWantsStreamUsage = true; // nothing to inject or strip here
        }
        context.requestParsed = true;
        return true;
    };
    // A chat call is first only peeked at; it is read whole below unless it is a passthrough.
    ChatPeek peek;
    if (chatCall && ChatPeek::read(dialect, connection->requestBody(), &peek)) {
        record.requestedModel = peek.model;
        context.request.model = peek.model;
        context.request.stream = peek.stream;
        context.request.clientWantsStreamUsage = peek.clientWantsStreamUsage;
        context.requestParsed = false;
    } else if (!parseWhole()) {
        return;
    }
    if (const QString refusal = m_limits.modelRefusal(client, record.requestedModel); !refusal.isEmpty()) {
        reject({403, refusal, QStringLiteral("permission_error"), QStringLiteral("model_not_allowed")});
        return;
    }
    const QList<Route> routes = m_router.candidates(record.requestedModel, &m_health, QRandomGenerator::global());
    // Any target in another dialect needs the request translated, so read (and check) it now.
    const bool allPassthrough = std::all_of(routes.begin(), routes.end(), [&](const Route &r) {
        return Dialects::fromName(r.provider.dialect).value_or(Dialect::OpenAi) == dialect;
    });
    if (!context.requestParsed && (!allPassthrough || routes.isEmpty()) && !parseWhole())
        return;
    if (const std::optional<LimitHit> hit = m_limits.admit(client)) {
        HttpHeaders headers;
        headers.add("Retry-After", QByteArray::number(hit->retryAfterSeconds));
        reject({429, hit->message, QStringLiteral("rate_limit_error"), QStringLiteral("limit_reached")}, headers);
        return;
    }
    const std::optional<Route> route = routes.isEmpty() ? std::nullopt : std::optional<Route>(routes.first());
    if (!route) {
        reject(ApiError::notFound(QStringLiteral("The model \"%1\" is not configured in Patchbay. Name it as "
                                                 "\"<provider>/<model>\", or see GET /v1/models for what is available.")
                                      .arg(record.requestedModel),
                                  QStringLiteral("model_not_found")));
        return;
    }
    record.provider = route->provider.id;
    record.upstreamModel = route->upstreamModel;
    const ProviderCodec *provider = Dialects::provider(Dialects::fromName(route->provider.dialect).value_or(Dialect::OpenAi));
    if (!provider) {
        reject(ApiError::unavailable(QStringLiteral("Provider \"%1\" speaks the %2 dialect, which this build of Patchbay cannot call yet.")
                                         .arg(route->provider.name, route->provider.dialect),
                                     QStringLiteral("dialect_unavailable")));
        return;
    }
    if (!suffix.isEmpty() && provider->dialect() != dialect) {
        reject({501, QStringLiteral("%1 needs a provider that speaks the %2 dialect; \"%3\" is served by provider \"%4\" (%5), "
                                    "which has no such endpoint.")
                         .arg(record.endpoint, Dialects::name(dialect), record.requestedModel, route->provider.name, route->provider.dialect),
                QStringLiteral("invalid_request_error"), QStringLiteral("not_implemented")});
        return;
    }
    context.connection = connection;
    context.pool = m_pool;
    context.ledger = m_ledger;
    context.routes = routes;
    context.keys = m_keys;
    context.retry = m_router.routing().retry;
    context.health = &m_health;
    context.prices = m_prices;
    context.limits = &m_limits;
    context.deleter = m_finishedRelays;
    context.record = record;
    context.client = codec;
    context.upstreamPathSuffix = suffix;
    context.clientHeaders = connection->request().headers;
    context.rawBody = connection->requestBody();
    context.capture = std::move(capture);
    auto *relay = new ChatRelay(std::move(context), this);
    relay->start();
}

bool GatewayServer::isAllowedHost(QByteArray host) const
{
    if (isLoopbackHost(host, m_config.bindAddress))
        return true;
    if (host.startsWith('['))
        host = host.mid(1, host.indexOf(']') - 1);
    else if (const qsizetype colon = host.lastIndexOf(':'); colon >= 0)
        host = host.left(colon);
    return m_config.allowedHosts.contains(QString::fromLatin1(host).toLower());
}

const ClientCodec *GatewayServer::clientCodecFor(const HttpRequestHead &request)
{
    // Anthropic clients hear errors in their own shape, even before their request is read.
    const bool anthropic = request.path().startsWith("/v1/messages") || request.headers.contains("anthropic-version");
    return Dialects::client(anthropic ? Dialect::Anthropic : Dialect::OpenAi);
}

void GatewayServer::respondError(HttpConnection *connection, const ClientCodec *codec, const ApiError &error,
                                 const HttpHeaders &extraHeaders, CallCapture *capture)
{
    HttpHeaders headers = extraHeaders;
    headers.add("Content-Type", "application/json");
    const QByteArray id = ChatRelay::newRequestId().toLatin1();
    headers.add("X-Request-Id", id);
    headers.add("request-id", id); // what Anthropic's SDKs read
    const QByteArray body = codec ? codec->writeError(error) : error.toOpenAiJson();
    connection->respond(error.status, headers, body);
    if (capture) {
        capture->responded(error.status, headers, body.size());
        capture->sent(body);
    }
}

} // namespace patchbay
