#pragma once

#include "usagerecord.h"

#include <QAbstractTableModel>
#include <QList>

namespace patchbay {

// The newest ledger rows, newest first, for the Requests page. Holds at most capacity() rows so
// a busy gateway cannot grow the UI's memory without bound.
class RequestLogModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Time, Client, Model, Provider, Status, Tokens, Latency, Ttfb, Error, ColumnCount };
    // The whole UsageRecord of a row, for views that want more than the cells.
    static constexpr int RecordRole = Qt::UserRole + 1;

    explicit RequestLogModel(int capacity = 500, QObject *parent = nullptr);

    int capacity() const { return m_capacity; }
    // Replaces everything; records newest first, as LedgerQuery::latest returns them.
    void setRecords(const QList<UsageRecord> &records);
    // A row that was just written; it goes on top and the oldest falls off.
    void prepend(const UsageRecord &record);
    const UsageRecord &record(int row) const { return m_rows.at(row); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // One cell of a record in any role but RecordRole; shared with the Requests page's paged model.
    static QVariant cell(const UsageRecord &r, int column, int role);
    static QVariant header(int section, int role);

private:
    static QVariant display(const UsageRecord &r, int column);

    int m_capacity;
    QList<UsageRecord> m_rows;
};

} // namespace patchbay
