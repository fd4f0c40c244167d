#include "anthropicendpoints.h"

#include "anthropicreply.h"
#include "anthropicwire.h"
#include "fakehttpconnection.h"

#include <QJsonDocument>

namespace patchbay::testing {

namespace {

void sendError(FakeHttpConnection *connection, int status, const QString &message)
{
    const QString requestId = AnthropicWire::newRequestId();
    connection->sendJson(status, AnthropicWire::error(status, message, {}, requestId),
                         {{"request-id", requestId.toLatin1()}});
}

} // namespace

AnthropicEndpoints::AnthropicEndpoints(QString expectedKey, QStringList models, StepSource nextStep)
    : m_expectedKey(std::move(expectedKey))
    , m_models(std::move(models))
    , m_nextStep(std::move(nextStep))
{
}

bool AnthropicEndpoints::handles(const ReceivedRequest &request, const QByteArray &path)
{
    if (request.method == "POST" && (path == "/v1/messages" || path == "/v1/messages/count_tokens"))
        return true;
    const bool models = path == "/v1/models" || path.startsWith("/v1/models/");
    return models && request.method == "GET"
        && (request.hasHeader("x-api-key") || request.hasHeader("anthropic-version"));
}

void AnthropicEndpoints::answer(FakeHttpConnection *connection, const ReceivedRequest &request,
                                const QByteArray &path) const
{
    if (!accepted(connection, request))
        return;
    if (path.startsWith("/v1/models"))
        return answerModels(connection, path);
    answerMessages(connection, request, path.endsWith("/count_tokens"));
}

bool AnthropicEndpoints::accepted(FakeHttpConnection *connection, const ReceivedRequest &request) const
{
    if (!m_expectedKey.isEmpty()) {
        if (!request.hasHeader("x-api-key")) {
            sendError(connection, 401, QStringLiteral("x-api-key header is required"));
            return false;
        }
        if (QString::fromUtf8(request.header("x-api-key").trimmed()) != m_expectedKey) {
            sendError(connection, 401, QStringLiteral("invalid x-api-key"));
            return false;
        }
    }
    if (request.header("anthropic-version").trimmed().isEmpty()) {
        sendError(connection, 400, QStringLiteral("anthropic-version: header is required"));
        return false;
    }
    return true;
}

void AnthropicEndpoints::answerMessages(FakeHttpConnection *connection, const ReceivedRequest &request,
                                        bool countTokens) const
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(request.body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return sendError(connection, 400, QStringLiteral("There was an error parsing the body of your request. "
                                                         "Please ensure it is valid JSON."));
    const QJsonObject body = document.object();
    const QString reason = AnthropicWire::invalidRequestReason(body, countTokens);
    if (!reason.isEmpty())
        return sendError(connection, 400, reason);
    if (countTokens) {
        // Counting is free and scripted by nothing: it never takes a step.
        return connection->sendJson(200, {{QStringLiteral("input_tokens"), AnthropicWire::promptWords(body)}},
                                    {{"request-id", AnthropicWire::newRequestId().toLatin1()}});
    }
    (new AnthropicReply(connection, m_nextStep(), body))->start();
}

void AnthropicEndpoints::answerModels(FakeHttpConnection *connection, const QByteArray &path) const
{
    const HttpHeaders headers{{"request-id", AnthropicWire::newRequestId().toLatin1()}};
    if (path == "/v1/models")
        return connection->sendJson(200, AnthropicWire::modelList(m_models), headers);
    const QString id = QString::fromUtf8(QByteArray::fromPercentEncoding(path.mid(11)));
    if (m_models.contains(id))
        return connection->sendJson(200, AnthropicWire::model(id), headers);
    sendError(connection, 404, QStringLiteral("model: %1").arg(id));
}

} // namespace patchbay::testing
