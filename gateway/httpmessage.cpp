#include "httpmessage.h"

namespace patchbay {

namespace {

bool sameName(const QByteArray &a, const QByteArray &b)
{
    return a.compare(b, Qt::CaseInsensitive) == 0;
}

bool connectionHas(const HttpHeaders &headers, const char *token)
{
    for (const QByteArray &v : headers.values("connection")) {
        for (const QByteArray &part : v.split(',')) {
            if (sameName(part.trimmed(), token))
                return true;
        }
    }
    return false;
}

} // namespace

QByteArray HttpHeaders::value(const QByteArray &name) const
{
    for (const auto &item : m_items) {
        if (sameName(item.first, name))
            return item.second;
    }
    return {};
}

bool HttpHeaders::contains(const QByteArray &name) const
{
    for (const auto &item : m_items) {
        if (sameName(item.first, name))
            return true;
    }
    return false;
}

QList<QByteArray> HttpHeaders::values(const QByteArray &name) const
{
    QList<QByteArray> out;
    for (const auto &item : m_items) {
        if (sameName(item.first, name))
            out.append(item.second);
    }
    return out;
}

void HttpHeaders::set(const QByteArray &name, const QByteArray &value)
{
    remove(name);
    add(name, value);
}

void HttpHeaders::remove(const QByteArray &name)
{
    m_items.removeIf([&](const auto &item) { return sameName(item.first, name); });
}

QByteArray HttpRequestHead::path() const
{
    const qsizetype q = target.indexOf('?');
    return q < 0 ? target : target.left(q);
}

bool HttpRequestHead::keepAlive() const
{
    if (versionMinor == 0)
        return connectionHas(headers, "keep-alive");
    return !connectionHas(headers, "close");
}

bool HttpResponseHead::keepAlive() const
{
    if (versionMinor == 0)
        return connectionHas(headers, "keep-alive");
    return !connectionHas(headers, "close");
}

} // namespace patchbay
