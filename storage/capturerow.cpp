#include "capturerow.h"

#include <QSqlQuery>
#include <QVariant>

namespace patchbay {

QString CaptureRow::columns()
{
    return QStringLiteral("request_headers, response_headers, request_body, response_body, request_body_truncated, "
                          "response_body_truncated");
}

QString CaptureRow::insertStatement()
{
    return QStringLiteral("INSERT OR IGNORE INTO request_captures (request_row, %1) VALUES (?, ?, ?, ?, ?, ?, ?)").arg(columns());
}

QString CaptureRow::selectByRequestIdStatement()
{
    return QStringLiteral("SELECT %1 FROM request_captures WHERE request_row = (SELECT id FROM requests WHERE request_id = ?)")
        .arg(columns());
}

void CaptureRow::bind(ValueBinder &b, qint64 requestRow, const RequestCapture &c)
{
    int i = 0;
    b.bindInt64(i++, requestRow);
    // Headers are text for whoever opens the database with another tool; NULL when not
    // captured, so "not captured" and "empty" stay apart.
    for (const QByteArray *headers : {&c.requestHeaders, &c.responseHeaders}) {
        if (c.headersCaptured)
            b.bindUtf8(i++, *headers);
        else
            b.bindNull(i++);
    }
    for (const QByteArray *body : {&c.requestBody, &c.responseBody}) {
        if (c.bodiesCaptured)
            b.bindBlob(i++, *body);
        else
            b.bindNull(i++);
    }
    b.bindInt64(i++, c.requestBodyTruncated ? 1 : 0);
    b.bindInt64(i++, c.responseBodyTruncated ? 1 : 0);
    Q_ASSERT(i == 1 + kColumnCount);
}

void CaptureRow::bind(QSqlQuery &q, qint64 requestRow, const RequestCapture &c)
{
    QueryBinder b(q);
    bind(b, requestRow, c);
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
