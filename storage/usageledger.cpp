#include "usageledger.h"

#include "database.h"
#include "ledgerspill.h"
#include "ledgerwriter.h"

#include <QDir>
#include <QFileInfo>

namespace patchbay {

UsageLedger::UsageLedger(QString databasePath, QObject *parent)
    : QObject(parent)
    , m_databasePath(std::move(databasePath))
    , m_spillPath(QFileInfo(m_databasePath).dir().filePath(QStringLiteral("ledger-spill.jsonl")))
    , m_busyTimeoutMs(Database::kDefaultBusyTimeoutMs)
{
    qRegisterMetaType<UsageRecord>();
    m_thread.setObjectName(QStringLiteral("ledger"));
}

UsageLedger::~UsageLedger()
{
    stop();
}

void UsageLedger::setSpillPath(const QString &path)
{
    m_spillPath = path;
}

void UsageLedger::setQueueLimit(qsizetype rows)
{
    QMutexLocker lock(&m_mutex);
    m_queueLimit = qMax<qsizetype>(rows, 1);
}

void UsageLedger::setCaptureBytesLimit(qsizetype bytes)
{
    QMutexLocker lock(&m_mutex);
    m_captureBytesLimit = qMax<qsizetype>(bytes, 1);
}

void UsageLedger::setBusyTimeoutMs(int ms)
{
    m_busyTimeoutMs = qMax(ms, 0);
}

void UsageLedger::setRetryBackoff(int firstMs, int maxMs)
{
    m_retryFirstMs = qMax(firstMs, 1);
    m_retryMaxMs = qMax(maxMs, m_retryFirstMs);
}

void UsageLedger::setRetentionDays(int days)
{
    m_retentionDays = qMax(days, 0);
    if (m_writer)
        QMetaObject::invokeMethod(m_writer, [w = m_writer, days = m_retentionDays] { w->setRetentionDays(days); }, Qt::QueuedConnection);
}

bool UsageLedger::start(QString *error)
{
    if (m_writer)
        return true;
    LedgerWriter::Settings settings;
    settings.databasePath = m_databasePath;
    settings.spillPath = m_spillPath;
    settings.busyTimeoutMs = m_busyTimeoutMs;
    settings.retryFirstMs = m_retryFirstMs;
    settings.retryMaxMs = m_retryMaxMs;
    settings.retentionDays = m_retentionDays;
    auto *writer = new LedgerWriter(this, settings);
    writer->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, writer, &QObject::deleteLater);
    m_thread.start();
    bool ok = false;
    QMetaObject::invokeMethod(writer, [&] { ok = writer->open(error); }, Qt::BlockingQueuedConnection);
    if (!ok) {
        m_thread.quit();
        m_thread.wait();
        return false;
    }
    {
        QMutexLocker lock(&m_mutex);
        m_writer = writer;
        m_wakeScheduled = false;
        m_backingOff = false;
    }
    QMetaObject::invokeMethod(writer, &LedgerWriter::startUp, Qt::QueuedConnection);
    return true;
}

void UsageLedger::stop()
{
    if (!m_writer) {
        // Never started (or failed to): rows appended meanwhile still must not be lost.
        QList<UsageRecord> rows = takePending();
        QString error;
        if (!rows.isEmpty() && !LedgerSpill(m_spillPath).append(rows, &error)) {
            qCritical().noquote() << error;
            requeue(std::move(rows));
            return;
        }
        settle(rows.size());
        return;
    }
    LedgerWriter *writer = m_writer;
    QMetaObject::invokeMethod(writer, [writer] {
        writer->writePending();
        writer->spillPending();
        writer->close();
    }, Qt::BlockingQueuedConnection);
    {
        QMutexLocker lock(&m_mutex);
        m_writer = nullptr;
    }
    m_thread.quit();
    m_thread.wait();
}

void UsageLedger::append(const UsageRecord &record)
{
    append(UsageRecord(record));
}

void UsageLedger::append(UsageRecord &&record)
{
    QMutexLocker lock(&m_mutex);
    if (record.capture)
        m_pendingCaptureBytes += record.capture->byteSize();
    m_pending.append(std::move(record));
    if (m_wakeScheduled || !m_writer)
        return;
    // During a backoff the writer only needs to hear about the queue passing its bound.
    if (m_backingOff && !overLimit())
        return;
    m_wakeScheduled = true;
    // Everything appended until the writer runs goes into the same transaction.
    QMetaObject::invokeMethod(m_writer, &LedgerWriter::wake, Qt::QueuedConnection);
}

void UsageLedger::flush()
{
    if (!m_writer)
        return;
    if (QThread::currentThread() == &m_thread)
        m_writer->writePending();
    else
        QMetaObject::invokeMethod(m_writer, &LedgerWriter::writePending, Qt::BlockingQueuedConnection);
}

qsizetype UsageLedger::pendingCount() const
{
    QMutexLocker lock(&m_mutex);
    return m_pending.size() + m_inFlight;
}

void UsageLedger::runOnWriterConnection(const std::function<void(QSqlDatabase &)> &fn)
{
    if (!m_writer)
        return;
    QMetaObject::invokeMethod(m_writer, [this, &fn] { fn(m_writer->connection()); }, Qt::BlockingQueuedConnection);
}

QList<UsageRecord> UsageLedger::takePending()
{
    QMutexLocker lock(&m_mutex);
    m_wakeScheduled = false;
    m_inFlight = m_pending.size();
    m_pendingCaptureBytes = 0;
    return std::exchange(m_pending, {});
}

QList<UsageRecord> UsageLedger::takeIfOverLimit()
{
    QMutexLocker lock(&m_mutex);
    if (!overLimit())
        return {};
    m_inFlight = m_pending.size();
    m_pendingCaptureBytes = 0;
    return std::exchange(m_pending, {});
}

void UsageLedger::requeue(QList<UsageRecord> rows)
{
    QMutexLocker lock(&m_mutex);
    m_inFlight = 0;
    for (const UsageRecord &r : std::as_const(rows)) {
        if (r.capture)
            m_pendingCaptureBytes += r.capture->byteSize();
    }
    rows.append(m_pending);
    m_pending = std::move(rows);
}

bool UsageLedger::overLimit() const
{
    return m_pending.size() > m_queueLimit || m_pendingCaptureBytes > m_captureBytesLimit;
}

void UsageLedger::settle(qsizetype count)
{
    QMutexLocker lock(&m_mutex);
    m_inFlight = qMax<qsizetype>(m_inFlight - count, 0);
}

bool UsageLedger::beginWake()
{
    QMutexLocker lock(&m_mutex);
    // Outside a backoff the wake-up stays pending until takePending() collects the rows.
    if (m_backingOff)
        m_wakeScheduled = false;
    return m_backingOff;
}

void UsageLedger::setBackingOff(bool backingOff)
{
    QMutexLocker lock(&m_mutex);
    m_backingOff = backingOff;
}

} // namespace patchbay
