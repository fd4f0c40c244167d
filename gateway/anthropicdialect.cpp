#include "anthropicdialect.h"

#include "anthropicstream.h"
#include "jsonreader.h"
#include "upstreamtarget.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QUuid>

#include <algorithm>

namespace patchbay {

namespace {

QString str(const char *s)
{
    return QString::fromLatin1(s);
}

QJsonValue field(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key));
}

QString compactJson(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

bool isWholeNumber(const QJsonValue &v)
{
    return v.isDouble() && v.toDouble() == static_cast<double>(v.toInteger());
}

// Field names the client used that only matter if the body must be translated.
void addUntranslatable(ChatRequest *out, const QString &what)
{
    if (!out->untranslatable.contains(what))
        out->untranslatable.append(what);
}

bool refuse(ApiError *error, const QString &message)
{
    if (error)
        *error = ApiError::badRequest(message);
    return false;
}

// ---- Reading a client's request ----

// One content block of a message, as the part it becomes. False (with *problem) for a block
// that is malformed; a block Patchbay cannot carry goes into untranslatable and yields no part.
bool readBlock(const QJsonObject &block, const QString &where, bool fromUser, const QHash<QString, QString> &toolNames,
               ChatRequest *out, std::optional<ContentPart> *part, QString *problem)
{
    const QString type = field(block, "type").toString();
    const auto wrongSide = [&] {
        *problem = QStringLiteral("%1: a \"%2\" block cannot be in a %3 message.")
                       .arg(where, type, fromUser ? str("user") : str("assistant"));
        return false;
    };
    ContentPart p;
    if (type == QLatin1String("text")) {
        const QJsonValue text = field(block, "text");
        if (!text.isString()) {
            *problem = where + QStringLiteral(".text must be a string.");
            return false;
        }
        // cache_control and citations are hints about the text, not part of it.
        p.text = text.toString();
    } else if (type == QLatin1String("image")) {
        const QJsonObject source = field(block, "source").toObject();
        const QString sourceType = field(source, "type").toString();
        p.kind = ContentPart::Kind::Image;
        if (sourceType == QLatin1String("base64")) {
            p.mediaType = field(source, "media_type").toString();
            p.data = field(source, "data").toString();
            if (p.mediaType.isEmpty() || p.data.isEmpty()) {
                *problem = where + QStringLiteral(".source needs media_type and data for a base64 image.");
                return false;
            }
        } else if (sourceType == QLatin1String("url")) {
            p.url = field(source, "url").toString();
            if (p.url.isEmpty()) {
                *problem = where + QStringLiteral(".source.url must be a URL.");
                return false;
            }
        } else {
            addUntranslatable(out, QStringLiteral("%1.source.type=%2").arg(where, sourceType));
            return true;
        }
    } else if (type == QLatin1String("tool_use")) {
        if (fromUser)
            return wrongSide();
        p.kind = ContentPart::Kind::ToolCall;
        p.toolCallId = field(block, "id").toString();
        p.toolName = field(block, "name").toString();
        const QJsonValue input = field(block, "input");
        if (p.toolCallId.isEmpty() || p.toolName.isEmpty() || !(input.isObject() || input.isUndefined())) {
            *problem = where + QStringLiteral(": a tool_use block needs an id, a name and an input object.");
            return false;
        }
        p.argumentsJson = compactJson(input.toObject());
    } else if (type == QLatin1String("tool_result")) {
        if (!fromUser)
            return wrongSide();
        p.kind = ContentPart::Kind::ToolResult;
        p.toolCallId = field(block, "tool_use_id").toString();
        if (p.toolCallId.isEmpty()) {
            *problem = where + QStringLiteral(".tool_use_id must name the tool_use block this result answers.");
            return false;
        }
        // Anthropic's result does not repeat the tool's name; dialects that need it (Gemini) get
        // it from the call it answers.
        p.toolName = toolNames.value(p.toolCallId);
        p.isError = field(block, "is_error").toBool(false);
        const QJsonValue content = field(block, "content");
        if (content.isString()) {
            p.text = content.toString();
        } else if (content.isArray()) {
            QStringList texts;
            const QJsonArray inner = content.toArray();
            for (qsizetype k = 0; k < inner.size(); ++k) {
                const QString innerType = field(inner.at(k).toObject(), "type").toString();
                if (innerType == QLatin1String("text"))
                    texts.append(field(inner.at(k).toObject(), "text").toString());
                else
                    addUntranslatable(out, QStringLiteral("%1.content[%2].type=%3").arg(where).arg(k).arg(innerType));
            }
            p.text = texts.join(QLatin1Char('\n'));
        } else if (!content.isUndefined() && !content.isNull()) {
            *problem = where + QStringLiteral(".content must be a string or an array of content blocks.");
            return false;
        }
    } else if (type == QLatin1String("thinking")) {
        if (fromUser)
            return wrongSide();
        p.kind = ContentPart::Kind::Thinking;
        p.text = field(block, "thinking").toString();
        p.signature = field(block, "signature").toString();
    } else if (type.isEmpty()) {
        *problem = where + QStringLiteral(".type is missing.");
        return false;
    } else {
        // redacted_thinking (encrypted, meaningful to Anthropic only), documents, server tool
        // blocks, search results …: nothing another provider could be given.
        addUntranslatable(out, QStringLiteral("%1.type=%2").arg(where, type));
        return true;
    }
    *part = p;
    return true;
}

bool readMessages(const QJsonValue &value, ChatRequest *out, QString *problem)
{
    if (!value.isArray()) {
        *problem = QStringLiteral("messages is required: an array of user and assistant messages.");
        return false;
    }
    QHash<QString, QString> toolNames; // tool_use id → tool name, for the results that answer them
    const QJsonArray messages = value.toArray();
    for (qsizetype i = 0; i < messages.size(); ++i) {
        const QString where = QStringLiteral("messages[%1]").arg(i);
        const QJsonObject m = messages.at(i).toObject();
        const QString role = field(m, "role").toString();
        const bool fromUser = role == QLatin1String("user");
        if (!fromUser && role != QLatin1String("assistant")) {
            *problem = where + QStringLiteral(".role must be \"user\" or \"assistant\" (system instructions go in the top-level \"system\" field).");
            return false;
        }
        const QJsonValue content = field(m, "content");
        QList<ContentPart> parts;
        if (content.isString()) {
            parts.append(ContentPart::makeText(content.toString()));
        } else if (content.isArray()) {
            const QJsonArray blocks = content.toArray();
            for (qsizetype j = 0; j < blocks.size(); ++j) {
                if (!blocks.at(j).isObject()) {
                    *problem = QStringLiteral("%1.content[%2] must be a content block object.").arg(where).arg(j);
                    return false;
                }
                std::optional<ContentPart> part;
                if (!readBlock(blocks.at(j).toObject(), QStringLiteral("%1.content[%2]").arg(where).arg(j), fromUser,
                               toolNames, out, &part, problem))
                    return false;
                if (!part)
                    continue;
                if (part->kind == ContentPart::Kind::ToolCall)
                    toolNames.insert(part->toolCallId, part->toolName);
                parts.append(*part);
            }
        } else {
            *problem = where + QStringLiteral(".content must be a string or an array of content blocks.");
            return false;
        }

        if (!fromUser) {
            out->messages.append({ChatMessage::Role::Assistant, parts});
            continue;
        }
        // A user turn carries tool results and the user's own words together; the gateway's
        // form keeps them apart, so each run of results becomes a Tool message, in order.
        if (parts.isEmpty())
            out->messages.append({ChatMessage::Role::User, {}});
        for (qsizetype j = 0; j < parts.size(); ++j) {
            const ContentPart &p = parts.at(j);
            const auto partRole = p.kind == ContentPart::Kind::ToolResult ? ChatMessage::Role::Tool : ChatMessage::Role::User;
            if (j == 0 || out->messages.last().role != partRole)
                out->messages.append({partRole, {}});
            out->messages.last().parts.append(p);
        }
    }
    return true;
}

bool readSystem(const QJsonValue &value, ChatRequest *out, QString *problem)
{
    if (value.isUndefined() || value.isNull())
        return true;
    if (value.isString()) {
        out->system = value.toString();
        return true;
    }
    if (!value.isArray()) {
        *problem = QStringLiteral("system must be a string or an array of text blocks.");
        return false;
    }
    QStringList texts;
    for (const QJsonValue &v : value.toArray()) {
        const QJsonObject block = v.toObject();
        if (field(block, "type").toString() != QLatin1String("text")) {
            *problem = QStringLiteral("system may only hold text blocks.");
            return false;
        }
        texts.append(field(block, "text").toString());
    }
    // Blocks are separate chunks of instructions (Claude Code sends several); a blank line keeps
    // them apart when they become one system message.
    out->system = texts.join(QStringLiteral("\n\n"));
    return true;
}

bool readTools(const QJsonValue &value, ChatRequest *out, QString *problem)
{
    if (value.isUndefined() || value.isNull())
        return true;
    if (!value.isArray()) {
        *problem = QStringLiteral("tools must be an array of tool definitions.");
        return false;
    }
    const QJsonArray tools = value.toArray();
    for (qsizetype i = 0; i < tools.size(); ++i) {
        const QJsonObject t = tools.at(i).toObject();
        const QString type = field(t, "type").toString();
        if (!type.isEmpty() && type != QLatin1String("custom")) {
            // Anthropic's server tools (web_search_…, code_execution_…) and client tools with a
            // built-in schema (bash_…, text_editor_…, computer_…) only Anthropic can run or define.
            addUntranslatable(out, QStringLiteral("tools[%1].type=%2").arg(i).arg(type));
            continue;
        }
        ToolDefinition tool;
        tool.name = field(t, "name").toString();
        tool.description = field(t, "description").toString();
        tool.parameters = field(t, "input_schema").toObject();
        if (tool.name.isEmpty()) {
            *problem = QStringLiteral("tools[%1].name is required.").arg(i);
            return false;
        }
        for (auto it = t.begin(); it != t.end(); ++it) {
            static const QSet<QString> known{str("type"), str("name"), str("description"), str("input_schema"),
                                             str("cache_control")};
            if (it.key() == QLatin1String("strict") && !it.value().toBool())
                continue;
            if (!known.contains(it.key()))
                addUntranslatable(out, QStringLiteral("tools[%1].%2").arg(i).arg(it.key()));
        }
        out->tools.append(tool);
    }
    return true;
}

bool readToolChoice(const QJsonValue &value, ChatRequest *out, QString *problem)
{
    if (value.isUndefined() || value.isNull())
        return true;
    const QJsonObject o = value.toObject();
    const QString type = field(o, "type").toString();
    ToolChoice choice;
    if (type == QLatin1String("auto")) {
        choice.mode = ToolChoice::Mode::Auto;
    } else if (type == QLatin1String("any")) {
        choice.mode = ToolChoice::Mode::Required;
    } else if (type == QLatin1String("none")) {
        choice.mode = ToolChoice::Mode::None;
    } else if (type == QLatin1String("tool")) {
        choice.mode = ToolChoice::Mode::Named;
        choice.name = field(o, "name").toString();
        if (choice.name.isEmpty()) {
            *problem = QStringLiteral("tool_choice.name is required when tool_choice.type is \"tool\".");
            return false;
        }
    } else {
        *problem = QStringLiteral("tool_choice.type must be \"auto\", \"any\", \"tool\" or \"none\".");
        return false;
    }
    choice.parallelAllowed = !field(o, "disable_parallel_tool_use").toBool(false);
    out->toolChoice = choice;
    return true;
}

bool readFormat(const QJsonValue &value, const QString &where, ChatRequest *out, QString *problem)
{
    const QJsonObject o = value.toObject();
    if (field(o, "type").toString() != QLatin1String("json_schema") || !field(o, "schema").isObject()) {
        *problem = where + QStringLiteral(" must be {\"type\": \"json_schema\", \"schema\": {…}}.");
        return false;
    }
    out->responseFormat.kind = ResponseFormat::Kind::JsonSchema;
    // Anthropic's format has no name; OpenAI's requires one.
    out->responseFormat.name = QStringLiteral("response");
    out->responseFormat.schema = field(o, "schema").toObject();
    return true;
}

// ---- Writing a provider's request ----

QJsonObject imageBlock(const ContentPart &p)
{
    QJsonObject source;
    QString mediaType = p.mediaType;
    QString data = p.data;
    // OpenAI clients send inline images as data: URLs; Anthropic takes those only as base64.
    if (data.isEmpty() && p.url.startsWith(QLatin1String("data:"))) {
        const qsizetype comma = p.url.indexOf(QLatin1Char(','));
        const QString head = p.url.mid(5, comma - 5);
        if (comma > 0 && head.endsWith(QLatin1String(";base64"))) {
            mediaType = head.chopped(7);
            data = p.url.mid(comma + 1);
        }
    }
    if (!data.isEmpty()) {
        source = {{str("type"), str("base64")}, {str("media_type"), mediaType}, {str("data"), data}};
    } else {
        source = {{str("type"), str("url")}, {str("url"), p.url}};
    }
    return {{str("type"), str("image")}, {str("source"), source}};
}

// Anthropic takes tool ids of letters, digits, '_' and '-' only; some OpenAI-compatible servers
// make ids like "functions.get_weather:0". A call and its result map alike, so they still pair.
QString toolId(const QString &id)
{
    QString out = id;
    for (QChar &c : out) {
        if (!(c.isLetterOrNumber() && c.unicode() < 128) && c != QLatin1Char('_') && c != QLatin1Char('-'))
            c = QLatin1Char('_');
    }
    return out;
}

bool buildMessages(const ChatRequest &request, QJsonArray *out, ApiError *error)
{
    // Anthropic wants user and assistant turns to alternate, and tool results to travel in a user
    // turn; consecutive messages that land on the same side are merged into one.
    QList<QPair<QString, QJsonArray>> turns;
    for (qsizetype i = 0; i < request.messages.size(); ++i) {
        const ChatMessage &m = request.messages.at(i);
        const QString role = m.role == ChatMessage::Role::Assistant ? str("assistant") : str("user");
        QJsonArray blocks;
        for (const ContentPart &p : m.parts) {
            switch (p.kind) {
            case ContentPart::Kind::Text:
                // Anthropic refuses empty text blocks; OpenAI assistants often carry "" beside tool calls.
                if (!p.text.isEmpty())
                    blocks.append(QJsonObject{{str("type"), str("text")}, {str("text"), p.text}});
                break;
            case ContentPart::Kind::Image:
                blocks.append(imageBlock(p));
                break;
            case ContentPart::Kind::ToolCall: {
                QJsonObject input;
                if (!p.argumentsJson.trimmed().isEmpty()) {
                    const QJsonDocument doc = QJsonDocument::fromJson(p.argumentsJson.toUtf8());
                    if (!doc.isObject()) {
                        *error = ApiError::badRequest(
                            QStringLiteral("messages[%1]: the arguments of tool call \"%2\" are not a JSON object, and Anthropic "
                                           "needs one as the tool_use input. Fix or remove that tool call in the history.")
                                .arg(i)
                                .arg(p.toolCallId));
                        return false;
                    }
                    input = doc.object();
                }
                blocks.append(QJsonObject{{str("type"), str("tool_use")},
                                          {str("id"), toolId(p.toolCallId)},
                                          {str("name"), p.toolName},
                                          {str("input"), input}});
                break;
            }
            case ContentPart::Kind::ToolResult: {
                QJsonObject result{{str("type"), str("tool_result")}, {str("tool_use_id"), toolId(p.toolCallId)}};
                if (!p.text.isEmpty())
                    result.insert(str("content"), p.text);
                if (p.isError)
                    result.insert(str("is_error"), true);
                blocks.append(result);
                break;
            }
            case ContentPart::Kind::Thinking:
                // Anthropic accepts earlier thinking only with the signature it issued; thinking from
                // other providers has none and would be refused, so it stays behind.
                if (!p.signature.isEmpty())
                    blocks.append(QJsonObject{{str("type"), str("thinking")},
                                              {str("thinking"), p.text},
                                              {str("signature"), p.signature}});
                break;
            }
        }
        if (!turns.isEmpty() && turns.last().first == role) {
            for (const QJsonValue &b : std::as_const(blocks))
                turns.last().second.append(b);
        } else {
            turns.append({role, blocks});
        }
    }
    for (const auto &[role, blocks] : std::as_const(turns)) {
        QJsonValue content = blocks;
        if (blocks.isEmpty())
            content = QString();
        else if (blocks.size() == 1 && field(blocks.first().toObject(), "type").toString() == QLatin1String("text"))
            content = field(blocks.first().toObject(), "text");
        out->append(QJsonObject{{str("role"), role}, {str("content"), content}});
    }
    return true;
}

bool effortThinkingAllowed(const ChatRequest &request)
{
    // Anthropic refuses thinking when tool_choice forces a tool.
    if (request.toolChoice && !request.tools.isEmpty()
        && (request.toolChoice->mode == ToolChoice::Mode::Required || request.toolChoice->mode == ToolChoice::Mode::Named))
        return false;
    // With thinking on, Anthropic wants the assistant turn that called tools to start with the signed
    // thinking it produced; OpenAI's wire format has no place for the signature, so it is lost.
    for (qsizetype i = request.messages.size() - 1; i >= 0; --i) {
        const ChatMessage &m = request.messages.at(i);
        if (m.role != ChatMessage::Role::Assistant)
            continue;
        bool calls = false;
        bool signedThinking = false;
        for (const ContentPart &p : m.parts) {
            calls = calls || p.kind == ContentPart::Kind::ToolCall;
            signedThinking = signedThinking || (p.kind == ContentPart::Kind::Thinking && !p.signature.isEmpty());
        }
        return !calls || signedThinking;
    }
    return true;
}

QJsonObject toolChoiceJson(const ToolChoice &choice)
{
    QJsonObject o;
    switch (choice.mode) {
    case ToolChoice::Mode::Auto: o.insert(str("type"), str("auto")); break;
    case ToolChoice::Mode::Required: o.insert(str("type"), str("any")); break;
    case ToolChoice::Mode::None: o.insert(str("type"), str("none")); return o;
    case ToolChoice::Mode::Named:
        o.insert(str("type"), str("tool"));
        o.insert(str("name"), choice.name);
        break;
    }
    if (!choice.parallelAllowed)
        o.insert(str("disable_parallel_tool_use"), true);
    return o;
}

UpstreamRequest upstreamRequest(const ProviderConfig &provider, const QString &apiKey, bool stream, QByteArray body)
{
    UpstreamRequest r;
    r.url = endpointUrl(provider.baseUrl, u"/messages");
    r.headers.add(QByteArrayLiteral("content-type"), QByteArrayLiteral("application/json"));
    r.headers.add(QByteArrayLiteral("accept"), stream ? QByteArrayLiteral("text/event-stream") : QByteArrayLiteral("application/json"));
    if (!apiKey.isEmpty())
        r.headers.add(QByteArrayLiteral("x-api-key"), apiKey.toUtf8());
    r.headers.add("anthropic-version", AnthropicDialect::kApiVersion);
    // Configured headers win: anthropic-beta flags, or a newer anthropic-version.
    for (auto it = provider.headers.begin(); it != provider.headers.end(); ++it)
        r.headers.set(it.key().toUtf8(), it.value().toUtf8());
    r.body = std::move(body);
    r.timeouts = provider.timeouts;
    return r;
}

} // namespace

