#pragma once

#include "usagerecord.h"

#include <QList>
#include <QMutex>
#include <QObject>
#include <QThread>

namespace patchbay {

class LedgerWriter;

// The request ledger's write side. append() is cheap and never blocks on the disk: rows
// queue in memory and a thread of the ledger's own writes them in batched transactions.
class UsageLedger : public QObject
{
    Q_OBJECT
public:
    explicit UsageLedger(QString databasePath, QObject *parent = nullptr);
    ~UsageLedger() override; // flushes what is queued

    // Opens the ledger's own connection on its thread; false with a sentence in *error.
    bool start(QString *error);
    // Writes everything queued, then stops the thread. Safe to call twice.
    void stop();

    // Thread-safe.
    void append(const UsageRecord &record);
    // Thread-safe; blocks until every row appended before the call is written (or failed).
    void flush();

    qsizetype pendingCount() const;

Q_SIGNALS:
    // From the ledger thread, after the row is committed; connect with a queued connection.
    void recorded(const patchbay::UsageRecord &record);
    // The database refused a batch; the rows stay queued and are retried.
    void writeFailed(const QString &error);
    void writeRecovered();

private:
    friend class LedgerWriter;
    QList<UsageRecord> takePending();
    void requeue(QList<UsageRecord> rows);

    QString m_databasePath;
    QThread m_thread;
    LedgerWriter *m_writer = nullptr;
    mutable QMutex m_mutex;
    QList<UsageRecord> m_pending;
    bool m_flushScheduled = false;
};

} // namespace patchbay
