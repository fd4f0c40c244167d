#include "gatewayserver.h"

#include "apierror.h"
#include "chatrelay.h"
#include "httpconnection.h"
#include "httpserver.h"
#include "upstreampool.h"
#include "usageledger.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>

namespace patchbay {

namespace {

QString newRequestId()
{
    quint32 words[3];
    QRandomGenerator::global()->fillRange(words);
    QByteArray raw(reinterpret_cast<const char *>(words), sizeof(words));
    return QStringLiteral("req_") + QString::fromLatin1(raw.toHex());
}

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
{
}

GatewayServer::~GatewayServer() = default;

bool GatewayServer::listen(const GatewayConfig &config, QString *error)
{
    m_config = config;
    m_http->setLimits(config.limits);
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
}

std::optional<QString> GatewayServer::admit(HttpConnection *connection)
{
    const HttpRequestHead &request = connection->request();
    const QByteArray host = request.headers.value("host");
    if (host.isEmpty() && request.versionMinor == 1) {
        connection->respondError(ApiError::badRequest(QStringLiteral("The request has no Host header, which HTTP/1.1 requires.")));
        return std::nullopt;
    }
    if (!host.isEmpty() && !isLoopbackHost(host, m_config.bindAddress)) {
        connection->respondError(ApiError::forbidden(
            QStringLiteral("Patchbay only answers requests addressed to this machine (Host \"%1\" is not localhost). "
                           "This protects your keys from web pages that rebind their DNS name to 127.0.0.1.")
                .arg(QString::fromLatin1(host))));
        return std::nullopt;
    }
    if (const QByteArray origin = request.headers.value("origin"); !origin.isEmpty()) {
        connection->respondError(ApiError::forbidden(
            QStringLiteral("Patchbay refuses requests from web pages (Origin \"%1\") so that a site you visit cannot "
                           "spend your provider credit. Call it from a program instead of a browser.")
                .arg(QString::fromLatin1(origin))));
        return std::nullopt;
    }
    if (!m_config.requireTokens || request.path() == "/health")
        return QString();
    const QByteArray token = bearerToken(request.headers);
    if (token.isEmpty()) {
        connection->respondError(ApiError::unauthorized(
            QStringLiteral("Patchbay needs an access token. Create one on the Gateway page or with "
                           "\"patchbayd --create-token NAME\", and send it as the API key (Authorization: Bearer …).")));
        return std::nullopt;
    }
    const auto it = m_tokens.constFind(QCryptographicHash::hash(token, QCryptographicHash::Sha256).toHex());
    if (it == m_tokens.constEnd()) {
        connection->respondError(ApiError::unauthorized(
            QStringLiteral("The access token is not known to Patchbay or has been revoked. Use a token from the "
                           "Gateway page or \"patchbayd --create-token NAME\"; provider keys do not work here.")));
        return std::nullopt;
    }
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
        connection->respondError({405, QStringLiteral("%1 %2 is not supported; use %3.")
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
    } else if (path == "/v1/chat/completions") {
        if (only("POST"))
            serveChatCompletions(connection, *client);
    } else {
        connection->respondError(ApiError::notFound(
            QStringLiteral("Patchbay has no endpoint %1 %2. It serves GET /v1/models and POST /v1/chat/completions.")
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
    QJsonArray data;
    for (const ProviderConfig &p : m_router.providers()) {
        for (const QString &model : p.models) {
            data.append(QJsonObject{{QStringLiteral("id"), p.id + QLatin1Char('/') + model},
                                    {QStringLiteral("object"), QStringLiteral("model")},
                                    {QStringLiteral("created"), 0},
                                    {QStringLiteral("owned_by"), p.id}});
        }
    }
    respondJson(connection, 200, {{QStringLiteral("object"), QStringLiteral("list")}, {QStringLiteral("data"), data}});
}

void GatewayServer::serveChatCompletions(HttpConnection *connection, const QString &client)
{
    UsageRecord record;
    record.requestId = newRequestId();
    record.startedAtMs = QDateTime::currentMSecsSinceEpoch() - connection->requestTimer().elapsed();
    record.client = client;
    record.endpoint = QStringLiteral("/v1/chat/completions");

    const auto reject = [&](const ApiError &error) {
        connection->respondError(error);
        record.status = error.status;
        record.error = error.message;
        record.latencyMs = connection->requestTimer().elapsed();
        if (m_ledger)
            m_ledger->append(record);
    };

    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(connection->requestBody(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
        reject(ApiError::badRequest(
            parseError.error != QJsonParseError::NoError
                ? QStringLiteral("The request body is not valid JSON: %1 at byte %2.").arg(parseError.errorString()).arg(parseError.offset)
                : QStringLiteral("The request body must be a JSON object."),
            QStringLiteral("invalid_json")));
        return;
    }
    const QJsonObject body = doc.object();
    const QJsonValue model = body.value(QLatin1String("model"));
    if (!model.isString() || model.toString().isEmpty()) {
        reject(ApiError::badRequest(QStringLiteral("The request needs a \"model\", such as \"openai/gpt-4o-mini\". "
                                                   "GET /v1/models lists what is configured."),
                                    QStringLiteral("missing_model")));
        return;
    }
    record.requestedModel = model.toString();
    const QJsonValue messages = body.value(QLatin1String("messages"));
    if (!messages.isArray() || messages.toArray().isEmpty()) {
        reject(ApiError::badRequest(QStringLiteral("The request needs \"messages\": a non-empty list of chat messages."),
                                    QStringLiteral("missing_messages")));
        return;
    }
    const std::optional<Route> route = m_router.resolve(record.requestedModel);
    if (!route) {
        reject(ApiError::notFound(QStringLiteral("The model \"%1\" is not configured in Patchbay. Name it as "
                                                 "\"<provider>/<model>\", or see GET /v1/models for what is available.")
                                      .arg(record.requestedModel),
                                  QStringLiteral("model_not_found")));
        return;
    }
    record.provider = route->provider.id;
    record.upstreamModel = route->upstreamModel;
    const QString key = m_keys.value(route->provider.id);
    if (!route->provider.keyRef.isEmpty() && key.isEmpty()) {
        reject(ApiError::unavailable(
            QStringLiteral("Patchbay has no API key for provider \"%1\" (%2). Enter it on the Providers page; for "
                           "patchbayd without a keychain, use \"env:VARIABLE\" as its key in config.json.")
                .arg(route->provider.name, route->provider.keyRef),
            QStringLiteral("provider_key_missing")));
        return;
    }
    auto *relay = new ChatRelay({connection, m_pool, m_ledger, *route, key, record}, body, this);
    relay->start();
}

} // namespace patchbay
