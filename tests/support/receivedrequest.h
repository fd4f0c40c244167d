#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QPair>

namespace patchbay::testing {

// One HTTP request as the fake provider received it, body already de-chunked.
struct ReceivedRequest
{
    QByteArray method;
    QByteArray path; // as sent, query included
    QList<QPair<QByteArray, QByteArray>> headers; // in arrival order, names as sent
    QByteArray body;

    // Case-insensitive; the first occurrence; empty when absent.
    QByteArray header(const QByteArray &name) const;
    bool hasHeader(const QByteArray &name) const;
    // The body as a JSON object; empty when the body is not one.
    QJsonObject json() const;
    // {method, path, headers:{lower-case name: value}, body} for the control endpoint.
    QJsonObject toJson() const;
};

} // namespace patchbay::testing

Q_DECLARE_METATYPE(patchbay::testing::ReceivedRequest)
