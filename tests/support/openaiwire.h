#pragma once

#include "faketoolcall.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace patchbay::testing {

// The JSON shapes of OpenAI's Chat Completions API, kept apart from the HTTP plumbing so
// the fake's wire format can be compared with the public reference in one place.
class OpenAiWire
{
public:
    struct Usage
    {
        int promptTokens = 0;
        int completionTokens = 0;
        int cachedTokens = 0;
        int reasoningTokens = 0;
    };

    // {"error":{"message","type","param","code"}}; empty message/type/code take the wording
    // OpenAI uses for that status. `model` only colours the default wording.
    static QJsonObject error(int status, const QString &message = {}, const QString &type = {},
                             const QString &code = {}, const QString &model = {});
    static QJsonObject invalidKeyError(const QString &presentedKey);
    static QJsonObject missingKeyError();
    static QJsonObject invalidUrlError(const QByteArray &method, const QByteArray &path);
    static QJsonObject unparsableJsonError();
    static QJsonObject missingParameterError(const QString &parameter);

    static QJsonObject usage(const Usage &usage);
    static QJsonObject completion(const QString &id, qint64 created, const QString &model,
                                  const QString &text, const QString &finishReason,
                                  const QJsonObject &usage); // empty usage: field left out
    static QJsonObject completionWithMessage(const QString &id, qint64 created, const QString &model,
                                             const QJsonObject &message, const QString &finishReason,
                                             const QJsonObject &usage);
    // content is null when there is no text but there are tool calls, as OpenAI sends it;
    // reasoning_content (DeepSeek and other compatible servers) only when given.
    static QJsonObject assistantMessage(const QString &text, const QJsonArray &toolCalls = {},
                                        const QString &reasoning = {});
    // {"id","type":"function","function":{"name","arguments"}}
    static QJsonObject toolCall(const QString &id, const FakeToolCall &call);
    // A stream's delta.tool_calls entry: the first piece carries id, type and name with
    // empty arguments; later pieces carry only index and an arguments fragment.
    static QJsonObject toolCallHeadDelta(int index, const QString &id, const QString &name);
    static QJsonObject toolCallArgumentsDelta(int index, const QString &fragment);
    // The neutral finish reasons are OpenAI's own, except stop_sequence, which OpenAI
    // reports as "stop"; anything else passes through.
    static QString finishReasonFor(const QString &neutral);
    static QJsonObject chunk(const QString &id, qint64 created, const QString &model,
                             const QJsonArray &choices);
    static QJsonObject chunkChoice(const QJsonObject &delta, const QJsonValue &finishReason);

    static QJsonObject modelList(const QStringList &models);
    static QJsonObject model(const QString &id);

    static QString newCompletionId();   // "chatcmpl-" and 29 random characters
    static QString newToolCallId();     // "call_" and 24 random characters
    static QString newRequestId();      // x-request-id: "req_" and 32 hex digits
    static QString systemFingerprint(); // fixed per process, as a deployment would be
    static QString obfuscation(int length); // padding OpenAI adds to stream events

    // OpenAI shows the first 8 and last 4 characters; the fake masks short keys entirely so
    // a test key never reaches a log whole.
    static QString maskKey(const QString &key);

    // Text of the last user message: string content, or its text parts concatenated.
    static QString lastUserText(const QJsonObject &request);
    // Whitespace-separated words over every message's text: the fake's token count.
    static int promptWords(const QJsonObject &request);
    static int wordCount(const QString &text);
    // Up to 3 pieces cut at word starts, so that joining them gives back `text` exactly.
    static QStringList splitPieces(const QString &text);
};

} // namespace patchbay::testing
