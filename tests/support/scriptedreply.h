#pragma once

#include "replyplayer.h"

#include <QJsonObject>
#include <QStringList>

namespace patchbay::testing {

// Plays one FakeStep as the answer to one OpenAI chat completion request: the plain
// completion or the SSE stream (role, reasoning, content and tool call deltas, finish,
// usage, [DONE]). The timing is ReplyPlayer's.
class ScriptedReply : public ReplyPlayer
{
    Q_OBJECT
public:
    ScriptedReply(FakeHttpConnection *connection, FakeStep step, QJsonObject request);

protected:
    void sendPlain() override;
    QByteArray errorBody(int status) const override;
    QByteArray streamErrorEvent(int status) const override;
    HttpHeaders responseHeaders(const QByteArray &contentType) const override;
    QByteArray streamContentType() const override { return "text/event-stream; charset=utf-8"; }
    void buildStream() override;

private:
    QJsonObject errorObject(int status) const;
    QByteArray event(QJsonObject chunk) const;
    QJsonObject chunkWith(const QJsonObject &delta, const QJsonValue &finishReason) const;

    QJsonObject m_request;
    QString m_model;
    QString m_text;
    QString m_id;
    QStringList m_toolCallIds;
    qint64 m_created = 0;
    QJsonObject m_usage; // empty when usage is not reported
    bool m_includeUsage = false;
    bool m_obfuscate = true;
};

} // namespace patchbay::testing
