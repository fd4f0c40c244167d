#pragma once

#include "dashboardtypes.h"

#include <QDateTime>
#include <QObject>
#include <QSqlDatabase>

#include <optional>

class QTimer;

namespace patchbay {

// Lives on the dashboard's thread with a read connection of its own, so no dashboard query ever
// runs on the UI thread. Called through Dashboard (queued); answers through its signals.
class DashboardWorker : public QObject
{
    Q_OBJECT
public:
    explicit DashboardWorker(QString databasePath, QObject *parent = nullptr);
    ~DashboardWorker() override;

    // All of these run on the worker's thread.
    void open();
    void setUsageQuery(const UsageQuery &query, quint64 serial);
    void requestPage(const RequestFilter &filter, const RequestCursor &after, int limit, quint64 serial);
    void countRequests(const RequestFilter &filter, quint64 serial);
    void requestDetail(const QString &requestId);
    void exportCsv(const RequestFilter &filter, const QString &path);
    // A call the ledger just committed: the days from its start on are re-read shortly after.
    void recorded(qint64 startedAtMs);
    void refreshTodaySpend();
    // Budgets are counted in the local day and month of now, or of a pinned instant (tests).
    void setBudgetClock(const std::optional<QDateTime> &pinned);
    void setOverallBudget(const OverallBudget &overall);
    void refreshBudgets();

Q_SIGNALS:
    void usageReady(const patchbay::UsageSnapshot &snapshot, quint64 serial);
    void latencyReady(const QList<patchbay::LatencyStats> &latency, quint64 serial);
    void usageFailed(const QString &error, quint64 serial);
    void pageReady(const patchbay::RequestPage &page);
    void countReady(qint64 count, quint64 serial);
    void detailReady(const patchbay::RequestDetail &detail);
    void exportFinished(qint64 rows, const QString &path, const QString &error);
    void todaySpendReady(double usd);
    void budgetsReady(const QList<patchbay::UsageBudget> &budgets);

private:
    void applyRecorded();
    void foldRecorded(qint64 dirtyFromMs);

    QString m_path;
    QString m_connection;
    QSqlDatabase m_db;
    QString m_openError;
    UsageQuery m_query;
    quint64 m_serial = 0;
    bool m_haveQuery = false;
    // The loaded span's day rows; new calls replace the days from the earliest one touched.
    QList<UsageBucket> m_rows;
    qint64 m_dirtyFromMs = -1;
    QTimer *m_coalesce = nullptr;
    std::optional<QDateTime> m_budgetClock;
    OverallBudget m_overall;
};

} // namespace patchbay
