#pragma once

#include <QByteArray>
#include <QString>
#include <QUrl>

namespace patchbay {

// What an upstream exchange needs of its URL, worked out once per URL and thread rather than
// on every call: the pool's key, where to connect, and the request line's target and Host.
// Every call to one provider has the same URL, and taking a QUrl apart (scheme, host, port,
// encoded path) cost about 5k instructions a call.
struct UpstreamTarget
{
    QString poolKey;          // scheme://host:port
    QString host;
    quint16 port = 0;         // the URL's, or the scheme's default
    bool tls = false;
    QByteArray requestTarget; // encoded path and query, "/" when empty
    QByteArray hostHeader;    // host, and the port when it is not the scheme's default
    QString label;            // host[:port] as messages name the provider's server

    static UpstreamTarget of(const QUrl &url);
    // The same, from a per-thread cache (bounded; the gateway calls a handful of URLs).
    static const UpstreamTarget &cached(const QUrl &url);
};

// QUrl(base + path) with the base's trailing slashes dropped, from a per-thread cache: the
// dialects build every call's URL from the provider's base URL this way.
QUrl endpointUrl(const QString &baseUrl, QStringView path);

} // namespace patchbay
