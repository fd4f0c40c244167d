#pragma once

#include <QByteArrayView>
#include <QJsonObject>

namespace patchbay {

class JsonReader;

// Tokens as a provider reported them; -1 where it reported nothing.
struct TokenUsage
{
    qint64 input = -1;      // all prompt tokens, cached ones included
    qint64 output = -1;     // all completion tokens, reasoning included
    qint64 cacheRead = -1;  // prompt tokens served from the provider's cache
    qint64 cacheWrite = -1; // prompt tokens written to it (Anthropic)
    qint64 reasoning = -1;  // output tokens spent thinking

    bool isKnown() const { return input >= 0 || output >= 0; }
    // Takes every figure the other report has and keeps the rest: streams report in pieces,
    // and a later figure supersedes an earlier one.
    void merge(const TokenUsage &other);
    static qint64 orZero(qint64 v) { return v < 0 ? 0 : v; }

    // From an OpenAI "usage" object (chat completions).
    static TokenUsage fromOpenAi(const QJsonObject &usage);
    // The same from the object's text: read straight from the bytes where they settle it, parsed
    // where they do not (escapes, fractions, malformed text). Always what fromOpenAi gives.
    static TokenUsage fromOpenAiText(QByteArrayView usage);
    // The byte reader alone, on the usage object at the reader's cursor: false when it cannot be
    // sure of the bytes, and *out is left as it was.
    static bool readOpenAi(JsonReader &reader, TokenUsage *out);
    bool operator==(const TokenUsage &) const = default;
};

} // namespace patchbay
