#include "ledgerwriter.h"

#include "capturerow.h"
#include "database.h"
#include "ledgerjson.h"
#include "ledgerrow.h"
#include "usageledger.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSqlError>
#include <QSet>
#include <QThread>

#include <limits>

#include <sqlite3.h>

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
// Inserting, at most this long without stepping aside (see write()). By the clock, not by rows:
// 16 rows were ~0.1-0.2 ms before the writer summed the rollup itself and inserted in chunks,
// and are ~0.05 ms now, which would only double the yields.
constexpr qint64 kYieldEveryNs = 100'000;
// Rows per INSERT statement. Each statement opens and closes a cursor on the table and each of
// its indexes; in statements of 16 rows that cost (~16k instructions a row of ~40k) is shared.
// Fewer helps less (8: nearly as much), more no further.
constexpr int kChunkRows = 16;

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

// The triggers that never fire on an INSERT; requests_rollup_insert is the writer's to replace.
const QLatin1String kTriggersBesideTheRollup("'requests_rollup_delete', 'requests_rollup_update', 'requests_capture_delete'");

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
    m_checkedSchemaVersion = -1;
    if (!prepareStatements(error)) {
        closeConnection();
        return false;
    }
    return true;
}

bool LedgerWriter::prepareStatements(QString *error)
{
    QString why;
    if (!m_insert.prepare(m_db, LedgerRow::insertWithIdsStatement(1), &why)
        || !m_insertChunk.prepare(m_db, LedgerRow::insertWithIdsStatement(kChunkRows), &why)
        || !m_highestId.prepare(m_db, QStringLiteral("SELECT max(id) FROM requests"), &why)
        || !m_insertCapture.prepare(m_db, CaptureRow::insertStatement(), &why)
        || !m_rollupSelect.prepare(m_db, LedgerRollup::selectStatement(), &why)
        || !m_rollupUpsert.prepare(m_db, LedgerRollup::upsertStatement(), &why)
        || !m_schemaVersion.prepare(m_db, QStringLiteral("PRAGMA schema_version"), &why)) {
        *error = QStringLiteral("The ledger could not prepare its writes to %1: %2").arg(m_settings.databasePath, why);
        return false;
    }
    return true;
}

void LedgerWriter::closeConnection()
{
    // Before the connection closes, or SQLite keeps it open.
    for (SqliteStatement *statement :
         {&m_insert, &m_insertChunk, &m_highestId, &m_insertCapture, &m_rollupSelect, &m_rollupUpsert, &m_schemaVersion})
        statement->finalize();
    m_db = QSqlDatabase();
    m_triggersOff = false; // a setting of the connection, gone with it
    Database::close(m_connection);
}

bool LedgerWriter::switchTriggersOff()
{
    // Switching expires the connection's prepared statements (SQLite prepares each again at
    // its next step), so it stays off from batch to batch until something else needs it on.
    if (!m_triggersOff)
        m_triggersOff = sqlite3_db_config(SqliteStatement::handleOf(m_db), SQLITE_DBCONFIG_ENABLE_TRIGGER, 0,
                                          static_cast<int *>(nullptr)) == SQLITE_OK;
    return m_triggersOff;
}

QSqlDatabase &LedgerWriter::withTriggers()
{
    // SQLite refuses only an option it does not know, and it took this one to switch them off.
    if (m_triggersOff)
        sqlite3_db_config(SqliteStatement::handleOf(m_db), SQLITE_DBCONFIG_ENABLE_TRIGGER, 1, static_cast<int *>(nullptr));
    m_triggersOff = false;
    return m_db;
}

bool LedgerWriter::rollupHere()
{
    // Asked in each transaction: the schema can change under a running writer.
    if (m_schemaVersion.step() != SqliteStatement::Result::Row)
        return false; // the triggers then do it, as for any other connection
    const qint64 version = m_schemaVersion.columnInt64(0);
    m_schemaVersion.reset();
    if (version == m_checkedSchemaVersion)
        return m_rollupHere;
    // A trigger of anyone else's (a newer schema, the user's own) must run for the writer's rows
    // too: then the writer leaves the triggers on and adds nothing to usage_hourly itself.
    QSqlQuery q(m_db);
    QStringList others;
    if (q.exec(QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name COLLATE NOCASE IN "
                              "('requests', 'request_captures', 'usage_hourly') AND name NOT IN (%1)")
                   .arg(kTriggersBesideTheRollup))) {
        while (q.next())
            others.append(q.value(0).toString());
    }
    m_rollupHere = others == QStringList{QStringLiteral("requests_rollup_insert")};
    m_checkedSchemaVersion = q.lastError().isValid() ? -1 : version;
    return m_rollupHere;
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
    // IMMEDIATE: the write lock before anything is read, so what is read of the schema and the
    // highest id holds until the commit (and no read can make the first insert fail with
    // SQLITE_BUSY_SNAPSHOT).
    QSqlQuery begin(m_db);
    if (!begin.exec(QStringLiteral("BEGIN IMMEDIATE"))) {
        *error = QStringLiteral("The ledger could not write to %1: %2").arg(m_settings.databasePath, reason(begin.lastError()));
        return false;
    }
    const auto abandon = [&](const QString &why) {
        *error = QStringLiteral("The ledger could not write to %1: %2").arg(m_settings.databasePath, why);
        m_db.rollback();
        skipped->clear();
        return false;
    };
    const bool rollup = rollupHere() && switchTriggersOff();
    if (!rollup)
        withTriggers();
    QString why;
    if (!insertAll(rows, first, count, rollup, skipped, &why))
        return abandon(why);
    if (rollup && !m_rollup.write(m_rollupSelect, m_rollupUpsert, &why))
        return abandon(why);
    if (!m_db.commit())
        return abandon(reason(m_db.lastError()));
    return true;
}

