#pragma once

#include "dashboardtypes.h"

#include <QAbstractTableModel>

namespace patchbay {

// One row per model (or provider, or client) of the Usage page's range. SortRole gives the
// raw number of a cell, so a QSortFilterProxyModel sorts $9 below $10.
class UsageTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Name, Requests, Tokens, Cost, Share, LatencyP50, ErrorRate, ColumnCount };
    static constexpr int SortRole = Qt::UserRole + 1;

    using QAbstractTableModel::QAbstractTableModel;

    void setSnapshot(const UsageSnapshot &s);
    void setLatency(const QList<LatencyStats> &latency);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QVariant value(int row, int column) const;

    LedgerDimension m_by = LedgerDimension::Model;
    QList<UsageBucket> m_rows;
    double m_totalCost = 0;
    QList<LatencyStats> m_latency;
};

} // namespace patchbay
