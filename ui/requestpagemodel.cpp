#include "requestpagemodel.h"

#include "dashboard.h"
#include "requestlogmodel.h"

#include <algorithm>
#include <limits>

namespace patchbay {

namespace {

constexpr qint64 kMin = std::numeric_limits<qint64>::min();
// Below every key: the last page, once the ledger has nothing older, holds the rest.
constexpr RequestCursor kBottom{kMin, kMin};

RequestCursor keyOf(const RequestRow &row)
{
    return {row.record.startedAtMs, row.id};
}

bool atOrAbove(const RequestRow &row, const RequestCursor &key)
{
    const qint64 t = row.record.startedAtMs;
    return t > key.startedAtMs || (t == key.startedAtMs && row.id >= key.id);
}

} // namespace

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
    m_pages.clear();
    m_rows = 0;
    countsChanged();
    m_reads.clear();
    m_liveDuringRead.clear();
    m_topMs = kMin;
    m_topIds.clear();
    m_atEnd = false;
    m_total = -1;
    endResetModel();
    m_pending = m_dashboard->fetchRequests(m_filter, {}, kPageSize);
    m_countSerial = m_dashboard->countRequests(m_filter);
}

void RequestPageModel::setCachedPageLimit(int pages)
{
    // Two: the view can straddle a page boundary, and both halves must stay while it paints.
    m_pageLimit = std::max(pages, 2);
    letGoOldest(-1);
}

int RequestPageModel::cachedRowCount() const
{
    int rows = 0;
    for (const Page &p : m_pages)
        rows += static_cast<int>(p.rows.size());
    return rows;
}

int RequestPageModel::cachedPageCount() const
{
    return static_cast<int>(std::count_if(m_pages.begin(), m_pages.end(), [](const Page &p) { return p.loaded; }));
}

int RequestPageModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_rows;
}

int RequestPageModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : RequestLogModel::ColumnCount;
}

int RequestPageModel::firstRowOf(int page) const
{
    if (!m_startsValid) {
        m_starts.resize(m_pages.size());
        int row = 0;
        for (size_t i = 0; i < m_pages.size(); ++i) {
            m_starts[i] = row;
            row += m_pages[i].count;
        }
        m_startsValid = true;
    }
    return m_starts[static_cast<size_t>(page)];
}

int RequestPageModel::pageOf(int row) const
{
    firstRowOf(0); // brings m_starts up to date
    // The last page starting at or before the row (an empty page shares its start with the next).
    const auto it = std::upper_bound(m_starts.begin(), m_starts.end(), row);
    return static_cast<int>(it - m_starts.begin()) - 1;
}

void RequestPageModel::use(int page) const
{
    const Page &p = m_pages[static_cast<size_t>(page)];
    p.used = ++m_clock;
    if (!p.loaded && p.reading == 0)
        readBack(page);
}

void RequestPageModel::readBack(int page) const
{
    const Page &p = m_pages[static_cast<size_t>(page)];
    // Everything below the page above's lowest key and at or above this one's; the bounds are
    // rows' own keys, so the span holds what it held, plus late calls, minus deleted ones.
    RequestFilter f = m_filter;
    if (p.lowest.startedAtMs != kMin)
        f.fromMs = std::max(f.fromMs, p.lowest.startedAtMs);
    const RequestCursor above = page == 0 ? RequestCursor() : m_pages[static_cast<size_t>(page) - 1].lowest;
    p.reading = m_dashboard->fetchRequests(f, above, -1); // LIMIT -1: the whole span
    m_reads.insert(p.reading, p.id);
}

const UsageRecord &RequestPageModel::record(int row) const
{
    static const UsageRecord none;
    if (row < 0 || row >= m_rows)
        return none;
    const int page = pageOf(row);
    use(page);
    const Page &p = m_pages[static_cast<size_t>(page)];
    return p.loaded ? p.rows.at(row - firstRowOf(page)).record : none;
}

bool RequestPageModel::isLoaded(int row) const
{
    return row >= 0 && row < m_rows && m_pages[static_cast<size_t>(pageOf(row))].loaded;
}

QVariant RequestPageModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows)
        return {};
    const int page = pageOf(index.row());
    use(page);
    const Page &p = m_pages[static_cast<size_t>(page)];
    if (!p.loaded)
        return role == Qt::DisplayRole && index.column() == 0 ? QVariant(tr("Reading…")) : QVariant();
    const UsageRecord &r = p.rows.at(index.row() - firstRowOf(page)).record;
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
    return !parent.isValid() && !m_atEnd && m_pending == 0 && !m_pages.empty();
}

