#include "database.h"

#include "migrations.h"

#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>

namespace patchbay {

QSqlDatabase Database::open(const QString &path, const QString &connectionName, QString *error, int busyTimeoutMs)
{
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connectionName);
    db.setDatabaseName(path);
    // Waits inside SQLite for a writer on another connection instead of failing at once.
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(busyTimeoutMs));
    if (!db.open()) {
        *error = QStringLiteral("Could not open the database %1: %2. Check that the data folder is writable.")
                     .arg(path, db.lastError().text());
        return {};
    }
    QSqlQuery q(db);
    for (const char *pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON"}) {
        if (!q.exec(QLatin1String(pragma))) {
            *error = QStringLiteral("The database %1 could not be set up (%2): %3")
                         .arg(path, QLatin1String(pragma), q.lastError().text());
            db.close();
            return {};
        }
    }
    QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    if (!Migrations::apply(db, error)) {
        db.close();
        return {};
    }
    return db;
}

void Database::close(const QString &connectionName)
{
    {
        QSqlDatabase db = QSqlDatabase::database(connectionName, false);
        if (db.isOpen())
            db.close();
    }
    QSqlDatabase::removeDatabase(connectionName);
}

bool Database::backup(QSqlDatabase &db, const QString &path, QString *error)
{
    if (QFileInfo::exists(path)) {
        *error = QStringLiteral("%1 already exists; a backup never overwrites a file. Choose a new file name.").arg(path);
        return false;
    }
    QSqlQuery q(db);
    // The file name is bound, not spliced into the SQL, so any path is safe.
    if (!q.prepare(QStringLiteral("VACUUM INTO ?"))) {
        *error = QStringLiteral("Could not back up the database: %1").arg(q.lastError().text());
        return false;
    }
    q.addBindValue(path);
    if (!q.exec()) {
        *error = QStringLiteral("Could not back up the database to %1: %2. Check that the folder exists and is writable.")
                     .arg(path, q.lastError().text());
        return false;
    }
    // It holds the same usage history and token hashes as the original.
    QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    return true;
}

} // namespace patchbay
