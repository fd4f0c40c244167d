#include "geminiwire.h"

#include "replytext.h"

#include <QJsonDocument>

namespace patchbay::testing {

namespace {

const QStringList kRequestFields{
    QStringLiteral("model"),          QStringLiteral("contents"),          QStringLiteral("tools"),
    QStringLiteral("toolConfig"),     QStringLiteral("tool_config"),       QStringLiteral("safetySettings"),
    QStringLiteral("safety_settings"), QStringLiteral("systemInstruction"), QStringLiteral("system_instruction"),
    QStringLiteral("generationConfig"), QStringLiteral("generation_config"), QStringLiteral("cachedContent"),
    QStringLiteral("cached_content")};

QStringList partTexts(const QJsonValue &parts)
{
    QStringList texts;
    for (const auto &entry : parts.toArray()) {
        const QJsonObject part = entry.toObject();
        if (part.value(QLatin1String("text")).isString() && !part.value(QLatin1String("thought")).toBool())
            texts.append(part.value(QLatin1String("text")).toString());
    }
    return texts;
}

QJsonObject googleError(int code, const QString &message, const QString &status, const QJsonArray &details = {})
{
    QJsonObject error{{QStringLiteral("code"), code},
                      {QStringLiteral("message"), message},
                      {QStringLiteral("status"), status}};
    if (!details.isEmpty())
        error.insert(QStringLiteral("details"), details);
    return QJsonObject{{QStringLiteral("error"), error}};
}

} // namespace

QString GeminiWire::statusFor(int httpStatus)
{
    switch (httpStatus) {
    case 400: return QStringLiteral("INVALID_ARGUMENT");
    case 401: return QStringLiteral("UNAUTHENTICATED");
    case 403: return QStringLiteral("PERMISSION_DENIED");
    case 404: return QStringLiteral("NOT_FOUND");
    case 409: return QStringLiteral("ABORTED");
    case 429: return QStringLiteral("RESOURCE_EXHAUSTED");
    case 499: return QStringLiteral("CANCELLED");
    case 500: return QStringLiteral("INTERNAL");
    case 501: return QStringLiteral("UNIMPLEMENTED");
    case 503: return QStringLiteral("UNAVAILABLE");
    case 504: return QStringLiteral("DEADLINE_EXCEEDED");
    default: return httpStatus >= 500 ? QStringLiteral("INTERNAL") : QStringLiteral("FAILED_PRECONDITION");
    }
}

QJsonObject GeminiWire::error(int status, const QString &message, const QString &statusText, const QString &model)
{
    QString defaultMessage;
    QJsonArray details;
    switch (status) {
    case 400: defaultMessage = QStringLiteral("Request contains an invalid argument."); break;
    case 401:
        defaultMessage = QStringLiteral("Request had invalid authentication credentials. Expected OAuth 2 access "
                                        "token, login cookie or other valid authentication credential.");
        break;
    case 403: defaultMessage = QStringLiteral("The caller does not have permission"); break;
    case 404:
        defaultMessage = QStringLiteral("models/%1 is not found for API version v1beta, or is not supported for "
                                        "generateContent. Call ListModels to see the list of available models "
                                        "and their supported methods.")
                             .arg(model.isEmpty() ? QStringLiteral("gemini-fake") : model);
        break;
    case 429:
        defaultMessage = QStringLiteral("You exceeded your current quota, please check your plan and billing "
                                        "details. For more information on this error, head to: "
                                        "https://ai.google.dev/gemini-api/docs/rate-limits.");
        // Clients that honour Google's retry hint read it from here, not from a header.
        details.append(QJsonObject{{QStringLiteral("@type"), QStringLiteral("type.googleapis.com/google.rpc.RetryInfo")},
                                   {QStringLiteral("retryDelay"), QStringLiteral("20s")}});
        break;
    case 500:
        defaultMessage = QStringLiteral("An internal error has occurred. Please retry or report in "
                                        "https://developers.generativeai.google/guide/troubleshooting");
        break;
    case 503: defaultMessage = QStringLiteral("The model is overloaded. Please try again later."); break;
    case 504: defaultMessage = QStringLiteral("Deadline expired before operation could complete."); break;
    default: defaultMessage = QStringLiteral("The request failed with status %1.").arg(status); break;
    }
    return googleError(status, message.isEmpty() ? defaultMessage : message,
                       statusText.isEmpty() ? statusFor(status) : statusText, details);
}

QJsonObject GeminiWire::invalidKeyError()
{
    const QJsonObject info{{QStringLiteral("@type"), QStringLiteral("type.googleapis.com/google.rpc.ErrorInfo")},
                           {QStringLiteral("reason"), QStringLiteral("API_KEY_INVALID")},
                           {QStringLiteral("domain"), QStringLiteral("googleapis.com")},
                           {QStringLiteral("metadata"),
                            QJsonObject{{QStringLiteral("service"), QStringLiteral("generativelanguage.googleapis.com")}}}};
    return googleError(400, QStringLiteral("API key not valid. Please pass a valid API key."),
                       QStringLiteral("INVALID_ARGUMENT"), QJsonArray{info});
}

QJsonObject GeminiWire::missingKeyError()
{
    return googleError(403, QStringLiteral("Method doesn't allow unregistered callers (callers without established "
                                           "identity). Please use API Key or other form of API consumer identity "
                                           "to call this API."),
                       QStringLiteral("PERMISSION_DENIED"));
}

QJsonObject GeminiWire::usageMetadata(const Usage &usage)
{
    QJsonObject object{{QStringLiteral("promptTokenCount"), usage.promptTokens},
                       {QStringLiteral("promptTokensDetails"),
                        QJsonArray{QJsonObject{{QStringLiteral("modality"), QStringLiteral("TEXT")},
                                               {QStringLiteral("tokenCount"), usage.promptTokens}}}}};
    if (usage.candidatesTokens > 0)
        object.insert(QStringLiteral("candidatesTokenCount"), usage.candidatesTokens);
    if (usage.cachedTokens > 0) {
        object.insert(QStringLiteral("cachedContentTokenCount"), usage.cachedTokens);
        object.insert(QStringLiteral("cacheTokensDetails"),
                      QJsonArray{QJsonObject{{QStringLiteral("modality"), QStringLiteral("TEXT")},
                                             {QStringLiteral("tokenCount"), usage.cachedTokens}}});
    }
    if (usage.thoughtsTokens > 0)
        object.insert(QStringLiteral("thoughtsTokenCount"), usage.thoughtsTokens);
    object.insert(QStringLiteral("totalTokenCount"),
                  usage.promptTokens + usage.candidatesTokens + usage.thoughtsTokens);
    return object;
}

QJsonObject GeminiWire::response(const QJsonArray &parts, const QString &finishReason, const QJsonObject &usage,
                                 const QString &model, const QString &responseId)
{
    QJsonObject candidate{{QStringLiteral("content"),
                           QJsonObject{{QStringLiteral("parts"), parts}, {QStringLiteral("role"), QStringLiteral("model")}}},
                          {QStringLiteral("index"), 0}};
    if (!finishReason.isEmpty())
        candidate.insert(QStringLiteral("finishReason"), finishReason);
    QJsonObject object{{QStringLiteral("candidates"), QJsonArray{candidate}},
                       {QStringLiteral("modelVersion"), model},
                       {QStringLiteral("responseId"), responseId}};
    if (!usage.isEmpty())
        object.insert(QStringLiteral("usageMetadata"), usage);
    return object;
}

QJsonObject GeminiWire::textPart(const QString &text, bool thought)
{
    QJsonObject part{{QStringLiteral("text"), text}};
    if (thought)
        part.insert(QStringLiteral("thought"), true);
    return part;
}

QJsonObject GeminiWire::functionCallPart(const FakeToolCall &call)
{
    QJsonObject functionCall{{QStringLiteral("name"), call.name},
                             {QStringLiteral("args"), QJsonDocument::fromJson(call.argumentsJson.toUtf8()).object()}};
    if (!call.id.isEmpty())
        functionCall.insert(QStringLiteral("id"), call.id);
    return QJsonObject{{QStringLiteral("functionCall"), functionCall}};
}

QString GeminiWire::finishReasonFor(const QString &neutral)
{
    if (neutral == QLatin1String("stop") || neutral == QLatin1String("tool_calls")
        || neutral == QLatin1String("stop_sequence"))
        return QStringLiteral("STOP");
    if (neutral == QLatin1String("length"))
        return QStringLiteral("MAX_TOKENS");
    if (neutral == QLatin1String("content_filter"))
        return QStringLiteral("SAFETY");
    return neutral;
}

QJsonObject GeminiWire::modelList(const QStringList &models)
{
    QJsonArray list;
    for (const auto &id : models)
        list.append(model(id));
    return QJsonObject{{QStringLiteral("models"), list}};
}

QJsonObject GeminiWire::model(const QString &id)
{
    return QJsonObject{{QStringLiteral("name"), QStringLiteral("models/") + id},
                       {QStringLiteral("version"), QStringLiteral("001")},
                       {QStringLiteral("displayName"), id},
                       {QStringLiteral("description"), QStringLiteral("A fake model for tests.")},
                       {QStringLiteral("inputTokenLimit"), 1048576},
                       {QStringLiteral("outputTokenLimit"), 65536},
                       {QStringLiteral("supportedGenerationMethods"),
                        QJsonArray{QStringLiteral("generateContent"), QStringLiteral("countTokens"),
                                   QStringLiteral("createCachedContent"), QStringLiteral("batchGenerateContent")}},
                       {QStringLiteral("temperature"), 1},
                       {QStringLiteral("topP"), 0.95},
                       {QStringLiteral("topK"), 64},
                       {QStringLiteral("maxTemperature"), 2},
                       {QStringLiteral("thinking"), true}};
}

QString GeminiWire::newResponseId()
{
    return ReplyText::random(22, ReplyText::base64Url);
}

QByteArray GeminiWire::pretty(const QJsonObject &object)
{
    // Qt indents by four spaces; Google's front end by two.
    const QList<QByteArray> lines = QJsonDocument(object).toJson(QJsonDocument::Indented).split('\n');
    QByteArray out;
    for (const auto &line : lines) {
        if (line.isEmpty())
            continue;
        qsizetype indent = 0;
        while (indent < line.size() && line.at(indent) == ' ')
            ++indent;
        out += QByteArray(indent / 2, ' ') + line.mid(indent) + '\n';
    }
    return out;
}

QByteArray GeminiWire::spaced(const QJsonObject &object)
{
    const QByteArray compact = QJsonDocument(object).toJson(QJsonDocument::Compact);
    QByteArray out;
    out.reserve(compact.size() + compact.size() / 8);
    bool inString = false;
    bool escaped = false;
    for (const char c : compact) {
        out += c;
        if (inString) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                inString = false;
        } else if (c == '"') {
            inString = true;
        } else if (c == ':') {
            out += ' ';
        }
    }
    return out;
}

