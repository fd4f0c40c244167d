#pragma once

#include "usagerecord.h"

#include <QList>
#include <QSqlDatabase>
#include <QString>

namespace patchbay {

// Where ledger rows go when the database has refused them for too long: an append-only file
// of JSON lines (one LedgerJson::toSpillJson object each, captures included) in the data
// folder, and the way back in. Used on one thread at a time; a lock file keeps a second
// process on the same folder out.
class LedgerSpill
{
public:
    explicit LedgerSpill(QString path);

    const QString &path() const { return m_path; }
    bool exists() const;

    // Appends rows and syncs the file to disk before returning. All or nothing: after a failed
    // write (disk full) the file is cut back to its old length.
    bool append(const QList<UsageRecord> &rows, QString *error);

    struct ImportResult
    {
        qint64 lines = 0;    // rows read from the file
        qint64 inserted = 0; // rows that were not in the database yet
        qint64 rejected = 0; // lines that were not rows (a write cut short), kept in <path>.rejected
    };
    // Inserts every row in one transaction, then removes the file. INSERT OR IGNORE on the
    // unique request_id: if a crash came between the commit and the removal, importing again
    // adds nothing twice. A missing file imports nothing and succeeds.
    bool importInto(QSqlDatabase &db, ImportResult *result, QString *error);

private:
    QString m_path;
};

} // namespace patchbay
