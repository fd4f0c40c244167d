#pragma once

#include "dashboardtypes.h"

#include <QObject>
#include <QThread>

#include <optional>

namespace patchbay {

class DashboardWorker;
class UsageLedger;

// The UI thread's handle on the dashboard worker: starts its thread, forwards questions to it and
// new ledger rows, and re-emits its answers here. One per window; the Usage page, the Requests
// page and the tray share it. Every call returns at once.
class Dashboard : public QObject
{
    Q_OBJECT
public:
    // ledger may be null: then nothing updates live.
    Dashboard(const QString &databasePath, UsageLedger *ledger, QObject *parent = nullptr);
    ~Dashboard() override;

    // Each returns the serial its answer will carry; answers to older serials can be dropped.
    quint64 queryUsage(const UsageQuery &query);
    quint64 fetchRequests(const RequestFilter &filter, const RequestCursor &after, int limit);
    quint64 countRequests(const RequestFilter &filter);
    void fetchDetail(const QString &requestId);
    void exportCsv(const RequestFilter &filter, const QString &path);
    // For tests and callers that append rows without a ledger signal.
    void notifyRecorded(const UsageRecord &record);

    double todaySpend() const { return m_todaySpend; }

    // Budgets: the overall ones come from config.json through here; the tokens' own the worker
    // reads with its connection. Every budget is re-read as new calls come in.
    void setOverallBudget(const OverallBudget &overall);
    // The day and month budgets count in; unset, the local day and month of the moment.
    void setBudgetClock(const std::optional<QDateTime> &pinned);
    // After a token's limits changed, or when a page that shows budgets comes into view.
    void refreshBudgets();
    const QList<UsageBudget> &budgets() const { return m_budgets; }

Q_SIGNALS:
    void usageReady(const patchbay::UsageSnapshot &snapshot, quint64 serial);
    void latencyReady(const QList<patchbay::LatencyStats> &latency, quint64 serial);
    void usageFailed(const QString &error, quint64 serial);
    void pageReady(const patchbay::RequestPage &page);
    void countReady(qint64 count, quint64 serial);
    void detailReady(const patchbay::RequestDetail &detail);
    void exportFinished(qint64 rows, const QString &path, const QString &error);
    void todaySpendChanged(double usd);
    void budgetsChanged(const QList<patchbay::UsageBudget> &budgets);
    // A call the ledger committed, on the UI thread, for live views.
    void recorded(const patchbay::UsageRecord &record);

private:
    QThread m_thread;
    DashboardWorker *m_worker;
    quint64 m_serial = 0;
    double m_todaySpend = 0;
    QList<UsageBudget> m_budgets;
};

} // namespace patchbay
