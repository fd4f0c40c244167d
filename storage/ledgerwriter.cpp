#include "ledgerwriter.h"

#include "capturerow.h"
#include "database.h"
#include "ledgerjson.h"
#include "ledgerrow.h"
#include "usageledger.h"

#include <QDateTime>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSqlError>
#include <QThread>

#ifdef Q_OS_UNIX
#include <sys/stat.h>
#endif

namespace patchbay {

namespace {

constexpr int kDayMs = 86'400'000;
// Retention deletes in slices, each its own transaction, so new rows are written between them
// and no other connection waits long for the write lock.
constexpr int kPruneSlice = 5000;
// Rows per transaction. A long backlog (after an outage) is written in transactions of about
// 0.1 s each rather than one of seconds, so the write lock is released between them and a
// failure part-way keeps what was committed.
constexpr qsizetype kBatchRows = 5000;
constexpr int kCoalesceMs = 20;
constexpr qsizetype kRowsBetweenYields = 16; // ~0.1-0.2 ms of inserts

// Which file the path names right now. SQLite keeps writing into a database file that was
// deleted or replaced under an open connection, and rows written there are gone; comparing
// this before each batch notices it.
QByteArray fileIdentity(const QString &path)
{
#ifdef Q_OS_UNIX
    struct stat st = {};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return {};
    return QByteArray::number(static_cast<quint64>(st.st_dev)) + ':' + QByteArray::number(static_cast<quint64>(st.st_ino));
#else
    // Elsewhere an open file cannot be deleted; being there is enough.
    return QFileInfo::exists(path) ? QByteArrayLiteral("present") : QByteArray();
#endif
}

QString reason(const QSqlError &e)
{
    return e.databaseText().isEmpty() ? e.text() : e.databaseText();
}

} // namespace

LedgerWriter::LedgerWriter(UsageLedger *ledger, Settings settings)
    : m_ledger(ledger)
    , m_settings(std::move(settings))
    , m_connection(QStringLiteral("ledger-%1").arg(reinterpret_cast<quintptr>(this)))
    , m_spill(m_settings.spillPath)
    , m_retry(this) // children, so they follow the writer to the ledger thread
    , m_coalesce(this)
    , m_daily(this)
{
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &LedgerWriter::retry);
    m_coalesce.setSingleShot(true);
    m_coalesce.setInterval(kCoalesceMs);
    connect(&m_coalesce, &QTimer::timeout, this, &LedgerWriter::writePending);
    m_daily.setInterval(kDayMs);
    connect(&m_daily, &QTimer::timeout, this, &LedgerWriter::prune);
}

bool LedgerWriter::open(QString *error)
{
    return openConnection(error);
}

void LedgerWriter::close()
{
    m_retry.stop();
    m_coalesce.stop();
    m_daily.stop();
    closeConnection();
}

bool LedgerWriter::openConnection(QString *error)
{
    m_db = Database::open(m_settings.databasePath, m_connection, error, m_settings.busyTimeoutMs);
    if (!m_db.isOpen()) {
        closeConnection();
        return false;
    }
    m_fileIdentity = fileIdentity(m_settings.databasePath);
    QString why;
    if (!m_insert.prepare(m_db, LedgerRow::insertStatement(LedgerRow::Conflict::Fail), &why)
        || !m_insertCapture.prepare(m_db, CaptureRow::insertStatement(), &why)) {
        *error = QStringLiteral("The ledger could not prepare its writes to %1: %2").arg(m_settings.databasePath, why);
        closeConnection();
        return false;
    }
    return true;
}

void LedgerWriter::closeConnection()
{
    m_insert.finalize(); // before the connection closes, or SQLite keeps it open
    m_insertCapture.finalize();
    m_db = QSqlDatabase();
    Database::close(m_connection);
}

bool LedgerWriter::reopenIfMoved(QString *error)
{
    const QByteArray now = fileIdentity(m_settings.databasePath);
    if (m_db.isOpen() && !now.isEmpty() && now == m_fileIdentity)
        return true;
    const bool wasOpen = m_db.isOpen();
    closeConnection();
    if (!openConnection(error))
        return false;
    if (wasOpen)
        qWarning().noquote() << QStringLiteral("The ledger database %1 was deleted or replaced while Patchbay was "
                                               "running; new rows go to the database now there.")
                                    .arg(m_settings.databasePath);
    return true;
}

void LedgerWriter::startUp()
{
    QString error;
    const bool imported = importSpill(&error);
    setRetentionDays(m_settings.retentionDays);
    if (!imported) {
        failed(error);
        return;
    }
    writePending();
}

