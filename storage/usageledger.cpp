#include "usageledger.h"

#include "database.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QTimer>
#include <QVariant>

namespace patchbay {

// Lives on the ledger thread and owns its database connection.
class LedgerWriter : public QObject
{
    Q_OBJECT
public:
    explicit LedgerWriter(UsageLedger *ledger)
        : m_ledger(ledger)
        , m_connection(QStringLiteral("ledger-%1").arg(reinterpret_cast<quintptr>(this)))
        , m_retry(this) // a child, so it follows the writer to the ledger thread
    {
        m_retry.setSingleShot(true);
        m_retry.setInterval(1000);
        connect(&m_retry, &QTimer::timeout, this, &LedgerWriter::flush);
    }

    bool open(const QString &path, QString *error)
    {
        m_db = Database::open(path, m_connection, error);
        return m_db.isOpen();
    }

    void close()
    {
        m_db = {};
        Database::close(m_connection);
    }

    void flush()
    {
        QList<UsageRecord> rows = m_ledger->takePending();
        if (rows.isEmpty())
            return;
        QString error;
        if (!write(rows, &error)) {
            m_ledger->requeue(std::move(rows));
            if (!m_failing) {
                m_failing = true;
                Q_EMIT m_ledger->writeFailed(error);
            }
            m_retry.start();
            return;
        }
        if (m_failing) {
            m_failing = false;
            Q_EMIT m_ledger->writeRecovered();
        }
        for (const UsageRecord &r : rows)
            Q_EMIT m_ledger->recorded(r);
    }

private:
    static QVariant optional(qint64 value) { return value < 0 ? QVariant() : QVariant(value); }
    // A null QString binds as SQL NULL, which the NOT NULL text columns refuse.
    static QString text(const QString &value) { return value.isNull() ? QStringLiteral("") : value; }

    bool write(const QList<UsageRecord> &rows, QString *error)
    {
        if (!m_db.isOpen()) {
            *error = QStringLiteral("The ledger database is not open.");
            return false;
        }
        if (!m_db.transaction()) {
            *error = QStringLiteral("The ledger could not start writing: %1").arg(m_db.lastError().text());
            return false;
        }
        QSqlQuery q(m_db);
        q.prepare(QStringLiteral(
            "INSERT INTO requests (request_id, started_at, client, endpoint, provider, requested_model, "
            "upstream_model, stream, status, error, input_tokens, output_tokens, latency_ms, ttfb_ms) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
        for (const UsageRecord &r : rows) {
            q.addBindValue(text(r.requestId));
            q.addBindValue(r.startedAtMs);
            q.addBindValue(text(r.client));
            q.addBindValue(text(r.endpoint));
            q.addBindValue(text(r.provider));
            q.addBindValue(text(r.requestedModel));
            q.addBindValue(text(r.upstreamModel));
            q.addBindValue(r.stream ? 1 : 0);
            q.addBindValue(r.status);
            q.addBindValue(text(r.error));
            q.addBindValue(optional(r.inputTokens));
            q.addBindValue(optional(r.outputTokens));
            q.addBindValue(r.latencyMs);
            q.addBindValue(optional(r.ttfbMs));
            if (!q.exec()) {
                *error = QStringLiteral("The ledger could not write a request: %1").arg(q.lastError().text());
                m_db.rollback();
                return false;
            }
        }
        if (!m_db.commit()) {
            *error = QStringLiteral("The ledger could not commit: %1").arg(m_db.lastError().text());
            m_db.rollback();
            return false;
        }
        return true;
    }

    UsageLedger *m_ledger;
    QString m_connection;
    QSqlDatabase m_db;
    QTimer m_retry;
    bool m_failing = false;
};

UsageLedger::UsageLedger(QString databasePath, QObject *parent)
    : QObject(parent)
    , m_databasePath(std::move(databasePath))
{
    qRegisterMetaType<UsageRecord>();
    m_thread.setObjectName(QStringLiteral("ledger"));
}

UsageLedger::~UsageLedger()
{
    stop();
}

bool UsageLedger::start(QString *error)
{
    if (m_writer)
        return true;
    m_writer = new LedgerWriter(this);
    m_writer->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_writer, &QObject::deleteLater);
    m_thread.start();
    bool ok = false;
    QMetaObject::invokeMethod(
        m_writer, [&] { ok = m_writer->open(m_databasePath, error); }, Qt::BlockingQueuedConnection);
    if (!ok) {
        QMetaObject::invokeMethod(m_writer, [w = m_writer] { w->close(); }, Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
        m_writer = nullptr;
        return false;
    }
    if (pendingCount() > 0)
        QMetaObject::invokeMethod(m_writer, &LedgerWriter::flush, Qt::QueuedConnection);
    return true;
}

void UsageLedger::stop()
{
    if (!m_writer)
        return;
    flush();
    QMetaObject::invokeMethod(m_writer, [w = m_writer] { w->close(); }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
    m_writer = nullptr;
}

void UsageLedger::append(const UsageRecord &record)
{
    QMutexLocker lock(&m_mutex);
    m_pending.append(record);
    if (m_flushScheduled || !m_writer)
        return;
    m_flushScheduled = true;
    // Everything appended until the writer runs goes into the same transaction.
    QMetaObject::invokeMethod(m_writer, &LedgerWriter::flush, Qt::QueuedConnection);
}

void UsageLedger::flush()
{
    if (!m_writer)
        return;
    if (QThread::currentThread() == &m_thread)
        m_writer->flush();
    else
        QMetaObject::invokeMethod(m_writer, &LedgerWriter::flush, Qt::BlockingQueuedConnection);
}

qsizetype UsageLedger::pendingCount() const
{
    QMutexLocker lock(&m_mutex);
    return m_pending.size();
}

QList<UsageRecord> UsageLedger::takePending()
{
    QMutexLocker lock(&m_mutex);
    m_flushScheduled = false;
    return std::exchange(m_pending, {});
}

void UsageLedger::requeue(QList<UsageRecord> rows)
{
    QMutexLocker lock(&m_mutex);
    rows.append(m_pending);
    m_pending = std::move(rows);
}

} // namespace patchbay

#include "usageledger.moc"
