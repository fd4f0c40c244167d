#pragma once

#include <QByteArray>
#include <QString>

namespace patchbay {

// Errors the gateway itself answers with, in OpenAI's shape:
// {"error":{"message":…,"type":…,"param":null,"code":…}}.
struct ApiError
{
    int status = 500;
    QString message; // a sentence: what went wrong and what to do
    QString type;    // invalid_request_error, authentication_error, permission_error, not_found_error, api_error …
    QString code;    // machine-readable detail, e.g. model_not_found

    QByteArray toOpenAiJson() const;
    // The error type clients expect for an HTTP status (rate_limit_error for 429 …).
    static QString typeForStatus(int status);

    static ApiError badRequest(const QString &message, const QString &code = QStringLiteral("invalid_request"));
    static ApiError unauthorized(const QString &message);
    static ApiError forbidden(const QString &message);
    static ApiError notFound(const QString &message, const QString &code);
    static ApiError badGateway(const QString &message, const QString &code);
    static ApiError gatewayTimeout(const QString &message);
    static ApiError unavailable(const QString &message, const QString &code);
};

} // namespace patchbay