// ---- Shared wire pieces ----

namespace anthropic {

QJsonObject usageJson(const TokenUsage &usage)
{
    const qint64 cacheRead = TokenUsage::orZero(usage.cacheRead);
    const qint64 cacheWrite = TokenUsage::orZero(usage.cacheWrite);
    const qint64 uncached = std::max<qint64>(0, TokenUsage::orZero(usage.input) - cacheRead - cacheWrite);
    return {{str("input_tokens"), uncached},
            {str("cache_creation_input_tokens"), cacheWrite},
            {str("cache_read_input_tokens"), cacheRead},
            {str("output_tokens"), TokenUsage::orZero(usage.output)}};
}

namespace {

// The counts readUsage takes from a usage object, in one list for the byte reader's single pass.
constexpr QByteArrayView kUsageCounts[] = {"input_tokens", "cache_read_input_tokens", "cache_creation_input_tokens",
                                           "output_tokens"};

qint64 *usageCount(int index, RawInput *raw, TokenUsage *usage)
{
    qint64 *const counts[] = {&raw->uncached, &raw->cacheRead, &raw->cacheWrite, &usage->output};
    return counts[index];
}

// Anthropic's input_tokens leaves out the cached tokens; TokenUsage's input counts them.
void foldInput(const RawInput &raw, TokenUsage *usage)
{
    if (raw.uncached >= 0)
        usage->input = raw.uncached + TokenUsage::orZero(raw.cacheRead) + TokenUsage::orZero(raw.cacheWrite);
    if (raw.cacheRead >= 0)
        usage->cacheRead = raw.cacheRead;
    if (raw.cacheWrite >= 0)
        usage->cacheWrite = raw.cacheWrite;
}

} // namespace

void readUsage(const QJsonObject &json, RawInput *raw, TokenUsage *usage)
{
    for (int i = 0; i < int(std::size(kUsageCounts)); ++i) {
        const QJsonValue v = json.value(QLatin1String(kUsageCounts[i]));
        if (v.isDouble())
            *usageCount(i, raw, usage) = v.toInteger();
    }
    foldInput(*raw, usage);
}

bool readUsage(JsonReader &reader, RawInput *raw, TokenUsage *usage)
{
    RawInput r = *raw;
    TokenUsage u = *usage;
    if (!reader.readMembers(kUsageCounts, [&](int i) { return reader.readInteger(usageCount(i, &r, &u)); }))
        return false;
    foldInput(r, &u);
    *raw = r;
    *usage = u;
    return true;
}

QJsonValue stopReasonJson(StopReason reason)
{
    switch (reason) {
    case StopReason::EndTurn: return str("end_turn");
    case StopReason::MaxTokens: return str("max_tokens");
    case StopReason::StopSequence: return str("stop_sequence");
    case StopReason::ToolUse: return str("tool_use");
    case StopReason::ContentFilter: return str("refusal");
    case StopReason::None:
    case StopReason::Error: break;
    }
    return QJsonValue::Null;
}

StopReason stopReasonFrom(const QString &name)
{
    if (name.isEmpty())
        return StopReason::None;
    if (name == QLatin1String("max_tokens") || name == QLatin1String("model_context_window_exceeded"))
        return StopReason::MaxTokens;
    if (name == QLatin1String("stop_sequence"))
        return StopReason::StopSequence;
    if (name == QLatin1String("tool_use"))
        return StopReason::ToolUse;
    if (name == QLatin1String("refusal"))
        return StopReason::ContentFilter;
    // end_turn, and pause_turn, which only server tools cause (and those are never translated).
    return StopReason::EndTurn;
}

QString messageId(const QString &upstreamId)
{
    if (upstreamId.startsWith(QLatin1String("msg_")))
        return upstreamId;
    if (upstreamId.isEmpty())
        return QStringLiteral("msg_") + QUuid::createUuid().toString(QUuid::Id128);
    return QStringLiteral("msg_") + upstreamId;
}

QString errorTypeForStatus(int status)
{
    switch (status) {
    case 400: return str("invalid_request_error");
    case 401: return str("authentication_error");
    case 402: return str("billing_error");
    case 403: return str("permission_error");
    case 404: return str("not_found_error");
    case 413: return str("request_too_large");
    case 429: return str("rate_limit_error");
    // Anthropic's "temporarily unable, try again" type; its SDKs retry 503 either way.
    case 503: return str("overloaded_error");
    case 504: return str("timeout_error");
    case 529: return str("overloaded_error");
    default: break;
    }
    return status >= 400 && status < 500 ? str("invalid_request_error") : str("api_error");
}

QString errorTypeFrom(const QString &type)
{
    static const QSet<QString> known{str("invalid_request_error"), str("authentication_error"), str("billing_error"),
                                     str("permission_error"),      str("not_found_error"),      str("request_too_large"),
                                     str("rate_limit_error"),      str("api_error"),            str("timeout_error"),
                                     str("overloaded_error")};
    return known.contains(type) ? type : str("api_error");
}

QByteArray errorJson(const QString &type, const QString &message)
{
    const QJsonObject error{{str("type"), type}, {str("message"), message}};
    return QJsonDocument(QJsonObject{{str("type"), str("error")}, {str("error"), error}}).toJson(QJsonDocument::Compact);
}

} // namespace anthropic

