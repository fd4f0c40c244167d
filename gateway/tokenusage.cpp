#include "tokenusage.h"

namespace patchbay {

namespace {
qint64 count(const QJsonObject &o, const char *key)
{
    const QJsonValue v = o.value(QLatin1String(key));
    return v.isDouble() ? v.toInteger() : -1;
}
} // namespace

void TokenUsage::merge(const TokenUsage &other)
{
    for (auto [mine, theirs] : {std::pair{&input, other.input}, std::pair{&output, other.output},
                                std::pair{&cacheRead, other.cacheRead}, std::pair{&cacheWrite, other.cacheWrite},
                                std::pair{&reasoning, other.reasoning}}) {
        if (theirs >= 0)
            *mine = theirs;
    }
}

TokenUsage TokenUsage::fromOpenAi(const QJsonObject &usage)
{
    TokenUsage u;
    // Chat completions and embeddings say prompt/completion; the Responses API says input/output.
    const bool responses = usage.contains(QLatin1String("input_tokens"));
    u.input = count(usage, responses ? "input_tokens" : "prompt_tokens");
    u.output = count(usage, responses ? "output_tokens" : "completion_tokens");
    u.cacheRead = count(usage.value(QLatin1String(responses ? "input_tokens_details" : "prompt_tokens_details")).toObject(), "cached_tokens");
    u.reasoning = count(usage.value(QLatin1String(responses ? "output_tokens_details" : "completion_tokens_details")).toObject(),
                        "reasoning_tokens");
    if (u.cacheRead < 0)
        u.cacheRead = count(usage, "prompt_cache_hit_tokens"); // DeepSeek's own name for it
    return u;
}

} // namespace patchbay