void RequestPageModel::fetchMore(const QModelIndex &parent)
{
    if (!canFetchMore(parent))
        return;
    // The bottom page's lowest key is always a row read from the ledger, so this is exact.
    m_pending = m_dashboard->fetchRequests(m_filter, m_pages.back().lowest, kPageSize);
}

void RequestPageModel::addPage(const RequestPage &page)
{
    if (page.serial == 0)
        return;
    if (page.serial == m_pending) {
        m_pending = 0;
        m_atEnd = page.atEnd;
        if (!page.error.isEmpty())
            Q_EMIT failed(page.error);
        if (m_pages.empty())
            addFirstPage(page);
        else
            addBottomPage(page);
        Q_EMIT pageLoaded(static_cast<int>(page.rows.size()), page.queryMs);
    } else if (m_reads.contains(page.serial)) {
        addReadBack(page);
    }
}

void RequestPageModel::takeLiveDuringRead(QList<RequestRow> *rows)
{
    // Calls announced while the page was read: the ones it missed that belong above it go on top.
    QSet<QString> read;
    for (const RequestRow &row : std::as_const(*rows))
        read.insert(row.record.requestId);
    const qint64 top = rows->isEmpty() ? kMin : rows->first().record.startedAtMs;
    for (const UsageRecord &r : std::as_const(m_liveDuringRead)) {
        if (!read.contains(r.requestId) && r.startedAtMs >= top)
            rows->prepend({-1, r});
    }
    m_liveDuringRead.clear();
}

void RequestPageModel::addFirstPage(const RequestPage &page)
{
    QList<RequestRow> rows = page.rows;
    takeLiveDuringRead(&rows);
    Page p;
    p.id = m_nextPageId++;
    p.lowest = page.atEnd || page.rows.isEmpty() ? kBottom : keyOf(page.rows.last());
    p.count = static_cast<int>(rows.size());
    p.loaded = true;
    p.used = ++m_clock;
    if (!rows.isEmpty())
        beginInsertRows({}, 0, p.count - 1);
    p.rows = std::move(rows);
    m_pages.push_back(std::move(p));
    m_rows = m_pages.back().count;
    countsChanged();
    if (m_rows > 0)
        endInsertRows();
    noteTop();
    splitIfLarge(0);
    letGoOldest(0);
}

void RequestPageModel::addBottomPage(const RequestPage &page)
{
    if (page.rows.isEmpty()) {
        // Nothing older: the bottom page holds whatever may come to lie below it.
        if (page.atEnd)
            m_pages.back().lowest = kBottom;
        return;
    }
    Page p;
    p.id = m_nextPageId++;
    p.lowest = page.atEnd ? kBottom : keyOf(page.rows.last());
    p.count = static_cast<int>(page.rows.size());
    p.loaded = true;
    p.used = ++m_clock;
    beginInsertRows({}, m_rows, m_rows + p.count - 1);
    p.rows = page.rows;
    m_pages.push_back(std::move(p));
    m_rows += m_pages.back().count;
    countsChanged();
    endInsertRows();
    letGoOldest(static_cast<int>(m_pages.size()) - 1);
}

void RequestPageModel::addReadBack(const RequestPage &page)
{
    const int index = indexOf(m_reads.take(page.serial));
    if (index < 0)
        return;
    Page &p = m_pages[static_cast<size_t>(index)];
    const quint64 id = p.id;
    p.reading = 0;
    if (!page.error.isEmpty()) {
        // Left unloaded: the next paint of one of its rows asks again.
        Q_EMIT failed(page.error);
        return;
    }
    QList<RequestRow> rows;
    rows.reserve(page.rows.size());
    for (const RequestRow &row : page.rows) {
        if (atOrAbove(row, p.lowest))
            rows.append(row);
    }
    if (index == 0)
        takeLiveDuringRead(&rows);
    replaceRows(index, std::move(rows));
    if (index == 0)
        noteTop();
    splitIfLarge(index);
    letGoOldest(indexOf(id));
}