void LedgerWriter::wake()
{
    if (m_ledger->beginWake()) {
        // Waiting out a backoff: only the queue's bound matters until the next attempt.
        spillIfOverLimit();
        return;
    }
    // Under load a transaction per call would cost more than the call; rows appended while
    // the timer runs post no further wake-ups and join this batch.
    if (!m_coalesce.isActive())
        m_coalesce.start();
}

void LedgerWriter::writePending()
{
    const QList<UsageRecord> rows = m_ledger->takePending();
    for (qsizetype first = 0; first < rows.size(); first += kBatchRows) {
        const qsizetype count = qMin(kBatchRows, rows.size() - first);
        QString error;
        QList<qsizetype> skipped;
        if (!write(rows, first, count, &skipped, &error)) {
            m_ledger->requeue(rows.mid(first));
            failed(error);
            return;
        }
        m_ledger->settle(count);
        if (m_failing)
            recovered();
        auto skip = skipped.cbegin();
        for (qsizetype i = first; i < first + count; ++i) {
            if (skip != skipped.cend() && *skip == i) {
                ++skip;
                continue;
            }
            if (!rows.at(i).capture) {
                Q_EMIT m_ledger->recorded(rows.at(i));
                continue;
            }
            // Listeners keep rows for live views; bodies stay in the database, read on demand.
            UsageRecord shown = rows.at(i);
            shown.capture.reset();
            Q_EMIT m_ledger->recorded(shown);
        }
    }
}

bool LedgerWriter::write(const QList<UsageRecord> &rows, qsizetype first, qsizetype count, QList<qsizetype> *skipped,
                         QString *error)
{
    if (!reopenIfMoved(error))
        return false;
    if (!m_db.transaction()) {
        *error = QStringLiteral("The ledger could not write to %1: %2").arg(m_settings.databasePath, reason(m_db.lastError()));
        return false;
    }
    for (qsizetype i = first; i < first + count; ++i) {
        // A batch is a millisecond or more of work. The client or the provider woken meanwhile
        // is often queued on this core and waits for all of it, though the other core is idle
        // (perf sched: 1.2-1.7 ms waits every batch, the p99 at one connection). Stepping aside
        // every few rows lets it run at once; the transaction stays open.
        if (i > first && (i - first) % kRowsBetweenYields == 0)
            QThread::yieldCurrentThread();
        const UsageRecord &row = rows.at(i);
        LedgerRow::bind(m_insert, row);
        const SqliteStatement::Result inserted = m_insert.step();
        if (inserted == SqliteStatement::Result::Done) {
            if (!row.capture)
                continue;
            // With its row, in the same transaction: a call is never kept without its capture.
            CaptureRow::bind(m_insertCapture, row.requestId, *row.capture);
            if (m_insertCapture.step() == SqliteStatement::Result::Done)
                continue;
            *error = QStringLiteral("The ledger could not write to %1: %2").arg(m_settings.databasePath, m_insertCapture.errorText());
            m_db.rollback();
            skipped->clear();
            return false;
        }
        if (inserted == SqliteStatement::Result::Constraint) {
            // Retrying cannot help this row, and holding it would hold every row behind it.
            // Its request id is taken (by this very row, when a spill import got there first).
            qWarning().noquote() << QStringLiteral("The ledger already has a request %1; this copy was not written: %2")
                                        .arg(rows.at(i).requestId,
                                             QString::fromUtf8(QJsonDocument(LedgerJson::toJson(rows.at(i))).toJson(QJsonDocument::Compact)));
            skipped->append(i);
            continue;
        }
        *error = QStringLiteral("The ledger could not write to %1: %2").arg(m_settings.databasePath, m_insert.errorText());
        m_db.rollback();
        skipped->clear();
        return false;
    }
    if (!m_db.commit()) {
        *error = QStringLiteral("The ledger could not write to %1: %2").arg(m_settings.databasePath, reason(m_db.lastError()));
        m_db.rollback();
        skipped->clear();
        return false;
    }
    return true;
}

void LedgerWriter::failed(const QString &error)
{
    if (!m_failing) {
        m_failing = true;
        m_backoffMs = m_settings.retryFirstMs;
        Q_EMIT m_ledger->writeFailed(error);
    } else {
        m_backoffMs = qMin(m_backoffMs * 2, m_settings.retryMaxMs);
    }
    m_ledger->setBackingOff(true);
    spillIfOverLimit();
    m_retry.start(m_backoffMs);
}

void LedgerWriter::recovered()
{
    m_failing = false;
    m_spillFailing = false;
    m_backoffMs = 0;
    m_retry.stop();
    m_ledger->setBackingOff(false);
    Q_EMIT m_ledger->writeRecovered();
    QString error;
    if (!importSpill(&error)) {
        failed(error);
        return;
    }
    // Rows that came during the backoff did not wake the writer.
    if (m_ledger->pendingCount() > 0)
        QMetaObject::invokeMethod(this, &LedgerWriter::writePending, Qt::QueuedConnection);
}