// ---- Client side ----

bool AnthropicDialect::readRequest(const QJsonObject &body, ChatRequest *out, ApiError *error) const
{
    *out = ChatRequest();
    QString problem;
    const auto failed = [&] { return refuse(error, problem); };

    const QJsonValue model = field(body, "model");
    if (!model.isString() || model.toString().isEmpty())
        return refuse(error, QStringLiteral("model is required: the name of the model to answer, e.g. \"claude-sonnet-4-5\"."));
    out->model = model.toString();

    const QJsonValue maxTokens = field(body, "max_tokens");
    if (!isWholeNumber(maxTokens) || maxTokens.toInteger() < 1)
        return refuse(error, QStringLiteral("max_tokens is required: the most tokens the answer may have, a whole number of at least 1."));
    out->maxTokens = maxTokens.toInteger();

    if (!readSystem(field(body, "system"), out, &problem) || !readMessages(field(body, "messages"), out, &problem)
        || !readTools(field(body, "tools"), out, &problem) || !readToolChoice(field(body, "tool_choice"), out, &problem))
        return failed();

    const QJsonValue stops = field(body, "stop_sequences");
    if (!stops.isUndefined() && !stops.isNull()) {
        if (!stops.isArray())
            return refuse(error, QStringLiteral("stop_sequences must be an array of strings."));
        for (const QJsonValue &s : stops.toArray()) {
            if (!s.isString())
                return refuse(error, QStringLiteral("stop_sequences must be an array of strings."));
            out->stop.append(s.toString());
        }
    }
    for (const auto &[key, into] : {std::pair{"temperature", &out->temperature}, std::pair{"top_p", &out->topP}}) {
        const QJsonValue v = field(body, key);
        if (v.isDouble())
            *into = v.toDouble();
        else if (!v.isUndefined() && !v.isNull())
            return refuse(error, QStringLiteral("%1 must be a number.").arg(str(key)));
    }
    const QJsonValue stream = field(body, "stream");
    if (!stream.isUndefined() && !stream.isNull() && !stream.isBool())
        return refuse(error, QStringLiteral("stream must be true or false."));
    out->stream = stream.toBool(false);
    // Anthropic always reports usage in a stream.
    out->clientWantsStreamUsage = out->stream;

    const QJsonValue thinking = field(body, "thinking");
    if (thinking.isObject()) {
        const QString type = field(thinking.toObject(), "type").toString();
        if (type == QLatin1String("enabled")) {
            const QJsonValue budget = field(thinking.toObject(), "budget_tokens");
            if (!isWholeNumber(budget) || budget.toInteger() < 1)
                return refuse(error, QStringLiteral("thinking.budget_tokens is required when thinking is enabled: a whole number of tokens."));
            out->thinkingBudget = budget.toInteger();
        } else if (type != QLatin1String("disabled")) {
            addUntranslatable(out, QStringLiteral("thinking.type=") + type);
        }
    }

    const QJsonObject metadata = field(body, "metadata").toObject();
    for (auto it = metadata.begin(); it != metadata.end(); ++it) {
        if (it.key() == QLatin1String("user_id"))
            out->user = it.value().toString();
        else
            addUntranslatable(out, QStringLiteral("metadata.") + it.key());
    }

    const QJsonObject outputConfig = field(body, "output_config").toObject();
    for (auto it = outputConfig.begin(); it != outputConfig.end(); ++it) {
        if (it.key() == QLatin1String("format")) {
            if (!readFormat(it.value(), QStringLiteral("output_config.format"), out, &problem))
                return failed();
        } else {
            addUntranslatable(out, QStringLiteral("output_config.") + it.key());
        }
    }
    // The beta spelling of output_config.format, still accepted by Anthropic.
    if (body.contains(QLatin1String("output_format")) && !readFormat(field(body, "output_format"), str("output_format"), out, &problem))
        return failed();

    static const QSet<QString> handled{str("model"),       str("max_tokens"), str("messages"),      str("system"),
                                       str("tools"),       str("tool_choice"), str("stop_sequences"), str("temperature"),
                                       str("top_p"),       str("stream"),      str("thinking"),       str("metadata"),
                                       str("output_config"), str("output_format"),
                                       // A caching hint; other providers cache on their own or not at all.
                                       str("cache_control")};
    for (auto it = body.begin(); it != body.end(); ++it) {
        if (!handled.contains(it.key()))
            addUntranslatable(out, it.key()); // top_k, service_tier, container, mcp_servers …
    }
    return true;
}

