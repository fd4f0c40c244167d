#pragma once

#include "ledgerrollup.h"
#include "ledgerspill.h"
#include "sqlitestatement.h"
#include "usagerecord.h"

#include <QByteArray>
#include <QObject>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTimer>

namespace patchbay {

class UsageLedger;

// UsageLedger's other half: lives on the ledger thread and owns its database connection.
// Everything here runs on that thread.
class LedgerWriter : public QObject
{
    Q_OBJECT
public:
    struct Settings
    {
        QString databasePath;
        QString spillPath;
        int busyTimeoutMs = 0;
        int retryFirstMs = 0;
        int retryMaxMs = 0;
        int retentionDays = 0;
    };

    LedgerWriter(UsageLedger *ledger, Settings settings);

    bool open(QString *error);
    void close();
    // Right after open(): the spill file of an earlier run, retention, rows queued before start.
    void startUp();
    // append() queued rows (or passed the queue limit during a backoff).
    void wake();
    // One attempt at everything queued, in transactions of kBatchRows.
    void writePending();
    // At stop(): what the database still refuses goes to the spill file.
    void spillPending();
    void setRetentionDays(int days);
    // For fault tests and the bench, with its triggers on as any connection has them.
    QSqlDatabase &connection() { return withTriggers(); }

private:
    void retry();
    // False with a sentence when the batch must be retried; rows that can never be written
    // (request id taken) are left out and listed in *skipped.
    bool write(const QList<UsageRecord> &rows, qsizetype first, qsizetype count, QList<qsizetype> *skipped, QString *error);
    // The rows of one transaction, in chunks where it can (rollup: the triggers are off).
    bool insertAll(const QList<UsageRecord> &rows, qsizetype first, qsizetype count, bool rollup, QList<qsizetype> *skipped,
                   QString *error);
    bool highestId(qint64 *id, QString *error);
    // rows.at(i) (rollup: with the triggers off), or kChunkRows from there in one statement
    // (always with them off), then their captures. A row whose request id is taken is skipped
    // and listed; false with the reason when the batch must be retried.
    bool insertOne(const QList<UsageRecord> &rows, qsizetype i, bool rollup, QList<qsizetype> *skipped, QString *error);
    bool insertChunk(const QList<UsageRecord> &rows, qsizetype i, qint64 firstId, QList<qsizetype> *skipped, QString *error);
    bool insertedIds(qint64 from, qint64 to, QSet<qint64> *ids, QString *error);
    // What follows a row's insert: the rollup (rollup: the triggers are off) and its capture.
    bool inserted(const UsageRecord &row, qint64 id, bool rollup, QString *error);
    static void skip(const UsageRecord &row);
    bool reopenIfMoved(QString *error);
    // Whether the writer may insert with triggers off and add to usage_hourly itself.
    bool rollupHere();
    // Off for the writer's own inserts; false when SQLite would not.
    bool switchTriggersOff();
    // The connection with its triggers on, as every use but the writer's inserts needs it.
    QSqlDatabase &withTriggers();
    bool prepareStatements(QString *error);
    bool openConnection(QString *error);
    void closeConnection();
    void failed(const QString &error);
    void recovered();
    bool importSpill(QString *error);
    void spillIfOverLimit();
    void prune();
    void pruneSlice();

    UsageLedger *m_ledger;
    Settings m_settings;
    QString m_connection;
    QSqlDatabase m_db;
    // Prepared once on the connection itself: binding through QSqlQuery cost more than the
    // insert (callgrind: ~48k instructions a row of ~190k on the ledger thread).
    SqliteStatement m_insert;
    SqliteStatement m_insertChunk; // kChunkRows rows at once
    SqliteStatement m_highestId;
    SqliteStatement m_insertCapture; // used only for rows that carry a capture
    // The writer inserts with this connection's triggers off and adds each batch to usage_hourly
    // itself, once a bucket: the rollup trigger cost ~28k instructions a row of ~70k, and made
    // every insert keep a statement journal (~3 writes a row to a temporary file). Only while
    // requests_rollup_insert is the one trigger that fires on what the writer inserts. Every
    // other connection keeps its triggers, and so does this one for anything else.
    LedgerRollup m_rollup;
    SqliteStatement m_rollupSelect;
    SqliteStatement m_rollupUpsert;
    SqliteStatement m_schemaVersion;
    qint64 m_checkedSchemaVersion = -1;
    bool m_rollupHere = false;
    bool m_triggersOff = false;
    QByteArray m_fileIdentity;
    LedgerSpill m_spill;
    QTimer m_retry;
    QTimer m_coalesce; // gathers the rows of a few milliseconds into one transaction
    QTimer m_daily;
    int m_backoffMs = 0;
    bool m_failing = false;
    bool m_spillFailing = false;
    bool m_pruning = false;
    qint64 m_prunedThisRound = 0;
};

} // namespace patchbay
