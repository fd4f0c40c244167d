#include "receivedrequest.h"

#include <QJsonDocument>

namespace patchbay::testing {

QByteArray ReceivedRequest::header(const QByteArray &name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

bool ReceivedRequest::hasHeader(const QByteArray &name) const
{
    for (const auto &entry : headers) {
        if (entry.first.compare(name, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

QJsonObject ReceivedRequest::json() const
{
    return QJsonDocument::fromJson(body).object();
}

QJsonObject ReceivedRequest::toJson() const
{
    QJsonObject headerObject;
    for (const auto &[key, value] : headers) {
        const QString lower = QString::fromLatin1(key).toLower();
        // Repeated headers are joined the way HTTP allows folding them.
        const QString previous = headerObject.value(lower).toString();
        const QString text = QString::fromUtf8(value);
        headerObject.insert(lower, previous.isEmpty() ? text : previous + QStringLiteral(", ") + text);
    }
    return QJsonObject{
        {QStringLiteral("method"), QString::fromLatin1(method)},
        {QStringLiteral("path"), QString::fromLatin1(path)},
        {QStringLiteral("headers"), headerObject},
        {QStringLiteral("body"), QString::fromUtf8(body)},
    };
}

} // namespace patchbay::testing
