#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

namespace patchbay::testing {

// One scripted answer of the fake provider, consumed by the next valid
// POST /v1/chat/completions. A default-constructed step gives the default echo reply.
struct FakeStep
{
    // != 200 gives an error answer in OpenAI's shape {"error":{"message","type","param","code"}}.
    int status = 200;
    // Empty: OpenAI's usual wording, type and code for the status (see OpenAiWire::error).
    QString errorMessage;
    QString errorType;
    QString errorCode;

    QString text;       // empty: "Echo: <last user message>" (or chunks joined when chunks are set)
    QStringList chunks; // stream content pieces; empty: text split into ~3 pieces at word boundaries
    QString finishReason = QStringLiteral("stop");

    int headerDelayMs = 0;     // before the status line, to test first-byte timeouts
    int chunkIntervalMs = 0;   // between stream events after the first
    // N above the number of pieces means "after the last piece, before the finish chunk".
    int stallAfterChunks = -1; // stream: N content chunks, then silence with the connection open;
                               // plain: >= 0 never answers
    int dropAfterChunks = -1;  // stream: N content chunks, then the connection closes mid-body;
                               // plain: >= 0 closes without answering
    bool dropBeforeHeaders = false; // closes without answering, stream or not

    bool omitUsage = false; // never report usage (no usage field, no usage chunk)
    int promptTokens = -1;  // -1: counted as words over all message contents
    int completionTokens = -1; // -1: counted as words of the reply text
    int cachedTokens = 0;   // prompt_tokens_details.cached_tokens
    int reasoningTokens = 0; // completion_tokens_details.reasoning_tokens

    QList<QPair<QByteArray, QByteArray>> extraHeaders; // e.g. retry-after on a 429
    QByteArray rawBody; // sent verbatim as application/json with `status`: malformed answers

    // Keys: status, error_message, error_type, error_code, text, chunks, finish_reason,
    // header_delay_ms, chunk_interval_ms, stall_after_chunks, drop_after_chunks,
    // drop_before_headers, omit_usage, prompt_tokens, completion_tokens, cached_tokens,
    // reasoning_tokens, headers ({name: value}), raw_body (string). Unknown keys are ignored.
    static FakeStep fromJson(const QJsonObject &object);

    static FakeStep error(int status, const QString &message = {});
};

} // namespace patchbay::testing