QByteArray AnthropicDialect::writeResponse(const ChatResponse &response) const
{
    QJsonArray content;
    int toolNumber = 0;
    for (const ContentPart &p : response.content) {
        switch (p.kind) {
        case ContentPart::Kind::Text:
            content.append(QJsonObject{{str("type"), str("text")}, {str("text"), p.text}});
            break;
        case ContentPart::Kind::Thinking:
            content.append(QJsonObject{{str("type"), str("thinking")}, {str("thinking"), p.text}, {str("signature"), p.signature}});
            break;
        case ContentPart::Kind::ToolCall: {
            // A model can emit arguments that are not JSON; the tool_use input must be an object,
            // and an empty one lets the client's tool report what is missing.
            const QJsonDocument args = QJsonDocument::fromJson(p.argumentsJson.toUtf8());
            const QString id = p.toolCallId.isEmpty() ? QStringLiteral("toolu_%1").arg(toolNumber) : p.toolCallId;
            content.append(QJsonObject{{str("type"), str("tool_use")},
                                       {str("id"), id},
                                       {str("name"), p.toolName},
                                       {str("input"), args.isObject() ? args.object() : QJsonObject()}});
            ++toolNumber;
            break;
        }
        case ContentPart::Kind::Image:
        case ContentPart::Kind::ToolResult:
            break; // not something an answer holds
        }
    }
    const QJsonObject message{
        {str("id"), anthropic::messageId(response.id)},
        {str("type"), str("message")},
        {str("role"), str("assistant")},
        {str("model"), response.model},
        {str("content"), content},
        {str("stop_reason"), anthropic::stopReasonJson(response.stopReason)},
        {str("stop_sequence"), response.stopSequence.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(response.stopSequence)},
        {str("usage"), anthropic::usageJson(response.usage)},
    };
    return QJsonDocument(message).toJson(QJsonDocument::Compact);
}

