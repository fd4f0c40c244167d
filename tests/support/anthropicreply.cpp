#include "anthropicreply.h"

#include "anthropicwire.h"
#include "replytext.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace patchbay::testing {

namespace {

QJsonObject blockStart(int index, const QJsonObject &block)
{
    return QJsonObject{{QStringLiteral("type"), QStringLiteral("content_block_start")},
                       {QStringLiteral("index"), index},
                       {QStringLiteral("content_block"), block}};
}

QJsonObject blockDelta(int index, const QJsonObject &delta)
{
    return QJsonObject{{QStringLiteral("type"), QStringLiteral("content_block_delta")},
                       {QStringLiteral("index"), index},
                       {QStringLiteral("delta"), delta}};
}

QJsonObject blockStop(int index)
{
    return QJsonObject{{QStringLiteral("type"), QStringLiteral("content_block_stop")},
                       {QStringLiteral("index"), index}};
}

QJsonObject typed(const QString &type, const QString &key, const QString &value)
{
    return QJsonObject{{QStringLiteral("type"), type}, {key, value}};
}

} // namespace

AnthropicReply::AnthropicReply(FakeHttpConnection *connection, FakeStep step, QJsonObject request)
    : ReplyPlayer(connection, std::move(step), request.value(QLatin1String("stream")).toBool())
    , m_request(std::move(request))
{
    const FakeStep &s = this->step();
    m_model = m_request.value(QLatin1String("model")).toString();
    m_text = s.replyText(AnthropicWire::lastUserText(m_request));
    m_id = AnthropicWire::newMessageId();
    m_requestId = AnthropicWire::newRequestId();
    m_signature = AnthropicWire::newSignature();
    for (const auto &call : s.toolCalls)
        m_toolUseIds.append(call.id.isEmpty() ? AnthropicWire::newToolUseId() : call.id);
    m_outputTokens = s.completionTokensFor(m_text);
    if (!s.omitUsage) {
        AnthropicWire::Usage usage;
        // The step's prompt count includes the cached parts, as OpenAI reports it;
        // Anthropic's input_tokens is only what was neither read from nor written to cache.
        const int prompt = s.promptTokensOr(AnthropicWire::promptWords(m_request));
        usage.inputTokens = std::max(0, prompt - s.cachedTokens - s.cacheCreationTokens);
        usage.cacheReadTokens = s.cachedTokens;
        usage.cacheCreationTokens = s.cacheCreationTokens;
        usage.outputTokens = m_outputTokens;
        m_usage = AnthropicWire::usage(usage);
    }
}

bool AnthropicReply::showsThinking() const
{
    // Thinking blocks only come back when the request turned thinking on.
    return !step().thinkingText.isEmpty() && AnthropicWire::thinkingEnabled(m_request);
}

QJsonValue AnthropicReply::stopReason() const
{
    return AnthropicWire::stopReasonFor(step().resolvedFinishReason());
}

QJsonValue AnthropicReply::stopSequence() const
{
    // The sequence that matched: the request's first, since the fake "hit" one.
    if (stopReason().toString() != QLatin1String("stop_sequence"))
        return QJsonValue::Null;
    const QJsonArray sequences = m_request.value(QLatin1String("stop_sequences")).toArray();
    return sequences.isEmpty() ? QJsonValue(QJsonValue::Null) : sequences.first();
}

void AnthropicReply::sendPlain()
{
    QJsonArray content;
    if (showsThinking())
        content.append(AnthropicWire::thinkingBlock(step().thinkingText, m_signature));
    if (!m_text.isEmpty())
        content.append(AnthropicWire::textBlock(m_text));
    for (qsizetype i = 0; i < step().toolCalls.size(); ++i)
        content.append(AnthropicWire::toolUseBlock(m_toolUseIds.at(i), step().toolCalls.at(i)));
    const QJsonObject message = AnthropicWire::message(m_id, m_model, content, stopReason(), stopSequence(), m_usage);
    connection()->sendResponse(200, responseHeaders("application/json"),
                               QJsonDocument(message).toJson(QJsonDocument::Compact));
    finish();
}

