#include "dashboard.h"

#include "dashboardworker.h"
#include "usageledger.h"

namespace patchbay {

Dashboard::Dashboard(const QString &databasePath, UsageLedger *ledger, QObject *parent)
    : QObject(parent)
    , m_worker(new DashboardWorker(databasePath))
{
    qRegisterMetaType<UsageSnapshot>();
    qRegisterMetaType<RequestPage>();
    qRegisterMetaType<RequestDetail>();
    qRegisterMetaType<UsageRecord>();
    qRegisterMetaType<QList<LatencyStats>>();
    qRegisterMetaType<QList<UsageBudget>>();
    m_thread.setObjectName(QStringLiteral("dashboard"));
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &DashboardWorker::usageReady, this, &Dashboard::usageReady);
    connect(m_worker, &DashboardWorker::latencyReady, this, &Dashboard::latencyReady);
    connect(m_worker, &DashboardWorker::usageFailed, this, &Dashboard::usageFailed);
    connect(m_worker, &DashboardWorker::pageReady, this, &Dashboard::pageReady);
    connect(m_worker, &DashboardWorker::countReady, this, &Dashboard::countReady);
    connect(m_worker, &DashboardWorker::detailReady, this, &Dashboard::detailReady);
    connect(m_worker, &DashboardWorker::exportFinished, this, &Dashboard::exportFinished);
    connect(m_worker, &DashboardWorker::todaySpendReady, this, [this](double usd) {
        m_todaySpend = usd;
        Q_EMIT todaySpendChanged(usd);
    });
    connect(m_worker, &DashboardWorker::budgetsReady, this, [this](const QList<UsageBudget> &budgets) {
        m_budgets = budgets;
        Q_EMIT budgetsChanged(budgets);
    });
    m_thread.start();
    QMetaObject::invokeMethod(m_worker, &DashboardWorker::open);
    if (ledger)
        connect(ledger, &UsageLedger::recorded, this, &Dashboard::notifyRecorded, Qt::QueuedConnection);
}

Dashboard::~Dashboard()
{
    m_thread.quit();
    m_thread.wait();
}

quint64 Dashboard::queryUsage(const UsageQuery &query)
{
    const quint64 serial = ++m_serial;
    QMetaObject::invokeMethod(m_worker, [w = m_worker, query, serial] { w->setUsageQuery(query, serial); });
    return serial;
}

quint64 Dashboard::fetchRequests(const RequestFilter &filter, const RequestCursor &after, int limit)
{
    const quint64 serial = ++m_serial;
    QMetaObject::invokeMethod(m_worker,
                              [w = m_worker, filter, after, limit, serial] { w->requestPage(filter, after, limit, serial); });
    return serial;
}

quint64 Dashboard::countRequests(const RequestFilter &filter)
{
    const quint64 serial = ++m_serial;
    QMetaObject::invokeMethod(m_worker, [w = m_worker, filter, serial] { w->countRequests(filter, serial); });
    return serial;
}

void Dashboard::fetchDetail(const QString &requestId)
{
    QMetaObject::invokeMethod(m_worker, [w = m_worker, requestId] { w->requestDetail(requestId); });
}

void Dashboard::exportCsv(const RequestFilter &filter, const QString &path)
{
    QMetaObject::invokeMethod(m_worker, [w = m_worker, filter, path] { w->exportCsv(filter, path); });
}

void Dashboard::setOverallBudget(const OverallBudget &overall)
{
    QMetaObject::invokeMethod(m_worker, [w = m_worker, overall] { w->setOverallBudget(overall); });
}

void Dashboard::setBudgetClock(const std::optional<QDateTime> &pinned)
{
    QMetaObject::invokeMethod(m_worker, [w = m_worker, pinned] { w->setBudgetClock(pinned); });
}

void Dashboard::refreshBudgets()
{
    QMetaObject::invokeMethod(m_worker, &DashboardWorker::refreshBudgets);
}

void Dashboard::notifyRecorded(const UsageRecord &record)
{
    const qint64 started = record.startedAtMs;
    QMetaObject::invokeMethod(m_worker, [w = m_worker, started] { w->recorded(started); });
    Q_EMIT recorded(record);
}

} // namespace patchbay