std::unique_ptr<StreamWriter> AnthropicDialect::streamWriter(const ChatRequest &request) const
{
    return std::make_unique<AnthropicStreamWriter>(request.model);
}

QByteArray AnthropicDialect::writeError(const ApiError &error) const
{
    return anthropic::errorJson(anthropic::errorTypeForStatus(error.status), error.message);
}

// ---- Provider side ----

qint64 AnthropicDialect::defaultMaxTokens(const QString &upstreamModel)
{
    // Claude 3 Haiku, Sonnet and Opus cannot write more than 4,096 tokens; later Claude models
    // can write far more, but a large max_tokens counts against Anthropic's output rate limit
    // as the call starts (8,000 tokens a minute on the first tier), so 8,192 answers as fully as
    // a chat needs without failing small accounts. Other models behind an Anthropic-compatible
    // API get the cap every model there accepts.
    const QString m = upstreamModel.toLower();
    if (!m.startsWith(QLatin1String("claude")))
        return 4096;
    if (m.startsWith(QLatin1String("claude-3-")) && !m.startsWith(QLatin1String("claude-3-5"))
        && !m.startsWith(QLatin1String("claude-3-7")))
        return 4096;
    return 8192;
}

qint64 AnthropicDialect::thinkingBudgetForEffort(const QString &effort)
{
    // 1,024 is Anthropic's smallest budget; each step up is four times the thinking, and 32,000
    // is where Anthropic advises batch processing instead.
    if (effort == QLatin1String("low"))
        return 1024;
    if (effort == QLatin1String("medium"))
        return 4096;
    if (effort == QLatin1String("high"))
        return 16384;
    if (effort == QLatin1String("xhigh"))
        return 32000;
    return 0; // none, minimal
}

