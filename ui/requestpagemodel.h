#pragma once

#include "dashboardtypes.h"

#include <QAbstractTableModel>
#include <QSet>

namespace patchbay {

class Dashboard;

// Every ledger row that matches a filter, newest first, read a page at a time as the view
// scrolls (canFetchMore/fetchMore, keyset pagination on the worker), so a million rows cost
// what the user has scrolled past. Calls the ledger records while the view is open go on top.
class RequestPageModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    static constexpr int kPageSize = 200;
    static constexpr int RecordRole = Qt::UserRole + 1;

    explicit RequestPageModel(Dashboard *dashboard, QObject *parent = nullptr);

    // Starts over: the first page and the total count are asked for.
    void setFilter(const RequestFilter &filter);
    const RequestFilter &filter() const { return m_filter; }
    const UsageRecord &record(int row) const { return m_rows.at(row).record; }
    // -1 until the worker has counted; live rows added since are included.
    qint64 totalCount() const { return m_total; }
    bool isFetching() const { return m_pending != 0; }
    bool atEnd() const { return m_atEnd; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

Q_SIGNALS:
    void pageLoaded(int rows, double queryMs);
    void totalChanged(qint64 total);
    void failed(const QString &error);

private:
    void addPage(const RequestPage &page);
    void addLive(const UsageRecord &record);

    Dashboard *m_dashboard;
    RequestFilter m_filter;
    QList<RequestRow> m_rows;
    QSet<QString> m_ids; // a live row may also arrive in a page that was read after it was written
    quint64 m_pending = 0;
    quint64 m_countSerial = 0;
    bool m_atEnd = false;
    qint64 m_total = -1;
};

} // namespace patchbay
