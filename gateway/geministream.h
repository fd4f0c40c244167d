#pragma once

#include "dialect.h"

namespace patchbay {

// Reads a Gemini streamGenerateContent?alt=sse stream. Each event is a whole
// GenerateContentResponse holding the next piece of the answer; function calls come whole.
class GeminiStreamReader final : public StreamReader
{
public:
    QList<StreamEvent> read(const SseEvent &event) override;
    TokenUsage usage() const override { return m_usage; }

private:
    bool m_started = false;
    bool m_finished = false;
    int m_toolCalls = 0; // tool calls seen so far: the next one's index
    QString m_responseId;
    TokenUsage m_usage;
};

} // namespace patchbay
