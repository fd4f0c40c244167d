#include "ledgerspill.h"

#include "capturerow.h"
#include "ledgerjson.h"
#include "ledgerrow.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QLockFile>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#ifdef Q_OS_UNIX
#include <fcntl.h>
#include <unistd.h>
#endif
#ifdef Q_OS_WIN
#include <io.h>
#endif

namespace patchbay {

namespace {

// Waits this long for the other process sharing the data folder to finish with the file.
constexpr int kLockWaitMs = 10'000;

// Qt has no fsync. Without it "written" only means "in the page cache", which a power cut loses.
bool syncToDisk(QFile &file)
{
#if defined(Q_OS_UNIX)
    return ::fsync(file.handle()) == 0;
#elif defined(Q_OS_WIN)
    return ::_commit(file.handle()) == 0;
#else
    Q_UNUSED(file);
    return true;
#endif
}

// A new file's name lives in its folder; the folder must reach the disk too or the file can vanish.
void syncFolder([[maybe_unused]] const QString &path)
{
#ifdef Q_OS_UNIX
    const int fd = ::open(QFile::encodeName(QFileInfo(path).absolutePath()).constData(), O_RDONLY);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
#endif
}

bool lock(QLockFile &lockFile, const QString &path, QString *error)
{
    if (lockFile.tryLock(kLockWaitMs))
        return true;
    *error = QStringLiteral("Another Patchbay process is using %1; try again once it has finished.").arg(path);
    return false;
}

} // namespace

LedgerSpill::LedgerSpill(QString path)
    : m_path(std::move(path))
{
}

bool LedgerSpill::exists() const
{
    return QFileInfo::exists(m_path);
}

bool LedgerSpill::append(const QList<UsageRecord> &rows, QString *error)
{
    if (rows.isEmpty())
        return true;
    QLockFile lockFile(m_path + QStringLiteral(".lock"));
    if (!lock(lockFile, m_path, error))
        return false;
    const bool created = !exists();
    QFile file(m_path);
    if (!file.open(QIODevice::ReadWrite | QIODevice::Append)) {
        *error = QStringLiteral("Could not open %1 to keep the ledger's rows: %2").arg(m_path, file.errorString());
        return false;
    }
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    const qint64 before = file.size();
    QByteArray batch;
    // A crash mid-line leaves a torn last line; the next row must not be glued onto it.
    char last = '\n';
    if (before > 0 && (!file.seek(before - 1) || !file.getChar(&last)))
        last = '\n';
    if (last != '\n')
        batch += '\n';
    for (const UsageRecord &r : rows) {
        batch += QJsonDocument(LedgerJson::toSpillJson(r)).toJson(QJsonDocument::Compact);
        batch += '\n';
    }
    if (file.write(batch) != batch.size() || !file.flush() || !syncToDisk(file)) {
        *error = QStringLiteral("Could not write the ledger's rows to %1: %2").arg(m_path, file.errorString());
        // A half-written batch would be imported and then written again from memory.
        file.resize(before);
        return false;
    }
    file.close();
    if (created)
        syncFolder(m_path);
    return true;
}

bool LedgerSpill::importInto(QSqlDatabase &db, ImportResult *result, QString *error)
{
    *result = {};
    if (!exists())
        return true;
    QLockFile lockFile(m_path + QStringLiteral(".lock"));
    if (!lock(lockFile, m_path, error))
        return false;
    QFile file(m_path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (!file.exists())
            return true; // the other process imported it while we waited
        *error = QStringLiteral("Could not read %1: %2").arg(m_path, file.errorString());
        return false;
    }
    if (!db.transaction()) {
        *error = QStringLiteral("Could not import %1 into the ledger: %2").arg(m_path, db.lastError().text());
        return false;
    }
    QSqlQuery q(db);
    q.prepare(LedgerRow::insertStatement(LedgerRow::Conflict::Ignore));
    QSqlQuery captureInsert(db);
    captureInsert.prepare(CaptureRow::insertStatement());
    QByteArray rejected;
    while (!file.atEnd()) {
        const QByteArray line = file.readLine().trimmed();
        if (line.isEmpty())
            continue;
        UsageRecord r;
        QString why;
        const QJsonDocument doc = QJsonDocument::fromJson(line);
        if (!doc.isObject() || !LedgerJson::fromJson(doc.object(), &r, &why)) {
            rejected += line + '\n';
            ++result->rejected;
            continue;
        }
        ++result->lines;
        LedgerRow::bind(q, r);
        if (!q.exec()) {
            *error = QStringLiteral("Could not import %1 into the ledger: %2").arg(m_path, q.lastError().text());
            db.rollback();
            return false;
        }
        const int inserted = q.numRowsAffected();
        result->inserted += inserted;
        // A row already in the database (imported before a crash) keeps the capture it has.
        if (inserted > 0 && r.capture) {
            CaptureRow::bind(captureInsert, q.lastInsertId().toLongLong(), *r.capture);
            if (!captureInsert.exec()) {
                *error = QStringLiteral("Could not import %1 into the ledger: %2").arg(m_path, captureInsert.lastError().text());
                db.rollback();
                return false;
            }
        }
    }
    if (!db.commit()) {
        *error = QStringLiteral("Could not import %1 into the ledger: %2").arg(m_path, db.lastError().text());
        db.rollback();
        return false;
    }
    file.close();
    if (!rejected.isEmpty()) {
        QFile keep(m_path + QStringLiteral(".rejected"));
        if (keep.open(QIODevice::WriteOnly | QIODevice::Append))
            keep.write(rejected);
    }
    // Failing here only means the next import finds rows that are already in: they are ignored.
    QFile::remove(m_path);
    return true;
}

} // namespace patchbay
