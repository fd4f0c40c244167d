#pragma once

#include <QSqlDatabase>
#include <QString>

namespace patchbay {

// Opens patchbay.db (SQLite in WAL mode) on the calling thread and brings its schema up to date.
// Each thread that touches the database opens its own connection.
class Database
{
public:
    // connectionName must be unique per thread; the connection is removed by close().
    static QSqlDatabase open(const QString &path, const QString &connectionName, QString *error);
    static void close(const QString &connectionName);
};

} // namespace patchbay
