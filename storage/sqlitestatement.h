#pragma once

#include "valuebinder.h"

#include <QString>

struct sqlite3;
struct sqlite3_stmt;
class QSqlDatabase;

namespace patchbay {

// A prepared statement on the SQLite connection under a QSqlDatabase, for the one statement
// that runs for every call through the gateway: binding through QSqlQuery goes through a
// QVariant and a placeholder map per value, which cost more than SQLite's own insert.
// Same connection, so it shares the QSqlDatabase's transactions.
class SqliteStatement final : public ValueBinder
{
public:
    SqliteStatement() = default;
    ~SqliteStatement();
    SqliteStatement(const SqliteStatement &) = delete;
    SqliteStatement &operator=(const SqliteStatement &) = delete;

    // The raw handle of an open QSQLITE connection, or nullptr for any other driver.
    static sqlite3 *handleOf(const QSqlDatabase &db);

    bool prepare(const QSqlDatabase &db, const QString &sql, QString *error);
    void finalize();
    bool isPrepared() const { return m_stmt != nullptr; }

    // Parameters count from 0, like QSqlQuery's. Bound text and bytes are not copied: they
    // must outlive the next step().
    void bindText(int index, const QString &value) override;
    void bindUtf8(int index, const QByteArray &value) override;
    void bindBlob(int index, const QByteArray &value) override;
    void bindInt64(int index, qint64 value) override;
    void bindDouble(int index, double value) override;
    void bindNull(int index) override;

    enum class Result { Done, Row, Constraint, Failed };
    // Runs the statement once; after Done or a failure it is reset for the next bindings.
    Result step();
    QString errorText() const { return m_error; }

private:
    sqlite3 *m_db = nullptr;
    sqlite3_stmt *m_stmt = nullptr;
    QString m_error;
};

} // namespace patchbay