void LedgerWriter::retry()
{
    if (m_ledger->pendingCount() > 0) {
        writePending();
        return;
    }
    // Everything waiting is in the spill file; importing it is the attempt.
    QString error;
    if (m_spill.exists() && !importSpill(&error)) {
        failed(error);
        return;
    }
    recovered();
}

bool LedgerWriter::importSpill(QString *error)
{
    if (!m_spill.exists())
        return true;
    if (!reopenIfMoved(error))
        return false;
    LedgerSpill::ImportResult result;
    if (!m_spill.importInto(m_db, &result, error))
        return false;
    if (result.rejected > 0)
        qWarning().noquote() << QStringLiteral("%1 line(s) of %2 were not ledger rows (cut short by a crash?); they are "
                                               "kept in %2.rejected.")
                                    .arg(result.rejected)
                                    .arg(m_spill.path());
    if (result.lines > 0) {
        qInfo().noquote() << QStringLiteral("The ledger imported %1 row(s) from %2 (%3 new).")
                                 .arg(result.lines)
                                 .arg(m_spill.path())
                                 .arg(result.inserted);
        Q_EMIT m_ledger->spillImported(result.inserted);
    }
    return true;
}

void LedgerWriter::spillIfOverLimit()
{
    QList<UsageRecord> rows = m_ledger->takeIfOverLimit();
    if (rows.isEmpty())
        return;
    QString error;
    if (!m_spill.append(rows, &error)) {
        m_ledger->requeue(std::move(rows));
        if (!m_spillFailing) {
            m_spillFailing = true;
            qCritical().noquote() << error << "The ledger keeps its rows in memory and tries again.";
        }
        return;
    }
    m_ledger->settle(rows.size());
    qWarning().noquote() << QStringLiteral("The ledger database refused rows for so long that %1 waited in memory; they "
                                           "are now in %2 and go into the database once it accepts rows again.")
                                .arg(rows.size())
                                .arg(m_spill.path());
}

void LedgerWriter::spillPending()
{
    QList<UsageRecord> rows = m_ledger->takePending();
    if (rows.isEmpty())
        return;
    QString error;
    if (m_spill.append(rows, &error)) {
        m_ledger->settle(rows.size());
        qWarning().noquote() << QStringLiteral("The ledger database could not take the last %1 row(s); they are in %2 "
                                               "and go into the database at the next start.")
                                    .arg(rows.size())
                                    .arg(m_spill.path());
        return;
    }
    // The last place left: the log.
    qCritical().noquote() << error << QStringLiteral("The %1 ledger row(s) that could not be written follow.").arg(rows.size());
    for (const UsageRecord &r : rows)
        qCritical().noquote() << QString::fromUtf8(QJsonDocument(LedgerJson::toJson(r)).toJson(QJsonDocument::Compact));
    m_ledger->requeue(std::move(rows));
}

void LedgerWriter::setRetentionDays(int days)
{
    m_settings.retentionDays = days;
    if (days <= 0) {
        m_daily.stop();
        return;
    }
    m_daily.start();
    prune();
}

void LedgerWriter::prune()
{
    if (m_pruning || m_settings.retentionDays <= 0)
        return;
    m_pruning = true;
    m_prunedThisRound = 0;
    pruneSlice();
}

void LedgerWriter::pruneSlice()
{
    if (m_settings.retentionDays <= 0 || !m_db.isOpen()) {
        m_pruning = false;
        return;
    }
    const qint64 cutoff = QDateTime::currentMSecsSinceEpoch() - qint64(m_settings.retentionDays) * kDayMs;
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("DELETE FROM requests WHERE id IN (SELECT id FROM requests WHERE started_at < ? LIMIT ?)"));
    q.addBindValue(cutoff);
    q.addBindValue(kPruneSlice);
    if (!q.exec()) {
        qWarning().noquote() << QStringLiteral("The ledger could not delete rows older than %1 days: %2. It tries again tomorrow.")
                                    .arg(m_settings.retentionDays)
                                    .arg(reason(q.lastError()));
        m_pruning = false;
        return;
    }
    m_prunedThisRound += q.numRowsAffected();
    if (q.numRowsAffected() == kPruneSlice) {
        QMetaObject::invokeMethod(this, &LedgerWriter::pruneSlice, Qt::QueuedConnection);
        return;
    }
    m_pruning = false;
    if (m_prunedThisRound > 0) {
        qInfo().noquote() << QStringLiteral("The ledger deleted %1 row(s) older than %2 days.").arg(m_prunedThisRound).arg(m_settings.retentionDays);
        Q_EMIT m_ledger->pruned(m_prunedThisRound);
    }
}

} // namespace patchbay
