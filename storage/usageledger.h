#pragma once

#include "usagerecord.h"

#include <QList>
#include <QMutex>
#include <QObject>
#include <QSqlDatabase>
#include <QThread>

#include <functional>

namespace patchbay {

class LedgerWriter;

// The request ledger's write side. append() is cheap and never blocks on the disk: rows
// queue in memory and a thread of the ledger's own writes them in batched transactions.
// When the database refuses them (locked, read-only, full, gone) they wait and are retried
// with backoff; past queueLimit they go to the spill file, which start() imports.
class UsageLedger : public QObject
{
    Q_OBJECT
public:
    // Rows kept in memory while the database refuses them (a few hundred bytes each).
    static constexpr qsizetype kDefaultQueueLimit = 100'000;
    // Captured headers and bodies waiting beside them; past this the queue spills as if full,
    // since a few thousand captured bodies weigh more than the whole row limit.
    static constexpr qsizetype kDefaultCaptureBytesLimit = 64 * 1024 * 1024;
    static constexpr int kDefaultRetryFirstMs = 1000;
    static constexpr int kDefaultRetryMaxMs = 30'000;

    explicit UsageLedger(QString databasePath, QObject *parent = nullptr);
    ~UsageLedger() override; // stop()

    // These four take effect at start().
    // Default: ledger-spill.jsonl in the database's folder.
    void setSpillPath(const QString &path);
    QString spillPath() const { return m_spillPath; }
    // The bound is checked between write attempts, so it can be passed by what arrives during one.
    void setQueueLimit(qsizetype rows);
    // The same for the bytes of the captures queued with the rows.
    void setCaptureBytesLimit(qsizetype bytes);
    void setBusyTimeoutMs(int ms);
    // The first retry comes after firstMs; each failure doubles the wait up to maxMs.
    void setRetryBackoff(int firstMs, int maxMs);

    // Any time, from the thread that owns the ledger. Rows older than days are deleted now and
    // once a day; 0 keeps every row.
    void setRetentionDays(int days);

    // Opens the ledger's own connection on its thread, then imports a spill file left by an
    // earlier run and applies retention. False with a sentence in *error.
    bool start(QString *error);
    // Tries once more to write what is queued, puts what the database still refuses in the
    // spill file, then stops the thread. Safe to call twice.
    void stop();

    // Thread-safe.
    void append(const UsageRecord &record);
    void append(UsageRecord &&record); // the same, without copying the record's strings
    // Thread-safe; blocks until every row appended before the call has been tried once.
    void flush();

    // Rows appended and not yet in the database or the spill file (queued or being written).
    qsizetype pendingCount() const;

    // For fault tests: runs fn on the ledger thread with the writer's connection, e.g. to set
    // PRAGMA query_only or max_page_count. Blocks until it has run; no-op before start().
    void runOnWriterConnection(const std::function<void(QSqlDatabase &)> &fn);

Q_SIGNALS:
    // From the ledger thread, after the row is committed; connect with a queued connection.
    // Without its capture: listeners keep rows, and headers and bodies are read on demand
    // (LedgerQuery::capture).
    void recorded(const patchbay::UsageRecord &record);
    // The database refused a batch; the rows stay queued and are retried. Once per outage.
    void writeFailed(const QString &error);
    void writeRecovered();
    // Rows from the spill file reached the database (at start, or when it came back).
    void spillImported(qint64 rows);
    // Retention deleted rows.
    void pruned(qint64 rows);

private:
    friend class LedgerWriter;
    QList<UsageRecord> takePending();
    // Everything, when more than the queue limit waits; nothing otherwise.
    QList<UsageRecord> takeIfOverLimit();
    // What the writer took goes back to the front of the queue...
    void requeue(QList<UsageRecord> rows);
    // ...or count of it is settled: written, or in the spill file.
    void settle(qsizetype count);
    // Clears the "wake-up is on its way" mark; true while the writer waits out a backoff.
    bool beginWake();
    void setBackingOff(bool backingOff);
    // With m_mutex held.
    bool overLimit() const;

    QString m_databasePath;
    QString m_spillPath;
    qsizetype m_queueLimit = kDefaultQueueLimit;
    qsizetype m_captureBytesLimit = kDefaultCaptureBytesLimit;
    int m_busyTimeoutMs;
    int m_retryFirstMs = kDefaultRetryFirstMs;
    int m_retryMaxMs = kDefaultRetryMaxMs;
    int m_retentionDays = 0;
    QThread m_thread;
    LedgerWriter *m_writer = nullptr;
    mutable QMutex m_mutex;
    QList<UsageRecord> m_pending;
    qsizetype m_pendingCaptureBytes = 0; // what the captures in m_pending hold
    qsizetype m_inFlight = 0; // taken by the writer, not settled yet
    bool m_wakeScheduled = false;
    bool m_backingOff = false;
};

} // namespace patchbay
