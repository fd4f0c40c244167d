#pragma once

#include <QSqlDatabase>
#include <QString>
#include <QStringList>

namespace patchbay {

// The schema's history: named, append-only steps recorded in schema_migrations.
// A step is never edited or removed once shipped, and never drops user data.
class Migrations
{
public:
    // Applies every step the database has not seen, each in its own transaction.
    static bool apply(QSqlDatabase &db, QString *error);
    static QStringList names();
    static QStringList applied(QSqlDatabase &db);
};

} // namespace patchbay
