#include "geminireply.h"

#include "replytext.h"

namespace patchbay::testing {

GeminiReply::GeminiReply(FakeHttpConnection *connection, FakeStep step, QJsonObject request, QString model,
                         Framing framing)
    : ReplyPlayer(connection, std::move(step), framing != Framing::Plain)
    , m_request(std::move(request))
    , m_model(std::move(model))
    , m_framing(framing)
{
    const FakeStep &s = this->step();
    m_text = s.replyText(GeminiWire::lastUserText(m_request));
    m_responseId = GeminiWire::newResponseId();
    m_counts.promptTokens = s.promptTokensOr(GeminiWire::promptWords(m_request));
    // The step counts reasoning inside the completion, as OpenAI does; Gemini reports the
    // thoughts beside the candidates instead.
    m_counts.thoughtsTokens = s.reasoningTokens;
    m_counts.candidatesTokens = std::max(0, s.completionTokensFor(m_text) - s.reasoningTokens);
    m_counts.cachedTokens = s.cachedTokens;
    if (!s.omitUsage)
        m_usage = GeminiWire::usageMetadata(m_counts);
}

bool GeminiReply::showsThoughts() const
{
    // Thought summaries only come back when the request asked for them.
    return !step().thinkingText.isEmpty() && GeminiWire::includeThoughts(m_request);
}

void GeminiReply::sendPlain()
{
    QJsonArray parts;
    if (showsThoughts())
        parts.append(GeminiWire::textPart(step().thinkingText, true));
    if (!m_text.isEmpty())
        parts.append(GeminiWire::textPart(m_text));
    for (const auto &call : step().toolCalls)
        parts.append(GeminiWire::functionCallPart(call));
    if (parts.isEmpty())
        parts.append(GeminiWire::textPart(QString()));
    const QString finishReason = GeminiWire::finishReasonFor(step().resolvedFinishReason());
    connection()->sendResponse(200, responseHeaders(jsonContentType()),
                               GeminiWire::pretty(GeminiWire::response(parts, finishReason, m_usage, m_model,
                                                                       m_responseId)));
    finish();
}

void GeminiReply::buildStream()
{
    const FakeStep &s = step();
    // One part per chunk: thoughts first, then the text, then each call whole (Gemini
    // never splits a functionCall).
    QList<QJsonObject> parts;
    if (showsThoughts()) {
        for (const auto &piece : ReplyText::splitPieces(s.thinkingText))
            parts.append(GeminiWire::textPart(piece, true));
    }
    for (const auto &piece : s.chunks.isEmpty() ? ReplyText::splitPieces(m_text) : s.chunks)
        parts.append(GeminiWire::textPart(piece));
    for (const auto &call : s.toolCalls)
        parts.append(GeminiWire::functionCallPart(call));
    if (parts.isEmpty())
        parts.append(GeminiWire::textPart(QString()));

    const QString finishReason = GeminiWire::finishReasonFor(s.resolvedFinishReason());
    const qsizetype count = parts.size();
    for (qsizetype i = 0; i < count; ++i) {
        // Every chunk reports running totals and only the last one the whole count, so a
        // client must take usage from the last chunk: neither the first nor the sum is right.
        const bool last = i == count - 1;
        GeminiWire::Usage running = m_counts;
        running.candidatesTokens = int(m_counts.candidatesTokens * (i + 1) / count);
        running.thoughtsTokens = int(m_counts.thoughtsTokens * (i + 1) / count);
        const QJsonObject usage = m_usage.isEmpty() ? QJsonObject() : GeminiWire::usageMetadata(running);
        const QJsonObject chunk = GeminiWire::response(QJsonArray{parts.at(i)}, last ? finishReason : QString(),
                                                       usage, m_model, m_responseId);
        if (m_framing == Framing::Sse)
            addEvent("data: " + GeminiWire::spaced(chunk) + "\r\n\r\n", true);
        else
            addEvent((i == 0 ? "[" : ",\r\n") + GeminiWire::pretty(chunk), true);
    }
    if (m_framing == Framing::JsonArray) {
        markFinish();
        addEvent("]");
    }
}

QByteArray GeminiReply::streamContentType() const
{
    return m_framing == Framing::Sse ? "text/event-stream" : "application/json; charset=UTF-8";
}

QByteArray GeminiReply::errorBody(int status) const
{
    return GeminiWire::pretty(GeminiWire::error(status, step().errorMessage, step().errorType, m_model));
}

QByteArray GeminiReply::streamErrorEvent(int status) const
{
    const QJsonObject error = GeminiWire::error(status, step().errorMessage, step().errorType, m_model);
    if (m_framing == Framing::Sse)
        return "data: " + GeminiWire::spaced(error) + "\r\n\r\n";
    return (step().errorAfterChunks == 0 ? "[" : ",\r\n") + GeminiWire::pretty(error) + "]";
}

HttpHeaders GeminiReply::responseHeaders(const QByteArray &contentType) const
{
    HttpHeaders headers{{"Content-Type", contentType},
                        {"Vary", "Origin, X-Origin, Referer"},
                        {"Server", "scaffolding on HTTPServer2"},
                        {"Server-Timing", "gfet4t7; dur=" + QByteArray::number(step().headerDelayMs)}};
    headers.append(step().extraHeaders);
    return headers;
}

} // namespace patchbay::testing
