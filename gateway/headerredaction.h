#pragma once

#include "httpmessage.h"

#include <QByteArray>
#include <QByteArrayView>

namespace patchbay {

// Request and response heads as text for the ledger's capture, with every credential taken
// out: the values of Authorization, Proxy-Authorization, Cookie, Set-Cookie and of any header
// whose name speaks of a key, token, secret, password, credential, signature or auth (x-api-key,
// x-goog-api-key, api-key …), and the same for query parameters. A credential keeps at most
// its scheme ("Bearer [redacted]"): even the last few characters of a key narrow a search.
class HeaderRedaction
{
public:
    static constexpr QByteArrayView kRedacted = "[redacted]";

    // True for a header or query parameter name that may carry a credential. Case-insensitive.
    static bool isSecretName(QByteArrayView name);
    // "Bearer abc" → "Bearer [redacted]"; "abc" → "[redacted]"; "" stays "".
    static QByteArray redactedValue(QByteArrayView value);
    // A request target with secret query values redacted ("/v1/x?key=[redacted]&alt=sse").
    // Returned as it came, without a copy, when it has no query.
    static QByteArray redactedTarget(const QByteArray &target);

    // "POST /v1/chat/completions HTTP/1.1", then one "Name: value" line per header.
    static QByteArray requestHead(const HttpRequestHead &head);
    // "HTTP/1.1 200", then the headers, then Content-Length (or, for contentLength < 0,
    // Transfer-Encoding: chunked).
    static QByteArray responseHead(int status, const HttpHeaders &headers, qint64 contentLength);
};

} // namespace patchbay
