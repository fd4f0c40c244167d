#include "usagetablemodel.h"

#include "usagetiles.h"

#include <QLocale>

namespace patchbay {

void UsageTableModel::setSnapshot(const UsageSnapshot &s)
{
    beginResetModel();
    m_by = s.query.by;
    m_rows = s.perKey;
    m_totalCost = s.current.costUsd;
    endResetModel();
}

void UsageTableModel::setLatency(const QList<LatencyStats> &latency)
{
    m_latency = latency;
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, LatencyP50), index(rowCount() - 1, LatencyP50));
}

int UsageTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int UsageTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant UsageTableModel::value(int row, int column) const
{
    const UsageBucket &b = m_rows.at(row);
    const UsageTotals &t = b.totals;
    switch (column) {
    case Name:
        return bucketKey(b, m_by);
    case Requests:
        return t.requests;
    case Tokens:
        return t.inputTokens + t.outputTokens;
    case Cost:
        return t.costUsd;
    case Share:
        return m_totalCost > 0 ? t.costUsd / m_totalCost : 0.0;
    case LatencyP50:
        // Percentiles do not add up across models, so only the model grouping has them.
        if (m_by == LedgerDimension::Model) {
            for (const LatencyStats &s : m_latency) {
                if (s.provider == b.provider && s.model == b.model)
                    return s.p50Ms;
            }
        }
        return {};
    case ErrorRate:
        return t.requests > 0 ? static_cast<double>(t.errors) / static_cast<double>(t.requests) : 0.0;
    }
    return {};
}

QVariant UsageTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const QVariant v = value(index.row(), index.column());
    if (role == SortRole)
        return v;
    if (role == Qt::TextAlignmentRole)
        return (index.column() == Name ? Qt::AlignLeft | Qt::AlignVCenter : Qt::AlignRight | Qt::AlignVCenter).toInt();
    if (role == Qt::ToolTipRole && index.column() == Cost && m_rows.at(index.row()).totals.unpriced > 0)
        return tr("%1 calls had no price; the cost is at least this.").arg(m_rows.at(index.row()).totals.unpriced);
    if (role != Qt::DisplayRole)
        return {};
    const QLocale locale;
    switch (index.column()) {
    case Name:
        return v.toString().isEmpty() ? tr("(none)") : v;
    case Requests:
    case Tokens:
        return locale.toString(v.toLongLong());
    case Cost:
        return formatUsd(v.toDouble());
    case Share:
    case ErrorRate:
        return QStringLiteral("%1 %").arg(locale.toString(v.toDouble() * 100, 'f', 1));
    case LatencyP50:
        return v.isValid() && v.toLongLong() >= 0 ? tr("%1 ms").arg(locale.toString(v.toLongLong())) : QStringLiteral("—");
    }
    return {};
}

QVariant UsageTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    const QString name = m_by == LedgerDimension::Model      ? tr("Model")
                         : m_by == LedgerDimension::Provider ? tr("Provider")
                                                             : tr("Client");
    const QStringList titles{name, tr("Requests"), tr("Tokens"), tr("Cost"), tr("Share of spend"), tr("p50 latency"),
                             tr("Error rate")};
    return titles.value(section);
}

} // namespace patchbay
