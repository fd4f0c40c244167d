#include "dashboardworker.h"

#include "dashboardsql.h"
#include "database.h"
#include "ledgerquery.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QTimer>
#include <QUuid>

namespace patchbay {

namespace {

constexpr qint64 kDayMs = 86'400'000;
// New calls are folded in at most this often: a busy gateway costs one re-query per interval.
constexpr int kCoalesceMs = 250;

} // namespace

DashboardWorker::DashboardWorker(QString databasePath, QObject *parent)
    : QObject(parent)
    , m_path(std::move(databasePath))
    , m_connection(QStringLiteral("dashboard-") + QUuid::createUuid().toString(QUuid::WithoutBraces))
{
}

DashboardWorker::~DashboardWorker()
{
    if (m_db.isValid()) {
        m_db = {};
        Database::close(m_connection);
    }
}

void DashboardWorker::open()
{
    m_coalesce = new QTimer(this);
    m_coalesce->setSingleShot(true);
    m_coalesce->setInterval(kCoalesceMs);
    connect(m_coalesce, &QTimer::timeout, this, &DashboardWorker::applyRecorded);
    m_db = Database::open(m_path, m_connection, &m_openError);
    if (m_db.isOpen()) {
        refreshTodaySpend();
        refreshBudgets();
    }
}

void DashboardWorker::setUsageQuery(const UsageQuery &query, quint64 serial)
{
    if (!m_db.isOpen()) {
        Q_EMIT usageFailed(m_openError, serial);
        return;
    }
    m_query = query;
    m_serial = serial;
    m_haveQuery = true;
    QElapsedTimer timer;
    timer.start();
    QString error;
    const auto [from, to] = DashboardSql::loadedSpan(query);
    m_rows = DashboardSql::dayRows(m_db, from, to, query.utcOffsetMs, query.filter, &error);
    if (!error.isEmpty()) {
        Q_EMIT usageFailed(error, serial);
        return;
    }
    UsageSnapshot s = DashboardSql::summarize(query, m_rows);
    s.queryMs = static_cast<double>(timer.nsecsElapsed()) / 1e6;
    Q_EMIT usageReady(s, serial);
    // Percentiles need every call's own time, so they come second and never hold up the tiles.
    const QList<LatencyStats> latency = DashboardSql::latency(m_db, query, &error);
    Q_EMIT latencyReady(latency, serial);
}

void DashboardWorker::requestPage(const RequestFilter &filter, const RequestCursor &after, int limit, quint64 serial)
{
    RequestPage page;
    if (m_db.isOpen())
        page = DashboardSql::requests(m_db, filter, after, limit);
    else {
        page.error = m_openError;
        page.atEnd = true;
    }
    page.serial = serial;
    Q_EMIT pageReady(page);
}

void DashboardWorker::countRequests(const RequestFilter &filter, quint64 serial)
{
    if (m_db.isOpen())
        Q_EMIT countReady(DashboardSql::countRequests(m_db, filter, nullptr), serial);
}

void DashboardWorker::requestDetail(const QString &requestId)
{
    RequestDetail d;
    if (m_db.isOpen())
        d = DashboardSql::detail(m_db, requestId);
    else {
        d.requestId = requestId;
        d.error = m_openError;
    }
    Q_EMIT detailReady(d);
}

void DashboardWorker::exportCsv(const RequestFilter &filter, const QString &path)
{
    QString error = m_openError;
    const qint64 rows = m_db.isOpen() ? DashboardSql::exportCsv(m_db, filter, path, &error) : -1;
    Q_EMIT exportFinished(rows, path, rows < 0 ? error : QString());
}

void DashboardWorker::recorded(qint64 startedAtMs)
{
    m_dirtyFromMs = m_dirtyFromMs < 0 ? startedAtMs : std::min(m_dirtyFromMs, startedAtMs);
    if (!m_coalesce->isActive())
        m_coalesce->start();
}

void DashboardWorker::refreshTodaySpend()
{
    if (!m_db.isOpen())
        return;
    // The local day exactly, as the gateway's overall budget counts it, so the tray and the
    // Usage page's budget bar never disagree.
    const BudgetPeriods periods = BudgetPeriods::at(QDateTime::currentDateTime());
    double usd = 0;
    for (double client : LedgerQuery(m_db).spendPerClient(periods.dayStartMs, periods.dayEndMs))
        usd += client;
    Q_EMIT todaySpendReady(usd);
}

void DashboardWorker::setBudgetClock(const std::optional<QDateTime> &pinned)
{
    m_budgetClock = pinned;
    refreshBudgets();
}

void DashboardWorker::setOverallBudget(const OverallBudget &overall)
{
    m_overall = overall;
    refreshBudgets();
}

void DashboardWorker::refreshBudgets()
{
    if (!m_db.isOpen())
        return;
    const BudgetPeriods periods = BudgetPeriods::at(m_budgetClock.value_or(QDateTime::currentDateTime()));
    QString error;
    const QList<UsageBudget> budgets = DashboardSql::budgets(m_db, periods, m_overall, &error);
    // A failed read keeps the bars as they were rather than showing nothing spent.
    if (error.isEmpty())
        Q_EMIT budgetsReady(budgets);
}

void DashboardWorker::applyRecorded()
{
    const qint64 dirty = m_dirtyFromMs;
    m_dirtyFromMs = -1;
    foldRecorded(dirty);
    // After the page's sums, which are what the user is watching for.
    refreshTodaySpend();
    refreshBudgets();
}

void DashboardWorker::foldRecorded(qint64 dirty)
{
    if (!m_haveQuery || dirty < 0)
        return;
    QElapsedTimer timer;
    timer.start();
    const auto [from, to] = DashboardSql::loadedSpan(m_query);
    // Re-read whole days from the one the oldest new call started in; earlier days are unchanged.
    const qint64 dayStart = from + (std::max(dirty, from) - from) / kDayMs * kDayMs;
    if (dayStart >= to)
        return;
    QString error;
    const QList<UsageBucket> fresh = DashboardSql::dayRows(m_db, dayStart, to, m_query.utcOffsetMs, m_query.filter, &error);
    if (!error.isEmpty())
        return;
    m_rows.removeIf([dayStart](const UsageBucket &b) { return b.dayStartMs >= dayStart; });
    m_rows.append(fresh);
    UsageSnapshot s = DashboardSql::summarize(m_query, m_rows);
    s.incremental = true;
    s.queryMs = static_cast<double>(timer.nsecsElapsed()) / 1e6;
    Q_EMIT usageReady(s, m_serial);
}

} // namespace patchbay
