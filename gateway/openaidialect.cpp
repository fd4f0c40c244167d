#include "openaidialect.h"

#include "jsonpeek.h"
#include "jsonreader.h"
#include "openaistream.h"
#include "upstreamtarget.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUrl>

namespace patchbay {

namespace {

// Fields OpenAI clients send that only steer OpenAI's own bookkeeping: nothing to translate.
const QStringList kIgnorable = {QStringLiteral("store"), QStringLiteral("metadata"), QStringLiteral("service_tier"),
                                QStringLiteral("prompt_cache_key"), QStringLiteral("safety_identifier")};

bool refuse(ApiError *error, const QString &field, const QString &why, const QString &code = QStringLiteral("invalid_request"))
{
    *error = ApiError::badRequest(QStringLiteral("\"%1\" %2").arg(field, why), code);
    return false;
}

QString textOf(const QJsonValue &content)
{
    if (content.isString())
        return content.toString();
    QStringList texts;
    for (const QJsonValue &p : content.toArray()) {
        const QJsonObject part = p.toObject();
        if (part.value(QLatin1String("type")).toString() == QLatin1String("text"))
            texts << part.value(QLatin1String("text")).toString();
    }
    return texts.join(QString());
}

// Reads a message's content (a string or a list of parts) into parts.
bool readContent(const QJsonValue &content, const QString &where, QList<ContentPart> *parts, ChatRequest *r, ApiError *error)
{
    if (content.isNull() || content.isUndefined())
        return true;
    if (content.isString()) {
        if (!content.toString().isEmpty())
            parts->append(ContentPart::makeText(content.toString()));
        return true;
    }
    if (!content.isArray())
        return refuse(error, where, QStringLiteral("must be a string or a list of content parts."));
    const QJsonArray array = content.toArray();
    for (int j = 0; j < array.size(); ++j) {
        const QJsonObject part = array.at(j).toObject();
        const QString type = part.value(QLatin1String("type")).toString();
        if (type == QLatin1String("text")) {
            parts->append(ContentPart::makeText(part.value(QLatin1String("text")).toString()));
        } else if (type == QLatin1String("image_url")) {
            const QJsonValue imageUrl = part.value(QLatin1String("image_url"));
            const QString url = imageUrl.isString() ? imageUrl.toString() : imageUrl.toObject().value(QLatin1String("url")).toString();
            ContentPart image;
            image.kind = ContentPart::Kind::Image;
            if (url.startsWith(QLatin1String("data:"))) {
                const qsizetype comma = url.indexOf(QLatin1Char(','));
                const QString header = url.mid(5, comma - 5);
                if (comma < 0 || !header.endsWith(QLatin1String(";base64")))
                    return refuse(error, QStringLiteral("%1[%2].image_url").arg(where).arg(j),
                                  QStringLiteral("must be an http(s) URL or a base64 data: URL."));
                image.mediaType = header.chopped(7);
                image.data = url.mid(comma + 1);
            } else {
                image.url = url;
            }
            parts->append(image);
        } else {
            r->untranslatable << QStringLiteral("%1[%2].type=%3").arg(where).arg(j).arg(type);
        }
    }
    return true;
}

} // namespace

bool OpenAiDialect::isReasoningModel(const QString &model)
{
    const QString name = model.section(QLatin1Char('/'), -1); // "openai/o4-mini" on OpenRouter
    for (const char *prefix : {"o1", "o3", "o4", "gpt-5", "gpt-oss", "deepseek-reasoner"}) {
        if (name.startsWith(QLatin1String(prefix)))
            return true;
    }
    return false;
}

QString OpenAiDialect::finishReason(StopReason reason)
{
    switch (reason) {
    case StopReason::MaxTokens: return QStringLiteral("length");
    case StopReason::ToolUse: return QStringLiteral("tool_calls");
    case StopReason::ContentFilter: return QStringLiteral("content_filter");
    default: return QStringLiteral("stop");
    }
}

StopReason OpenAiDialect::stopReason(const QString &finishReason)
{
    if (finishReason == QLatin1String("length"))
        return StopReason::MaxTokens;
    if (finishReason == QLatin1String("tool_calls") || finishReason == QLatin1String("function_call"))
        return StopReason::ToolUse;
    if (finishReason == QLatin1String("content_filter"))
        return StopReason::ContentFilter;
    return finishReason.isEmpty() ? StopReason::None : StopReason::EndTurn;
}

QJsonObject OpenAiDialect::usageJson(const TokenUsage &u)
{
    const qint64 input = TokenUsage::orZero(u.input);
    const qint64 output = TokenUsage::orZero(u.output);
    return {{QStringLiteral("prompt_tokens"), input},
            {QStringLiteral("completion_tokens"), output},
            {QStringLiteral("total_tokens"), input + output},
            {QStringLiteral("prompt_tokens_details"), QJsonObject{{QStringLiteral("cached_tokens"), TokenUsage::orZero(u.cacheRead)}}},
            {QStringLiteral("completion_tokens_details"),
             QJsonObject{{QStringLiteral("reasoning_tokens"), TokenUsage::orZero(u.reasoning)}}}};
}

bool OpenAiDialect::readRequest(const QJsonObject &body, ChatRequest *out, ApiError *error) const
{
    ChatRequest r;
    const QJsonValue model = body.value(QLatin1String("model"));
    if (!model.isString() || model.toString().isEmpty())
        return refuse(error, QStringLiteral("model"), QStringLiteral("is required, e.g. \"openai/gpt-4o-mini\"; GET /v1/models lists what is configured."),
                      QStringLiteral("missing_model"));
    r.model = model.toString();
    const QJsonArray messages = body.value(QLatin1String("messages")).toArray();
    if (messages.isEmpty())
        return refuse(error, QStringLiteral("messages"), QStringLiteral("must be a non-empty list of chat messages."),
                      QStringLiteral("missing_messages"));

    QStringList system;
    for (int i = 0; i < messages.size(); ++i) {
        const QJsonObject m = messages.at(i).toObject();
        const QString where = QStringLiteral("messages[%1]").arg(i);
        const QString role = m.value(QLatin1String("role")).toString();
        const QJsonValue content = m.value(QLatin1String("content"));
        if (role == QLatin1String("system") || role == QLatin1String("developer")) {
            system << textOf(content);
            continue;
        }
        ChatMessage message;
        if (role == QLatin1String("user")) {
            message.role = ChatMessage::Role::User;
            if (!readContent(content, where + QStringLiteral(".content"), &message.parts, &r, error))
                return false;
        } else if (role == QLatin1String("assistant")) {
            message.role = ChatMessage::Role::Assistant;
            const QJsonValue reasoning = m.value(QLatin1String("reasoning_content"));
            if (reasoning.isString() && !reasoning.toString().isEmpty()) {
                ContentPart thinking = ContentPart::makeText(reasoning.toString());
                thinking.kind = ContentPart::Kind::Thinking;
                message.parts.append(thinking);
            }
            if (!readContent(content, where + QStringLiteral(".content"), &message.parts, &r, error))
                return false;
            const QJsonArray calls = m.value(QLatin1String("tool_calls")).toArray();
            for (int c = 0; c < calls.size(); ++c) {
                const QJsonObject call = calls.at(c).toObject();
                if (call.value(QLatin1String("type")).toString(QStringLiteral("function")) != QLatin1String("function")) {
                    r.untranslatable << QStringLiteral("%1.tool_calls[%2].type").arg(where).arg(c);
                    continue;
                }
                ContentPart part;
                part.kind = ContentPart::Kind::ToolCall;
                part.toolCallId = call.value(QLatin1String("id")).toString();
                const QJsonObject function = call.value(QLatin1String("function")).toObject();
                part.toolName = function.value(QLatin1String("name")).toString();
                part.argumentsJson = function.value(QLatin1String("arguments")).toString();
                message.parts.append(part);
            }
            if (m.contains(QLatin1String("function_call")))
                r.untranslatable << where + QStringLiteral(".function_call");
        } else if (role == QLatin1String("tool")) {
            message.role = ChatMessage::Role::Tool;
            ContentPart result;
            result.kind = ContentPart::Kind::ToolResult;
            result.toolCallId = m.value(QLatin1String("tool_call_id")).toString();
            if (result.toolCallId.isEmpty())
                return refuse(error, where + QStringLiteral(".tool_call_id"), QStringLiteral("is required on a tool message."));
            result.text = textOf(content);
            message.parts.append(result);
        } else {
            r.untranslatable << QStringLiteral("%1.role=%2").arg(where, role);
            continue;
        }
        r.messages.append(message);
    }
    system.removeAll(QString());
    r.system = system.join(QStringLiteral("\n\n"));

    const QJsonArray tools = body.value(QLatin1String("tools")).toArray();
    for (int i = 0; i < tools.size(); ++i) {
        const QJsonObject tool = tools.at(i).toObject();
        if (tool.value(QLatin1String("type")).toString() != QLatin1String("function")) {
            r.untranslatable << QStringLiteral("tools[%1].type=%2").arg(i).arg(tool.value(QLatin1String("type")).toString());
            continue;
        }
        const QJsonObject function = tool.value(QLatin1String("function")).toObject();
        r.tools.append({function.value(QLatin1String("name")).toString(), function.value(QLatin1String("description")).toString(),
                        function.value(QLatin1String("parameters")).toObject()});
    }
    const QJsonValue toolChoice = body.value(QLatin1String("tool_choice"));
    if (toolChoice.isString()) {
        ToolChoice choice;
        const QString mode = toolChoice.toString();
        choice.mode = mode == QLatin1String("none") ? ToolChoice::Mode::None
            : mode == QLatin1String("required")     ? ToolChoice::Mode::Required
                                                    : ToolChoice::Mode::Auto;
        r.toolChoice = choice;
    } else if (toolChoice.isObject()) {
        ToolChoice choice;
        choice.mode = ToolChoice::Mode::Named;
        choice.name = toolChoice.toObject().value(QLatin1String("function")).toObject().value(QLatin1String("name")).toString();
        if (choice.name.isEmpty())
            return refuse(error, QStringLiteral("tool_choice"), QStringLiteral("must be \"auto\", \"none\", \"required\" or {\"type\":\"function\",\"function\":{\"name\":…}}."));
        r.toolChoice = choice;
    }
    const QJsonValue parallel = body.value(QLatin1String("parallel_tool_calls"));
    if (parallel.isBool() && !parallel.toBool()) {
        ToolChoice choice = r.toolChoice.value_or(ToolChoice{});
        choice.parallelAllowed = false;
        r.toolChoice = choice;
    }

    for (const char *key : {"max_completion_tokens", "max_tokens"}) {
        const QJsonValue v = body.value(QLatin1String(key));
        if (v.isDouble()) {
            r.maxTokens = v.toInteger();
            break;
        }
    }
    if (body.value(QLatin1String("temperature")).isDouble())
        r.temperature = body.value(QLatin1String("temperature")).toDouble();
    if (body.value(QLatin1String("top_p")).isDouble())
        r.topP = body.value(QLatin1String("top_p")).toDouble();
    const QJsonValue stop = body.value(QLatin1String("stop"));
    if (stop.isString())
        r.stop << stop.toString();
    for (const QJsonValue &s : stop.toArray())
        r.stop << s.toString();
    const QJsonObject format = body.value(QLatin1String("response_format")).toObject();
    const QString formatType = format.value(QLatin1String("type")).toString();
    if (formatType == QLatin1String("json_object")) {
        r.responseFormat.kind = ResponseFormat::Kind::JsonObject;
    } else if (formatType == QLatin1String("json_schema")) {
        const QJsonObject schema = format.value(QLatin1String("json_schema")).toObject();
        r.responseFormat.kind = ResponseFormat::Kind::JsonSchema;
        r.responseFormat.name = schema.value(QLatin1String("name")).toString();
        r.responseFormat.schema = schema.value(QLatin1String("schema")).toObject();
    }
    r.reasoningEffort = body.value(QLatin1String("reasoning_effort")).toString();
    r.stream = body.value(QLatin1String("stream")).toBool(false);
    r.clientWantsStreamUsage = body.value(QLatin1String("stream_options")).toObject().value(QLatin1String("include_usage")).toBool(false);
    r.user = body.value(QLatin1String("user")).toString();

    // Everything else: harmless for a passthrough, refused if the body must be translated.
    static const QStringList known = {
        QStringLiteral("model"), QStringLiteral("messages"), QStringLiteral("tools"), QStringLiteral("tool_choice"),
        QStringLiteral("parallel_tool_calls"), QStringLiteral("max_completion_tokens"), QStringLiteral("max_tokens"),
        QStringLiteral("temperature"), QStringLiteral("top_p"), QStringLiteral("stop"), QStringLiteral("response_format"),
        QStringLiteral("reasoning_effort"), QStringLiteral("stream"), QStringLiteral("stream_options"), QStringLiteral("user")};
    for (auto it = body.begin(); it != body.end(); ++it) {
        const QString &key = it.key();
        if (known.contains(key) || kIgnorable.contains(key) || it.value().isNull())
            continue;
        // Values that ask for nothing beyond the default translate to nothing at all.
        if ((key == QLatin1String("n") && it.value().toInt() == 1) || (key == QLatin1String("logprobs") && !it.value().toBool())
            || ((key == QLatin1String("frequency_penalty") || key == QLatin1String("presence_penalty")) && it.value().toDouble() == 0.0))
            continue;
        r.untranslatable << key;
    }
    *out = r;
    return true;
}

QByteArray OpenAiDialect::writeResponse(const ChatResponse &response) const
{
    QStringList texts;
    QStringList thinking;
    QJsonArray toolCalls;
    for (const ContentPart &p : response.content) {
        if (p.kind == ContentPart::Kind::Text)
            texts << p.text;
        else if (p.kind == ContentPart::Kind::Thinking)
            thinking << p.text;
        else if (p.kind == ContentPart::Kind::ToolCall)
            toolCalls.append(QJsonObject{{QStringLiteral("id"), p.toolCallId},
                                         {QStringLiteral("type"), QStringLiteral("function")},
                                         {QStringLiteral("function"),
                                          QJsonObject{{QStringLiteral("name"), p.toolName}, {QStringLiteral("arguments"), p.argumentsJson}}}});
    }
    QJsonObject message{{QStringLiteral("role"), QStringLiteral("assistant")},
                        {QStringLiteral("content"), texts.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(texts.join(QString()))},
                        {QStringLiteral("refusal"), QJsonValue::Null}};
    if (!thinking.isEmpty())
        message.insert(QStringLiteral("reasoning_content"), thinking.join(QString()));
    if (!toolCalls.isEmpty())
        message.insert(QStringLiteral("tool_calls"), toolCalls);
    const QJsonObject choice{{QStringLiteral("index"), 0},
                             {QStringLiteral("message"), message},
                             {QStringLiteral("logprobs"), QJsonValue::Null},
                             {QStringLiteral("finish_reason"), finishReason(response.stopReason)}};
    const QJsonObject out{{QStringLiteral("id"), response.id},
                          {QStringLiteral("object"), QStringLiteral("chat.completion")},
                          {QStringLiteral("created"), QDateTime::currentSecsSinceEpoch()},
                          {QStringLiteral("model"), response.model},
                          {QStringLiteral("choices"), QJsonArray{choice}},
                          {QStringLiteral("usage"), usageJson(response.usage)}};
    return QJsonDocument(out).toJson(QJsonDocument::Compact);
}

std::unique_ptr<StreamWriter> OpenAiDialect::streamWriter(const ChatRequest &request) const
{
    return std::make_unique<OpenAiStreamWriter>(request.clientWantsStreamUsage);
}

QByteArray OpenAiDialect::writeError(const ApiError &error) const
{
    return error.toOpenAiJson();
}

bool OpenAiDialect::buildRequest(const ProviderConfig &provider, const QString &apiKey, const QString &upstreamModel,
                                 const ChatRequest &request, UpstreamRequest *out, ApiError *error) const
{
    Q_UNUSED(error);
    QJsonArray messages;
    if (!request.system.isEmpty())
        messages.append(QJsonObject{{QStringLiteral("role"), QStringLiteral("system")}, {QStringLiteral("content"), request.system}});
    for (const ChatMessage &m : request.messages) {
        if (m.role == ChatMessage::Role::Tool) {
            for (const ContentPart &p : m.parts) {
                if (p.kind != ContentPart::Kind::ToolResult)
                    continue;
                messages.append(QJsonObject{{QStringLiteral("role"), QStringLiteral("tool")},
                                            {QStringLiteral("tool_call_id"), p.toolCallId},
                                            {QStringLiteral("content"), p.isError ? QStringLiteral("Error: ") + p.text : p.text}});
            }
            continue;
        }
        QJsonArray parts;
        QJsonArray toolCalls;
        bool onlyText = true;
        for (const ContentPart &p : m.parts) {
            switch (p.kind) {
            case ContentPart::Kind::Text:
                parts.append(QJsonObject{{QStringLiteral("type"), QStringLiteral("text")}, {QStringLiteral("text"), p.text}});
                break;
            case ContentPart::Kind::Image: {
                onlyText = false;
                const QString url = p.url.isEmpty() ? QStringLiteral("data:%1;base64,%2").arg(p.mediaType, p.data) : p.url;
                parts.append(QJsonObject{{QStringLiteral("type"), QStringLiteral("image_url")},
                                         {QStringLiteral("image_url"), QJsonObject{{QStringLiteral("url"), url}}}});
                break;
            }
            case ContentPart::Kind::ToolCall:
                toolCalls.append(QJsonObject{{QStringLiteral("id"), p.toolCallId},
                                             {QStringLiteral("type"), QStringLiteral("function")},
                                             {QStringLiteral("function"),
                                              QJsonObject{{QStringLiteral("name"), p.toolName},
                                                          {QStringLiteral("arguments"), p.argumentsJson.isEmpty() ? QStringLiteral("{}") : p.argumentsJson}}}});
                break;
            case ContentPart::Kind::Thinking: // OpenAI takes no earlier reasoning back
            case ContentPart::Kind::ToolResult:
                break;
            }
        }
        QJsonObject message{{QStringLiteral("role"), m.role == ChatMessage::Role::User ? QStringLiteral("user") : QStringLiteral("assistant")}};
        if (onlyText) {
            QStringList texts;
            for (const QJsonValue &p : parts)
                texts << p.toObject().value(QLatin1String("text")).toString();
            message.insert(QStringLiteral("content"), texts.isEmpty() && !toolCalls.isEmpty() ? QJsonValue(QJsonValue::Null)
                                                                                                 : QJsonValue(texts.join(QString())));
        } else {
            message.insert(QStringLiteral("content"), parts);
        }
        if (!toolCalls.isEmpty())
            message.insert(QStringLiteral("tool_calls"), toolCalls);
        messages.append(message);
    }

    QJsonObject body{{QStringLiteral("model"), upstreamModel}, {QStringLiteral("messages"), messages}};
    if (!request.tools.isEmpty()) {
        QJsonArray tools;
        for (const ToolDefinition &t : request.tools) {
            QJsonObject function{{QStringLiteral("name"), t.name}, {QStringLiteral("parameters"), t.parameters}};
            if (!t.description.isEmpty())
                function.insert(QStringLiteral("description"), t.description);
            tools.append(QJsonObject{{QStringLiteral("type"), QStringLiteral("function")}, {QStringLiteral("function"), function}});
        }
        body.insert(QStringLiteral("tools"), tools);
        if (request.toolChoice) {
            switch (request.toolChoice->mode) {
            case ToolChoice::Mode::Auto: body.insert(QStringLiteral("tool_choice"), QStringLiteral("auto")); break;
            case ToolChoice::Mode::None: body.insert(QStringLiteral("tool_choice"), QStringLiteral("none")); break;
            case ToolChoice::Mode::Required: body.insert(QStringLiteral("tool_choice"), QStringLiteral("required")); break;
            case ToolChoice::Mode::Named:
                body.insert(QStringLiteral("tool_choice"),
                            QJsonObject{{QStringLiteral("type"), QStringLiteral("function")},
                                        {QStringLiteral("function"), QJsonObject{{QStringLiteral("name"), request.toolChoice->name}}}});
                break;
            }
            if (!request.toolChoice->parallelAllowed)
                body.insert(QStringLiteral("parallel_tool_calls"), false);
        }
    }
    if (request.maxTokens) {
        // OpenAI's own reasoning models refuse the older name; compatible servers know only it.
        const bool openAiItself = QUrl(provider.baseUrl).host() == QLatin1String("api.openai.com");
        body.insert(openAiItself ? QStringLiteral("max_completion_tokens") : QStringLiteral("max_tokens"), *request.maxTokens);
    }
    if (request.temperature)
        body.insert(QStringLiteral("temperature"), *request.temperature);
    if (request.topP)
        body.insert(QStringLiteral("top_p"), *request.topP);
    if (!request.stop.isEmpty())
        body.insert(QStringLiteral("stop"), QJsonArray::fromStringList(request.stop));
    if (request.responseFormat.kind == ResponseFormat::Kind::JsonObject) {
        body.insert(QStringLiteral("response_format"), QJsonObject{{QStringLiteral("type"), QStringLiteral("json_object")}});
    } else if (request.responseFormat.kind == ResponseFormat::Kind::JsonSchema) {
        body.insert(QStringLiteral("response_format"),
                    QJsonObject{{QStringLiteral("type"), QStringLiteral("json_schema")},
                                {QStringLiteral("json_schema"),
                                 QJsonObject{{QStringLiteral("name"), request.responseFormat.name.isEmpty() ? QStringLiteral("response") : request.responseFormat.name},
                                             {QStringLiteral("schema"), request.responseFormat.schema}}}});
    }
    if (!request.reasoningEffort.isEmpty()) {
        body.insert(QStringLiteral("reasoning_effort"), request.reasoningEffort);
    } else if (request.thinkingBudget && isReasoningModel(upstreamModel)) {
        // A thinking budget becomes the nearest effort OpenAI has. Other models take no effort
        // at all and would refuse the call, so for them the wish to think is let go.
        const qint64 budget = *request.thinkingBudget;
        body.insert(QStringLiteral("reasoning_effort"), budget <= 4096 ? QStringLiteral("low") : budget <= 16384 ? QStringLiteral("medium") : QStringLiteral("high"));
    }
    if (!request.user.isEmpty())
        body.insert(QStringLiteral("user"), request.user);
    if (request.stream) {
        body.insert(QStringLiteral("stream"), true);
        body.insert(QStringLiteral("stream_options"), QJsonObject{{QStringLiteral("include_usage"), true}});
    }
    *out = passthroughRequest(provider, apiKey, upstreamModel, request.stream, QJsonDocument(body).toJson(QJsonDocument::Compact));
    return true;
}

UpstreamRequest OpenAiDialect::passthroughRequest(const ProviderConfig &provider, const QString &apiKey,
                                                  const QString &upstreamModel, bool stream, const QByteArray &body) const
{
    Q_UNUSED(upstreamModel);
    UpstreamRequest request;
    request.url = endpointUrl(provider.baseUrl, u"/chat/completions");
    request.timeouts = provider.timeouts;
    request.body = body;
    request.headers.add(QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json"));
    request.headers.add(QByteArrayLiteral("Accept"), stream ? QByteArrayLiteral("text/event-stream") : QByteArrayLiteral("application/json"));
    if (!apiKey.isEmpty())
        request.headers.add(QByteArrayLiteral("Authorization"), "Bearer " + apiKey.toUtf8());
    for (auto it = provider.headers.begin(); it != provider.headers.end(); ++it)
        request.headers.set(it.key().toUtf8(), it.value().toUtf8());
    return request;
}

bool OpenAiDialect::readResponse(const QByteArray &body, ChatResponse *out, QString *error) const
{
    const QJsonObject answer = QJsonDocument::fromJson(body).object();
    const QJsonArray choices = answer.value(QLatin1String("choices")).toArray();
    if (choices.isEmpty()) {
        *error = QStringLiteral("The provider's answer has no choices.");
        return false;
    }
    ChatResponse r;
    r.id = answer.value(QLatin1String("id")).toString();
    r.model = answer.value(QLatin1String("model")).toString();
    const QJsonObject choice = choices.first().toObject();
    const QJsonObject message = choice.value(QLatin1String("message")).toObject();
    for (const char *key : {"reasoning_content", "reasoning"}) {
        const QString thinking = message.value(QLatin1String(key)).toString();
        if (!thinking.isEmpty()) {
            ContentPart part = ContentPart::makeText(thinking);
            part.kind = ContentPart::Kind::Thinking;
            r.content.append(part);
            break;
        }
    }
    const QString text = textOf(message.value(QLatin1String("content")));
    if (!text.isEmpty())
        r.content.append(ContentPart::makeText(text));
    const QString refusal = message.value(QLatin1String("refusal")).toString();
    if (!refusal.isEmpty())
        r.content.append(ContentPart::makeText(refusal));
    for (const QJsonValue &c : message.value(QLatin1String("tool_calls")).toArray()) {
        const QJsonObject call = c.toObject();
        const QJsonObject function = call.value(QLatin1String("function")).toObject();
        ContentPart part;
        part.kind = ContentPart::Kind::ToolCall;
        part.toolCallId = call.value(QLatin1String("id")).toString();
        part.toolName = function.value(QLatin1String("name")).toString();
        part.argumentsJson = function.value(QLatin1String("arguments")).toString();
        r.content.append(part);
    }
    r.stopReason = stopReason(choice.value(QLatin1String("finish_reason")).toString());
    if (!refusal.isEmpty())
        r.stopReason = StopReason::ContentFilter;
    r.usage = TokenUsage::fromOpenAi(answer.value(QLatin1String("usage")).toObject());
    *out = r;
    return true;
}

std::unique_ptr<StreamReader> OpenAiDialect::streamReader() const
{
    return std::make_unique<OpenAiStreamReader>();
}

namespace {

// The usage of an answer from its bytes, when they settle the whole of it. That is how the relay
// hands over a chat answer's report ({"usage":…}); a longer answer is likelier to hold text the
// byte reader leaves to the full parser (escapes, non-ASCII), and goes through JsonPeek instead.
bool peekUsage(QByteArrayView body, TokenUsage *usage)
{
    JsonReader reader(body);
    TokenUsage u;
    // A usage that is not an object reads as an empty one, as toObject() makes it.
    if (!reader.readMember("usage", [&] { return reader.atObject() ? TokenUsage::readOpenAi(reader, &u) : reader.skipValue(); })
        || !reader.atEnd())
        return false;
    *usage = u;
    return true;
}

} // namespace

TokenUsage OpenAiDialect::usageOf(const QByteArray &body) const
{
    // Called on every answer: only the usage object is read, from its bytes where they settle it.
    TokenUsage usage;
    if (peekUsage(body, &usage))
        return usage;
    QByteArrayView text;
    switch (JsonPeek::member(body, "usage", &text)) {
    case JsonPeek::Result::Found:
        return TokenUsage::fromOpenAiText(text);
    case JsonPeek::Result::Absent:
        return {};
    case JsonPeek::Result::Unsure:
        break;
    }
    return TokenUsage::fromOpenAi(QJsonDocument::fromJson(body).object().value(QLatin1String("usage")).toObject());
}

QString OpenAiDialect::errorMessage(const QByteArray &body) const
{
    const QJsonObject json = QJsonDocument::fromJson(body).object();
    const QJsonValue error = json.value(QLatin1String("error"));
    if (error.isObject())
        return error.toObject().value(QLatin1String("message")).toString();
    if (error.isString())
        return error.toString();
    return json.value(QLatin1String("message")).toString();
}

} // namespace patchbay
