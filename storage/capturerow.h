#pragma once

#include "requestcapture.h"
#include "valuebinder.h"

#include <QString>

class QSqlQuery;

namespace patchbay {

// The one mapping between RequestCapture and a row of request_captures, shared by the writer,
// the spill import and the Requests page's query, as LedgerRow is for requests.
class CaptureRow
{
public:
    // request_headers, response_headers, request_body, response_body, and the two truncated flags.
    static QString columns();
    static constexpr int kColumnCount = 6;

    // "INSERT OR IGNORE INTO request_captures (request_row, columns) VALUES (?, ...)". A capture
    // rides on its requests row, which is inserted first and decides whether the call is new;
    // a capture already there (a spill imported twice) must not fail the batch.
    static QString insertStatement();
    // "SELECT columns FROM request_captures WHERE request_row = <the row of request id ?>".
    static QString selectByRequestIdStatement();
    // requestRow: the id (rowid) of the capture's requests row. What was not captured binds as
    // NULL, so "not captured" and "empty" stay apart.
    static void bind(ValueBinder &b, qint64 requestRow, const RequestCapture &c);
    static void bind(QSqlQuery &q, qint64 requestRow, const RequestCapture &c);
    // Reads the columns() of the current row, starting at column first.
    static RequestCapture read(const QSqlQuery &q, int first = 0);
};

} // namespace patchbay
