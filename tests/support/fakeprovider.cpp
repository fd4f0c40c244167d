#include "fakeprovider.h"

#include "anthropicendpoints.h"
#include "fakehttpconnection.h"
#include "geminiendpoints.h"
#include "openaiwire.h"
#include "scriptedreply.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTcpServer>
#include <QTcpSocket>

namespace patchbay::testing {

FakeProvider::FakeProvider(QObject *parent)
    : QObject(parent)
    , m_server(new QTcpServer(this))
{
    qRegisterMetaType<ReceivedRequest>();
    connect(m_server, &QTcpServer::newConnection, this, &FakeProvider::onNewConnection);
}

FakeProvider::~FakeProvider()
{
    // Connections die with us; their closed() must not reach a half-destroyed provider.
    for (auto *connection : std::as_const(m_connections))
        disconnect(connection, nullptr, this, nullptr);
}

bool FakeProvider::listen(quint16 port)
{
    return m_server->listen(QHostAddress::LocalHost, port);
}

quint16 FakeProvider::port() const
{
    return m_server->serverPort();
}

QString FakeProvider::baseUrl() const
{
    return QStringLiteral("http://127.0.0.1:%1/v1").arg(port());
}

QString FakeProvider::geminiBaseUrl() const
{
    return QStringLiteral("http://127.0.0.1:%1/v1beta").arg(port());
}

QString FakeProvider::rootUrl() const
{
    return QStringLiteral("http://127.0.0.1:%1").arg(port());
}

void FakeProvider::setExpectedKey(const QString &key)
{
    m_expectedKey = key;
}

void FakeProvider::setModels(const QStringList &models)
{
    m_models = models;
}

void FakeProvider::setControlEndpointsEnabled(bool enabled)
{
    m_controlEnabled = enabled;
}

void FakeProvider::enqueue(const FakeStep &step)
{
    m_steps.enqueue(step);
}

int FakeProvider::pendingSteps() const
{
    return int(m_steps.size());
}

void FakeProvider::reset()
{
    m_steps.clear();
    m_requests.clear();
    m_closedMidResponse = 0;
    m_keysInUrl = 0;
}

QList<ReceivedRequest> FakeProvider::requests() const
{
    return m_requests;
}

int FakeProvider::openConnections() const
{
    return int(m_connections.size() - m_controlConnections.size());
}

int FakeProvider::closedMidResponse() const
{
    return m_closedMidResponse;
}

int FakeProvider::keysInUrl() const
{
    return m_keysInUrl;
}

FakeStep FakeProvider::takeStep()
{
    return m_steps.isEmpty() ? FakeStep() : m_steps.dequeue();
}

qint64 FakeProvider::unsentBytes() const
{
    qint64 total = 0;
    for (const FakeHttpConnection *c : m_connections)
        total += c->unsentBytes();
    return total;
}

void FakeProvider::onNewConnection()
{
    while (QTcpSocket *socket = m_server->nextPendingConnection()) {
        auto *connection = new FakeHttpConnection(socket, this);
        m_connections.append(connection);
        connect(connection, &FakeHttpConnection::requestReceived, this,
                [this, connection](const ReceivedRequest &request) { route(connection, request); });
        connect(connection, &FakeHttpConnection::closed, this, [this, connection](bool midResponse) {
            m_connections.removeOne(connection);
            const bool control = m_controlConnections.removeOne(connection);
            if (midResponse && !control) {
                ++m_closedMidResponse;
                Q_EMIT connectionClosedMidResponse();
            }
        });
    }
}

void FakeProvider::route(FakeHttpConnection *connection, const ReceivedRequest &request)
{
    QByteArray path = request.path;
    const qsizetype query = path.indexOf('?');
    if (query >= 0)
        path.truncate(query);
    if (m_controlEnabled && path.startsWith("/_fake/")) {
        // The script's own connection would otherwise show up in the stats it asks for.
        if (!m_controlConnections.contains(connection))
            m_controlConnections.append(connection);
        return answerControl(connection, request, path);
    }

    m_requests.append(request);
    if (GeminiEndpoints::hasKeyInUrl(request))
        ++m_keysInUrl;
    Q_EMIT requestReceived(request);

    const auto nextStep = [this] { return takeStep(); };
    if (GeminiEndpoints::handles(path))
        return GeminiEndpoints(m_expectedKey, m_models, nextStep).answer(connection, request, path);
    if (AnthropicEndpoints::handles(request, path))
        return AnthropicEndpoints(m_expectedKey, m_models, nextStep).answer(connection, request, path);

    const bool chat = path == "/v1/chat/completions" && request.method == "POST";
    const bool models = (path == "/v1/models" || path.startsWith("/v1/models/")) && request.method == "GET";
    if (!chat && !models)
        return connection->sendJson(404, OpenAiWire::invalidUrlError(request.method, path));
    if (!keyAccepted(connection, request))
        return;
    if (chat)
        answerChat(connection, request);
    else
        answerModels(connection, path);
}

bool FakeProvider::keyAccepted(FakeHttpConnection *connection, const ReceivedRequest &request)
{
    if (m_expectedKey.isEmpty())
        return true;
    const QByteArray authorization = request.header("authorization").trimmed();
    if (authorization.isEmpty()) {
        connection->sendJson(401, OpenAiWire::missingKeyError());
        return false;
    }
    const QByteArray scheme = "bearer ";
    const QString presented = authorization.toLower().startsWith(scheme)
        ? QString::fromUtf8(authorization.mid(scheme.size()).trimmed())
        : QString::fromUtf8(authorization);
    if (presented == m_expectedKey)
        return true;
    connection->sendJson(401, OpenAiWire::invalidKeyError(presented));
    return false;
}

void FakeProvider::answerChat(FakeHttpConnection *connection, const ReceivedRequest &request)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(request.body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return connection->sendJson(400, OpenAiWire::unparsableJsonError());
    const QJsonObject body = document.object();
    if (!body.value(QLatin1String("model")).isString())
        return connection->sendJson(400, OpenAiWire::missingParameterError(QStringLiteral("model")));
    if (!body.value(QLatin1String("messages")).isArray())
        return connection->sendJson(400, OpenAiWire::missingParameterError(QStringLiteral("messages")));

    (new ScriptedReply(connection, takeStep(), body))->start();
}

void FakeProvider::answerModels(FakeHttpConnection *connection, const QByteArray &path)
{
    if (path == "/v1/models")
        return connection->sendJson(200, OpenAiWire::modelList(m_models));
    const QString id = QString::fromUtf8(QByteArray::fromPercentEncoding(path.mid(11)));
    if (m_models.contains(id))
        return connection->sendJson(200, OpenAiWire::model(id));
    connection->sendJson(404, OpenAiWire::error(404, {}, {}, {}, id));
}

void FakeProvider::answerControl(FakeHttpConnection *connection, const ReceivedRequest &request,
                                 const QByteArray &path)
{
    if (path == "/_fake/script" && request.method == "POST") {
        const QJsonDocument document = QJsonDocument::fromJson(request.body);
        if (!document.isArray() && !document.isObject())
            return connection->sendResponse(400, {{"Content-Type", "text/plain"}},
                                            "expected a JSON array of steps\n");
        // A single object is accepted too: scripts often queue one step at a time.
        const QJsonArray steps = document.isArray() ? document.array() : QJsonArray{document.object()};
        for (const auto &step : steps)
            enqueue(FakeStep::fromJson(step.toObject()));
        return connection->sendResponse(204, {}, {});
    }
    if (path == "/_fake/requests" && request.method == "GET") {
        QJsonArray list;
        for (const auto &received : std::as_const(m_requests))
            list.append(received.toJson());
        return connection->sendResponse(200, {{"Content-Type", "application/json"}},
                                        QJsonDocument(list).toJson(QJsonDocument::Compact));
    }
    if (path == "/_fake/stats" && request.method == "GET") {
        return connection->sendJson(200, QJsonObject{{QStringLiteral("open_connections"), openConnections()},
                                                     {QStringLiteral("closed_mid_response"), m_closedMidResponse},
                                                     {QStringLiteral("pending_steps"), pendingSteps()},
                                                     {QStringLiteral("keys_in_url"), m_keysInUrl}});
    }
    if (path == "/_fake/reset" && request.method == "POST") {
        reset();
        return connection->sendResponse(204, {}, {});
    }
    connection->sendResponse(404, {{"Content-Type", "text/plain"}}, "unknown control endpoint\n");
}

} // namespace patchbay::testing
