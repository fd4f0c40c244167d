#include "capturerow.h"

#include <QSqlQuery>
#include <QVariant>

namespace patchbay {

namespace {

// Headers are text for whoever opens the database with another tool. Converted here, on the
// ledger's thread, so the gateway only ever handles bytes.
QVariant headerText(bool captured, const QByteArray &lines)
{
    return captured ? QVariant(QString::fromUtf8(lines)) : QVariant();
}

// A null QByteArray would bind as NULL, which means "not captured"; an empty body is not that.
QVariant bodyBlob(bool captured, const QByteArray &body)
{
    if (!captured)
        return {};
    return body.isNull() ? QVariant(QByteArray("")) : QVariant(body);
}

} // namespace

QString CaptureRow::columns()
{
    return QStringLiteral("request_headers, response_headers, request_body, response_body, request_body_truncated, "
                          "response_body_truncated");
}

QString CaptureRow::insertStatement()
{
    return QStringLiteral("INSERT OR IGNORE INTO request_captures (request_id, %1) VALUES (?, ?, ?, ?, ?, ?, ?)").arg(columns());
}

void CaptureRow::bind(QSqlQuery &q, const QString &requestId, const RequestCapture &c)
{
    int i = 0;
    q.bindValue(i++, requestId);
    q.bindValue(i++, headerText(c.headersCaptured, c.requestHeaders));
    q.bindValue(i++, headerText(c.headersCaptured, c.responseHeaders));
    q.bindValue(i++, bodyBlob(c.bodiesCaptured, c.requestBody));
    q.bindValue(i++, bodyBlob(c.bodiesCaptured, c.responseBody));
    q.bindValue(i++, c.requestBodyTruncated ? 1 : 0);
    q.bindValue(i++, c.responseBodyTruncated ? 1 : 0);
    Q_ASSERT(i == 1 + kColumnCount);
}

RequestCapture CaptureRow::read(const QSqlQuery &q, int first)
{
    int i = first;
    RequestCapture c;
    const QVariant requestHeaders = q.value(i++);
    const QVariant responseHeaders = q.value(i++);
    c.headersCaptured = !requestHeaders.isNull();
    c.requestHeaders = requestHeaders.toString().toUtf8();
    c.responseHeaders = responseHeaders.toString().toUtf8();
    const QVariant requestBody = q.value(i++);
    const QVariant responseBody = q.value(i++);
    c.bodiesCaptured = !requestBody.isNull();
    c.requestBody = requestBody.toByteArray();
    c.responseBody = responseBody.toByteArray();
    c.requestBodyTruncated = q.value(i++).toInt() != 0;
    c.responseBodyTruncated = q.value(i++).toInt() != 0;
    Q_ASSERT(i == first + kColumnCount);
    return c;
}

} // namespace patchbay
