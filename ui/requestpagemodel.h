#pragma once

#include "dashboardtypes.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QSet>

#include <vector>

namespace patchbay {

class Dashboard;

// Every ledger row that matches a filter, newest first, read a page at a time as the view
// scrolls (canFetchMore/fetchMore, keyset pagination on the worker). Only the most recently
// used pages stay in memory; a page scrolled back to is read again, so a million rows scrolled
// past cost a few bytes each, not a record each. Calls the ledger records while the view is
// open go on top.
//
// A page is a span of the ledger's order, (started_at, id): every matching row from its lowest
// key up to the lowest key of the page above. Read again, it shows the ledger as it is then, so
// a call that finished late inside the span appears there, and one deleted since goes.
class RequestPageModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    static constexpr int kPageSize = 200;
    // 16 pages of 200 rows: several screens either way of any place in the table.
    static constexpr int kDefaultCachedPages = 16;
    static constexpr int RecordRole = Qt::UserRole + 1;

    explicit RequestPageModel(Dashboard *dashboard, QObject *parent = nullptr);

    // Starts over: the first page and the total count are asked for.
    void setFilter(const RequestFilter &filter);
    const RequestFilter &filter() const { return m_filter; }
    // The row's call, valid until the model next changes. Reading a row of a page that was let
    // go asks for the page again; until it is back this is an empty record and isLoaded(row) is
    // false.
    const UsageRecord &record(int row) const;
    bool isLoaded(int row) const;
    // -1 until the worker has counted; live rows added since are included.
    qint64 totalCount() const { return m_total; }
    // The next page at the bottom (or the first one) is being read.
    bool isFetching() const { return m_pending != 0; }
    bool atEnd() const { return m_atEnd; }

    // How many pages stay in memory (at least 2); tests make it small.
    void setCachedPageLimit(int pages);
    int cachedPageLimit() const { return m_pageLimit; }
    // What memory holds now: rows and pages with their records loaded.
    int cachedRowCount() const;
    int cachedPageCount() const;

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
    struct Page
    {
        quint64 id = 0;         // stays the same when pages are inserted above it
        RequestCursor lowest;   // inclusive; the page above's lowest is this page's exclusive top
        int count = 0;          // rows it has, loaded or not
        QList<RequestRow> rows; // empty while let go
        bool loaded = false;
        mutable quint64 used = 0;    // when a row of it was last read, for letting go the oldest
        mutable quint64 reading = 0; // the serial of a read of it under way, 0 if none
    };

    void addPage(const RequestPage &page);
    void takeLiveDuringRead(QList<RequestRow> *rows);
    void addFirstPage(const RequestPage &page);
    void addBottomPage(const RequestPage &page);
    void addReadBack(const RequestPage &page);
    void addLive(const UsageRecord &record);

    // Index of the page that holds the row; row must be in range.
    int pageOf(int row) const;
    int firstRowOf(int page) const;
    void countsChanged() { m_startsValid = false; }
    // Marks the page used and, if it was let go, asks for it again.
    void use(int page) const;
    void readBack(int page) const;
    // Puts read rows in place of a page's, telling the view about any change in their number.
    void replaceRows(int page, QList<RequestRow> rows);
    // Cuts a page grown past two pages' worth (live rows, late calls) into pages of kPageSize.
    void splitIfLarge(int page);
    void letGoOldest(int keep);
    void noteTop();
    int indexOf(quint64 pageId) const;

    Dashboard *m_dashboard;
    RequestFilter m_filter;
    std::vector<Page> m_pages; // newest first; together they cover the filter's whole range
    mutable std::vector<int> m_starts; // first row of each page, rebuilt after counts change
    mutable bool m_startsValid = true;
    int m_rows = 0;
    int m_pageLimit = kDefaultCachedPages;
    quint64 m_nextPageId = 1;
    mutable quint64 m_clock = 0;
    mutable QHash<quint64, quint64> m_reads; // serial → page id, for pages being read again
    quint64 m_pending = 0;
    // Live rows that arrived while the top page was being read: the read may have missed them.
    QList<UsageRecord> m_liveDuringRead;
    // The newest start time in the model and the calls that started then: a live row already
    // read from the ledger can only be one of them.
    qint64 m_topMs = std::numeric_limits<qint64>::min();
    QSet<QString> m_topIds;
    quint64 m_countSerial = 0;
    bool m_atEnd = false;
    qint64 m_total = -1;
};

} // namespace patchbay
