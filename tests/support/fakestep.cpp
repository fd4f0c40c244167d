#include "fakestep.h"

#include "replytext.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace patchbay::testing {

FakeStep FakeStep::fromJson(const QJsonObject &object)
{
    FakeStep step;
    const auto integer = [&object](const char *key, int fallback) {
        return object.value(QLatin1String(key)).toInt(fallback);
    };
    const auto string = [&object](const char *key, const QString &fallback = {}) {
        return object.value(QLatin1String(key)).toString(fallback);
    };
    step.status = integer("status", step.status);
    step.errorMessage = string("error_message");
    step.errorType = string("error_type");
    step.errorCode = string("error_code");
    step.errorAfterChunks = integer("error_after_chunks", step.errorAfterChunks);
    step.text = string("text");
    for (const auto &chunk : object.value(QLatin1String("chunks")).toArray())
        step.chunks.append(chunk.toString());
    for (const auto &entry : object.value(QLatin1String("tool_calls")).toArray()) {
        const QJsonObject call = entry.toObject();
        const QJsonValue arguments = call.value(QLatin1String("arguments"));
        // Scripts may give the arguments as an object (natural in JSON) or as the string
        // the model would emit (to script malformed arguments).
        const QString argumentsJson = arguments.isObject()
            ? QString::fromUtf8(QJsonDocument(arguments.toObject()).toJson(QJsonDocument::Compact))
            : arguments.toString();
        step.toolCalls.append({call.value(QLatin1String("id")).toString(),
                               call.value(QLatin1String("name")).toString(), argumentsJson});
    }
    step.thinkingText = string("thinking_text");
    step.finishReason = string("finish_reason", step.finishReason);
    step.headerDelayMs = integer("header_delay_ms", step.headerDelayMs);
    step.chunkIntervalMs = integer("chunk_interval_ms", step.chunkIntervalMs);
    step.stallAfterChunks = integer("stall_after_chunks", step.stallAfterChunks);
    step.dropAfterChunks = integer("drop_after_chunks", step.dropAfterChunks);
    step.dropBeforeHeaders = object.value(QLatin1String("drop_before_headers")).toBool();
    step.omitUsage = object.value(QLatin1String("omit_usage")).toBool();
    step.promptTokens = integer("prompt_tokens", step.promptTokens);
    step.completionTokens = integer("completion_tokens", step.completionTokens);
    step.cachedTokens = integer("cached_tokens", step.cachedTokens);
    step.cacheCreationTokens = integer("cache_creation_tokens", step.cacheCreationTokens);
    step.reasoningTokens = integer("reasoning_tokens", step.reasoningTokens);
    const QJsonObject headers = object.value(QLatin1String("headers")).toObject();
    for (auto it = headers.begin(); it != headers.end(); ++it)
        step.extraHeaders.emplaceBack(it.key().toUtf8(), it.value().toString().toUtf8());
    step.rawBody = string("raw_body").toUtf8();
    return step;
}

FakeStep FakeStep::error(int status, const QString &message)
{
    FakeStep step;
    step.status = status;
    step.errorMessage = message;
    return step;
}

QString FakeStep::resolvedFinishReason() const
{
    if (!finishReason.isEmpty())
        return finishReason;
    return toolCalls.isEmpty() ? QStringLiteral("stop") : QStringLiteral("tool_calls");
}

QString FakeStep::replyText(const QString &lastUserText) const
{
    if (!text.isEmpty())
        return text;
    if (!chunks.isEmpty())
        return chunks.join(QString());
    if (!toolCalls.isEmpty())
        return {}; // a pure tool call carries no text
    return QStringLiteral("Echo: ") + lastUserText;
}

int FakeStep::promptTokensOr(int counted) const
{
    return promptTokens >= 0 ? promptTokens : counted;
}

int FakeStep::completionTokensFor(const QString &reply) const
{
    if (completionTokens >= 0)
        return completionTokens;
    int words = ReplyText::wordCount(reply);
    for (const auto &call : toolCalls)
        words += ReplyText::wordCount(call.argumentsJson);
    // As OpenAI counts it: the reasoning is part of the completion.
    return words + reasoningTokens;
}

} // namespace patchbay::testing
