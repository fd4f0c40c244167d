#include "sqlitestatement.h"

#include <QSqlDatabase>
#include <QSqlDriver>
#include <QVariant>

#include <sqlite3.h>

namespace patchbay {

SqliteStatement::~SqliteStatement()
{
    finalize();
}

sqlite3 *SqliteStatement::handleOf(const QSqlDatabase &db)
{
    // QSqlDriver::handle() documents this: a QVariant holding the driver's own sqlite3*.
    const QVariant v = db.isOpen() && db.driver() ? db.driver()->handle() : QVariant();
    if (!v.isValid() || qstrcmp(v.typeName(), "sqlite3*") != 0)
        return nullptr;
    return *static_cast<sqlite3 *const *>(v.constData());
}

bool SqliteStatement::prepare(const QSqlDatabase &db, const QString &sql, QString *error)
{
    finalize();
    m_db = handleOf(db);
    if (!m_db) {
        *error = QStringLiteral("The database is not an open SQLite database.");
        return false;
    }
    const QByteArray utf8 = sql.toUtf8();
    if (sqlite3_prepare_v3(m_db, utf8.constData(), int(utf8.size()), SQLITE_PREPARE_PERSISTENT, &m_stmt, nullptr) != SQLITE_OK) {
        *error = QString::fromUtf8(sqlite3_errmsg(m_db));
        m_stmt = nullptr;
        return false;
    }
    m_text.assign(size_t(sqlite3_bind_parameter_count(m_stmt)), TextParameter());
    return true;
}

void SqliteStatement::finalize()
{
    if (m_stmt)
        sqlite3_finalize(m_stmt);
    m_stmt = nullptr;
    m_db = nullptr;
    m_text.clear();
}

void SqliteStatement::bindText(int index, const QString &value)
{
    TextParameter &p = m_text.at(size_t(index));
    // A binding stays until it is replaced (sqlite3_reset keeps it), and so do the bytes it
    // points to. A null value binds as '', as an empty one does: equal here too.
    if (p.bound && p.value == value)
        return;
    const qsizetype most = m_encoder.requiredSpace(value.size());
    // Grows to the longest value this parameter has had, and never shrinks or reallocates after.
    if (p.utf8.size() < most)
        p.utf8.resize(most);
    const char *end = m_encoder.appendToBuffer(p.utf8.data(), value);
    sqlite3_bind_text(m_stmt, index + 1, p.utf8.constData(), int(end - p.utf8.constData()), SQLITE_STATIC);
    p.value = value;
    p.bound = true;
}

void SqliteStatement::bindUtf8(int index, const QByteArray &value)
{
    m_text.at(size_t(index)).bound = false;
    sqlite3_bind_text(m_stmt, index + 1, value.isNull() ? "" : value.constData(), int(value.size()), SQLITE_STATIC);
}

void SqliteStatement::bindBlob(int index, const QByteArray &value)
{
    m_text.at(size_t(index)).bound = false;
    // A null pointer would bind NULL, which means "not captured"; an empty blob is not that.
    if (value.isEmpty())
        sqlite3_bind_zeroblob(m_stmt, index + 1, 0);
    else
        sqlite3_bind_blob(m_stmt, index + 1, value.constData(), int(value.size()), SQLITE_STATIC);
}

void SqliteStatement::bindInt64(int index, qint64 value)
{
    m_text.at(size_t(index)).bound = false;
    sqlite3_bind_int64(m_stmt, index + 1, value);
}

void SqliteStatement::bindDouble(int index, double value)
{
    m_text.at(size_t(index)).bound = false;
    sqlite3_bind_double(m_stmt, index + 1, value);
}

void SqliteStatement::bindNull(int index)
{
    m_text.at(size_t(index)).bound = false;
    sqlite3_bind_null(m_stmt, index + 1);
}

SqliteStatement::Result SqliteStatement::step()
{
    if (!m_stmt) {
        m_error = QStringLiteral("The statement is not prepared.");
        return Result::Failed;
    }
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW)
        return Result::Row;
    Result result = Result::Done;
    if (rc != SQLITE_DONE) {
        // The extended code says which constraint, the message says what happened.
        m_error = QString::fromUtf8(sqlite3_errmsg(m_db));
        result = (rc & 0xff) == SQLITE_CONSTRAINT ? Result::Constraint : Result::Failed;
    }
    sqlite3_reset(m_stmt);
    return result;
}

void SqliteStatement::reset()
{
    if (m_stmt)
        sqlite3_reset(m_stmt);
}

qint64 SqliteStatement::columnInt64(int index) const
{
    return sqlite3_column_int64(m_stmt, index);
}

double SqliteStatement::columnDouble(int index) const
{
    return sqlite3_column_double(m_stmt, index);
}

qint64 SqliteStatement::lastInsertRowId() const
{
    return m_db ? sqlite3_last_insert_rowid(m_db) : 0;
}

qint64 SqliteStatement::changes() const
{
    return m_db ? sqlite3_changes(m_db) : 0;
}

} // namespace patchbay
