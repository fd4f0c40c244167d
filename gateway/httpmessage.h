#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>

namespace patchbay {

// Header fields in arrival order; names compare case-insensitively.
class HttpHeaders
{
public:
    // Lookups take views so that asking for "content-length" allocates nothing.
    QByteArray value(QByteArrayView name) const;
    bool contains(QByteArrayView name) const;
    QList<QByteArray> values(QByteArrayView name) const;
    void add(const QByteArray &name, const QByteArray &value) { m_items.append({name, value}); }
    void set(const QByteArray &name, const QByteArray &value);
    void remove(QByteArrayView name);
    void reserve(qsizetype count) { m_items.reserve(count); }
    const QList<QPair<QByteArray, QByteArray>> &items() const { return m_items; }
    bool isEmpty() const { return m_items.isEmpty(); }

private:
    QList<QPair<QByteArray, QByteArray>> m_items;
};

// Appending a head without temporaries: "name: value\r\n", and a number's digits.
void appendHeaderLine(QByteArray &out, QByteArrayView name, QByteArrayView value);
void appendNumber(QByteArray &out, qint64 value);

struct HttpRequestHead
{
    QByteArray method;
    QByteArray target; // as sent: path and query
    int versionMinor = 1;
    HttpHeaders headers;

    QByteArray path() const;
    // HTTP/1.1 keeps the connection unless told otherwise; HTTP/1.0 only when asked.
    bool keepAlive() const;
};

struct HttpResponseHead
{
    int status = 0;
    QByteArray reason;
    int versionMinor = 1;
    HttpHeaders headers;

    bool keepAlive() const;
};

} // namespace patchbay
