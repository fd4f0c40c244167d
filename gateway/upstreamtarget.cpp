#include "upstreamtarget.h"

#include "upstreampool.h"

#include <QHash>

namespace patchbay {

namespace {

// Past this many URLs a cache starts again: a config with many Gemini models (one URL each)
// must not grow it without end.
constexpr qsizetype kCacheLimit = 256;

template<typename Key, typename Value, typename Make>
const Value &lookup(QHash<Key, Value> &cache, const Key &key, Make make)
{
    auto it = cache.constFind(key);
    if (it != cache.constEnd())
        return *it;
    if (cache.size() >= kCacheLimit)
        cache.clear();
    return *cache.insert(key, make());
}

} // namespace

UpstreamTarget UpstreamTarget::of(const QUrl &url)
{
    UpstreamTarget t;
    const QString scheme = url.scheme();
    t.tls = scheme == QLatin1String("https");
    t.host = url.host();
    t.port = static_cast<quint16>(url.port(t.tls ? 443 : 80));
    t.poolKey = UpstreamPool::key(scheme, t.host, t.port);
    t.requestTarget = url.path(QUrl::FullyEncoded).toLatin1();
    if (t.requestTarget.isEmpty())
        t.requestTarget = "/";
    if (url.hasQuery())
        t.requestTarget += '?' + url.query(QUrl::FullyEncoded).toLatin1();
    t.hostHeader = url.host(QUrl::FullyEncoded).toLatin1();
    if (url.port() > 0 && url.port() != (t.tls ? 443 : 80))
        t.hostHeader += ':' + QByteArray::number(url.port());
    t.label = t.host + (url.port() > 0 ? QLatin1Char(':') + QString::number(url.port()) : QString());
    return t;
}

const UpstreamTarget &UpstreamTarget::cached(const QUrl &url)
{
    thread_local QHash<QUrl, UpstreamTarget> cache;
    return lookup(cache, url, [&url] { return of(url); });
}

QUrl endpointUrl(const QString &baseUrl, QStringView path)
{
    thread_local QHash<QString, QUrl> cache;
    QString key = baseUrl;
    while (key.endsWith(QLatin1Char('/')))
        key.chop(1);
    key += path;
    return lookup(cache, key, [&key] { return QUrl(key); });
}

} // namespace patchbay
