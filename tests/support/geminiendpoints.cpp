#include "geminiendpoints.h"

#include "fakehttpconnection.h"
#include "geminireply.h"
#include "geminiwire.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUrlQuery>

namespace patchbay::testing {

namespace {

const QByteArray kModelsPath = "/v1beta/models";

QUrlQuery queryOf(const ReceivedRequest &request)
{
    const qsizetype mark = request.path.indexOf('?');
    return mark < 0 ? QUrlQuery() : QUrlQuery(QString::fromUtf8(request.path.mid(mark + 1)));
}

void sendGoogleJson(FakeHttpConnection *connection, int status, const QJsonObject &body)
{
    connection->sendResponse(status, {{"Content-Type", "application/json; charset=UTF-8"}},
                             GeminiWire::pretty(body));
}

void sendError(FakeHttpConnection *connection, int status, const QString &message)
{
    sendGoogleJson(connection, status, GeminiWire::error(status, message));
}

} // namespace

GeminiEndpoints::GeminiEndpoints(QString expectedKey, QStringList models, StepSource nextStep)
    : m_expectedKey(std::move(expectedKey))
    , m_models(std::move(models))
    , m_nextStep(std::move(nextStep))
{
}

bool GeminiEndpoints::handles(const QByteArray &path)
{
    return path.startsWith("/v1beta/");
}

bool GeminiEndpoints::hasKeyInUrl(const ReceivedRequest &request)
{
    return queryOf(request).hasQueryItem(QStringLiteral("key"));
}

void GeminiEndpoints::answer(FakeHttpConnection *connection, const ReceivedRequest &request,
                             const QByteArray &path) const
{
    if (path == kModelsPath && request.method == "GET") {
        if (accepted(connection, request))
            sendGoogleJson(connection, 200, GeminiWire::modelList(m_models));
        return;
    }
    if (!path.startsWith(kModelsPath + '/'))
        return sendError(connection, 404, QStringLiteral("Method not found."));
    const QByteArray rest = path.mid(kModelsPath.size() + 1);
    const qsizetype colon = rest.indexOf(':');
    const QString model = QString::fromUtf8(QByteArray::fromPercentEncoding(colon < 0 ? rest : rest.left(colon)));
    const QString method = colon < 0 ? QString() : QString::fromUtf8(rest.mid(colon + 1));
    const bool get = colon < 0 && request.method == "GET";
    const bool post = request.method == "POST"
        && (method == QLatin1String("generateContent") || method == QLatin1String("streamGenerateContent")
            || method == QLatin1String("countTokens"));
    if (!get && !post)
        return sendError(connection, 404, QStringLiteral("Method not found."));
    if (!accepted(connection, request))
        return;
    if (get) {
        if (m_models.contains(model))
            return sendGoogleJson(connection, 200, GeminiWire::model(model));
        return sendGoogleJson(connection, 404, GeminiWire::error(404, {}, {}, model));
    }
    answerModel(connection, model, method, request);
}

bool GeminiEndpoints::accepted(FakeHttpConnection *connection, const ReceivedRequest &request) const
{
    if (m_expectedKey.isEmpty())
        return true;
    const QUrlQuery query = queryOf(request);
    const bool inHeader = request.hasHeader("x-goog-api-key");
    const bool inUrl = query.hasQueryItem(QStringLiteral("key"));
    if (!inHeader && !inUrl) {
        sendGoogleJson(connection, 403, GeminiWire::missingKeyError());
        return false;
    }
    const QString presented = inHeader ? QString::fromUtf8(request.header("x-goog-api-key").trimmed())
                                       : query.queryItemValue(QStringLiteral("key"), QUrl::FullyDecoded);
    if (presented == m_expectedKey)
        return true;
    // Google answers a wrong key with 400, not 401.
    sendGoogleJson(connection, 400, GeminiWire::invalidKeyError());
    return false;
}

void GeminiEndpoints::answerModel(FakeHttpConnection *connection, const QString &model, const QString &method,
                                  const ReceivedRequest &request) const
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(request.body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return sendError(connection, 400, QStringLiteral("Invalid JSON payload received. Unexpected token."));
    QJsonObject body = document.object();

    if (method == QLatin1String("countTokens")) {
        // Either {contents} or a whole {generateContentRequest}; counting never takes a step.
        const QJsonValue wrapped = GeminiWire::field(body, QLatin1String("generateContentRequest"),
                                                     QLatin1String("generate_content_request"));
        if (wrapped.isObject())
            body = wrapped.toObject();
        const int tokens = GeminiWire::promptWords(body);
        return sendGoogleJson(connection, 200,
                              {{QStringLiteral("totalTokens"), tokens},
                               {QStringLiteral("promptTokensDetails"),
                                QJsonArray{QJsonObject{{QStringLiteral("modality"), QStringLiteral("TEXT")},
                                                       {QStringLiteral("tokenCount"), tokens}}}}});
    }
    const QString reason = GeminiWire::invalidRequestReason(body);
    if (!reason.isEmpty())
        return sendError(connection, 400, reason);

    GeminiReply::Framing framing = GeminiReply::Framing::Plain;
    if (method == QLatin1String("streamGenerateContent")) {
        const bool sse = queryOf(request).queryItemValue(QStringLiteral("alt")) == QLatin1String("sse");
        framing = sse ? GeminiReply::Framing::Sse : GeminiReply::Framing::JsonArray;
    }
    (new GeminiReply(connection, m_nextStep(), body, model, framing))->start();
}

} // namespace patchbay::testing
