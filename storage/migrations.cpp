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
        // What every call cost, and the shape of the dashboard's questions. New columns are NULL
        // where "unknown" must stay distinguishable from zero (tokens, cost, time to first token).
        {"0004_usage_costs_and_rollup",
         {"ALTER TABLE requests ADD COLUMN cache_read_tokens INTEGER",
          "ALTER TABLE requests ADD COLUMN cache_write_tokens INTEGER",
          "ALTER TABLE requests ADD COLUMN reasoning_tokens INTEGER",
          "ALTER TABLE requests ADD COLUMN usage_source TEXT NOT NULL DEFAULT ''",
          "ALTER TABLE requests ADD COLUMN cost_usd REAL",
          "ALTER TABLE requests ADD COLUMN catalog_version TEXT NOT NULL DEFAULT ''",
          "ALTER TABLE requests ADD COLUMN ttft_ms INTEGER",
          "ALTER TABLE requests ADD COLUMN attempt INTEGER NOT NULL DEFAULT 1",
          "ALTER TABLE requests ADD COLUMN retry_of TEXT NOT NULL DEFAULT ''",
          // Spend, tokens and error rates per day x model/provider/client. Measured on a million
          // rows, even a covering index on (started_at, provider, upstream_model, cost_usd, ...)
          // needs ~0.4 s for 30 days grouped by day and model: the cost is sorting ~330k rows.
          // One row per UTC hour x provider x model x client turns that into ~36k rows read in
          // key order (WITHOUT ROWID: the table is its own covering index on the time range).
          // Hours, not days, so a dashboard can fold them into the viewer's local days. The
          // triggers below keep it exact; nothing else writes it but the ledger's writer, which
          // inserts with them off and adds what requests_rollup_insert would (LedgerRollup).
          R"(CREATE TABLE usage_hourly (
                hour INTEGER NOT NULL,
                provider TEXT NOT NULL,
                upstream_model TEXT NOT NULL,
                client TEXT NOT NULL,
                requests INTEGER NOT NULL,
                errors INTEGER NOT NULL,
                cancelled INTEGER NOT NULL,
                unpriced INTEGER NOT NULL,
                input_tokens INTEGER NOT NULL,
                output_tokens INTEGER NOT NULL,
                cache_read_tokens INTEGER NOT NULL,
                cache_write_tokens INTEGER NOT NULL,
                reasoning_tokens INTEGER NOT NULL,
                cost_usd REAL NOT NULL,
                latency_ms INTEGER NOT NULL,
                PRIMARY KEY (hour, provider, upstream_model, client)) WITHOUT ROWID)",
          // Rows written before this step count too.
          R"(INSERT INTO usage_hourly
             SELECT started_at / 3600000, provider, upstream_model, client, COUNT(*),
                    SUM(status >= 400 AND status <> 499), SUM(status = 499), SUM(cost_usd IS NULL),
                    IFNULL(SUM(input_tokens), 0), IFNULL(SUM(output_tokens), 0), IFNULL(SUM(cache_read_tokens), 0),
                    IFNULL(SUM(cache_write_tokens), 0), IFNULL(SUM(reasoning_tokens), 0), TOTAL(cost_usd),
                    SUM(latency_ms)
             FROM requests GROUP BY 1, 2, 3, 4)",
          // A client that hangs up (499) is not the provider failing, so it is counted apart.
          R"(CREATE TRIGGER requests_rollup_insert AFTER INSERT ON requests BEGIN
                INSERT INTO usage_hourly VALUES (
                    NEW.started_at / 3600000, NEW.provider, NEW.upstream_model, NEW.client, 1,
                    NEW.status >= 400 AND NEW.status <> 499, NEW.status = 499, NEW.cost_usd IS NULL,
                    IFNULL(NEW.input_tokens, 0), IFNULL(NEW.output_tokens, 0), IFNULL(NEW.cache_read_tokens, 0),
                    IFNULL(NEW.cache_write_tokens, 0), IFNULL(NEW.reasoning_tokens, 0), IFNULL(NEW.cost_usd, 0),
                    NEW.latency_ms)
                ON CONFLICT (hour, provider, upstream_model, client) DO UPDATE SET
                    requests = requests + excluded.requests, errors = errors + excluded.errors,
                    cancelled = cancelled + excluded.cancelled, unpriced = unpriced + excluded.unpriced,
                    input_tokens = input_tokens + excluded.input_tokens,
                    output_tokens = output_tokens + excluded.output_tokens,
                    cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens,
                    cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens,
                    reasoning_tokens = reasoning_tokens + excluded.reasoning_tokens,
                    cost_usd = cost_usd + excluded.cost_usd, latency_ms = latency_ms + excluded.latency_ms;
             END)",
          // Retention and deliberate deletes; a bucket goes away with its last row.
          R"(CREATE TRIGGER requests_rollup_delete AFTER DELETE ON requests BEGIN
                UPDATE usage_hourly SET
                    requests = requests - 1, errors = errors - (OLD.status >= 400 AND OLD.status <> 499),
                    cancelled = cancelled - (OLD.status = 499), unpriced = unpriced - (OLD.cost_usd IS NULL),
                    input_tokens = input_tokens - IFNULL(OLD.input_tokens, 0),
                    output_tokens = output_tokens - IFNULL(OLD.output_tokens, 0),
                    cache_read_tokens = cache_read_tokens - IFNULL(OLD.cache_read_tokens, 0),
                    cache_write_tokens = cache_write_tokens - IFNULL(OLD.cache_write_tokens, 0),
                    reasoning_tokens = reasoning_tokens - IFNULL(OLD.reasoning_tokens, 0),
                    cost_usd = cost_usd - IFNULL(OLD.cost_usd, 0), latency_ms = latency_ms - OLD.latency_ms
                WHERE hour = OLD.started_at / 3600000 AND provider = OLD.provider
                  AND upstream_model = OLD.upstream_model AND client = OLD.client;
                DELETE FROM usage_hourly WHERE hour = OLD.started_at / 3600000 AND provider = OLD.provider
                  AND upstream_model = OLD.upstream_model AND client = OLD.client AND requests <= 0;
             END)",
          // Re-pricing history (cost_usd) or correcting a row moves it out of its bucket and back
          // in. Columns that are not summed (catalog_version, usage_source, ...) fire nothing.
          R"(CREATE TRIGGER requests_rollup_update AFTER UPDATE OF
                started_at, provider, upstream_model, client, status, input_tokens, output_tokens,
                cache_read_tokens, cache_write_tokens, reasoning_tokens, cost_usd, latency_ms ON requests BEGIN
                UPDATE usage_hourly SET
                    requests = requests - 1, errors = errors - (OLD.status >= 400 AND OLD.status <> 499),
                    cancelled = cancelled - (OLD.status = 499), unpriced = unpriced - (OLD.cost_usd IS NULL),
                    input_tokens = input_tokens - IFNULL(OLD.input_tokens, 0),
                    output_tokens = output_tokens - IFNULL(OLD.output_tokens, 0),
                    cache_read_tokens = cache_read_tokens - IFNULL(OLD.cache_read_tokens, 0),
                    cache_write_tokens = cache_write_tokens - IFNULL(OLD.cache_write_tokens, 0),
                    reasoning_tokens = reasoning_tokens - IFNULL(OLD.reasoning_tokens, 0),
                    cost_usd = cost_usd - IFNULL(OLD.cost_usd, 0), latency_ms = latency_ms - OLD.latency_ms
                WHERE hour = OLD.started_at / 3600000 AND provider = OLD.provider
                  AND upstream_model = OLD.upstream_model AND client = OLD.client;
                DELETE FROM usage_hourly WHERE hour = OLD.started_at / 3600000 AND provider = OLD.provider
                  AND upstream_model = OLD.upstream_model AND client = OLD.client AND requests <= 0;
                INSERT INTO usage_hourly VALUES (
                    NEW.started_at / 3600000, NEW.provider, NEW.upstream_model, NEW.client, 1,
                    NEW.status >= 400 AND NEW.status <> 499, NEW.status = 499, NEW.cost_usd IS NULL,
                    IFNULL(NEW.input_tokens, 0), IFNULL(NEW.output_tokens, 0), IFNULL(NEW.cache_read_tokens, 0),
                    IFNULL(NEW.cache_write_tokens, 0), IFNULL(NEW.reasoning_tokens, 0), IFNULL(NEW.cost_usd, 0),
                    NEW.latency_ms)
                ON CONFLICT (hour, provider, upstream_model, client) DO UPDATE SET
                    requests = requests + excluded.requests, errors = errors + excluded.errors,
                    cancelled = cancelled + excluded.cancelled, unpriced = unpriced + excluded.unpriced,
                    input_tokens = input_tokens + excluded.input_tokens,
                    output_tokens = output_tokens + excluded.output_tokens,
                    cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens,
                    cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens,
                    reasoning_tokens = reasoning_tokens + excluded.reasoning_tokens,
                    cost_usd = cost_usd + excluded.cost_usd, latency_ms = latency_ms + excluded.latency_ms;
             END)",
          // Latency percentiles can't be summed into buckets; they need each call's own time.
          // Model first: one model's calls in a time range are one contiguous run of this index,
          // and status, latency and ttft ride along so the table itself is never read.
          "CREATE INDEX requests_model_started_at ON requests(upstream_model, provider, started_at, status, latency_ms, ttft_ms)"}},
        // The workbench's conversations. Messages form a tree (parent_id) so regenerated and
        // edited replies keep their old branch; deleted_at hides a conversation until Undo expires.
        // The FTS5 tables index titles and message text through external-content triggers.
        {"0005_create_conversations",
         {R"(CREATE TABLE conversations (
                id INTEGER PRIMARY KEY,
                title TEXT NOT NULL DEFAULT '',
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL,
                pinned INTEGER NOT NULL DEFAULT 0,
                model TEXT NOT NULL DEFAULT '',
                system_prompt TEXT NOT NULL DEFAULT '',
                params TEXT NOT NULL DEFAULT '{}',
                compare_group TEXT,
                leaf_id INTEGER,
                deleted_at INTEGER))",
          "CREATE INDEX conversations_list ON conversations(deleted_at, pinned, updated_at)",
          R"(CREATE TABLE messages (
                id INTEGER PRIMARY KEY,
                conversation_id INTEGER NOT NULL REFERENCES conversations(id),
                parent_id INTEGER,
                role TEXT NOT NULL,
                content TEXT NOT NULL DEFAULT '',
                model TEXT NOT NULL DEFAULT '',
                input_tokens INTEGER,
                output_tokens INTEGER,
                cost_usd REAL,
                ttft_ms INTEGER,
                total_ms INTEGER,
                created_at INTEGER NOT NULL,
                status TEXT NOT NULL DEFAULT 'done',
                error TEXT NOT NULL DEFAULT ''))",
          "CREATE INDEX messages_conversation ON messages(conversation_id, id)",
          "CREATE VIRTUAL TABLE messages_fts USING fts5(content, content='messages', content_rowid='id')",
          "CREATE VIRTUAL TABLE conversations_fts USING fts5(title, content='conversations', content_rowid='id')",
          R"(CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
                INSERT INTO messages_fts(rowid, content) VALUES (new.id, new.content); END)",
          R"(CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
                INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.id, old.content); END)",
          R"(CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages BEGIN
                INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
                INSERT INTO messages_fts(rowid, content) VALUES (new.id, new.content); END)",
          R"(CREATE TRIGGER conversations_fts_insert AFTER INSERT ON conversations BEGIN
                INSERT INTO conversations_fts(rowid, title) VALUES (new.id, new.title); END)",
          R"(CREATE TRIGGER conversations_fts_delete AFTER DELETE ON conversations BEGIN
                INSERT INTO conversations_fts(conversations_fts, rowid, title) VALUES ('delete', old.id, old.title); END)",
          R"(CREATE TRIGGER conversations_fts_update AFTER UPDATE OF title ON conversations BEGIN
                INSERT INTO conversations_fts(conversations_fts, rowid, title) VALUES ('delete', old.id, old.title);
                INSERT INTO conversations_fts(rowid, title) VALUES (new.id, new.title); END)"}},
        // Per-token limits and budgets, as JSON: they grow without a migration each.
        {"0006_access_token_policies", {"ALTER TABLE access_tokens ADD COLUMN policy TEXT NOT NULL DEFAULT '{}'"}},
        // Workbench: images sent with a message (a JSON array of {name, mime, data: base64}, so
        // a message and its pictures are read and exported together), and saved presets.
        {"0007_workbench_attachments_presets",
         {"ALTER TABLE messages ADD COLUMN attachments TEXT NOT NULL DEFAULT '[]'",
          R"(CREATE TABLE chat_presets (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                model TEXT NOT NULL DEFAULT '',
                system_prompt TEXT NOT NULL DEFAULT '',
                params TEXT NOT NULL DEFAULT '{}',
                created_at INTEGER NOT NULL))"}},
        // Headers and bodies of a call (issue 7), apart from requests so its rows stay small for
        // the dashboard's scans and the rollup triggers never see them. NULL headers or bodies:
        // not captured; an empty value: captured, and empty. Deleting a requests row (retention)
        // deletes its capture: the cascade for connections with foreign keys on (Database::open
        // sets it), the trigger for any other program that deletes rows.
        {"0008_request_captures",
         {R"(CREATE TABLE request_captures (
                request_id TEXT PRIMARY KEY REFERENCES requests(request_id) ON DELETE CASCADE,
                request_headers TEXT,
                response_headers TEXT,
                request_body BLOB,
                response_body BLOB,
                request_body_truncated INTEGER NOT NULL DEFAULT 0,
                response_body_truncated INTEGER NOT NULL DEFAULT 0))",
          R"(CREATE TRIGGER requests_capture_delete AFTER DELETE ON requests BEGIN
                DELETE FROM request_captures WHERE request_id = OLD.request_id;
             END)"}},
        // Captures keyed by their requests row's id instead of its request id. A TEXT key cost
        // each capture a second b-tree (the key's index) and a probe of requests' request_id
        // index for the foreign key; the row's id is the requests table's own key (callgrind:
        // ~17k instructions a capture before, ~11k after). Readers find a capture through its
        // request: request_row = (SELECT id FROM requests WHERE request_id = ?). The delete
        // trigger goes first, as it names the old table; the same pair (cascade, trigger)
        // deletes a capture with its row. A capture whose request is gone (only possible with
        // foreign keys off and no trigger) has no row to belong to and nothing that shows it.
        {"0009_request_captures_by_row",
         {"DROP TRIGGER requests_capture_delete",
          R"(CREATE TABLE request_captures_by_row (
                request_row INTEGER PRIMARY KEY REFERENCES requests(id) ON DELETE CASCADE,
                request_headers TEXT,
                response_headers TEXT,
                request_body BLOB,
                response_body BLOB,
                request_body_truncated INTEGER NOT NULL DEFAULT 0,
                response_body_truncated INTEGER NOT NULL DEFAULT 0))",
          R"(INSERT INTO request_captures_by_row
             SELECT r.id, c.request_headers, c.response_headers, c.request_body, c.response_body,
                    c.request_body_truncated, c.response_body_truncated
             FROM request_captures c JOIN requests r ON r.request_id = c.request_id ORDER BY r.id)",
          "DROP TABLE request_captures",
          "ALTER TABLE request_captures_by_row RENAME TO request_captures",
          R"(CREATE TRIGGER requests_capture_delete AFTER DELETE ON requests BEGIN
                DELETE FROM request_captures WHERE request_row = OLD.id;
             END)"}},
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
