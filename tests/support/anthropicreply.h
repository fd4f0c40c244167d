#pragma once

#include "replyplayer.h"

#include <QJsonObject>
#include <QStringList>

namespace patchbay::testing {

// Plays one FakeStep as the answer to one Anthropic POST /v1/messages: the plain message
// or the named-event stream (message_start, content blocks with their deltas, ping,
// message_delta, message_stop). The timing is ReplyPlayer's.
class AnthropicReply : public ReplyPlayer
{
    Q_OBJECT
public:
    AnthropicReply(FakeHttpConnection *connection, FakeStep step, QJsonObject request);

protected:
    void sendPlain() override;
    QByteArray errorBody(int status) const override;
    QByteArray streamErrorEvent(int status) const override;
    HttpHeaders responseHeaders(const QByteArray &contentType) const override;
    QByteArray streamContentType() const override { return "text/event-stream; charset=utf-8"; }
    void buildStream() override;

private:
    bool showsThinking() const;
    QJsonValue stopReason() const;
    QJsonValue stopSequence() const;

    QJsonObject m_request;
    QString m_model;
    QString m_text;
    QString m_id;
    QString m_requestId;
    QString m_signature;
    QStringList m_toolUseIds;
    QJsonObject m_usage; // empty when usage is not reported
    int m_outputTokens = 0;
};

} // namespace patchbay::testing
