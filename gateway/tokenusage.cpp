#include "tokenusage.h"

#include "jsonreader.h"

#include <QJsonDocument>

#include <algorithm>
#include <iterator>

namespace patchbay {

namespace {
qint64 count(const QJsonObject &o, const char *key)
{
    const QJsonValue v = o.value(QLatin1String(key));
    return v.isDouble() ? v.toInteger() : -1;
}

// Every member fromOpenAi may read, so that one pass over the bytes finds them all.
enum OpenAiMember {
    PromptTokens,
    CompletionTokens,
    InputTokens,
    OutputTokens,
    CacheHitTokens,
    PromptDetails,
    CompletionDetails,
    InputDetails,
    OutputDetails,
    OpenAiMemberCount
};
constexpr QByteArrayView kOpenAiMembers[] = {
    "prompt_tokens",
    "completion_tokens",
    "input_tokens",
    "output_tokens",
    "prompt_cache_hit_tokens",
    "prompt_tokens_details",
    "completion_tokens_details",
    "input_tokens_details",
    "output_tokens_details",
};
static_assert(std::size(kOpenAiMembers) == OpenAiMemberCount);

// count(value.toObject(), key): a value that is not an object counts as an empty one.
bool readDetail(JsonReader &reader, QByteArrayView key, qint64 *count)
{
    if (!reader.atObject())
        return reader.skipValue();
    return reader.readMember(key, [&] { return reader.readInteger(count); });
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

TokenUsage TokenUsage::fromOpenAiText(QByteArrayView usage)
{
    TokenUsage u;
    JsonReader reader(usage);
    if (readOpenAi(reader, &u) && reader.atEnd())
        return u;
    return fromOpenAi(QJsonDocument::fromJson(usage.toByteArray()).object());
}

bool TokenUsage::readOpenAi(JsonReader &reader, TokenUsage *out)
{
    // count() gives -1 to a member that is absent or not a number.
    qint64 figures[OpenAiMemberCount];
    std::fill(std::begin(figures), std::end(figures), -1);
    bool responses = false;
    const bool read = reader.readMembers(kOpenAiMembers, [&](int member) {
        switch (member) {
        case PromptDetails:
        case InputDetails:
            return readDetail(reader, "cached_tokens", &figures[member]);
        case CompletionDetails:
        case OutputDetails:
            return readDetail(reader, "reasoning_tokens", &figures[member]);
        default:
            responses = responses || member == InputTokens;
            return reader.readInteger(&figures[member]);
        }
    });
    if (!read)
        return false;
    // The shape is told apart as fromOpenAi tells it.
    TokenUsage u;
    u.input = figures[responses ? InputTokens : PromptTokens];
    u.output = figures[responses ? OutputTokens : CompletionTokens];
    u.cacheRead = figures[responses ? InputDetails : PromptDetails];
    u.reasoning = figures[responses ? OutputDetails : CompletionDetails];
    if (u.cacheRead < 0)
        u.cacheRead = figures[CacheHitTokens];
    *out = u;
    return true;
}

} // namespace patchbay
