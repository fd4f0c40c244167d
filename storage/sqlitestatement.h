#pragma once

#include "valuebinder.h"

#include <QByteArray>
#include <QString>
#include <QStringEncoder>

#include <vector>

struct sqlite3;
struct sqlite3_stmt;
class QSqlDatabase;

namespace patchbay {

// A prepared statement on the SQLite connection under a QSqlDatabase, for the statements that
// run for every call through the gateway: binding through QSqlQuery goes through a
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

    // Parameters count from 0, like QSqlQuery's. Bound bytes (bindUtf8, bindBlob) are not
    // copied: they must outlive the next step(). Text is converted into a buffer of the
    // statement's own, so a QString may go away once bound.
    void bindText(int index, const QString &value) override;
    void bindUtf8(int index, const QByteArray &value) override;
    void bindBlob(int index, const QByteArray &value) override;
    void bindInt64(int index, qint64 value) override;
    void bindDouble(int index, double value) override;
    void bindNull(int index) override;

    enum class Result { Done, Row, Constraint, Failed };
    // Runs the statement once; after Done or a failure it is reset for the next bindings.
    // After Row, read the columns, then step() on or reset().
    Result step();
    void reset();
    qint64 columnInt64(int index) const;
    double columnDouble(int index) const;
    QString errorText() const { return m_error; }
    // The rowid of the connection's latest successful INSERT (sqlite3_last_insert_rowid).
    qint64 lastInsertRowId() const;
    // Rows the connection's latest INSERT, UPDATE or DELETE changed (sqlite3_changes).
    qint64 changes() const;

private:
    sqlite3 *m_db = nullptr;
    sqlite3_stmt *m_stmt = nullptr;
    QString m_error;
    // What a parameter was last bound to as text. SQLite's own UTF-16 conversion allocated and
    // converted on every bind (callgrind: ~10k instructions a row of ~80k); this converts into
    // a buffer of the parameter's own, reused from row to row, and not at all when the value is
    // the one still bound (the client, model, provider of most rows).
    struct TextParameter
    {
        QByteArray utf8;
        QString value;
        bool bound = false; // false once anything else is bound to the parameter
    };
    std::vector<TextParameter> m_text;
    QStringEncoder m_encoder{QStringEncoder::Utf8, QStringConverter::Flag::Stateless};
};

} // namespace patchbay