void AnthropicReply::buildStream()
{
    const FakeStep &s = step();
    QJsonObject startUsage = m_usage;
    if (!startUsage.isEmpty()) {
        // message_start reports the prompt in full but only a token or so of output; the
        // real count arrives in message_delta.
        startUsage.insert(QStringLiteral("output_tokens"), std::min(1, m_outputTokens));
    }
    const QJsonObject startMessage = AnthropicWire::message(m_id, m_model, QJsonArray(), QJsonValue::Null,
                                                            QJsonValue::Null, startUsage);
    addEvent(AnthropicWire::event("message_start", {{QStringLiteral("type"), QStringLiteral("message_start")},
                                                    {QStringLiteral("message"), startMessage}}));

    int index = 0;
    bool pinged = false;
    const auto startBlock = [&](const QJsonObject &block) {
        addEvent(AnthropicWire::event("content_block_start", blockStart(index, block)));
        // The real API sends its first ping right after the first block opens.
        if (!pinged) {
            addEvent(AnthropicWire::event("ping", {{QStringLiteral("type"), QStringLiteral("ping")}}));
            pinged = true;
        }
    };
    const auto delta = [&](const QJsonObject &payload, bool content) {
        addEvent(AnthropicWire::event("content_block_delta", blockDelta(index, payload)), content);
    };
    const auto stopBlock = [&] { addEvent(AnthropicWire::event("content_block_stop", blockStop(index++))); };

    if (showsThinking()) {
        startBlock(QJsonObject{{QStringLiteral("type"), QStringLiteral("thinking")},
                               {QStringLiteral("thinking"), QString()}});
        for (const auto &piece : ReplyText::splitPieces(s.thinkingText))
            delta(typed(QStringLiteral("thinking_delta"), QStringLiteral("thinking"), piece), true);
        delta(typed(QStringLiteral("signature_delta"), QStringLiteral("signature"), m_signature), false);
        stopBlock();
    }
    if (!m_text.isEmpty()) {
        startBlock(AnthropicWire::textBlock(QString()));
        for (const auto &piece : s.chunks.isEmpty() ? ReplyText::splitPieces(m_text) : s.chunks)
            delta(typed(QStringLiteral("text_delta"), QStringLiteral("text"), piece), true);
        stopBlock();
    }
    for (qsizetype i = 0; i < s.toolCalls.size(); ++i) {
        const FakeToolCall &call = s.toolCalls.at(i);
        startBlock(QJsonObject{{QStringLiteral("type"), QStringLiteral("tool_use")},
                               {QStringLiteral("id"), m_toolUseIds.at(i)},
                               {QStringLiteral("name"), call.name},
                               {QStringLiteral("input"), QJsonObject()}});
        const QString arguments = call.argumentsJson.isEmpty() ? QStringLiteral("{}") : call.argumentsJson;
        for (const auto &fragment : ReplyText::splitFragments(arguments))
            delta(typed(QStringLiteral("input_json_delta"), QStringLiteral("partial_json"), fragment), true);
        stopBlock();
    }
    if (!pinged)
        addEvent(AnthropicWire::event("ping", {{QStringLiteral("type"), QStringLiteral("ping")}}));

    markFinish();
    QJsonObject messageDelta{{QStringLiteral("type"), QStringLiteral("message_delta")},
                             {QStringLiteral("delta"), QJsonObject{{QStringLiteral("stop_reason"), stopReason()},
                                                                   {QStringLiteral("stop_sequence"), stopSequence()}}}};
    if (!m_usage.isEmpty())
        messageDelta.insert(QStringLiteral("usage"), QJsonObject{{QStringLiteral("output_tokens"), m_outputTokens}});
    addEvent(AnthropicWire::event("message_delta", messageDelta));
    addEvent(AnthropicWire::event("message_stop", {{QStringLiteral("type"), QStringLiteral("message_stop")}}));
}

QByteArray AnthropicReply::errorBody(int status) const
{
    const QJsonObject error = AnthropicWire::error(status, step().errorMessage, step().errorType, m_requestId);
    return QJsonDocument(error).toJson(QJsonDocument::Compact);
}

QByteArray AnthropicReply::streamErrorEvent(int status) const
{
    return AnthropicWire::event("error", AnthropicWire::error(status, step().errorMessage, step().errorType));
}

HttpHeaders AnthropicReply::responseHeaders(const QByteArray &contentType) const
{
    HttpHeaders headers{{"Content-Type", contentType},
                        {"request-id", m_requestId.toLatin1()},
                        {"anthropic-organization-id", AnthropicWire::organizationId().toLatin1()}};
    if (contentType.startsWith("text/event-stream"))
        headers.emplaceBack("Cache-Control", "no-cache");
    headers.append(step().extraHeaders);
    return headers;
}

} // namespace patchbay::testing
