#pragma once

#include "geminiwire.h"
#include "replyplayer.h"

#include <QJsonArray>
#include <QJsonObject>

namespace patchbay::testing {

// Plays one FakeStep as the answer to one Gemini generateContent or streamGenerateContent
// request: one GenerateContentResponse, or a series of them — as SSE `data:` events with
// alt=sse, else as one streamed JSON array. The timing is ReplyPlayer's.
class GeminiReply : public ReplyPlayer
{
    Q_OBJECT
public:
    enum class Framing { Plain, Sse, JsonArray };

    // `model` comes from the URL (…/models/{model}:generateContent), not the body.
    GeminiReply(FakeHttpConnection *connection, FakeStep step, QJsonObject request, QString model,
                Framing framing);

protected:
    void sendPlain() override;
    QByteArray errorBody(int status) const override;
    QByteArray streamErrorEvent(int status) const override;
    HttpHeaders responseHeaders(const QByteArray &contentType) const override;
    QByteArray jsonContentType() const override { return "application/json; charset=UTF-8"; }
    QByteArray streamContentType() const override;
    void buildStream() override;

private:
    bool showsThoughts() const;

    QJsonObject m_request;
    QString m_model;
    Framing m_framing;
    QString m_text;
    QString m_responseId;
    GeminiWire::Usage m_counts;
    QJsonObject m_usage; // empty when usage is not reported
};

} // namespace patchbay::testing