QJsonValue GeminiWire::field(const QJsonObject &object, QLatin1String camelCase, QLatin1String snakeCase)
{
    const QJsonValue value = object.value(camelCase);
    return value.isUndefined() ? object.value(snakeCase) : value;
}

QString GeminiWire::invalidRequestReason(const QJsonObject &request)
{
    for (auto it = request.begin(); it != request.end(); ++it) {
        if (!kRequestFields.contains(it.key()))
            return QStringLiteral("Invalid JSON payload received. Unknown name \"%1\": Cannot find field.").arg(it.key());
    }
    const QJsonArray contents = request.value(QLatin1String("contents")).toArray();
    if (contents.isEmpty())
        return QStringLiteral("* GenerateContentRequest.contents: contents is not specified\n");
    for (const auto &entry : contents) {
        const QJsonValue role = entry.toObject().value(QLatin1String("role"));
        // OpenAI's "assistant" and "system" are the usual translation slips.
        if (!role.isUndefined() && role.toString() != QLatin1String("user") && role.toString() != QLatin1String("model"))
            return QStringLiteral("Please use a valid role: user, model.");
    }
    return {};
}

QString GeminiWire::lastUserText(const QJsonObject &request)
{
    const QJsonArray contents = request.value(QLatin1String("contents")).toArray();
    for (qsizetype i = contents.size() - 1; i >= 0; --i) {
        const QJsonObject content = contents.at(i).toObject();
        const QJsonValue role = content.value(QLatin1String("role"));
        if (role.isUndefined() || role.toString() == QLatin1String("user"))
            return partTexts(content.value(QLatin1String("parts"))).join(QString());
    }
    return {};
}

int GeminiWire::promptWords(const QJsonObject &request)
{
    int words = 0;
    const QJsonObject system =
        field(request, QLatin1String("systemInstruction"), QLatin1String("system_instruction")).toObject();
    for (const auto &text : partTexts(system.value(QLatin1String("parts"))))
        words += ReplyText::wordCount(text);
    for (const auto &content : request.value(QLatin1String("contents")).toArray()) {
        for (const auto &text : partTexts(content.toObject().value(QLatin1String("parts"))))
            words += ReplyText::wordCount(text);
    }
    return words;
}

bool GeminiWire::includeThoughts(const QJsonObject &request)
{
    const QJsonObject generation =
        field(request, QLatin1String("generationConfig"), QLatin1String("generation_config")).toObject();
    const QJsonObject thinking =
        field(generation, QLatin1String("thinkingConfig"), QLatin1String("thinking_config")).toObject();
    return field(thinking, QLatin1String("includeThoughts"), QLatin1String("include_thoughts")).toBool();
}

} // namespace patchbay::testing