bool LedgerWriter::insertAll(const QList<UsageRecord> &rows, qsizetype first, qsizetype count, bool rollup,
                             QList<qsizetype> *skipped, QString *error)
{
    m_rollup.clear();
    qint64 lastId = 0;
    if (rollup && !highestId(&lastId, error))
        return false;
    QElapsedTimer sinceYield;
    sinceYield.start();
    for (qsizetype i = first; i < first + count;) {
        // A batch is a millisecond or more of work. The client or the provider woken meanwhile
        // is often queued on this core and waits for all of it, though the other core is idle
        // (perf sched: 1.2-1.7 ms waits every batch, the p99 at one connection). Stepping aside
        // every ~0.1 ms lets it run at once; the transaction stays open.
        if (sinceYield.nsecsElapsed() >= kYieldEveryNs) {
            QThread::yieldCurrentThread();
            sinceYield.start();
        }
        // A chunk only with the triggers off: with them on, a statement of many rows would keep
        // a statement journal.
        const bool chunk = rollup && first + count - i >= kChunkRows && lastId <= std::numeric_limits<qint64>::max() - kChunkRows;
        if (!(chunk ? insertChunk(rows, i, lastId + 1, skipped, error) : insertOne(rows, i, rollup, skipped, error)))
            return false;
        lastId += chunk ? kChunkRows : 0;
        i += chunk ? kChunkRows : 1;
    }
    return true;
}

bool LedgerWriter::highestId(qint64 *id, QString *error)
{
    if (m_highestId.step() != SqliteStatement::Result::Row) {
        *error = m_highestId.errorText();
        return false;
    }
    *id = m_highestId.columnInt64(0); // 0 for an empty table's NULL
    m_highestId.reset();
    return true;
}

bool LedgerWriter::insertOne(const QList<UsageRecord> &rows, qsizetype i, bool rollup, QList<qsizetype> *skipped, QString *error)
{
    const UsageRecord &row = rows.at(i);
    m_insert.bindNull(0); // the next free id
    LedgerRow::bind(m_insert, row, 1);
    if (m_insert.step() != SqliteStatement::Result::Done) {
        *error = m_insert.errorText();
        return false;
    }
    if (m_insert.changes() == 0) {
        skip(row);
        skipped->append(i);
        return true;
    }
    return inserted(row, m_insert.lastInsertRowId(), rollup, error);
}

bool LedgerWriter::insertChunk(const QList<UsageRecord> &rows, qsizetype i, qint64 firstId, QList<qsizetype> *skipped,
                               QString *error)
{
    // Ids as SQLite would give them, one after the other from the highest, so each capture
    // knows its row without asking. The write lock keeps them free until the commit.
    constexpr int stride = 1 + LedgerRow::kColumnCount;
    for (int k = 0; k < kChunkRows; ++k) {
        m_insertChunk.bindInt64(k * stride, firstId + k);
        LedgerRow::bind(m_insertChunk, rows.at(i + k), k * stride + 1);
    }
    if (m_insertChunk.step() != SqliteStatement::Result::Done) {
        *error = m_insertChunk.errorText();
        return false;
    }
    // Fewer rows than given only when a request id was taken (OR IGNORE); their ids stay unused.
    QSet<qint64> ids;
    const bool all = m_insertChunk.changes() == kChunkRows;
    if (!all && !insertedIds(firstId, firstId + kChunkRows - 1, &ids, error))
        return false;
    for (int k = 0; k < kChunkRows; ++k) {
        const UsageRecord &row = rows.at(i + k);
        if (all || ids.contains(firstId + k)) {
            if (!inserted(row, firstId + k, true, error))
                return false;
            continue;
        }
        skip(row);
        skipped->append(i + k);
    }
    return true;
}

bool LedgerWriter::insertedIds(qint64 from, qint64 to, QSet<qint64> *ids, QString *error)
{
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("SELECT id FROM requests WHERE id BETWEEN ? AND ?"));
    q.addBindValue(from);
    q.addBindValue(to);
    if (!q.exec()) {
        *error = reason(q.lastError());
        return false;
    }
    while (q.next())
        ids->insert(q.value(0).toLongLong());
    return true;
}

bool LedgerWriter::inserted(const UsageRecord &row, qint64 id, bool rollup, QString *error)
{
    if (rollup)
        m_rollup.add(row);
    if (!row.capture)
        return true;
    // With its row, in the same transaction: a call is never kept without its capture.
    CaptureRow::bind(m_insertCapture, id, *row.capture);
    if (m_insertCapture.step() == SqliteStatement::Result::Done)
        return true;
    *error = m_insertCapture.errorText();
    return false;
}

void LedgerWriter::skip(const UsageRecord &row)
{
    // Retrying cannot help this row, and holding it would hold every row behind it.
    // Its request id is taken (by this very row, when a spill import got there first).
    qWarning().noquote() << QStringLiteral("The ledger already has a request %1; this copy was not written: %2")
                                .arg(row.requestId,
                                     QString::fromUtf8(QJsonDocument(LedgerJson::toJson(row)).toJson(QJsonDocument::Compact)));
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
    if (!m_spill.importInto(withTriggers(), &result, error))
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
    QSqlQuery q(withTriggers());
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
