#pragma once

#include <QSqlDatabase>
#include <QString>

namespace patchbay {

// Opens patchbay.db (SQLite in WAL mode) on the calling thread and brings its schema up to date.
// Each thread that touches the database opens its own connection.
class Database
{
public:
    // SQLite waits this long for another connection's write lock before it reports "locked".
    static constexpr int kDefaultBusyTimeoutMs = 5000;

    // connectionName must be unique per thread; the connection is removed by close().
    static QSqlDatabase open(const QString &path, const QString &connectionName, QString *error,
                             int busyTimeoutMs = kDefaultBusyTimeoutMs);
    static void close(const QString &connectionName);

    // A consistent copy of the whole database (VACUUM INTO) at path, taken while others keep
    // reading and writing. Never overwrites: false with a sentence when path exists.
    static bool backup(QSqlDatabase &db, const QString &path, QString *error);
};

} // namespace patchbay
