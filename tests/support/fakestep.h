#pragma once

#include "faketoolcall.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

namespace patchbay::testing {

// One scripted answer of the fake provider, consumed by the next valid generation request
// in any dialect: POST /v1/chat/completions (OpenAI), POST /v1/messages (Anthropic),
// POST /v1beta/models/{model}:generateContent or :streamGenerateContent (Gemini).
// A default-constructed step gives the default echo reply. The step describes what
// happened; each dialect reports it in its own words (see README.md for the mappings).
struct FakeStep
{
    // != 200 gives an error answer in the dialect's shape: OpenAI {"error":{message,type,
    // param,code}}, Anthropic {"type":"error","error":{type,message}}, Gemini
    // {"error":{code,message,status}}. With errorAfterChunks >= 0 on a stream request, the
    // status only picks the kind of the in-stream error (the stream itself starts with 200).
    int status = 200;
    // Empty: the dialect's usual wording and type for the status. errorType is OpenAI's
    // `type`, Anthropic's error.type or Gemini's `status` string; errorCode is OpenAI only.
    QString errorMessage;
    QString errorType;
    QString errorCode;
    // Stream: N content chunks, then the dialect's in-stream error event (OpenAI
    // `data: {"error":…}`, Anthropic `event: error`, Gemini `data: {"error":…}`), then the
    // body ends cleanly. Its kind comes from `status` (200 counts as 500). Plain requests
    // get that error as an ordinary error answer.
    int errorAfterChunks = -1;

    // Empty: "Echo: <last user message>" (or chunks joined when chunks are set); with
    // toolCalls set, empty means no text at all.
    QString text;
    QStringList chunks; // stream content pieces; empty: text split into ~3 pieces at word boundaries
    QList<FakeToolCall> toolCalls; // after the text; arguments stream in ~3 fragments
    // Shown as Anthropic thinking blocks (when the request enables `thinking`), Gemini
    // thought parts (when thinkingConfig.includeThoughts) and OpenAI-compatible
    // `reasoning_content` (always, as DeepSeek-style servers send it unasked).
    QString thinkingText;
    // A neutral reason, mapped per dialect: stop, length, tool_calls, content_filter,
    // stop_sequence (see README.md); any other value is sent verbatim. Empty: tool_calls
    // when toolCalls are set, otherwise stop.
    QString finishReason;

    int headerDelayMs = 0;     // before the status line, to test first-byte timeouts
    int chunkIntervalMs = 0;   // between stream events after the first
    // Content chunks are the stream events that carry reply content (thinking, text and
    // tool call pieces). N at or above their number means "after the last piece, before
    // the finish".
    int stallAfterChunks = -1; // stream: N content chunks, then silence with the connection open;
                               // plain: >= 0 never answers
    int dropAfterChunks = -1;  // stream: N content chunks, then the connection closes mid-body;
                               // plain: >= 0 closes without answering
    bool dropBeforeHeaders = false; // closes without answering, stream or not

    // Token counts mean what OpenAI means by them; other dialects split them their way
    // (Anthropic input_tokens leaves the cached parts out, Gemini candidatesTokenCount
    // leaves the thoughts out).
    bool omitUsage = false; // never report usage (no usage field, no usage chunk)
    int promptTokens = -1;  // -1: counted as words over all message contents (and system)
    // -1: counted as words of the reply text and tool arguments, plus reasoningTokens
    int completionTokens = -1;
    int cachedTokens = 0;   // prompt_tokens_details.cached_tokens; Anthropic cache reads
    int cacheCreationTokens = 0; // Anthropic cache_creation_input_tokens (part of the prompt)
    int reasoningTokens = 0; // completion_tokens_details.reasoning_tokens (part of the completion)

    QList<QPair<QByteArray, QByteArray>> extraHeaders; // e.g. retry-after on a 429
    QByteArray rawBody; // sent verbatim as application/json with `status`: malformed answers

    // Keys: status, error_message, error_type, error_code, error_after_chunks, text, chunks,
    // tool_calls ([{id, name, arguments}], arguments an object or a JSON string),
    // thinking_text, finish_reason, header_delay_ms, chunk_interval_ms, stall_after_chunks,
    // drop_after_chunks, drop_before_headers, omit_usage, prompt_tokens, completion_tokens,
    // cached_tokens, cache_creation_tokens, reasoning_tokens, headers ({name: value}),
    // raw_body (string). Unknown keys are ignored.
    static FakeStep fromJson(const QJsonObject &object);

    static FakeStep error(int status, const QString &message = {});

    // The neutral finish reason with the empty default resolved.
    QString resolvedFinishReason() const;
    // The reply text for a request whose last user message reads `lastUserText`.
    QString replyText(const QString &lastUserText) const;
    // promptTokens, or `counted` when it is not scripted.
    int promptTokensOr(int counted) const;
    // completionTokens, or the words of `reply` and of every tool call's arguments plus
    // reasoningTokens when it is not scripted.
    int completionTokensFor(const QString &reply) const;
};

} // namespace patchbay::testing
