#include "migrations.h"

#include <QDateTime>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace patchbay {

namespace {

struct Migration
{
    const char *name;
    QList<const char *> statements;
};

// Append only. To change the schema, add a step at the end.
const QList<Migration> &allMigrations()
{
    static const QList<Migration> steps = {
        {"0001_create_requests",
         {R"(CREATE TABLE requests (
                id INTEGER PRIMARY KEY,
                request_id TEXT NOT NULL UNIQUE,
                started_at INTEGER NOT NULL,
                client TEXT NOT NULL DEFAULT '',
                endpoint TEXT NOT NULL,
                provider TEXT NOT NULL DEFAULT '',
                requested_model TEXT NOT NULL DEFAULT '',
                upstream_model TEXT NOT NULL DEFAULT '',
                stream INTEGER NOT NULL DEFAULT 0,
                status INTEGER NOT NULL,
                error TEXT NOT NULL DEFAULT '',
                input_tokens INTEGER,
                output_tokens INTEGER,
                latency_ms INTEGER NOT NULL DEFAULT 0,
                ttfb_ms INTEGER))",
          "CREATE INDEX requests_started_at ON requests(started_at)"}},
        {"0002_create_access_tokens",
         {R"(CREATE TABLE access_tokens (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                token_hash TEXT NOT NULL UNIQUE,
                created_at INTEGER NOT NULL,
                revoked_at INTEGER))"}},
        // A token's "last used" is its newest ledger row; this keeps that lookup indexed.
        {"0003_index_requests_by_client", {"CREATE INDEX requests_client_started_at ON requests(client, started_at)"}},
    };
    return steps;
}

bool fail(QString *error, const QString &what, const QSqlQuery &q)
{
    *error = QStringLiteral("Updating the database failed at %1: %2").arg(what, q.lastError().text());
    return false;
}

} // namespace

QStringList Migrations::names()
{
    QStringList out;
    for (const Migration &m : allMigrations())
        out.append(QLatin1String(m.name));
    return out;
}

QStringList Migrations::applied(QSqlDatabase &db)
{
    QStringList out;
    QSqlQuery q(db);
    if (q.exec(QStringLiteral("SELECT name FROM schema_migrations ORDER BY rowid"))) {
        while (q.next())
            out.append(q.value(0).toString());
    }
    return out;
}

bool Migrations::apply(QSqlDatabase &db, QString *error)
{
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)")))
        return fail(error, QStringLiteral("schema_migrations"), q);
    const QStringList done = applied(db);
    for (const Migration &m : allMigrations()) {
        const QString name = QLatin1String(m.name);
        if (done.contains(name))
            continue;
        if (!db.transaction()) {
            *error = QStringLiteral("Updating the database failed at %1: %2").arg(name, db.lastError().text());
            return false;
        }
        for (const char *statement : m.statements) {
            if (!q.exec(QLatin1String(statement))) {
                fail(error, name, q);
                db.rollback();
                return false;
            }
        }
        q.prepare(QStringLiteral("INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)"));
        q.addBindValue(name);
        q.addBindValue(QDateTime::currentMSecsSinceEpoch());
        if (!q.exec()) {
            fail(error, name, q);
            db.rollback();
            return false;
        }
        if (!db.commit()) {
            *error = QStringLiteral("Updating the database failed at %1: %2").arg(name, db.lastError().text());
            return false;
        }
    }
    return true;
}

} // namespace patchbay
