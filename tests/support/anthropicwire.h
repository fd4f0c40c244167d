#pragma once

#include "faketoolcall.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace patchbay::testing {

// The JSON shapes of Anthropic's Messages API (POST /v1/messages, count_tokens, models),
// kept apart from the HTTP plumbing so they can be checked against the public reference
// in one place.
class AnthropicWire
{
public:
    struct Usage
    {
        int inputTokens = 0; // the uncached part of the prompt, as Anthropic counts it
        int outputTokens = 0;
        int cacheCreationTokens = 0;
        int cacheReadTokens = 0;
    };

    // {"type":"error","error":{"type","message"},"request_id"}; empty message/type take the
    // wording Anthropic uses for that status; empty requestId leaves the field out (as in
    // the stream's error event).
    static QJsonObject error(int status, const QString &message = {}, const QString &type = {},
                             const QString &requestId = {});
    static QString errorType(int status); // invalid_request_error … overloaded_error

    static QJsonObject usage(const Usage &usage);
    static QJsonObject message(const QString &id, const QString &model, const QJsonArray &content,
                               const QJsonValue &stopReason, const QJsonValue &stopSequence,
                               const QJsonObject &usage); // empty usage: field left out
    static QJsonObject textBlock(const QString &text);
    static QJsonObject thinkingBlock(const QString &thinking, const QString &signature);
    static QJsonObject toolUseBlock(const QString &id, const FakeToolCall &call);
    // "event: <name>\ndata: <compact json>\n\n"
    static QByteArray event(const QByteArray &name, const QJsonObject &data);

    // stop → end_turn, length → max_tokens, tool_calls → tool_use, content_filter → refusal,
    // stop_sequence → stop_sequence; anything else passes through.
    static QString stopReasonFor(const QString &neutral);

    // GET /v1/models: {"data":[…],"has_more":false,"first_id","last_id"}
    static QJsonObject modelList(const QStringList &models);
    static QJsonObject model(const QString &id);

    static QString newMessageId();   // "msg_01" and 22 random characters
    static QString newToolUseId();   // "toolu_01" and 22 random characters
    static QString newRequestId();   // "req_011C" and 20 random characters
    static QString newSignature();   // opaque base64, as thinking blocks carry
    static QString organizationId(); // fixed per process

    // Why the request would be refused with 400 invalid_request_error, worded as Anthropic
    // does ("max_tokens: Field required"); empty when it is acceptable. Unknown top-level
    // fields are refused, as the real API refuses them.
    static QString invalidRequestReason(const QJsonObject &request, bool countTokens);
    // The text blocks of the last user message, joined.
    static QString lastUserText(const QJsonObject &request);
    // Words over the system prompt and every message's text, tool results included.
    static int promptWords(const QJsonObject &request);
    // thinking: {"type":"enabled"|"adaptive", …}
    static bool thinkingEnabled(const QJsonObject &request);
};

} // namespace patchbay::testing