void RequestPageModel::replaceRows(int page, QList<RequestRow> rows)
{
    Page &p = m_pages[static_cast<size_t>(page)];
    const int first = firstRowOf(page);
    const int before = p.count;
    const int after = static_cast<int>(rows.size());
    p.loaded = true;
    p.used = ++m_clock;
    if (after > before) {
        beginInsertRows({}, first + before, first + after - 1);
        p.rows = std::move(rows);
        p.count = after;
        m_rows += after - before;
        countsChanged();
        endInsertRows();
    } else if (after < before) {
        beginRemoveRows({}, first + after, first + before - 1);
        p.rows = std::move(rows);
        p.count = after;
        m_rows -= before - after;
        countsChanged();
        endRemoveRows();
    } else {
        p.rows = std::move(rows);
    }
    const int changed = std::min(before, after);
    if (changed > 0)
        Q_EMIT dataChanged(index(first, 0), index(first + changed - 1, RequestLogModel::ColumnCount - 1));
    if (after != before && m_total >= 0) {
        m_total += after - before;
        Q_EMIT totalChanged(m_total);
    }
}

void RequestPageModel::splitIfLarge(int page)
{
    Page &p = m_pages[static_cast<size_t>(page)];
    if (!p.loaded || p.count <= 2 * kPageSize)
        return;
    // The lower part keeps this page's identity and lowest key; the upper part becomes a page of
    // its own, whose lowest key must separate the two in the ledger's order even for live rows,
    // whose ids are not known: a row's own key if it has an id, else its millisecond when the row
    // below started earlier.
    const QList<RequestRow> &rows = p.rows;
    for (int cut = p.count - kPageSize; cut > kPageSize / 2; --cut) {
        const RequestRow &last = rows.at(cut - 1);
        RequestCursor boundary;
        if (last.id >= 0)
            boundary = keyOf(last);
        else if (last.record.startedAtMs > rows.at(cut).record.startedAtMs)
            boundary = {last.record.startedAtMs, kMin};
        else
            continue;
        Page upper;
        upper.id = m_nextPageId++;
        upper.lowest = boundary;
        upper.count = cut;
        upper.rows = rows.mid(0, cut);
        upper.loaded = true;
        upper.used = p.used;
        p.rows = rows.mid(cut);
        p.count -= cut;
        m_pages.insert(m_pages.begin() + page, std::move(upper));
        countsChanged();
        splitIfLarge(page);
        return;
    }
}

void RequestPageModel::letGoOldest(int keep)
{
    int loaded = cachedPageCount();
    while (loaded > m_pageLimit) {
        int oldest = -1;
        for (int i = 0; i < static_cast<int>(m_pages.size()); ++i) {
            const Page &p = m_pages[static_cast<size_t>(i)];
            if (p.loaded && i != keep && (oldest < 0 || p.used < m_pages[static_cast<size_t>(oldest)].used))
                oldest = i;
        }
        if (oldest < 0)
            return;
        Page &p = m_pages[static_cast<size_t>(oldest)];
        p.rows = {};
        p.loaded = false;
        --loaded;
    }
}

void RequestPageModel::noteTop()
{
    const Page &top = m_pages.front();
    m_topIds.clear();
    m_topMs = top.rows.isEmpty() ? kMin : top.rows.first().record.startedAtMs;
    for (const RequestRow &row : top.rows) {
        if (row.record.startedAtMs != m_topMs)
            break;
        m_topIds.insert(row.record.requestId);
    }
}

int RequestPageModel::indexOf(quint64 pageId) const
{
    for (size_t i = 0; i < m_pages.size(); ++i) {
        if (m_pages[i].id == pageId)
            return static_cast<int>(i);
    }
    return -1;
}

void RequestPageModel::addLive(const UsageRecord &record)
{
    if (!m_filter.matches(record))
        return;
    // The top page is being read: the read decides, with this row in hand.
    if (m_pages.empty() || m_pages.front().reading != 0) {
        m_liveDuringRead.append(record);
        if (m_pages.empty())
            return;
    }
    // Only above the first row: an older call finishing late belongs further down, where its
    // page will find it when it is read again. One that started in the top row's millisecond may
    // already have been read with it.
    if (record.startedAtMs < m_topMs || (record.startedAtMs == m_topMs && m_topIds.contains(record.requestId)))
        return;
    Page &top = m_pages.front();
    beginInsertRows({}, 0, 0);
    if (top.loaded)
        top.rows.prepend({-1, record});
    ++top.count;
    ++m_rows;
    countsChanged();
    endInsertRows();
    if (record.startedAtMs > m_topMs) {
        m_topMs = record.startedAtMs;
        m_topIds.clear();
    }
    m_topIds.insert(record.requestId);
    if (m_total >= 0)
        Q_EMIT totalChanged(++m_total);
    splitIfLarge(0);
    letGoOldest(0);
}

} // namespace patchbay
