#pragma once

#include "anthropicdialect.h"

#include <QHash>

namespace patchbay {

// Reads an Anthropic Messages stream (message_start … message_stop) into the gateway's events.
class AnthropicStreamReader : public StreamReader
{
public:
    QList<StreamEvent> read(const SseEvent &event) override;
    TokenUsage usage() const override { return m_usage; }

private:
    QHash<int, int> m_toolIndex; // content block index → tool call index
    int m_toolCount = 0;
    anthropic::RawInput m_raw;
    TokenUsage m_usage;
};

// Writes the gateway's events as an Anthropic Messages stream. Anthropic frames every piece of
// content in a numbered block, so the writer opens and closes blocks as the content changes kind.
// message_start goes out with the first content, so input tokens reported just after Start
// (Anthropic, Gemini) are in it; providers that report usage only at the end (OpenAI) leave it
// at 0 there. message_delta and message_stop go out from finish(), after the last usage report.
class AnthropicStreamWriter : public StreamWriter
{
public:
    explicit AnthropicStreamWriter(QString requestModel);
    QByteArray write(const StreamEvent &event) override;
    QByteArray finish() override;

private:
    enum class Block { None, Text, Thinking, ToolUse };

    QByteArray ensureStarted();
    QByteArray openBlock(Block kind, const QJsonObject &contentBlock);
    QByteArray closeBlock();
    QByteArray toolCallStart(int toolIndex, const QString &id, const QString &name);

    QString m_requestModel;
    QString m_id;
    QString m_model;
    bool m_started = false;   // message_start is out
    bool m_haveStart = false; // a Start event came
    bool m_ended = false;     // message_stop or an error is out; nothing more may follow
    Block m_block = Block::None;
    int m_blockIndex = -1;        // the open block, or the last one
    QHash<int, int> m_toolBlocks; // tool call index → content block index
    bool m_finished = false;
    StopReason m_stopReason = StopReason::None;
    QString m_stopSequence;
    TokenUsage m_usage;
};

} // namespace patchbay
