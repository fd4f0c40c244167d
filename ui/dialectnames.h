#pragma once

#include <QString>

namespace patchbay {

// How the UI names the wire dialects a provider can speak (ProviderConfig::dialect), so the
// list, the editor and its messages all use the same words.
class DialectNames
{
public:
    // For the providers list: "OpenAI-compatible", "Anthropic", "Gemini".
    static QString shortName(const QString &dialect);
    // For the editor, where there is room to say which API it is.
    static QString longName(const QString &dialect);
    // The choice offered for a server of the user's own: "OpenAI-compatible", "Anthropic-compatible".
    static QString compatibleName(const QString &dialect);
    // The path a base URL usually ends in, for hints: "/v1", or "/v1beta" for Gemini.
    static QString versionPath(const QString &dialect);
};

} // namespace patchbay
