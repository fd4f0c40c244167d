#pragma once

#include <QByteArray>
#include <QString>

class QSqlQuery;

namespace patchbay {

// Where a row's values go: a QSqlQuery for the occasional statement, or the writer's own
// prepared SQLite statement on the hot path. LedgerRow and CaptureRow bind through this, so
// each table's mapping stays in one place whichever way a row is written.
class ValueBinder
{
public:
    virtual void bindText(int index, const QString &value) = 0; // a null QString binds as ''
    virtual void bindUtf8(int index, const QByteArray &value) = 0; // text given as UTF-8 bytes
    virtual void bindBlob(int index, const QByteArray &value) = 0; // an empty one is not NULL
    virtual void bindInt64(int index, qint64 value) = 0;
    virtual void bindDouble(int index, double value) = 0;
    virtual void bindNull(int index) = 0;

protected:
    ~ValueBinder() = default;
};

// ValueBinder onto a prepared QSqlQuery's positional placeholders.
class QueryBinder final : public ValueBinder
{
public:
    explicit QueryBinder(QSqlQuery &query) : m_query(query) {}
    void bindText(int index, const QString &value) override;
    void bindUtf8(int index, const QByteArray &value) override;
    void bindBlob(int index, const QByteArray &value) override;
    void bindInt64(int index, qint64 value) override;
    void bindDouble(int index, double value) override;
    void bindNull(int index) override;

private:
    QSqlQuery &m_query;
};

} // namespace patchbay
