#pragma once

#include "dashboardtypes.h"

#include <QElapsedTimer>
#include <QWidget>

#include <optional>

class QComboBox;
class QDateEdit;
class QGroupBox;
class QLabel;
class QProgressBar;
class QSortFilterProxyModel;
class QTableView;
class QVBoxLayout;

namespace patchbay {

class Dashboard;
class UsageCharts;
class UsageTableModel;
class UsageTiles;

// "What am I spending, on what, and is anything failing?": tiles, charts and a table over a
// range of days, filtered by provider, model and client. Every query runs on the Dashboard's
// worker; new calls arrive through it within a second.
class UsagePage : public QWidget
{
    Q_OBJECT
public:
    enum Range { Today, Last7Days, Last30Days, ThisMonth, Last90Days, Custom };

    UsagePage(Dashboard *dashboard, QWidget *parent = nullptr);

    // Tests pin "now" and the zone; otherwise the clock and the system zone are used.
    void setClock(qint64 nowMs, qint64 utcOffsetMs);
    void setRange(Range range);
    void setCustomRange(QDate from, QDate to);
    void setGroupBy(LedgerDimension by);
    void setFilter(const UsageFilter &filter);
    // One bar per budget, amber from 80 % and red from 100 % of its limit. The Dashboard feeds
    // it as calls come in; a test may call it directly.
    void setBudgets(const QList<UsageBudget> &budgets);
    // The bars, in the order of the budgets given.
    QList<QProgressBar *> budgetBars() const;

    void refresh();

    UsageTiles *tiles() const { return m_tiles; }
    UsageCharts *charts() const { return m_charts; }
    QTableView *table() const { return m_table; }
    UsageTableModel *tableModel() const { return m_model; }
    const UsageSnapshot &snapshot() const { return m_snapshot; }
    // From asking the worker to the page showing the answer, for the last full refresh.
    double lastRefreshMs() const { return m_lastRefreshMs; }

Q_SIGNALS:
    // After a snapshot is on screen (a full refresh or new calls folded in).
    void refreshed();
    void latencyShown();

protected:
    void showEvent(QShowEvent *event) override;

private:
    UsageQuery currentQuery() const;
    void showSnapshot(const UsageSnapshot &s, quint64 serial);
    void fillFilter(QComboBox *box, const QStringList &values, const QString &all);

    Dashboard *m_dashboard;
    std::optional<std::pair<qint64, qint64>> m_clock;
    QComboBox *m_range;
    QDateEdit *m_from;
    QDateEdit *m_to;
    QComboBox *m_provider;
    QComboBox *m_modelFilter;
    QComboBox *m_client;
    QComboBox *m_groupBy;
    QLabel *m_status;
    UsageTiles *m_tiles;
    UsageCharts *m_charts;
    UsageTableModel *m_model;
    QSortFilterProxyModel *m_sorted;
    QTableView *m_table;
    QGroupBox *m_budgets;
    QVBoxLayout *m_budgetRows;
    UsageSnapshot m_snapshot;
    quint64 m_serial = 0;
    QElapsedTimer m_asked;
    double m_lastRefreshMs = 0;
    bool m_loading = false;
};

} // namespace patchbay
