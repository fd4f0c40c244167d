#include "geminidialect.h"

#include "geministream.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUrl>

namespace patchbay {

namespace {

const QString kDefaultBaseUrl = QStringLiteral("https://generativelanguage.googleapis.com/v1beta");

bool refuse(ApiError *error, const QString &message)
{
    *error = ApiError::badRequest(message, QStringLiteral("invalid_request"));
    return false;
}

qint64 count(const QJsonObject &o, const char *key)
{
    const QJsonValue v = o.value(QLatin1String(key));
    return v.isDouble() ? v.toInteger() : -1;
}

QUrl chatUrl(const ProviderConfig &provider, const QString &upstreamModel, bool stream)
{
    QString base = provider.baseUrl.isEmpty() ? kDefaultBaseUrl : provider.baseUrl;
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    // Routes may name the model as Google lists it ("models/…") or a tuned one ("tunedModels/…").
    QString model = upstreamModel;
    if (!model.startsWith(QLatin1String("models/")) && !model.startsWith(QLatin1String("tunedModels/")))
        model.prepend(QLatin1String("models/"));
    QUrl url(base + QLatin1Char('/') + model + (stream ? QStringLiteral(":streamGenerateContent") : QStringLiteral(":generateContent")));
    // Without alt=sse the streaming endpoint answers one JSON array that grows until the end.
    if (stream)
        url.setQuery(QStringLiteral("alt=sse"));
    return url;
}

// The media type of an image URL, from its extension; "" when it has none Patchbay knows.
QString mediaTypeOfUrl(const QString &url)
{
    const QString path = QUrl(url).path().toLower();
    static const QList<QPair<QLatin1String, QLatin1String>> types = {
        {QLatin1String(".png"), QLatin1String("image/png")},   {QLatin1String(".jpg"), QLatin1String("image/jpeg")},
        {QLatin1String(".jpeg"), QLatin1String("image/jpeg")}, {QLatin1String(".webp"), QLatin1String("image/webp")},
        {QLatin1String(".heic"), QLatin1String("image/heic")}, {QLatin1String(".heif"), QLatin1String("image/heif")},
        {QLatin1String(".gif"), QLatin1String("image/gif")},   {QLatin1String(".pdf"), QLatin1String("application/pdf")}};
    for (const auto &[extension, type] : types) {
        if (path.endsWith(extension))
            return type;
    }
    return {};
}

// An image as a Gemini part: inline data when the client sent the bytes, else fileData, which
// Gemini fetches itself (public and signed http(s) URLs, Files API and YouTube URIs).
bool imagePart(const ContentPart &p, QJsonObject *out, ApiError *error)
{
    QString mediaType = p.mediaType;
    QString data = p.data;
    if (data.isEmpty() && p.url.startsWith(QLatin1String("data:"))) {
        const qsizetype comma = p.url.indexOf(QLatin1Char(','));
        const QString header = comma < 0 ? QString() : p.url.mid(5, comma - 5);
        if (!header.endsWith(QLatin1String(";base64")))
            return refuse(error, QStringLiteral("An image data: URL must be base64 (data:image/png;base64,…)."));
        mediaType = header.chopped(7);
        data = p.url.mid(comma + 1);
    }
    if (!data.isEmpty()) {
        if (mediaType.isEmpty())
            return refuse(error, QStringLiteral("An inline image has no media type; Gemini needs one (e.g. \"image/png\")."));
        *out = {{QStringLiteral("inlineData"), QJsonObject{{QStringLiteral("mimeType"), mediaType}, {QStringLiteral("data"), data}}}};
        return true;
    }
    if (p.url.isEmpty())
        return refuse(error, QStringLiteral("An image part has neither data nor a URL."));
    QJsonObject file{{QStringLiteral("fileUri"), p.url}};
    // Gemini works the type out itself when it can fetch the file; a known one saves it a guess.
    const QString type = mediaType.isEmpty() ? mediaTypeOfUrl(p.url) : mediaType;
    if (!type.isEmpty())
        file.insert(QStringLiteral("mimeType"), type);
    *out = {{QStringLiteral("fileData"), file}};
    return true;
}

// The function a tool result answers. Gemini pairs a functionResponse with its call by name, which
// OpenAI tool messages and Anthropic tool_result blocks do not carry: it is the name of the nearest
// earlier call with the same id (ids may repeat across turns when a provider made them up).
QString functionNameFor(const QList<ChatMessage> &messages, qsizetype before, const QString &toolCallId)
{
    for (qsizetype i = before; i >= 0; --i) {
        const ChatMessage &m = messages.at(i);
        if (m.role != ChatMessage::Role::Assistant)
            continue;
        for (const ContentPart &p : m.parts) {
            if (p.kind == ContentPart::Kind::ToolCall && p.toolCallId == toolCallId)
                return p.toolName;
        }
    }
    return {};
}

// Gemini's conversation: user and model turns. Consecutive parts for the same role share one
// turn, so that parallel tool results go back together, as Gemini expects them.
class Contents
{
public:
    void add(const QString &role, const QJsonObject &part)
    {
        if (m_roles.isEmpty() || m_roles.last() != role) {
            m_roles.append(role);
            m_parts.append(QJsonArray());
        }
        m_parts.last().append(part);
    }
    QJsonArray toJson() const
    {
        QJsonArray out;
        for (qsizetype i = 0; i < m_roles.size(); ++i)
            out.append(QJsonObject{{QStringLiteral("role"), m_roles.at(i)}, {QStringLiteral("parts"), m_parts.at(i)}});
        return out;
    }

private:
    QStringList m_roles;
    QList<QJsonArray> m_parts;
};

bool buildContents(const ChatRequest &request, QJsonArray *out, ApiError *error)
{
    const QString user = QStringLiteral("user");
    const QString model = QStringLiteral("model");
    Contents contents;
    for (qsizetype i = 0; i < request.messages.size(); ++i) {
        const ChatMessage &m = request.messages.at(i);
        const QString role = m.role == ChatMessage::Role::Assistant ? model : user;
        // Gemini 3 wants the signature of the first call of each step back; see kSkipSignature.
        bool anySigned = false;
        for (const ContentPart &p : m.parts)
            anySigned = anySigned || (p.kind == ContentPart::Kind::ToolCall && !p.signature.isEmpty());
        bool firstCall = true;
        for (const ContentPart &p : m.parts) {
            switch (p.kind) {
            case ContentPart::Kind::Text:
                // Gemini refuses a part with empty text.
                if (!p.text.isEmpty())
                    contents.add(role, {{QStringLiteral("text"), p.text}});
                break;
            case ContentPart::Kind::Image: {
                QJsonObject part;
                if (!imagePart(p, &part, error))
                    return false;
                contents.add(role, part);
                break;
            }
            case ContentPart::Kind::Thinking:
                // Gemini does not take earlier thoughts back (its reasoning state travels in
                // thought signatures), and another provider's signature would fail its check.
                break;
            case ContentPart::Kind::ToolCall: {
                QJsonObject args;
                if (!p.argumentsJson.trimmed().isEmpty()) {
                    const QJsonDocument doc = QJsonDocument::fromJson(p.argumentsJson.toUtf8());
                    if (!doc.isObject())
                        return refuse(error, QStringLiteral("The \"arguments\" of tool call \"%1\" (%2) are not a JSON object; "
                                                            "Gemini takes a function call's arguments only as an object.")
                                                 .arg(p.toolCallId, p.toolName));
                    args = doc.object();
                }
                QJsonObject part{{QStringLiteral("functionCall"),
                                  QJsonObject{{QStringLiteral("name"), p.toolName}, {QStringLiteral("args"), args}}}};
                if (!p.signature.isEmpty())
                    part.insert(QStringLiteral("thoughtSignature"), p.signature);
                else if (firstCall && !anySigned)
                    part.insert(QStringLiteral("thoughtSignature"), QLatin1String(gemini::kSkipSignature));
                firstCall = false;
                contents.add(model, part);
                break;
            }
            case ContentPart::Kind::ToolResult: {
                const QString name = p.toolName.isEmpty() ? functionNameFor(request.messages, i - 1, p.toolCallId) : p.toolName;
                if (name.isEmpty())
                    return refuse(error, QStringLiteral("The tool result for \"%1\" (tool_call_id / tool_use_id) answers no tool call "
                                                        "earlier in the conversation. Gemini needs the called function's name, so "
                                                        "include the assistant turn that made the call.")
                                             .arg(p.toolCallId));
                // Gemini reads "output" as the function's result and "error" as its failure.
                const QJsonObject response{{p.isError ? QStringLiteral("error") : QStringLiteral("output"), p.text}};
                contents.add(user, {{QStringLiteral("functionResponse"),
                                     QJsonObject{{QStringLiteral("name"), name}, {QStringLiteral("response"), response}}}});
                break;
            }
            }
        }
    }
    *out = contents.toJson();
    if (out->isEmpty())
        return refuse(error, QStringLiteral("\"messages\" holds nothing Gemini can be sent: it needs at least one user or "
                                            "assistant message with content, besides the system instructions."));
    return true;
}

bool buildTools(const ChatRequest &request, QJsonObject *body, ApiError *error)
{
    if (request.tools.isEmpty()) {
        if (request.toolChoice
            && (request.toolChoice->mode == ToolChoice::Mode::Required || request.toolChoice->mode == ToolChoice::Mode::Named))
            return refuse(error, QStringLiteral("\"tool_choice\" asks for a tool call, but the request defines no tools."));
        return true;
    }
    QJsonArray declarations;
    for (const ToolDefinition &t : request.tools) {
        QJsonObject declaration{{QStringLiteral("name"), t.name}};
        if (!t.description.isEmpty())
            declaration.insert(QStringLiteral("description"), t.description);
        // parametersJsonSchema takes JSON Schema as clients write it (additionalProperties, $ref,
        // type lists …), where "parameters" takes only Google's OpenAPI subset and refuses the rest.
        if (!t.parameters.isEmpty())
            declaration.insert(QStringLiteral("parametersJsonSchema"), t.parameters);
        declarations.append(declaration);
    }
    body->insert(QStringLiteral("tools"), QJsonArray{QJsonObject{{QStringLiteral("functionDeclarations"), declarations}}});

    if (!request.toolChoice)
        return true;
    const ToolChoice &choice = *request.toolChoice;
    if (!choice.parallelAllowed)
        return refuse(error, QStringLiteral("Gemini cannot be held to one tool call per turn (\"parallel_tool_calls\": false / "
                                            "\"disable_parallel_tool_use\"). Leave it out to send this request to Gemini."));
    QJsonObject config;
    switch (choice.mode) {
    case ToolChoice::Mode::Auto: config.insert(QStringLiteral("mode"), QStringLiteral("AUTO")); break;
    case ToolChoice::Mode::None: config.insert(QStringLiteral("mode"), QStringLiteral("NONE")); break;
    case ToolChoice::Mode::Required: config.insert(QStringLiteral("mode"), QStringLiteral("ANY")); break;
    case ToolChoice::Mode::Named:
        config.insert(QStringLiteral("mode"), QStringLiteral("ANY"));
        config.insert(QStringLiteral("allowedFunctionNames"), QJsonArray{choice.name});
        break;
    }
    body->insert(QStringLiteral("toolConfig"), QJsonObject{{QStringLiteral("functionCallingConfig"), config}});
    return true;
}

bool buildGenerationConfig(const ChatRequest &request, QJsonObject *body, ApiError *error)
{
    QJsonObject config;
    if (request.maxTokens)
        config.insert(QStringLiteral("maxOutputTokens"), *request.maxTokens);
    if (request.temperature)
        config.insert(QStringLiteral("temperature"), *request.temperature);
    if (request.topP)
        config.insert(QStringLiteral("topP"), *request.topP);
    if (!request.stop.isEmpty())
        config.insert(QStringLiteral("stopSequences"), QJsonArray::fromStringList(request.stop));
    if (request.responseFormat.kind != ResponseFormat::Kind::Text) {
        config.insert(QStringLiteral("responseMimeType"), QStringLiteral("application/json"));
        // responseJsonSchema, like parametersJsonSchema, takes the client's JSON Schema unchanged.
        if (request.responseFormat.kind == ResponseFormat::Kind::JsonSchema && !request.responseFormat.schema.isEmpty())
            config.insert(QStringLiteral("responseJsonSchema"), request.responseFormat.schema);
    }
    qint64 budget = -1;
    bool thinking = false;
    if (request.thinkingBudget) {
        budget = *request.thinkingBudget;
        thinking = true;
    } else if (!request.reasoningEffort.isEmpty()) {
        budget = GeminiDialect::thinkingBudgetForEffort(request.reasoningEffort);
        if (budget < 0)
            return refuse(error, QStringLiteral("\"reasoning_effort\" \"%1\" is not one Patchbay can translate for Gemini; "
                                                "use none, minimal, low, medium, high or xhigh.")
                                     .arg(request.reasoningEffort));
        thinking = true;
    }
    if (thinking) {
        QJsonObject thinkingConfig{{QStringLiteral("thinkingBudget"), budget}};
        // Thought summaries are what a client shows as reasoning; none come when thinking is off.
        if (budget != 0)
            thinkingConfig.insert(QStringLiteral("includeThoughts"), true);
        config.insert(QStringLiteral("thinkingConfig"), thinkingConfig);
    }
    if (!config.isEmpty())
        body->insert(QStringLiteral("generationConfig"), config);
    return true;
}

} // namespace

qint64 GeminiDialect::thinkingBudgetForEffort(const QString &effort)
{
    // low/medium/high are Google's figures for its OpenAI-compatible endpoint; minimal is the
    // smallest budget every 2.5 model accepts and xhigh the largest 2.5 Pro takes.
    static const QList<QPair<QLatin1String, qint64>> budgets = {
        {QLatin1String("none"), 0},      {QLatin1String("minimal"), 512}, {QLatin1String("low"), 1024},
        {QLatin1String("medium"), 8192}, {QLatin1String("high"), 24576},  {QLatin1String("xhigh"), 32768}};
    for (const auto &[name, budget] : budgets) {
        if (effort == name)
            return budget;
    }
    return -1;
}

bool GeminiDialect::buildRequest(const ProviderConfig &provider, const QString &apiKey, const QString &upstreamModel,
                                 const ChatRequest &request, UpstreamRequest *out, ApiError *error) const
{
    QJsonArray contents;
    if (!buildContents(request, &contents, error))
        return false;
    QJsonObject body{{QStringLiteral("contents"), contents}};
    if (!request.system.isEmpty())
        body.insert(QStringLiteral("systemInstruction"),
                    QJsonObject{{QStringLiteral("parts"), QJsonArray{QJsonObject{{QStringLiteral("text"), request.system}}}}});
    if (!buildTools(request, &body, error) || !buildGenerationConfig(request, &body, error))
        return false;
    // request.user has no Gemini counterpart; it only labels the caller for OpenAI's abuse
    // monitoring and changes nothing in the answer, so it is not worth refusing a call over.
    *out = passthroughRequest(provider, apiKey, upstreamModel, request.stream, QJsonDocument(body).toJson(QJsonDocument::Compact));
    return true;
}

UpstreamRequest GeminiDialect::passthroughRequest(const ProviderConfig &provider, const QString &apiKey,
                                                  const QString &upstreamModel, bool stream, const QByteArray &body) const
{
    UpstreamRequest request;
    request.url = chatUrl(provider, upstreamModel, stream);
    request.timeouts = provider.timeouts;
    request.body = body;
    request.headers.add("Content-Type", "application/json");
    request.headers.add("Accept", stream ? "text/event-stream" : "application/json");
    // In a header, never as ?key=: URLs end up in logs.
    if (!apiKey.isEmpty())
        request.headers.add("x-goog-api-key", apiKey.toUtf8());
    for (auto it = provider.headers.begin(); it != provider.headers.end(); ++it)
        request.headers.set(it.key().toUtf8(), it.value().toUtf8());
    return request;
}

bool GeminiDialect::readResponse(const QByteArray &body, ChatResponse *out, QString *error) const
{
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    // The streaming endpoint without alt=sse answers an array of chunks; a plain call, one object.
    const QJsonObject answer = doc.isArray() ? doc.array().at(0).toObject() : doc.object();
    if (answer.isEmpty()) {
        *error = QStringLiteral("Gemini's answer is not a JSON object.");
        return false;
    }
    if (const QJsonObject e = gemini::errorObject(answer); !e.isEmpty()) {
        *error = e.value(QLatin1String("message")).toString(QStringLiteral("Gemini answered with an error."));
        return false;
    }
    if (const QString blocked = gemini::blockedPromptMessage(answer); !blocked.isEmpty()) {
        *error = blocked;
        return false;
    }
    const QJsonArray candidates = answer.value(QLatin1String("candidates")).toArray();
    if (candidates.isEmpty()) {
        *error = QStringLiteral("Gemini's answer has no candidates.");
        return false;
    }
    ChatResponse r;
    r.id = answer.value(QLatin1String("responseId")).toString();
    r.model = answer.value(QLatin1String("modelVersion")).toString();
    const QJsonObject candidate = candidates.first().toObject();
    int toolCalls = 0;
    for (const QJsonValue &v : candidate.value(QLatin1String("content")).toObject().value(QLatin1String("parts")).toArray()) {
        const QJsonObject part = v.toObject();
        if (part.contains(QLatin1String("functionCall"))) {
            const QJsonObject call = part.value(QLatin1String("functionCall")).toObject();
            ContentPart p;
            p.kind = ContentPart::Kind::ToolCall;
            p.toolCallId = gemini::toolCallId(call, r.id, toolCalls++);
            p.toolName = call.value(QLatin1String("name")).toString();
            p.argumentsJson = QString::fromUtf8(QJsonDocument(call.value(QLatin1String("args")).toObject()).toJson(QJsonDocument::Compact));
            p.signature = part.value(QLatin1String("thoughtSignature")).toString();
            r.content.append(p);
            continue;
        }
        const QString text = part.value(QLatin1String("text")).toString();
        if (text.isEmpty()) // also a bare thoughtSignature part, or a kind Patchbay does not carry
            continue;
        const auto kind = part.value(QLatin1String("thought")).toBool() ? ContentPart::Kind::Thinking : ContentPart::Kind::Text;
        // Gemini may split one text into several parts; clients want it whole.
        if (!r.content.isEmpty() && r.content.last().kind == kind) {
            r.content.last().text += text;
        } else {
            ContentPart p = ContentPart::makeText(text);
            p.kind = kind;
            r.content.append(p);
        }
    }
    r.stopReason = gemini::stopReasonFrom(candidate.value(QLatin1String("finishReason")).toString(), toolCalls > 0);
    r.usage = gemini::usageFrom(answer.value(QLatin1String("usageMetadata")).toObject());
    *out = r;
    return true;
}

std::unique_ptr<StreamReader> GeminiDialect::streamReader() const
{
    return std::make_unique<GeminiStreamReader>();
}

QString GeminiDialect::errorMessage(const QByteArray &body) const
{
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    const QJsonValue json = doc.isArray() ? QJsonValue(doc.array()) : QJsonValue(doc.object());
    return gemini::errorObject(json).value(QLatin1String("message")).toString();
}

namespace gemini {

TokenUsage usageFrom(const QJsonObject &usageMetadata)
{
    TokenUsage u;
    if (usageMetadata.isEmpty())
        return u;
    // promptTokenCount already counts cached tokens. Tool-use prompt tokens (search results and
    // the like that Gemini fetched itself) are billed as input, so they count as input here.
    const qint64 prompt = count(usageMetadata, "promptTokenCount");
    if (prompt >= 0)
        u.input = prompt + TokenUsage::orZero(count(usageMetadata, "toolUsePromptTokenCount"));
    // candidatesTokenCount leaves thoughts out; TokenUsage::output counts them.
    const qint64 candidates = count(usageMetadata, "candidatesTokenCount");
    const qint64 thoughts = count(usageMetadata, "thoughtsTokenCount");
    if (candidates >= 0 || thoughts >= 0)
        u.output = TokenUsage::orZero(candidates) + TokenUsage::orZero(thoughts);
    u.cacheRead = count(usageMetadata, "cachedContentTokenCount");
    u.reasoning = thoughts;
    return u;
}

StopReason stopReasonFrom(const QString &finishReason, bool sawToolCall)
{
    if (finishReason.isEmpty())
        return StopReason::None;
    if (finishReason == QLatin1String("STOP"))
        return sawToolCall ? StopReason::ToolUse : StopReason::EndTurn;
    if (finishReason == QLatin1String("MAX_TOKENS"))
        return StopReason::MaxTokens;
    static const QStringList filtered = {QStringLiteral("SAFETY"),           QStringLiteral("RECITATION"),
                                         QStringLiteral("LANGUAGE"),         QStringLiteral("BLOCKLIST"),
                                         QStringLiteral("PROHIBITED_CONTENT"), QStringLiteral("SPII"),
                                         QStringLiteral("IMAGE_SAFETY"),     QStringLiteral("IMAGE_PROHIBITED_CONTENT"),
                                         QStringLiteral("IMAGE_RECITATION")};
    if (filtered.contains(finishReason))
        return StopReason::ContentFilter;
    // The model broke off on its own side: a call it could not form, too many calls, and so on.
    static const QStringList failed = {QStringLiteral("MALFORMED_FUNCTION_CALL"), QStringLiteral("UNEXPECTED_TOOL_CALL"),
                                       QStringLiteral("TOO_MANY_TOOL_CALLS"), QStringLiteral("MISSING_THOUGHT_SIGNATURE"),
                                       QStringLiteral("MALFORMED_RESPONSE")};
    if (failed.contains(finishReason))
        return StopReason::Error;
    // OTHER, FINISH_REASON_UNSPECIFIED and reasons newer than this code: an answer that ended.
    return sawToolCall ? StopReason::ToolUse : StopReason::EndTurn;
}

QString toolCallId(const QJsonObject &functionCall, const QString &responseId, int index)
{
    const QString id = functionCall.value(QLatin1String("id")).toString();
    if (!id.isEmpty())
        return id;
    // Only characters every client dialect accepts in an id (Anthropic's are [A-Za-z0-9_-]).
    QString stem;
    for (const QChar c : responseId) {
        if ((c >= QLatin1Char('a') && c <= QLatin1Char('z')) || (c >= QLatin1Char('A') && c <= QLatin1Char('Z'))
            || (c >= QLatin1Char('0') && c <= QLatin1Char('9')) || c == QLatin1Char('_') || c == QLatin1Char('-'))
            stem += c;
    }
    return stem.isEmpty() ? QStringLiteral("call_%1").arg(index) : QStringLiteral("call_%1_%2").arg(stem).arg(index);
}

QString blockedPromptMessage(const QJsonObject &response)
{
    if (!response.value(QLatin1String("candidates")).toArray().isEmpty())
        return {};
    const QString reason = response.value(QLatin1String("promptFeedback")).toObject().value(QLatin1String("blockReason")).toString();
    if (reason.isEmpty())
        return {};
    return QStringLiteral("Gemini blocked the prompt (block reason %1) and gave no answer. Rephrase the request or remove "
                          "the content that triggered the block.")
        .arg(reason);
}

QJsonObject errorObject(const QJsonValue &body)
{
    if (body.isArray()) {
        for (const QJsonValue &v : body.toArray()) {
            if (const QJsonObject e = errorObject(v); !e.isEmpty())
                return e;
        }
        return {};
    }
    return body.toObject().value(QLatin1String("error")).toObject();
}

QString errorTypeFor(const QString &status)
{
    if (status == QLatin1String("INVALID_ARGUMENT") || status == QLatin1String("FAILED_PRECONDITION")
        || status == QLatin1String("OUT_OF_RANGE"))
        return QStringLiteral("invalid_request_error");
    if (status == QLatin1String("UNAUTHENTICATED"))
        return QStringLiteral("authentication_error");
    if (status == QLatin1String("PERMISSION_DENIED"))
        return QStringLiteral("permission_error");
    if (status == QLatin1String("NOT_FOUND"))
        return QStringLiteral("not_found_error");
    if (status == QLatin1String("RESOURCE_EXHAUSTED"))
        return QStringLiteral("rate_limit_error");
    return QStringLiteral("api_error");
}

} // namespace gemini

} // namespace patchbay
