#include "database.h"

#include "migrations.h"

#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>

namespace patchbay {

QSqlDatabase Database::open(const QString &path, const QString &connectionName, QString *error)
{
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connectionName);
    db.setDatabaseName(path);
    // Waits inside SQLite for a writer on another connection instead of failing at once.
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
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

} // namespace patchbay