bool AnthropicDialect::buildRequest(const ProviderConfig &provider, const QString &apiKey, const QString &upstreamModel,
                                    const ChatRequest &request, UpstreamRequest *out, ApiError *error) const
{
    QJsonObject body{{str("model"), upstreamModel}};
    if (!request.system.isEmpty())
        body.insert(str("system"), request.system);
    QJsonArray messages;
    if (!buildMessages(request, &messages, error))
        return false;
    body.insert(str("messages"), messages);

    if (!request.tools.isEmpty()) {
        QJsonArray tools;
        for (const ToolDefinition &t : request.tools) {
            QJsonObject tool{{str("name"), t.name}};
            if (!t.description.isEmpty())
                tool.insert(str("description"), t.description);
            // Anthropic requires a schema even for a tool without parameters.
            tool.insert(str("input_schema"), t.parameters.isEmpty()
                                                 ? QJsonObject{{str("type"), str("object")}, {str("properties"), QJsonObject()}}
                                                 : t.parameters);
            tools.append(tool);
        }
        body.insert(str("tools"), tools);
        if (request.toolChoice)
            body.insert(str("tool_choice"), toolChoiceJson(*request.toolChoice));
    }

    if (!request.stop.isEmpty())
        body.insert(str("stop_sequences"), QJsonArray::fromStringList(request.stop));
    if (request.temperature)
        body.insert(str("temperature"), *request.temperature);
    // top_p 1 is no nucleus cut at all, and newer Claude models refuse top_p beside temperature;
    // OpenAI clients often send both with top_p at 1.
    if (request.topP && *request.topP != 1.0)
        body.insert(str("top_p"), *request.topP);
    if (request.stream)
        body.insert(str("stream"), true);
    if (!request.user.isEmpty())
        body.insert(str("metadata"), QJsonObject{{str("user_id"), request.user}});

    switch (request.responseFormat.kind) {
    case ResponseFormat::Kind::Text: break;
    case ResponseFormat::Kind::JsonSchema:
        // Anthropic's structured outputs; models before Claude Sonnet 4.5 refuse it with their own 400.
        body.insert(str("output_config"),
                    QJsonObject{{str("format"), QJsonObject{{str("type"), str("json_schema")},
                                                            {str("schema"), request.responseFormat.schema}}}});
        break;
    case ResponseFormat::Kind::JsonObject:
        return refuse(error, QStringLiteral("response_format \"json_object\" has no equivalent at Anthropic, which only "
                                            "constrains answers to a JSON schema. Send response_format with type "
                                            "\"json_schema\" and a schema instead, or ask for JSON in the prompt."));
    }

    qint64 budget = 0;
    bool budgetFromEffort = false;
    if (request.thinkingBudget) {
        budget = *request.thinkingBudget;
    } else if (!request.reasoningEffort.isEmpty()) {
        static const QSet<QString> efforts{str("none"), str("minimal"), str("low"), str("medium"), str("high"), str("xhigh")};
        if (!efforts.contains(request.reasoningEffort))
            return refuse(error, QStringLiteral("reasoning_effort \"%1\" is not one Patchbay can turn into an Anthropic "
                                                "thinking budget; use minimal, low, medium or high.")
                                     .arg(request.reasoningEffort));
        budget = thinkingBudgetForEffort(request.reasoningEffort);
        budgetFromEffort = true;
        // An effort is a wish, not a demand; Anthropic refuses thinking in two cases an OpenAI client
        // cannot avoid, and answering without extended thinking beats failing.
        if (!effortThinkingAllowed(request))
            budget = 0;
    }
    qint64 maxTokens = 0;
    if (request.maxTokens) {
        maxTokens = *request.maxTokens;
        // Thinking counts against max_tokens at Anthropic, as reasoning does against OpenAI's
        // max_completion_tokens; an effort the cap leaves no room for means no extended thinking.
        if (budgetFromEffort && budget >= maxTokens)
            budget = maxTokens - 1 >= 1024 ? maxTokens - 1 : 0;
    } else {
        // Thinking comes on top of the default answer length.
        maxTokens = defaultMaxTokens(upstreamModel) + budget;
    }
    body.insert(str("max_tokens"), maxTokens);
    if (budget > 0)
        body.insert(str("thinking"), QJsonObject{{str("type"), str("enabled")}, {str("budget_tokens"), budget}});

    *out = upstreamRequest(provider, apiKey, request.stream, QJsonDocument(body).toJson(QJsonDocument::Compact));
    return true;
}

