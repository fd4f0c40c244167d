#include "openaistream.h"

#include "openaidialect.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>

namespace patchbay {

QList<StreamEvent> OpenAiStreamReader::read(const SseEvent &event)
{
    QList<StreamEvent> out;
    if (event.data.isEmpty() || event.data == "[DONE]")
        return out;
    const QJsonObject chunk = QJsonDocument::fromJson(event.data).object();
    if (chunk.isEmpty())
        return out;
    if (const QJsonValue error = chunk.value(QLatin1String("error")); error.isObject() || error.isString()) {
        StreamEvent e;
        e.kind = StreamEvent::Kind::Error;
        e.text = error.isObject() ? error.toObject().value(QLatin1String("message")).toString() : error.toString();
        e.errorType = error.toObject().value(QLatin1String("type")).toString(QStringLiteral("api_error"));
        out.append(e);
        return out;
    }
    if (!m_started) {
        m_started = true;
        StreamEvent start;
        start.kind = StreamEvent::Kind::Start;
        start.id = chunk.value(QLatin1String("id")).toString();
        start.model = chunk.value(QLatin1String("model")).toString();
        out.append(start);
    }
    const QJsonArray choices = chunk.value(QLatin1String("choices")).toArray();
    if (!choices.isEmpty()) {
        const QJsonObject choice = choices.first().toObject();
        const QJsonObject delta = choice.value(QLatin1String("delta")).toObject();
        for (const char *key : {"reasoning_content", "reasoning"}) {
            const QString thinking = delta.value(QLatin1String(key)).toString();
            if (!thinking.isEmpty()) {
                StreamEvent e;
                e.kind = StreamEvent::Kind::ThinkingDelta;
                e.text = thinking;
                out.append(e);
                break;
            }
        }
        const QString text = delta.value(QLatin1String("content")).toString();
        if (!text.isEmpty()) {
            StreamEvent e;
            e.kind = StreamEvent::Kind::TextDelta;
            e.text = text;
            out.append(e);
        }
        for (const QJsonValue &c : delta.value(QLatin1String("tool_calls")).toArray()) {
            const QJsonObject call = c.toObject();
            const int index = call.value(QLatin1String("index")).toInt();
            const QJsonObject function = call.value(QLatin1String("function")).toObject();
            if (!m_toolCallsSeen.contains(index)) {
                m_toolCallsSeen.insert(index);
                StreamEvent e;
                e.kind = StreamEvent::Kind::ToolCallStart;
                e.index = index;
                e.toolCallId = call.value(QLatin1String("id")).toString();
                e.toolName = function.value(QLatin1String("name")).toString();
                out.append(e);
            }
            const QString arguments = function.value(QLatin1String("arguments")).toString();
            if (!arguments.isEmpty()) {
                StreamEvent e;
                e.kind = StreamEvent::Kind::ToolCallDelta;
                e.index = index;
                e.text = arguments;
                out.append(e);
            }
        }
        const QJsonValue finish = choice.value(QLatin1String("finish_reason"));
        if (finish.isString()) {
            StreamEvent e;
            e.kind = StreamEvent::Kind::Finish;
            e.stopReason = OpenAiDialect::stopReason(finish.toString());
            out.append(e);
        }
    }
    // The Responses API streams typed events; its usage comes in response.completed.
    const QJsonValue usage = chunk.contains(QLatin1String("response"))
        ? chunk.value(QLatin1String("response")).toObject().value(QLatin1String("usage"))
        : chunk.value(QLatin1String("usage"));
    if (usage.isObject()) {
        m_usage.merge(TokenUsage::fromOpenAi(usage.toObject()));
        StreamEvent e;
        e.kind = StreamEvent::Kind::Usage;
        e.usage = m_usage;
        out.append(e);
    }
    return out;
}

OpenAiStreamWriter::OpenAiStreamWriter(bool includeUsage)
    : m_includeUsage(includeUsage)
    , m_created(QDateTime::currentSecsSinceEpoch())
{
}

QByteArray OpenAiStreamWriter::chunk(const QJsonObject &delta, const QJsonValue &finishReason)
{
    QJsonObject out{{QStringLiteral("id"), m_id},
                    {QStringLiteral("object"), QStringLiteral("chat.completion.chunk")},
                    {QStringLiteral("created"), m_created},
                    {QStringLiteral("model"), m_model},
                    {QStringLiteral("choices"),
                     QJsonArray{QJsonObject{{QStringLiteral("index"), 0},
                                            {QStringLiteral("delta"), delta},
                                            {QStringLiteral("logprobs"), QJsonValue::Null},
                                            {QStringLiteral("finish_reason"), finishReason}}}}};
    if (m_includeUsage)
        out.insert(QStringLiteral("usage"), QJsonValue::Null); // as OpenAI does when usage was asked for
    return "data: " + QJsonDocument(out).toJson(QJsonDocument::Compact) + "\n\n";
}

QByteArray OpenAiStreamWriter::write(const StreamEvent &event)
{
    switch (event.kind) {
    case StreamEvent::Kind::Start:
        if (!event.id.isEmpty())
            m_id = event.id;
        m_model = event.model;
        return chunk({{QStringLiteral("role"), QStringLiteral("assistant")}, {QStringLiteral("content"), QString()}});
    case StreamEvent::Kind::TextDelta:
        return chunk({{QStringLiteral("content"), event.text}});
    case StreamEvent::Kind::ThinkingDelta:
        // DeepSeek's field, which OpenAI-compatible clients have adopted for reasoning text.
        return event.text.isEmpty() ? QByteArray() : chunk({{QStringLiteral("reasoning_content"), event.text}});
    case StreamEvent::Kind::ToolCallStart:
        return chunk({{QStringLiteral("tool_calls"),
                       QJsonArray{QJsonObject{{QStringLiteral("index"), event.index},
                                              {QStringLiteral("id"), event.toolCallId},
                                              {QStringLiteral("type"), QStringLiteral("function")},
                                              {QStringLiteral("function"),
                                               QJsonObject{{QStringLiteral("name"), event.toolName}, {QStringLiteral("arguments"), QString()}}}}}}});
    case StreamEvent::Kind::ToolCallDelta:
        return chunk({{QStringLiteral("tool_calls"),
                       QJsonArray{QJsonObject{{QStringLiteral("index"), event.index},
                                              {QStringLiteral("function"), QJsonObject{{QStringLiteral("arguments"), event.text}}}}}}});
    case StreamEvent::Kind::Finish:
        return chunk({}, OpenAiDialect::finishReason(event.stopReason));
    case StreamEvent::Kind::Usage:
        m_usage.merge(event.usage);
        m_sawUsage = true;
        return {};
    case StreamEvent::Kind::Error: {
        m_failed = true;
        const QJsonObject error{{QStringLiteral("message"), event.text},
                                {QStringLiteral("type"), event.errorType.isEmpty() ? QStringLiteral("api_error") : event.errorType},
                                {QStringLiteral("param"), QJsonValue::Null},
                                {QStringLiteral("code"), event.errorCode.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(event.errorCode)}};
        return "data: " + QJsonDocument(QJsonObject{{QStringLiteral("error"), error}}).toJson(QJsonDocument::Compact) + "\n\n";
    }
    }
    return {};
}

QByteArray OpenAiStreamWriter::finish()
{
    QByteArray out;
    if (m_includeUsage && m_sawUsage) {
        const QJsonObject last{{QStringLiteral("id"), m_id},
                               {QStringLiteral("object"), QStringLiteral("chat.completion.chunk")},
                               {QStringLiteral("created"), m_created},
                               {QStringLiteral("model"), m_model},
                               {QStringLiteral("choices"), QJsonArray{}},
                               {QStringLiteral("usage"), OpenAiDialect::usageJson(m_usage)}};
        out += "data: " + QJsonDocument(last).toJson(QJsonDocument::Compact) + "\n\n";
    }
    if (!m_failed)
        out += "data: [DONE]\n\n";
    return out;
}

} // namespace patchbay
