#include "tokenusage.h"

namespace patchbay {

TokenUsage TokenUsage::fromOpenAi(const QJsonObject &usage)
{
    TokenUsage u;
    const QJsonValue in = usage.value(QLatin1String("prompt_tokens"));
    const QJsonValue out = usage.value(QLatin1String("completion_tokens"));
    if (in.isDouble())
        u.input = in.toInteger();
    if (out.isDouble())
        u.output = out.toInteger();
    return u;
}

} // namespace patchbay
