#pragma once

#include <QJsonObject>

namespace patchbay {

// Tokens as a provider reported them; -1 where it reported nothing.
struct TokenUsage
{
    qint64 input = -1;
    qint64 output = -1;

    bool isKnown() const { return input >= 0 || output >= 0; }
    // From an OpenAI "usage" object (chat completions).
    static TokenUsage fromOpenAi(const QJsonObject &usage);
};

} // namespace patchbay
