#pragma once

#include "dialect.h"

#include <QString>
#include <optional>

namespace patchbay {

// The codecs by dialect. Stateless, shared by every request on the gateway thread.
class Dialects
{
public:
    static const ClientCodec *client(Dialect dialect);     // nullptr for Gemini (no client side)
    static const ProviderCodec *provider(Dialect dialect);
    static QString name(Dialect dialect);                  // "openai", "anthropic", "gemini"
    static std::optional<Dialect> fromName(const QString &name);
};

} // namespace patchbay
