#include "scriptedreply.h"

#include "openaiwire.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QRandomGenerator>

namespace patchbay::testing {

ScriptedReply::ScriptedReply(FakeHttpConnection *connection, FakeStep step, QJsonObject request)
    : QObject(connection)
    , m_connection(connection)
    , m_step(std::move(step))
    , m_request(std::move(request))
{
    m_model = m_request.value(QLatin1String("model")).toString();
    if (!m_step.text.isEmpty())
        m_text = m_step.text;
    else if (!m_step.chunks.isEmpty())
        m_text = m_step.chunks.join(QString());
    else
        m_text = QStringLiteral("Echo: ") + OpenAiWire::lastUserText(m_request);
    m_id = OpenAiWire::newCompletionId();
    m_created = QDateTime::currentSecsSinceEpoch();
    if (!m_step.omitUsage) {
        OpenAiWire::Usage usage;
        usage.promptTokens = m_step.promptTokens >= 0 ? m_step.promptTokens
                                                      : OpenAiWire::promptWords(m_request);
        usage.completionTokens = m_step.completionTokens >= 0 ? m_step.completionTokens
                                                              : OpenAiWire::wordCount(m_text);
        usage.cachedTokens = m_step.cachedTokens;
        usage.reasoningTokens = m_step.reasoningTokens;
        m_usage = OpenAiWire::usage(usage);
    }
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &ScriptedReply::sendNextEvent);
}

void ScriptedReply::start()
{
    if (m_step.headerDelayMs > 0)
        QTimer::singleShot(m_step.headerDelayMs, this, &ScriptedReply::begin);
    else
        begin();
}

void ScriptedReply::begin()
{
    const bool stream = m_request.value(QLatin1String("stream")).toBool();
    if (m_step.dropBeforeHeaders || (!stream && m_step.dropAfterChunks >= 0)) {
        m_connection->closeAfterFlush();
        return done();
    }
    if (!stream && m_step.stallAfterChunks >= 0)
        return; // owes the answer until the client gives up
    if (!m_step.rawBody.isEmpty()) {
        m_connection->sendResponse(m_step.status, responseHeaders("application/json"), m_step.rawBody);
        return done();
    }
    if (m_step.status != 200) {
        // OpenAI answers a failed stream request with a plain JSON error, not an SSE stream.
        const QJsonObject error = OpenAiWire::error(m_step.status, m_step.errorMessage, m_step.errorType,
                                                    m_step.errorCode, m_model);
        m_connection->sendResponse(m_step.status, responseHeaders("application/json"),
                                   QJsonDocument(error).toJson(QJsonDocument::Compact));
        return done();
    }
    if (stream)
        startStream();
    else
        sendPlain();
}

void ScriptedReply::sendPlain()
{
    const QJsonObject completion = OpenAiWire::completion(m_id, m_created, m_model, m_text,
                                                          m_step.finishReason, m_usage);
    m_connection->sendResponse(200, responseHeaders("application/json"),
                               QJsonDocument(completion).toJson(QJsonDocument::Compact));
    done();
}

void ScriptedReply::startStream()
{
    const QJsonObject options = m_request.value(QLatin1String("stream_options")).toObject();
    m_includeUsage = options.value(QLatin1String("include_usage")).toBool() && !m_usage.isEmpty();
    m_obfuscate = options.value(QLatin1String("include_obfuscation")).toBool(true);
    const QStringList pieces = m_step.chunks.isEmpty() ? OpenAiWire::splitPieces(m_text) : m_step.chunks;

    const auto choices = [](const QJsonObject &delta, const QJsonValue &finishReason) {
        return QJsonArray{OpenAiWire::chunkChoice(delta, finishReason)};
    };
    const QJsonObject roleDelta{{QStringLiteral("role"), QStringLiteral("assistant")},
                                {QStringLiteral("content"), QString()},
                                {QStringLiteral("refusal"), QJsonValue::Null}};
    m_events.append(event(OpenAiWire::chunk(m_id, m_created, m_model, choices(roleDelta, QJsonValue::Null)),
                          true));
    for (const auto &piece : pieces) {
        const QJsonObject delta{{QStringLiteral("content"), piece}};
        m_events.append(event(OpenAiWire::chunk(m_id, m_created, m_model, choices(delta, QJsonValue::Null)),
                              true));
    }
    m_events.append(event(OpenAiWire::chunk(m_id, m_created, m_model,
                                            choices(QJsonObject(), m_step.finishReason)),
                          true));
    if (m_includeUsage) {
        QJsonObject usageChunk = OpenAiWire::chunk(m_id, m_created, m_model, QJsonArray());
        usageChunk.insert(QStringLiteral("usage"), m_usage);
        m_events.append("data: " + QJsonDocument(usageChunk).toJson(QJsonDocument::Compact) + "\n\n");
    }
    m_events.append("data: [DONE]\n\n");

    const qsizetype contentCount = pieces.size();
    if (m_step.stallAfterChunks >= 0)
        m_stallAt = 1 + std::min<qsizetype>(m_step.stallAfterChunks, contentCount);
    if (m_step.dropAfterChunks >= 0)
        m_dropAt = 1 + std::min<qsizetype>(m_step.dropAfterChunks, contentCount);

    m_connection->startChunked(200, responseHeaders("text/event-stream; charset=utf-8"));
    sendNextEvent();
}

void ScriptedReply::sendNextEvent()
{
    for (;;) {
        if (m_next == m_stallAt)
            return; // silence, connection open: the client's idle timeout has to act
        if (m_next == m_dropAt) {
            m_connection->closeAfterFlush();
            return done();
        }
        if (m_next == m_events.size()) {
            m_connection->finishChunked();
            return done();
        }
        m_connection->sendChunk(m_events.at(m_next++));
        if (m_step.chunkIntervalMs > 0) {
            m_timer.start(m_step.chunkIntervalMs);
            return;
        }
    }
}

QByteArray ScriptedReply::event(QJsonObject chunk, bool carriesChoice) const
{
    if (m_includeUsage)
        chunk.insert(QStringLiteral("usage"), QJsonValue::Null);
    if (carriesChoice && m_obfuscate) {
        // OpenAI pads delta events to blur their sizes; clients must tolerate the field.
        chunk.insert(QStringLiteral("obfuscation"),
                     OpenAiWire::obfuscation(QRandomGenerator::global()->bounded(1, 16)));
    }
    return "data: " + QJsonDocument(chunk).toJson(QJsonDocument::Compact) + "\n\n";
}

HttpHeaders ScriptedReply::responseHeaders(const QByteArray &contentType) const
{
    HttpHeaders headers{{"Content-Type", contentType},
                        {"x-request-id", OpenAiWire::newRequestId().toLatin1()},
                        {"openai-version", "2020-10-01"},
                        {"openai-processing-ms", QByteArray::number(m_step.headerDelayMs)}};
    headers.append(m_step.extraHeaders);
    return headers;
}

void ScriptedReply::done()
{
    m_timer.stop();
    deleteLater();
}

} // namespace patchbay::testing
