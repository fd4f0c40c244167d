#include "anthropicstream.h"

#include <QJsonArray>
#include <QJsonDocument>

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

QByteArray sse(const char *name, const QJsonObject &data)
{
    return QByteArrayLiteral("event: ") + name + QByteArrayLiteral("\ndata: ")
        + QJsonDocument(data).toJson(QJsonDocument::Compact) + QByteArrayLiteral("\n\n");
}

} // namespace

// ---- Reader ----

QList<StreamEvent> AnthropicStreamReader::read(const SseEvent &event)
{
    QList<StreamEvent> out;
    const QJsonObject o = QJsonDocument::fromJson(event.data).object();
    if (o.isEmpty())
        return out; // a keep-alive or something unreadable; neither carries content
    QString type = field(o, "type").toString();
    if (type.isEmpty())
        type = QString::fromUtf8(event.event);
    const int blockIndex = field(o, "index").toInt(-1);

    const auto usageEvent = [&](const QJsonObject &usage) {
        if (usage.isEmpty())
            return;
        anthropic::readUsage(usage, &m_raw, &m_usage);
        StreamEvent e;
        e.kind = StreamEvent::Kind::Usage;
        e.usage = m_usage;
        out.append(e);
    };

    if (type == QLatin1String("message_start")) {
        const QJsonObject message = field(o, "message").toObject();
        StreamEvent e;
        e.kind = StreamEvent::Kind::Start;
        e.id = field(message, "id").toString();
        e.model = field(message, "model").toString();
        out.append(e);
        usageEvent(field(message, "usage").toObject());
    } else if (type == QLatin1String("content_block_start")) {
        const QJsonObject block = field(o, "content_block").toObject();
        const QString blockType = field(block, "type").toString();
        StreamEvent e;
        if (blockType == QLatin1String("text")) {
            e.kind = StreamEvent::Kind::TextDelta;
            e.text = field(block, "text").toString();
            if (!e.text.isEmpty())
                out.append(e);
        } else if (blockType == QLatin1String("thinking")) {
            e.kind = StreamEvent::Kind::ThinkingDelta;
            e.text = field(block, "thinking").toString();
            e.signature = field(block, "signature").toString();
            if (!e.text.isEmpty() || !e.signature.isEmpty())
                out.append(e);
        } else if (blockType == QLatin1String("tool_use")) {
            const int tool = m_toolCount++;
            m_toolIndex.insert(blockIndex, tool);
            e.kind = StreamEvent::Kind::ToolCallStart;
            e.index = tool;
            e.toolCallId = field(block, "id").toString();
            e.toolName = field(block, "name").toString();
            out.append(e);
            // Anthropic starts with an empty input and streams it; some compatible services send
            // it whole here instead.
            const QJsonObject input = field(block, "input").toObject();
            if (!input.isEmpty()) {
                StreamEvent args;
                args.kind = StreamEvent::Kind::ToolCallDelta;
                args.index = tool;
                args.text = QString::fromUtf8(QJsonDocument(input).toJson(QJsonDocument::Compact));
                out.append(args);
            }
        } else {
            // redacted_thinking is for Anthropic alone; server tool blocks follow server tools,
            // which are never translated.
        }
    } else if (type == QLatin1String("content_block_delta")) {
        const QJsonObject delta = field(o, "delta").toObject();
        const QString deltaType = field(delta, "type").toString();
        StreamEvent e;
        if (deltaType == QLatin1String("text_delta")) {
            e.kind = StreamEvent::Kind::TextDelta;
            e.text = field(delta, "text").toString();
        } else if (deltaType == QLatin1String("thinking_delta")) {
            e.kind = StreamEvent::Kind::ThinkingDelta;
            e.text = field(delta, "thinking").toString();
        } else if (deltaType == QLatin1String("signature_delta")) {
            e.kind = StreamEvent::Kind::ThinkingDelta;
            e.signature = field(delta, "signature").toString();
        } else if (deltaType == QLatin1String("input_json_delta") && m_toolIndex.contains(blockIndex)) {
            e.kind = StreamEvent::Kind::ToolCallDelta;
            e.index = m_toolIndex.value(blockIndex);
            e.text = field(delta, "partial_json").toString();
        } else {
            return out; // citations and the like annotate text without changing it
        }
        if (!e.text.isEmpty() || !e.signature.isEmpty())
            out.append(e);
    } else if (type == QLatin1String("message_delta")) {
        const QJsonObject delta = field(o, "delta").toObject();
        const QString stopReason = field(delta, "stop_reason").toString();
        if (!stopReason.isEmpty()) {
            StreamEvent e;
            e.kind = StreamEvent::Kind::Finish;
            e.stopReason = anthropic::stopReasonFrom(stopReason);
            e.stopSequence = field(delta, "stop_sequence").toString();
            out.append(e);
        }
        usageEvent(field(o, "usage").toObject());
    } else if (type == QLatin1String("error")) {
        const QJsonObject error = field(o, "error").toObject();
        StreamEvent e;
        e.kind = StreamEvent::Kind::Error;
        e.text = field(error, "message").toString();
        e.errorType = field(error, "type").toString();
        out.append(e);
    }
    // ping, content_block_stop and message_stop say nothing the events above have not.
    return out;
}