UpstreamRequest AnthropicDialect::passthroughRequest(const ProviderConfig &provider, const QString &apiKey,
                                                     const QString &upstreamModel, bool stream, const QByteArray &body) const
{
    Q_UNUSED(upstreamModel) // the relay puts it in the body
    return upstreamRequest(provider, apiKey, stream, body);
}

void AnthropicDialect::forwardClientHeaders(const HttpHeaders &clientHeaders, UpstreamRequest *out) const
{
    for (const QByteArray &name : {QByteArrayLiteral("anthropic-beta"), QByteArrayLiteral("anthropic-version")}) {
        const QList<QByteArray> values = clientHeaders.values(name);
        if (!values.isEmpty())
            out->headers.set(name, values.join(','));
    }
}

bool AnthropicDialect::readResponse(const QByteArray &body, ChatResponse *out, QString *error) const
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    if (!doc.isObject()) {
        *error = QStringLiteral("The provider's answer is not a JSON object (%1).").arg(parseError.errorString());
        return false;
    }
    const QJsonObject o = doc.object();
    if (field(o, "type").toString() == QLatin1String("error")) {
        *error = field(field(o, "error").toObject(), "message").toString();
        return false;
    }
    if (!field(o, "content").isArray()) {
        *error = QStringLiteral("The provider's answer has no content array; it does not look like an Anthropic message.");
        return false;
    }
    *out = ChatResponse();
    out->id = field(o, "id").toString();
    out->model = field(o, "model").toString();
    for (const QJsonValue &v : field(o, "content").toArray()) {
        const QJsonObject block = v.toObject();
        const QString type = field(block, "type").toString();
        ContentPart p;
        if (type == QLatin1String("text")) {
            p.text = field(block, "text").toString();
        } else if (type == QLatin1String("thinking")) {
            p.kind = ContentPart::Kind::Thinking;
            p.text = field(block, "thinking").toString();
            p.signature = field(block, "signature").toString();
        } else if (type == QLatin1String("tool_use")) {
            p.kind = ContentPart::Kind::ToolCall;
            p.toolCallId = field(block, "id").toString();
            p.toolName = field(block, "name").toString();
            p.argumentsJson = compactJson(field(block, "input").toObject());
        } else {
            // redacted_thinking is encrypted for Anthropic alone; server tool blocks only follow
            // server tools, which are never translated.
            continue;
        }
        out->content.append(p);
    }
    out->stopReason = anthropic::stopReasonFrom(field(o, "stop_reason").toString());
    out->stopSequence = field(o, "stop_sequence").toString();
    anthropic::RawInput raw;
    anthropic::readUsage(field(o, "usage").toObject(), &raw, &out->usage);
    return true;
}

