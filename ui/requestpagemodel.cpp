#include "requestpagemodel.h"

#include "dashboard.h"
#include "requestlogmodel.h"

namespace patchbay {

RequestPageModel::RequestPageModel(Dashboard *dashboard, QObject *parent)
    : QAbstractTableModel(parent)
    , m_dashboard(dashboard)
{
    connect(m_dashboard, &Dashboard::pageReady, this, &RequestPageModel::addPage);
    connect(m_dashboard, &Dashboard::countReady, this, [this](qint64 count, quint64 serial) {
        if (serial != m_countSerial)
            return;
        m_total = count;
        Q_EMIT totalChanged(m_total);
    });
    connect(m_dashboard, &Dashboard::recorded, this, &RequestPageModel::addLive);
}

void RequestPageModel::setFilter(const RequestFilter &filter)
{
    beginResetModel();
    m_filter = filter;
    m_rows.clear();
    m_ids.clear();
    m_atEnd = false;
    m_total = -1;
    endResetModel();
    m_pending = m_dashboard->fetchRequests(m_filter, {}, kPageSize);
    m_countSerial = m_dashboard->countRequests(m_filter);
}

int RequestPageModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int RequestPageModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : RequestLogModel::ColumnCount;
}

QVariant RequestPageModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const UsageRecord &r = m_rows.at(index.row()).record;
    if (role == RecordRole)
        return QVariant::fromValue(r);
    return RequestLogModel::cell(r, index.column(), role);
}

QVariant RequestPageModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    return orientation == Qt::Horizontal ? RequestLogModel::header(section, role) : QVariant();
}

bool RequestPageModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && !m_atEnd && m_pending == 0;
}

void RequestPageModel::fetchMore(const QModelIndex &parent)
{
    if (!canFetchMore(parent))
        return;
    RequestCursor after;
    // The last row read from the database; live rows only ever sit above it.
    for (auto it = m_rows.crbegin(); it != m_rows.crend(); ++it) {
        if (it->id >= 0) {
            after = {it->record.startedAtMs, it->id};
            break;
        }
    }
    m_pending = m_dashboard->fetchRequests(m_filter, after, kPageSize);
}

void RequestPageModel::addPage(const RequestPage &page)
{
    if (page.serial != m_pending)
        return;
    m_pending = 0;
    m_atEnd = page.atEnd;
    if (!page.error.isEmpty())
        Q_EMIT failed(page.error);
    QList<RequestRow> fresh;
    fresh.reserve(page.rows.size());
    for (const RequestRow &row : page.rows) {
        if (!m_ids.contains(row.record.requestId))
            fresh.append(row);
    }
    if (!fresh.isEmpty()) {
        const int first = static_cast<int>(m_rows.size());
        beginInsertRows({}, first, first + static_cast<int>(fresh.size()) - 1);
        for (const RequestRow &row : fresh) {
            m_ids.insert(row.record.requestId);
            m_rows.append(row);
        }
        endInsertRows();
    }
    Q_EMIT pageLoaded(static_cast<int>(fresh.size()), page.queryMs);
}

void RequestPageModel::addLive(const UsageRecord &record)
{
    if (!m_filter.matches(record) || m_ids.contains(record.requestId))
        return;
    // Only above the first row: an older call finishing late would belong further down, where a
    // page read later will find it.
    if (!m_rows.isEmpty() && record.startedAtMs < m_rows.first().record.startedAtMs)
        return;
    beginInsertRows({}, 0, 0);
    m_ids.insert(record.requestId);
    m_rows.prepend({-1, record});
    endInsertRows();
    if (m_total >= 0)
        Q_EMIT totalChanged(++m_total);
}

} // namespace patchbay
