#include "openaiwire.h"

#include "replytext.h"

namespace patchbay::testing {

namespace {

QString randomString(int length, QLatin1String alphabet)
{
    return ReplyText::random(length, alphabet);
}

const QLatin1String kAlphanumeric("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");
const QLatin1String kHex("0123456789abcdef");

QJsonObject errorObject(const QString &message, const QString &type, const QJsonValue &param,
                        const QJsonValue &code)
{
    return QJsonObject{{QStringLiteral("error"),
                        QJsonObject{{QStringLiteral("message"), message},
                                    {QStringLiteral("type"), type},
                                    {QStringLiteral("param"), param},
                                    {QStringLiteral("code"), code}}}};
}

QJsonValue orNull(const QString &text)
{
    return text.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(text);
}

// Messages carry a string, an array of parts, or null (assistant tool calls).
QStringList contentTexts(const QJsonValue &content)
{
    if (content.isString())
        return {content.toString()};
    QStringList texts;
    for (const auto &part : content.toArray()) {
        const QJsonObject object = part.toObject();
        if (object.value(QLatin1String("type")).toString() == QLatin1String("text"))
            texts.append(object.value(QLatin1String("text")).toString());
    }
    return texts;
}

} // namespace

QJsonObject OpenAiWire::error(int status, const QString &message, const QString &type,
                              const QString &code, const QString &model)
{
    QString defaultMessage;
    QString defaultType = status >= 500 ? QStringLiteral("server_error")
                                        : QStringLiteral("invalid_request_error");
    QString defaultCode;
    const QString modelName = model.isEmpty() ? QStringLiteral("gpt-4o-mini") : model;
    switch (status) {
    case 400:
        defaultMessage = QStringLiteral("Invalid request.");
        break;
    case 401:
        defaultMessage = QStringLiteral("Incorrect API key provided: sk-fake**********test. You can "
                                        "find your API key at https://platform.openai.com/account/api-keys.");
        defaultCode = QStringLiteral("invalid_api_key");
        break;
    case 403:
        defaultMessage = QStringLiteral("You are not allowed to sample from this model");
        break;
    case 404:
        defaultMessage = QStringLiteral("The model `%1` does not exist or you do not have access to it.")
                             .arg(modelName);
        defaultCode = QStringLiteral("model_not_found");
        break;
    case 429:
        defaultMessage = QStringLiteral("Rate limit reached for %1 in organization org-fake on requests "
                                        "per min (RPM): Limit 3, Used 3, Requested 1. Please try again in "
                                        "20s. Visit https://platform.openai.com/account/rate-limits to "
                                        "learn more.")
                             .arg(modelName);
        defaultType = QStringLiteral("requests");
        defaultCode = QStringLiteral("rate_limit_exceeded");
        break;
    case 500:
        defaultMessage = QStringLiteral("The server had an error while processing your request. Sorry "
                                        "about that!");
        break;
    case 503:
        defaultMessage = QStringLiteral("The engine is currently overloaded, please try again later.");
        break;
    default:
        defaultMessage = QStringLiteral("The request failed with status %1.").arg(status);
        break;
    }
    return errorObject(message.isEmpty() ? defaultMessage : message,
                       type.isEmpty() ? defaultType : type, QJsonValue::Null,
                       orNull(code.isEmpty() ? defaultCode : code));
}

QJsonObject OpenAiWire::invalidKeyError(const QString &presentedKey)
{
    return errorObject(QStringLiteral("Incorrect API key provided: %1. You can find your API key at "
                                      "https://platform.openai.com/account/api-keys.")
                           .arg(maskKey(presentedKey)),
                       QStringLiteral("invalid_request_error"), QJsonValue::Null,
                       QStringLiteral("invalid_api_key"));
}

QJsonObject OpenAiWire::missingKeyError()
{
    return errorObject(QStringLiteral("You didn't provide an API key. You need to provide your API key "
                                      "in an Authorization header using Bearer auth (i.e. Authorization: "
                                      "Bearer YOUR_KEY), or as the password field (with blank username) "
                                      "if you're accessing the API from your browser and are prompted "
                                      "for a username and password. You can obtain an API key from "
                                      "https://platform.openai.com/account/api-keys."),
                       QStringLiteral("invalid_request_error"), QJsonValue::Null, QJsonValue::Null);
}

QJsonObject OpenAiWire::invalidUrlError(const QByteArray &method, const QByteArray &path)
{
    return errorObject(QStringLiteral("Invalid URL (%1 %2)")
                           .arg(QString::fromLatin1(method), QString::fromLatin1(path)),
                       QStringLiteral("invalid_request_error"), QJsonValue::Null, QJsonValue::Null);
}

QJsonObject OpenAiWire::unparsableJsonError()
{
    return errorObject(QStringLiteral("We could not parse the JSON body of your request. (HINT: This "
                                      "likely means you aren't using your HTTP library correctly. The "
                                      "OpenAI API expects a JSON payload, but what was sent was not "
                                      "valid JSON. If you have trouble figuring out how to fix this, "
                                      "please contact us through our help center at help.openai.com.)"),
                       QStringLiteral("invalid_request_error"), QJsonValue::Null, QJsonValue::Null);
}

QJsonObject OpenAiWire::missingParameterError(const QString &parameter)
{
    // OpenAI words the missing model differently from other missing parameters.
    if (parameter == QLatin1String("model"))
        return errorObject(QStringLiteral("you must provide a model parameter"),
                           QStringLiteral("invalid_request_error"), QJsonValue::Null, QJsonValue::Null);
    return errorObject(QStringLiteral("Missing required parameter: '%1'.").arg(parameter),
                       QStringLiteral("invalid_request_error"), parameter,
                       QStringLiteral("missing_required_parameter"));
}

QJsonObject OpenAiWire::usage(const Usage &usage)
{
    return QJsonObject{
        {QStringLiteral("prompt_tokens"), usage.promptTokens},
        {QStringLiteral("completion_tokens"), usage.completionTokens},
        {QStringLiteral("total_tokens"), usage.promptTokens + usage.completionTokens},
        {QStringLiteral("prompt_tokens_details"),
         QJsonObject{{QStringLiteral("cached_tokens"), usage.cachedTokens},
                     {QStringLiteral("audio_tokens"), 0}}},
        {QStringLiteral("completion_tokens_details"),
         QJsonObject{{QStringLiteral("reasoning_tokens"), usage.reasoningTokens},
                     {QStringLiteral("audio_tokens"), 0},
                     {QStringLiteral("accepted_prediction_tokens"), 0},
                     {QStringLiteral("rejected_prediction_tokens"), 0}}},
    };
}

QJsonObject OpenAiWire::completion(const QString &id, qint64 created, const QString &model,
                                   const QString &text, const QString &finishReason,
                                   const QJsonObject &usage)
{
    return completionWithMessage(id, created, model, assistantMessage(text), finishReason, usage);
}

QJsonObject OpenAiWire::assistantMessage(const QString &text, const QJsonArray &toolCalls,
                                         const QString &reasoning)
{
    QJsonObject message{{QStringLiteral("role"), QStringLiteral("assistant")},
                        {QStringLiteral("content"),
                         text.isEmpty() && !toolCalls.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(text)},
                        {QStringLiteral("refusal"), QJsonValue::Null},
                        {QStringLiteral("annotations"), QJsonArray()}};
    if (!toolCalls.isEmpty())
        message.insert(QStringLiteral("tool_calls"), toolCalls);
    if (!reasoning.isEmpty())
        message.insert(QStringLiteral("reasoning_content"), reasoning);
    return message;
}

QJsonObject OpenAiWire::toolCall(const QString &id, const FakeToolCall &call)
{
    return QJsonObject{
        {QStringLiteral("id"), id},
        {QStringLiteral("type"), QStringLiteral("function")},
        {QStringLiteral("function"),
         QJsonObject{{QStringLiteral("name"), call.name},
                     {QStringLiteral("arguments"),
                      call.argumentsJson.isEmpty() ? QStringLiteral("{}") : call.argumentsJson}}}};
}

QJsonObject OpenAiWire::toolCallHeadDelta(int index, const QString &id, const QString &name)
{
    return QJsonObject{{QStringLiteral("index"), index},
                       {QStringLiteral("id"), id},
                       {QStringLiteral("type"), QStringLiteral("function")},
                       {QStringLiteral("function"), QJsonObject{{QStringLiteral("name"), name},
                                                                {QStringLiteral("arguments"), QString()}}}};
}

QJsonObject OpenAiWire::toolCallArgumentsDelta(int index, const QString &fragment)
{
    return QJsonObject{{QStringLiteral("index"), index},
                       {QStringLiteral("function"), QJsonObject{{QStringLiteral("arguments"), fragment}}}};
}

QString OpenAiWire::finishReasonFor(const QString &neutral)
{
    if (neutral == QLatin1String("stop_sequence"))
        return QStringLiteral("stop");
    return neutral;
}

QJsonObject OpenAiWire::completionWithMessage(const QString &id, qint64 created, const QString &model,
                                              const QJsonObject &message, const QString &finishReason,
                                              const QJsonObject &usage)
{
    const QJsonObject choice{{QStringLiteral("index"), 0},
                             {QStringLiteral("message"), message},
                             {QStringLiteral("logprobs"), QJsonValue::Null},
                             {QStringLiteral("finish_reason"), finishReason}};
    QJsonObject object{{QStringLiteral("id"), id},
                       {QStringLiteral("object"), QStringLiteral("chat.completion")},
                       {QStringLiteral("created"), created},
                       {QStringLiteral("model"), model},
                       {QStringLiteral("choices"), QJsonArray{choice}},
                       {QStringLiteral("service_tier"), QStringLiteral("default")},
                       {QStringLiteral("system_fingerprint"), systemFingerprint()}};
    if (!usage.isEmpty())
        object.insert(QStringLiteral("usage"), usage);
    return object;
}

QJsonObject OpenAiWire::chunk(const QString &id, qint64 created, const QString &model,
                              const QJsonArray &choices)
{
    return QJsonObject{{QStringLiteral("id"), id},
                       {QStringLiteral("object"), QStringLiteral("chat.completion.chunk")},
                       {QStringLiteral("created"), created},
                       {QStringLiteral("model"), model},
                       {QStringLiteral("service_tier"), QStringLiteral("default")},
                       {QStringLiteral("system_fingerprint"), systemFingerprint()},
                       {QStringLiteral("choices"), choices}};
}

QJsonObject OpenAiWire::chunkChoice(const QJsonObject &delta, const QJsonValue &finishReason)
{
    return QJsonObject{{QStringLiteral("index"), 0},
                       {QStringLiteral("delta"), delta},
                       {QStringLiteral("logprobs"), QJsonValue::Null},
                       {QStringLiteral("finish_reason"), finishReason}};
}

QJsonObject OpenAiWire::modelList(const QStringList &models)
{
    QJsonArray data;
    for (const auto &id : models)
        data.append(model(id));
    return QJsonObject{{QStringLiteral("object"), QStringLiteral("list")}, {QStringLiteral("data"), data}};
}

QJsonObject OpenAiWire::model(const QString &id)
{
    return QJsonObject{{QStringLiteral("id"), id},
                       {QStringLiteral("object"), QStringLiteral("model")},
                       {QStringLiteral("created"), 1686935002},
                       {QStringLiteral("owned_by"), QStringLiteral("openai")}};
}

QString OpenAiWire::newCompletionId()
{
    return QStringLiteral("chatcmpl-") + randomString(29, kAlphanumeric);
}

QString OpenAiWire::newToolCallId()
{
    return QStringLiteral("call_") + randomString(24, kAlphanumeric);
}

QString OpenAiWire::newRequestId()
{
    return QStringLiteral("req_") + randomString(32, kHex);
}

QString OpenAiWire::systemFingerprint()
{
    static const QString fingerprint = QStringLiteral("fp_") + randomString(10, kHex);
    return fingerprint;
}

QString OpenAiWire::obfuscation(int length)
{
    return randomString(length, kAlphanumeric);
}

QString OpenAiWire::maskKey(const QString &key)
{
    if (key.size() <= 12)
        return QString(key.size(), QLatin1Char('*'));
    return key.left(8) + QString(key.size() - 12, QLatin1Char('*')) + key.right(4);
}

QString OpenAiWire::lastUserText(const QJsonObject &request)
{
    const QJsonArray messages = request.value(QLatin1String("messages")).toArray();
    for (qsizetype i = messages.size() - 1; i >= 0; --i) {
        const QJsonObject message = messages.at(i).toObject();
        if (message.value(QLatin1String("role")).toString() == QLatin1String("user"))
            return contentTexts(message.value(QLatin1String("content"))).join(QString());
    }
    return {};
}

int OpenAiWire::promptWords(const QJsonObject &request)
{
    int words = 0;
    for (const auto &message : request.value(QLatin1String("messages")).toArray()) {
        // Each part is counted alone so that parts glued together do not merge words.
        for (const auto &text : contentTexts(message.toObject().value(QLatin1String("content"))))
            words += wordCount(text);
    }
    return words;
}

int OpenAiWire::wordCount(const QString &text)
{
    return ReplyText::wordCount(text);
}

QStringList OpenAiWire::splitPieces(const QString &text)
{
    return ReplyText::splitPieces(text);
}

} // namespace patchbay::testing
