#include "dialects.h"

#include "anthropicdialect.h"
#include "geminidialect.h"
#include "openaidialect.h"

namespace patchbay {

namespace {
// Each dialect is one stateless object; it registers below in client() and/or provider().
const OpenAiDialect g_openAi;
const AnthropicDialect g_anthropic;
const GeminiDialect g_gemini;
} // namespace

const ClientCodec *Dialects::client(Dialect dialect)
{
    switch (dialect) {
    case Dialect::OpenAi: return &g_openAi;
    case Dialect::Anthropic: return &g_anthropic;
    default: return nullptr;
    }
}

const ProviderCodec *Dialects::provider(Dialect dialect)
{
    switch (dialect) {
    case Dialect::OpenAi: return &g_openAi;
    case Dialect::Anthropic: return &g_anthropic;
    case Dialect::Gemini: return &g_gemini;
    default: return nullptr;
    }
}

QString Dialects::name(Dialect dialect)
{
    switch (dialect) {
    case Dialect::OpenAi: return QStringLiteral("openai");
    case Dialect::Anthropic: return QStringLiteral("anthropic");
    case Dialect::Gemini: return QStringLiteral("gemini");
    }
    return {};
}

std::optional<Dialect> Dialects::fromName(const QString &name)
{
    for (Dialect d : {Dialect::OpenAi, Dialect::Anthropic, Dialect::Gemini}) {
        if (Dialects::name(d) == name)
            return d;
    }
    return std::nullopt;
}

} // namespace patchbay
