#include "apierror.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace patchbay {

QByteArray ApiError::toOpenAiJson() const
{
    const QJsonObject error{{QStringLiteral("message"), message},
                            {QStringLiteral("type"), type},
                            {QStringLiteral("param"), QJsonValue::Null},
                            {QStringLiteral("code"), code.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(code)}};
    return QJsonDocument(QJsonObject{{QStringLiteral("error"), error}}).toJson(QJsonDocument::Compact);
}

QString ApiError::typeForStatus(int status)
{
    switch (status) {
    case 401: return QStringLiteral("authentication_error");
    case 403: return QStringLiteral("permission_error");
    case 404: return QStringLiteral("not_found_error");
    case 429: return QStringLiteral("rate_limit_error");
    default: return status >= 500 ? QStringLiteral("api_error") : QStringLiteral("invalid_request_error");
    }
}

ApiError ApiError::badRequest(const QString &message, const QString &code)
{
    return {400, message, QStringLiteral("invalid_request_error"), code};
}

ApiError ApiError::unauthorized(const QString &message)
{
    return {401, message, QStringLiteral("invalid_request_error"), QStringLiteral("invalid_api_key")};
}

ApiError ApiError::forbidden(const QString &message)
{
    return {403, message, QStringLiteral("permission_error"), QStringLiteral("forbidden")};
}

ApiError ApiError::notFound(const QString &message, const QString &code)
{
    return {404, message, QStringLiteral("invalid_request_error"), code};
}

ApiError ApiError::badGateway(const QString &message, const QString &code)
{
    return {502, message, QStringLiteral("api_error"), code};
}

ApiError ApiError::gatewayTimeout(const QString &message)
{
    return {504, message, QStringLiteral("api_error"), QStringLiteral("provider_timeout")};
}

ApiError ApiError::unavailable(const QString &message, const QString &code)
{
    return {503, message, QStringLiteral("api_error"), code};
}

} // namespace patchbay