namespace {

// The usage of an answer (or of {"usage":…}) from its bytes, when they settle the whole of it:
// the full parser gives nothing for a flaw anywhere in the answer.
bool peekUsage(QByteArrayView body, TokenUsage *usage)
{
    JsonReader reader(body);
    anthropic::RawInput raw;
    TokenUsage u;
    // A usage that is not an object reads as an empty one, as toObject() makes it.
    if (!reader.readMember("usage", [&] { return reader.atObject() ? anthropic::readUsage(reader, &raw, &u) : reader.skipValue(); })
        || !reader.atEnd())
        return false;
    *usage = u;
    return true;
}

} // namespace

TokenUsage AnthropicDialect::usageOf(const QByteArray &body) const
{
    // Called on every answer: read from the bytes where they settle it, parsed where they do not.
    TokenUsage usage;
    if (peekUsage(body, &usage))
        return usage;
    anthropic::RawInput raw;
    anthropic::readUsage(QJsonDocument::fromJson(body).object().value(QLatin1String("usage")).toObject(), &raw, &usage);
    return usage;
}

std::unique_ptr<StreamReader> AnthropicDialect::streamReader() const
{
    return std::make_unique<AnthropicStreamReader>();
}

QString AnthropicDialect::errorMessage(const QByteArray &body) const
{
    const QJsonObject o = QJsonDocument::fromJson(body).object();
    return field(field(o, "error").toObject(), "message").toString();
}

} // namespace patchbay
