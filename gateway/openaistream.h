#pragma once

#include "dialect.h"

#include <QSet>

namespace patchbay {

// Reads an OpenAI chat-completions stream (chat.completion.chunk events, then [DONE]).
class OpenAiStreamReader final : public StreamReader
{
public:
    QList<StreamEvent> read(const SseEvent &event) override;
    TokenUsage usage() const override { return m_usage; }

private:
    bool m_started = false;
    QSet<int> m_toolCallsSeen;
    TokenUsage m_usage;
};

// Writes chat.completion.chunk events. Usage goes out last, in its own chunk with no
// choices, and only when the client asked for it (stream_options.include_usage).
class OpenAiStreamWriter final : public StreamWriter
{
public:
    explicit OpenAiStreamWriter(bool includeUsage);
    QByteArray write(const StreamEvent &event) override;
    QByteArray finish() override;

private:
    QByteArray chunk(const QJsonObject &delta, const QJsonValue &finishReason = QJsonValue::Null);

    bool m_includeUsage;
    QString m_id = QStringLiteral("chatcmpl-patchbay");
    QString m_model;
    qint64 m_created = 0;
    TokenUsage m_usage;
    bool m_sawUsage = false;
    bool m_failed = false;
};

} // namespace patchbay
