#include "httpmessage.h"

#include <charconv>

namespace patchbay {

namespace {

bool sameName(QByteArrayView a, QByteArrayView b)
{
    return a.size() == b.size() && a.compare(b, Qt::CaseInsensitive) == 0;
}

bool connectionHas(const HttpHeaders &headers, QByteArrayView token)
{
    for (const auto &item : headers.items()) {
        if (!sameName(item.first, "connection"))
            continue;
        QByteArrayView rest(item.second);
        while (!rest.isEmpty()) {
            const qsizetype comma = rest.indexOf(',');
            const QByteArrayView part = (comma < 0 ? rest : rest.first(comma)).trimmed();
            if (sameName(part, token))
                return true;
            rest = comma < 0 ? QByteArrayView() : rest.sliced(comma + 1);
        }
    }
    return false;
}

} // namespace

void appendHeaderLine(QByteArray &out, QByteArrayView name, QByteArrayView value)
{
    out.append(name).append(": ", 2).append(value).append("\r\n", 2);
}

void appendNumber(QByteArray &out, qint64 value)
{
    char digits[24];
    const auto result = std::to_chars(digits, digits + sizeof digits, value);
    out.append(digits, result.ptr - digits);
}

QByteArray HttpHeaders::value(QByteArrayView name) const
{
    for (const auto &item : m_items) {
        if (sameName(item.first, name))
            return item.second;
    }
    return {};
}

bool HttpHeaders::contains(QByteArrayView name) const
{
    for (const auto &item : m_items) {
        if (sameName(item.first, name))
            return true;
    }
    return false;
}

QList<QByteArray> HttpHeaders::values(QByteArrayView name) const
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

void HttpHeaders::remove(QByteArrayView name)
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