// ---- Writer ----

AnthropicStreamWriter::AnthropicStreamWriter(QString requestModel)
    : m_requestModel(std::move(requestModel))
{
}

QByteArray AnthropicStreamWriter::write(const StreamEvent &event)
{
    if (m_ended)
        return {};
    QByteArray out;
    switch (event.kind) {
    case StreamEvent::Kind::Start:
        if (!m_haveStart && !m_started) {
            m_haveStart = true;
            m_id = event.id;
            m_model = event.model;
        }
        // message_start waits for the first content: the usage that follows Start (Anthropic's and
        // Gemini's input tokens) then makes it into message_start, as Anthropic's own would have.
        break;
    case StreamEvent::Kind::Usage:
        m_usage.merge(event.usage);
        break;
    case StreamEvent::Kind::TextDelta:
        if (event.text.isEmpty())
            break;
        out += ensureStarted();
        if (m_block != Block::Text)
            out += openBlock(Block::Text, {{str("type"), str("text")}, {str("text"), QString()}});
        out += sse("content_block_delta",
                   {{str("type"), str("content_block_delta")},
                    {str("index"), m_blockIndex},
                    {str("delta"), QJsonObject{{str("type"), str("text_delta")}, {str("text"), event.text}}}});
        break;
    case StreamEvent::Kind::ThinkingDelta:
        if (event.text.isEmpty() && event.signature.isEmpty())
            break;
        out += ensureStarted();
        if (m_block != Block::Thinking)
            out += openBlock(Block::Thinking,
                             {{str("type"), str("thinking")}, {str("thinking"), QString()}, {str("signature"), QString()}});
        if (!event.text.isEmpty())
            out += sse("content_block_delta",
                       {{str("type"), str("content_block_delta")},
                        {str("index"), m_blockIndex},
                        {str("delta"), QJsonObject{{str("type"), str("thinking_delta")}, {str("thinking"), event.text}}}});
        if (!event.signature.isEmpty())
            out += sse("content_block_delta",
                       {{str("type"), str("content_block_delta")},
                        {str("index"), m_blockIndex},
                        {str("delta"), QJsonObject{{str("type"), str("signature_delta")}, {str("signature"), event.signature}}}});
        break;
    case StreamEvent::Kind::ToolCallStart:
        out += ensureStarted();
        out += toolCallStart(event.index, event.toolCallId, event.toolName);
        break;
    case StreamEvent::Kind::ToolCallDelta: {
        if (event.text.isEmpty())
            break;
        out += ensureStarted();
        if (!m_toolBlocks.contains(event.index))
            out += toolCallStart(event.index, QString(), QString());
        // Providers stream one call's arguments after another, so the call is the open block. Were
        // one to go back to an earlier call, its block index still tells the client where it goes.
        out += sse("content_block_delta",
                   {{str("type"), str("content_block_delta")},
                    {str("index"), m_toolBlocks.value(event.index)},
                    {str("delta"), QJsonObject{{str("type"), str("input_json_delta")}, {str("partial_json"), event.text}}}});
        break;
    }
    case StreamEvent::Kind::Finish:
        out += ensureStarted();
        out += closeBlock();
        m_finished = true;
        m_stopReason = event.stopReason;
        m_stopSequence = event.stopSequence;
        // message_delta waits for finish(): OpenAI reports usage after the finish reason, and
        // message_delta is where an Anthropic client reads the final output tokens.
        break;
    case StreamEvent::Kind::Error:
        // Anthropic ends a failing stream with an error event and nothing after it.
        out += sse("error", QJsonDocument::fromJson(anthropic::errorJson(anthropic::errorTypeFrom(event.errorType), event.text)).object());
        m_ended = true;
        break;
    }
    return out;
}

