#include "geministream.h"

#include "geminidialect.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace patchbay {

QList<StreamEvent> GeminiStreamReader::read(const SseEvent &event)
{
    QList<StreamEvent> out;
    if (event.data.isEmpty())
        return out;
    const QJsonDocument doc = QJsonDocument::fromJson(event.data);
    const QJsonObject chunk = doc.isArray() ? doc.array().at(0).toObject() : doc.object();
    if (chunk.isEmpty())
        return out;

    if (const QJsonObject error = gemini::errorObject(chunk); !error.isEmpty()) {
        StreamEvent e;
        e.kind = StreamEvent::Kind::Error;
        e.text = error.value(QLatin1String("message")).toString(QStringLiteral("Gemini broke off the answer with an error."));
        e.errorType = gemini::errorTypeFor(error.value(QLatin1String("status")).toString());
        out.append(e);
        return out;
    }

    if (!m_started) {
        m_started = true;
        m_responseId = chunk.value(QLatin1String("responseId")).toString();
        StreamEvent start;
        start.kind = StreamEvent::Kind::Start;
        start.id = m_responseId;
        start.model = chunk.value(QLatin1String("modelVersion")).toString();
        out.append(start);
    }

    // Every chunk carries the running totals. They go out ahead of the chunk's content, so that a
    // writer that opens its answer with the input tokens (Anthropic's message_start) has them.
    if (chunk.contains(QLatin1String("usageMetadata"))) {
        m_usage.merge(gemini::usageFrom(chunk.value(QLatin1String("usageMetadata")).toObject()));
        if (m_usage.isKnown()) {
            StreamEvent e;
            e.kind = StreamEvent::Kind::Usage;
            e.usage = m_usage;
            out.append(e);
        }
    }

    if (const QString blocked = gemini::blockedPromptMessage(chunk); !blocked.isEmpty()) {
        StreamEvent e;
        e.kind = StreamEvent::Kind::Error;
        e.text = blocked;
        e.errorType = QStringLiteral("invalid_request_error");
        out.append(e);
        return out;
    }

    const QJsonObject candidate = chunk.value(QLatin1String("candidates")).toArray().at(0).toObject();
    for (const QJsonValue &v : candidate.value(QLatin1String("content")).toObject().value(QLatin1String("parts")).toArray()) {
        const QJsonObject part = v.toObject();
        if (part.contains(QLatin1String("functionCall"))) {
            // Gemini sends a call whole: its start and all of its arguments at once.
            const QJsonObject call = part.value(QLatin1String("functionCall")).toObject();
            const int index = m_toolCalls++;
            StreamEvent start;
            start.kind = StreamEvent::Kind::ToolCallStart;
            start.index = index;
            start.toolCallId = gemini::toolCallId(call, m_responseId, index);
            start.toolName = call.value(QLatin1String("name")).toString();
            out.append(start);
            StreamEvent arguments;
            arguments.kind = StreamEvent::Kind::ToolCallDelta;
            arguments.index = index;
            arguments.text = QString::fromUtf8(QJsonDocument(call.value(QLatin1String("args")).toObject()).toJson(QJsonDocument::Compact));
            out.append(arguments);
            continue;
        }
        const QString text = part.value(QLatin1String("text")).toString();
        if (text.isEmpty()) // a bare thoughtSignature part, or a kind Patchbay does not carry
            continue;
        StreamEvent e;
        e.kind = part.value(QLatin1String("thought")).toBool() ? StreamEvent::Kind::ThinkingDelta : StreamEvent::Kind::TextDelta;
        e.text = text;
        out.append(e);
    }

    const QString finishReason = candidate.value(QLatin1String("finishReason")).toString();
    if (!finishReason.isEmpty() && !m_finished) {
        m_finished = true;
        StreamEvent e;
        e.kind = StreamEvent::Kind::Finish;
        e.stopReason = gemini::stopReasonFrom(finishReason, m_toolCalls > 0);
        out.append(e);
    }
    return out;
}

} // namespace patchbay
