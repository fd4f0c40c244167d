#pragma once

#include "faketoolcall.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace patchbay::testing {

// The JSON shapes of Google's Gemini API (v1beta generateContent, streamGenerateContent,
// countTokens, models), kept apart from the HTTP plumbing so they can be checked against
// the public reference in one place.
class GeminiWire
{
public:
    struct Usage
    {
        int promptTokens = 0;     // cached tokens included, as Gemini counts them
        int candidatesTokens = 0; // the answer, thoughts excluded
        int cachedTokens = 0;
        int thoughtsTokens = 0;
    };

    // {"error":{"code","message","status"}}; empty message/status take Google's wording for
    // the HTTP status. `model` only colours the default 404 wording.
    static QJsonObject error(int status, const QString &message = {}, const QString &statusText = {},
                             const QString &model = {});
    static QString statusFor(int httpStatus); // INVALID_ARGUMENT … UNAVAILABLE
    static QJsonObject invalidKeyError();     // 400 INVALID_ARGUMENT, reason API_KEY_INVALID
    static QJsonObject missingKeyError();     // 403 PERMISSION_DENIED

    // Proto3 JSON: zero counts other than the prompt's are left out, as Google leaves them.
    static QJsonObject usageMetadata(const Usage &usage);
    // {"candidates":[{"content":{"parts","role":"model"},"finishReason"?,"index":0}],
    //  "usageMetadata"?,"modelVersion","responseId"}; empty finishReason/usage: left out.
    static QJsonObject response(const QJsonArray &parts, const QString &finishReason, const QJsonObject &usage,
                                const QString &model, const QString &responseId);
    static QJsonObject textPart(const QString &text, bool thought = false);
    // {"functionCall":{"name","args"}}; "id" only when the script gave one (Gemini sends none).
    static QJsonObject functionCallPart(const FakeToolCall &call);

    // stop → STOP, length → MAX_TOKENS, tool_calls → STOP (Gemini has no tool reason),
    // content_filter → SAFETY, stop_sequence → STOP; anything else passes through.
    static QString finishReasonFor(const QString &neutral);

    static QJsonObject modelList(const QStringList &models);
    static QJsonObject model(const QString &id);
    static QString newResponseId();

    // Google's formatting: plain answers are indented by two spaces; SSE data lines are one
    // line with a space after each colon. Clients must not depend on either.
    static QByteArray pretty(const QJsonObject &object);
    static QByteArray spaced(const QJsonObject &object);

    // The API reads both proto field spellings: systemInstruction and system_instruction.
    static QJsonValue field(const QJsonObject &object, QLatin1String camelCase, QLatin1String snakeCase);
    // Why the request would be refused with 400 INVALID_ARGUMENT, worded as Google does;
    // empty when acceptable. Unknown top-level fields are refused, as the real API does.
    static QString invalidRequestReason(const QJsonObject &request);
    // Text parts (not thoughts) of the last content with role "user" (or no role), joined.
    static QString lastUserText(const QJsonObject &request);
    // Words over systemInstruction and every content's text parts.
    static int promptWords(const QJsonObject &request);
    // generationConfig.thinkingConfig.includeThoughts
    static bool includeThoughts(const QJsonObject &request);
};

} // namespace patchbay::testing