QByteArray AnthropicStreamWriter::finish()
{
    if (m_ended)
        return {};
    m_ended = true;
    if (!m_finished) {
        // Without a stop reason the answer may be cut short; a client must not take it as whole.
        return sse("error", QJsonDocument::fromJson(anthropic::errorJson(
                                                        str("api_error"),
                                                        str("The provider's stream ended before the answer was complete. Try again.")))
                                .object());
    }
    QByteArray out = ensureStarted();
    out += closeBlock();
    QJsonObject usage{{str("output_tokens"), TokenUsage::orZero(m_usage.output)}};
    if (m_usage.input >= 0) {
        // Input tokens may only be known now (OpenAI reports usage last); Anthropic's SDKs take
        // them from message_delta too.
        const QJsonObject full = anthropic::usageJson(m_usage);
        for (auto it = full.begin(); it != full.end(); ++it)
            usage.insert(it.key(), it.value());
    }
    out += sse("message_delta",
               {{str("type"), str("message_delta")},
                {str("delta"), QJsonObject{{str("stop_reason"), anthropic::stopReasonJson(m_stopReason)},
                                           {str("stop_sequence"), m_stopSequence.isEmpty() ? QJsonValue(QJsonValue::Null)
                                                                                           : QJsonValue(m_stopSequence)}}},
                {str("usage"), usage}});
    out += sse("message_stop", {{str("type"), str("message_stop")}});
    return out;
}

QByteArray AnthropicStreamWriter::ensureStarted()
{
    if (m_started)
        return {};
    m_started = true;
    // When the provider reports input tokens only at the end (OpenAI), message_start says 0, and
    // the real figure follows in message_delta.
    const QJsonObject message{{str("id"), anthropic::messageId(m_id)},
                              {str("type"), str("message")},
                              {str("role"), str("assistant")},
                              {str("model"), m_model.isEmpty() ? m_requestModel : m_model},
                              {str("content"), QJsonArray()},
                              {str("stop_reason"), QJsonValue::Null},
                              {str("stop_sequence"), QJsonValue::Null},
                              {str("usage"), anthropic::usageJson(m_usage)}};
    return sse("message_start", {{str("type"), str("message_start")}, {str("message"), message}});
}

QByteArray AnthropicStreamWriter::openBlock(Block kind, const QJsonObject &contentBlock)
{
    QByteArray out = closeBlock();
    ++m_blockIndex;
    m_block = kind;
    out += sse("content_block_start",
               {{str("type"), str("content_block_start")}, {str("index"), m_blockIndex}, {str("content_block"), contentBlock}});
    return out;
}

QByteArray AnthropicStreamWriter::closeBlock()
{
    if (m_block == Block::None)
        return {};
    m_block = Block::None;
    return sse("content_block_stop", {{str("type"), str("content_block_stop")}, {str("index"), m_blockIndex}});
}

QByteArray AnthropicStreamWriter::toolCallStart(int toolIndex, const QString &id, const QString &name)
{
    const QString toolId = id.isEmpty() ? QStringLiteral("toolu_%1").arg(toolIndex) : id;
    QByteArray out = openBlock(Block::ToolUse, {{str("type"), str("tool_use")},
                                                {str("id"), toolId},
                                                {str("name"), name},
                                                {str("input"), QJsonObject()}});
    m_toolBlocks.insert(toolIndex, m_blockIndex);
    return out;
}

} // namespace patchbay
