#pragma once

#include "usagerecord.h"
#include "valuebinder.h"

#include <QString>

class QSqlQuery;

namespace patchbay {

// The one mapping between UsageRecord and a row of the requests table, shared by the writer,
// the spill import, queries and exports so a new field is added in one place.
class LedgerRow
{
public:
    // The record's columns in a fixed order, for SELECT and INSERT lists.
    static QString columns();
    static constexpr int kColumnCount = 23;

    enum class Conflict { Fail, Ignore };
    // "INSERT [OR IGNORE] INTO requests (columns) VALUES (?, ...)".
    static QString insertStatement(Conflict conflict);
    // "INSERT OR IGNORE INTO requests (id, columns) VALUES (?, ?, ...), ..." for rows rows, each
    // its id (NULL: the next free one) and then the record, for the writer.
    static QString insertWithIdsStatement(int rows);
    // Binds r to a statement from insertStatement() (or, from parameter first on, to one row of
    // insertWithIdsStatement()). Unknowns (-1, unset cost) become NULL.
    static void bind(ValueBinder &b, const UsageRecord &r, int first = 0);
    static void bind(QSqlQuery &q, const UsageRecord &r);
    // Reads the columns() of the current row, starting at column first.
    static UsageRecord read(const QSqlQuery &q, int first = 0);
};

} // namespace patchbay
