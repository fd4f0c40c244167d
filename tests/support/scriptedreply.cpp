#include "scriptedreply.h"

#include "openaiwire.h"
#include "replytext.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>

namespace patchbay::testing {

ScriptedReply::ScriptedReply(FakeHttpConnection *connection, FakeStep step, QJsonObject request)
    : ReplyPlayer(connection, std::move(step), request.value(QLatin1String("stream")).toBool())
    , m_request(std::move(request))
{
    m_model = m_request.value(QLatin1String("model")).toString();
    m_text = this->step().replyText(OpenAiWire::lastUserText(m_request));
    m_id = OpenAiWire::newCompletionId();
    m_created = QDateTime::currentSecsSinceEpoch();
    for (const auto &call : this->step().toolCalls)
        m_toolCallIds.append(call.id.isEmpty() ? OpenAiWire::newToolCallId() : call.id);
    const FakeStep &s = this->step();
    if (!s.omitUsage) {
        OpenAiWire::Usage usage;
        usage.promptTokens = s.promptTokensOr(OpenAiWire::promptWords(m_request));
        usage.completionTokens = s.completionTokensFor(m_text);
        usage.cachedTokens = s.cachedTokens;
        usage.reasoningTokens = s.reasoningTokens;
        m_usage = OpenAiWire::usage(usage);
    }
}

void ScriptedReply::sendPlain()
{
    QJsonArray toolCalls;
    for (qsizetype i = 0; i < step().toolCalls.size(); ++i)
        toolCalls.append(OpenAiWire::toolCall(m_toolCallIds.at(i), step().toolCalls.at(i)));
    const QJsonObject message = OpenAiWire::assistantMessage(m_text, toolCalls, step().thinkingText);
    const QJsonObject completion = OpenAiWire::completionWithMessage(
        m_id, m_created, m_model, message, OpenAiWire::finishReasonFor(step().resolvedFinishReason()), m_usage);
    connection()->sendResponse(200, responseHeaders("application/json"),
                               QJsonDocument(completion).toJson(QJsonDocument::Compact));
    finish();
}

void ScriptedReply::buildStream()
{
    const QJsonObject options = m_request.value(QLatin1String("stream_options")).toObject();
    m_includeUsage = options.value(QLatin1String("include_usage")).toBool() && !m_usage.isEmpty();
    m_obfuscate = options.value(QLatin1String("include_obfuscation")).toBool(true);
    const FakeStep &s = step();

    const bool toolsOnly = m_text.isEmpty() && !s.toolCalls.isEmpty();
    const QJsonObject roleDelta{{QStringLiteral("role"), QStringLiteral("assistant")},
                                {QStringLiteral("content"), toolsOnly ? QJsonValue(QJsonValue::Null) : QJsonValue(QString())},
                                {QStringLiteral("refusal"), QJsonValue::Null}};
    addEvent(event(chunkWith(roleDelta, QJsonValue::Null)));
    for (const auto &piece : ReplyText::splitPieces(s.thinkingText))
        addEvent(event(chunkWith({{QStringLiteral("reasoning_content"), piece}}, QJsonValue::Null)), true);
    for (const auto &piece : s.chunks.isEmpty() ? ReplyText::splitPieces(m_text) : s.chunks)
        addEvent(event(chunkWith({{QStringLiteral("content"), piece}}, QJsonValue::Null)), true);
    for (qsizetype i = 0; i < s.toolCalls.size(); ++i) {
        const FakeToolCall &call = s.toolCalls.at(i);
        const auto toolDelta = [](const QJsonObject &entry) {
            return QJsonObject{{QStringLiteral("tool_calls"), QJsonArray{entry}}};
        };
        addEvent(event(chunkWith(toolDelta(OpenAiWire::toolCallHeadDelta(int(i), m_toolCallIds.at(i), call.name)),
                                 QJsonValue::Null)),
                 true);
        const QString arguments = call.argumentsJson.isEmpty() ? QStringLiteral("{}") : call.argumentsJson;
        for (const auto &fragment : ReplyText::splitFragments(arguments))
            addEvent(event(chunkWith(toolDelta(OpenAiWire::toolCallArgumentsDelta(int(i), fragment)),
                                     QJsonValue::Null)),
                     true);
    }
    markFinish();
    addEvent(event(chunkWith(QJsonObject(), OpenAiWire::finishReasonFor(s.resolvedFinishReason()))));
    if (m_includeUsage) {
        QJsonObject usageChunk = OpenAiWire::chunk(m_id, m_created, m_model, QJsonArray());
        usageChunk.insert(QStringLiteral("usage"), m_usage);
        addEvent("data: " + QJsonDocument(usageChunk).toJson(QJsonDocument::Compact) + "\n\n");
    }
    addEvent("data: [DONE]\n\n");
}

QJsonObject ScriptedReply::chunkWith(const QJsonObject &delta, const QJsonValue &finishReason) const
{
    return OpenAiWire::chunk(m_id, m_created, m_model, QJsonArray{OpenAiWire::chunkChoice(delta, finishReason)});
}

QByteArray ScriptedReply::event(QJsonObject chunk) const
{
    if (m_includeUsage)
        chunk.insert(QStringLiteral("usage"), QJsonValue::Null);
    if (m_obfuscate) {
        // OpenAI pads delta events to blur their sizes; clients must tolerate the field.
        chunk.insert(QStringLiteral("obfuscation"),
                     OpenAiWire::obfuscation(QRandomGenerator::global()->bounded(1, 16)));
    }
    return "data: " + QJsonDocument(chunk).toJson(QJsonDocument::Compact) + "\n\n";
}

QJsonObject ScriptedReply::errorObject(int status) const
{
    const FakeStep &s = step();
    return OpenAiWire::error(status, s.errorMessage, s.errorType, s.errorCode, m_model);
}

QByteArray ScriptedReply::errorBody(int status) const
{
    return QJsonDocument(errorObject(status)).toJson(QJsonDocument::Compact);
}

QByteArray ScriptedReply::streamErrorEvent(int status) const
{
    // OpenAI reports a failure after the stream began as one more data event carrying
    // the ordinary error object, then ends the body without [DONE].
    return "data: " + errorBody(status) + "\n\n";
}

HttpHeaders ScriptedReply::responseHeaders(const QByteArray &contentType) const
{
    HttpHeaders headers{{"Content-Type", contentType},
                        {"x-request-id", OpenAiWire::newRequestId().toLatin1()},
                        {"openai-version", "2020-10-01"},
                        {"openai-processing-ms", QByteArray::number(step().headerDelayMs)}};
    headers.append(step().extraHeaders);
    return headers;
}

} // namespace patchbay::testing
