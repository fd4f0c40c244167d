#pragma once

#include "ledgerspill.h"
#include "sqlitestatement.h"
#include "usagerecord.h"

#include <QByteArray>
#include <QObject>
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
    QSqlDatabase &connection() { return m_db; }

private:
    void retry();
    // False with a sentence when the batch must be retried; rows that can never be written
    // (request id taken) are left out and listed in *skipped.
    bool write(const QList<UsageRecord> &rows, qsizetype first, qsizetype count, QList<qsizetype> *skipped, QString *error);
    bool reopenIfMoved(QString *error);
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
    SqliteStatement m_insertCapture; // used only for rows that carry a capture
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
