#pragma once

#include "appconfig.h"
#include "upstreamcall.h"

#include <QStringList>

namespace patchbay {

// How to ask a provider which models it serves, in its own dialect, and how to read the
// answer. Used by the gateway's model catalog and by the Providers page's Test button.
class ModelListing
{
public:
    // GET {base}/models with the dialect's auth headers (never the key in the URL).
    static UpstreamRequest request(const ProviderConfig &provider, const QString &apiKey);
    // Model ids as they are used in chat calls, in the provider's order; empty when the body
    // is not a model list. Gemini's "models/…" names lose their prefix, and its models that
    // cannot chat (embeddings) are left out.
    static QStringList read(const QString &dialect, const QByteArray &body);
};

} // namespace patchbay
