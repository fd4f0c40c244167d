#include "anthropicwire.h"

#include "replytext.h"

#include <QJsonDocument>
#include <QUuid>

namespace patchbay::testing {

namespace {

// Top-level fields the Messages API accepts; anything else is "Extra inputs are not
// permitted", which catches OpenAI-only fields leaking through a translating gateway.
const QStringList kMessagesFields{
    QStringLiteral("model"),       QStringLiteral("messages"),       QStringLiteral("max_tokens"),
    QStringLiteral("system"),      QStringLiteral("metadata"),       QStringLiteral("stop_sequences"),
    QStringLiteral("stream"),      QStringLiteral("temperature"),    QStringLiteral("top_p"),
    QStringLiteral("top_k"),       QStringLiteral("tools"),          QStringLiteral("tool_choice"),
    QStringLiteral("thinking"),    QStringLiteral("service_tier"),   QStringLiteral("container"),
    QStringLiteral("mcp_servers"), QStringLiteral("context_management"), QStringLiteral("output_format"),
    QStringLiteral("output_config")};
const QStringList kCountTokensFields{
    QStringLiteral("model"),       QStringLiteral("messages"),       QStringLiteral("system"),
    QStringLiteral("tools"),       QStringLiteral("tool_choice"),    QStringLiteral("thinking"),
    QStringLiteral("mcp_servers"), QStringLiteral("context_management"), QStringLiteral("output_format"),
    QStringLiteral("output_config")};

// A string, or an array of blocks of which the text ones count (tool results nest theirs).
QStringList blockTexts(const QJsonValue &content, bool includeToolResults)
{
    if (content.isString())
        return {content.toString()};
    QStringList texts;
    for (const auto &entry : content.toArray()) {
        const QJsonObject block = entry.toObject();
        const QString type = block.value(QLatin1String("type")).toString();
        if (type == QLatin1String("text"))
            texts.append(block.value(QLatin1String("text")).toString());
        else if (includeToolResults && type == QLatin1String("tool_result"))
            texts.append(blockTexts(block.value(QLatin1String("content")), false));
    }
    return texts;
}

} // namespace

QString AnthropicWire::errorType(int status)
{
    switch (status) {
    case 400: return QStringLiteral("invalid_request_error");
    case 401: return QStringLiteral("authentication_error");
    case 402: return QStringLiteral("billing_error");
    case 403: return QStringLiteral("permission_error");
    case 404: return QStringLiteral("not_found_error");
    case 413: return QStringLiteral("request_too_large");
    case 429: return QStringLiteral("rate_limit_error");
    case 504: return QStringLiteral("timeout_error");
    case 529: return QStringLiteral("overloaded_error");
    default: return status >= 500 ? QStringLiteral("api_error") : QStringLiteral("invalid_request_error");
    }
}

QJsonObject AnthropicWire::error(int status, const QString &message, const QString &type,
                                 const QString &requestId)
{
    QString defaultMessage;
    switch (status) {
    case 400: defaultMessage = QStringLiteral("Invalid request."); break;
    case 401: defaultMessage = QStringLiteral("invalid x-api-key"); break;
    case 402: defaultMessage = QStringLiteral("Your credit balance is too low to access the Anthropic API."); break;
    case 403: defaultMessage = QStringLiteral("Your API key does not have permission to use the specified resource."); break;
    case 404: defaultMessage = QStringLiteral("The requested resource could not be found."); break;
    case 413: defaultMessage = QStringLiteral("Request exceeds the maximum allowed number of bytes."); break;
    case 429:
        defaultMessage = QStringLiteral("This request would exceed the rate limit for your organization of "
                                        "50 requests per minute. For details, refer to: "
                                        "https://docs.claude.com/en/api/rate-limits.");
        break;
    case 500: defaultMessage = QStringLiteral("Internal server error"); break;
    case 504: defaultMessage = QStringLiteral("Request timed out"); break;
    case 529: defaultMessage = QStringLiteral("Overloaded"); break;
    default: defaultMessage = QStringLiteral("The request failed with status %1.").arg(status); break;
    }
    QJsonObject object{{QStringLiteral("type"), QStringLiteral("error")},
                       {QStringLiteral("error"),
                        QJsonObject{{QStringLiteral("type"), type.isEmpty() ? errorType(status) : type},
                                    {QStringLiteral("message"), message.isEmpty() ? defaultMessage : message}}}};
    if (!requestId.isEmpty())
        object.insert(QStringLiteral("request_id"), requestId);
    return object;
}

QJsonObject AnthropicWire::usage(const Usage &usage)
{
    return QJsonObject{
        {QStringLiteral("input_tokens"), usage.inputTokens},
        {QStringLiteral("cache_creation_input_tokens"), usage.cacheCreationTokens},
        {QStringLiteral("cache_read_input_tokens"), usage.cacheReadTokens},
        {QStringLiteral("cache_creation"),
         QJsonObject{{QStringLiteral("ephemeral_5m_input_tokens"), usage.cacheCreationTokens},
                     {QStringLiteral("ephemeral_1h_input_tokens"), 0}}},
        {QStringLiteral("output_tokens"), usage.outputTokens},
        {QStringLiteral("service_tier"), QStringLiteral("standard")},
    };
}

QJsonObject AnthropicWire::message(const QString &id, const QString &model, const QJsonArray &content,
                                   const QJsonValue &stopReason, const QJsonValue &stopSequence,
                                   const QJsonObject &usage)
{
    QJsonObject object{{QStringLiteral("id"), id},
                       {QStringLiteral("type"), QStringLiteral("message")},
                       {QStringLiteral("role"), QStringLiteral("assistant")},
                       {QStringLiteral("model"), model},
                       {QStringLiteral("content"), content},
                       {QStringLiteral("stop_reason"), stopReason},
                       {QStringLiteral("stop_sequence"), stopSequence}};
    if (!usage.isEmpty())
        object.insert(QStringLiteral("usage"), usage);
    return object;
}

QJsonObject AnthropicWire::textBlock(const QString &text)
{
    return QJsonObject{{QStringLiteral("type"), QStringLiteral("text")}, {QStringLiteral("text"), text}};
}

QJsonObject AnthropicWire::thinkingBlock(const QString &thinking, const QString &signature)
{
    return QJsonObject{{QStringLiteral("type"), QStringLiteral("thinking")},
                       {QStringLiteral("thinking"), thinking},
                       {QStringLiteral("signature"), signature}};
}

QJsonObject AnthropicWire::toolUseBlock(const QString &id, const FakeToolCall &call)
{
    // The API hands back the arguments parsed; a script's malformed JSON becomes {}.
    const QJsonObject input = QJsonDocument::fromJson(call.argumentsJson.toUtf8()).object();
    return QJsonObject{{QStringLiteral("type"), QStringLiteral("tool_use")},
                       {QStringLiteral("id"), id},
                       {QStringLiteral("name"), call.name},
                       {QStringLiteral("input"), input}};
}

QByteArray AnthropicWire::event(const QByteArray &name, const QJsonObject &data)
{
    return "event: " + name + "\ndata: " + QJsonDocument(data).toJson(QJsonDocument::Compact) + "\n\n";
}

QString AnthropicWire::stopReasonFor(const QString &neutral)
{
    if (neutral == QLatin1String("stop"))
        return QStringLiteral("end_turn");
    if (neutral == QLatin1String("length"))
        return QStringLiteral("max_tokens");
    if (neutral == QLatin1String("tool_calls"))
        return QStringLiteral("tool_use");
    if (neutral == QLatin1String("content_filter"))
        return QStringLiteral("refusal");
    return neutral; // stop_sequence, pause_turn, … are Anthropic's own words
}

QJsonObject AnthropicWire::modelList(const QStringList &models)
{
    QJsonArray data;
    for (const auto &id : models)
        data.append(model(id));
    return QJsonObject{{QStringLiteral("data"), data},
                       {QStringLiteral("has_more"), false},
                       {QStringLiteral("first_id"), models.isEmpty() ? QJsonValue(QJsonValue::Null)
                                                                     : QJsonValue(models.first())},
                       {QStringLiteral("last_id"), models.isEmpty() ? QJsonValue(QJsonValue::Null)
                                                                    : QJsonValue(models.last())}};
}

QJsonObject AnthropicWire::model(const QString &id)
{
    return QJsonObject{{QStringLiteral("type"), QStringLiteral("model")},
                       {QStringLiteral("id"), id},
                       {QStringLiteral("display_name"), id},
                       {QStringLiteral("created_at"), QStringLiteral("2025-05-14T00:00:00Z")}};
}

QString AnthropicWire::newMessageId()
{
    return QStringLiteral("msg_01") + ReplyText::random(22, ReplyText::alphanumeric);
}

QString AnthropicWire::newToolUseId()
{
    return QStringLiteral("toolu_01") + ReplyText::random(22, ReplyText::alphanumeric);
}

QString AnthropicWire::newRequestId()
{
    return QStringLiteral("req_011C") + ReplyText::random(20, ReplyText::alphanumeric);
}

QString AnthropicWire::newSignature()
{
    return QStringLiteral("Eq") + ReplyText::random(86, ReplyText::alphanumeric) + QStringLiteral("==");
}

QString AnthropicWire::organizationId()
{
    static const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    return id;
}

QString AnthropicWire::invalidRequestReason(const QJsonObject &request, bool countTokens)
{
    const QStringList &known = countTokens ? kCountTokensFields : kMessagesFields;
    for (auto it = request.begin(); it != request.end(); ++it) {
        if (!known.contains(it.key()))
            return QStringLiteral("%1: Extra inputs are not permitted").arg(it.key());
    }
    if (!request.contains(QLatin1String("model")))
        return QStringLiteral("model: Field required");
    if (!request.contains(QLatin1String("messages")))
        return QStringLiteral("messages: Field required");
    if (!countTokens) {
        const QJsonValue maxTokens = request.value(QLatin1String("max_tokens"));
        if (maxTokens.isUndefined())
            return QStringLiteral("max_tokens: Field required");
        if (!maxTokens.isDouble() || maxTokens.toDouble() != double(maxTokens.toInteger()))
            return QStringLiteral("max_tokens: Input should be a valid integer");
    }
    if (!request.value(QLatin1String("model")).isString())
        return QStringLiteral("model: Input should be a valid string");
    if (!request.value(QLatin1String("messages")).isArray())
        return QStringLiteral("messages: Input should be a valid list");
    const QJsonArray messages = request.value(QLatin1String("messages")).toArray();
    for (qsizetype i = 0; i < messages.size(); ++i) {
        const QString role = messages.at(i).toObject().value(QLatin1String("role")).toString();
        // A translating gateway that forgets to lift system messages out lands here.
        if (role == QLatin1String("system"))
            return QStringLiteral("messages: Unexpected role \"system\". The Messages API accepts a top-level "
                                  "`system` parameter, not \"system\" as an input message role.");
        if (role != QLatin1String("user") && role != QLatin1String("assistant"))
            return QStringLiteral("messages.%1.role: Input should be 'user' or 'assistant'").arg(i);
    }
    return {};
}

QString AnthropicWire::lastUserText(const QJsonObject &request)
{
    const QJsonArray messages = request.value(QLatin1String("messages")).toArray();
    for (qsizetype i = messages.size() - 1; i >= 0; --i) {
        const QJsonObject message = messages.at(i).toObject();
        if (message.value(QLatin1String("role")).toString() == QLatin1String("user"))
            return blockTexts(message.value(QLatin1String("content")), false).join(QString());
    }
    return {};
}

int AnthropicWire::promptWords(const QJsonObject &request)
{
    int words = 0;
    // Each block is counted alone so that blocks glued together do not merge words.
    for (const auto &text : blockTexts(request.value(QLatin1String("system")), false))
        words += ReplyText::wordCount(text);
    for (const auto &message : request.value(QLatin1String("messages")).toArray()) {
        for (const auto &text : blockTexts(message.toObject().value(QLatin1String("content")), true))
            words += ReplyText::wordCount(text);
    }
    return words;
}

bool AnthropicWire::thinkingEnabled(const QJsonObject &request)
{
    const QString type = request.value(QLatin1String("thinking")).toObject().value(QLatin1String("type")).toString();
    return type == QLatin1String("enabled") || type == QLatin1String("adaptive");
}

} // namespace patchbay::testing
