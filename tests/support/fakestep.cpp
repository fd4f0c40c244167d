#include "fakestep.h"

#include <QJsonArray>

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
    step.text = string("text");
    for (const auto &chunk : object.value(QLatin1String("chunks")).toArray())
        step.chunks.append(chunk.toString());
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

} // namespace patchbay::testing
