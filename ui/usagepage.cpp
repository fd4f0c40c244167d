#include "usagepage.h"

#include "dashboard.h"
#include "pageheader.h"
#include "usagecharts.h"
#include "usagetablemodel.h"
#include "usagetiles.h"

#include <QComboBox>
#include <QDateEdit>
#include <QDateTime>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

#include <cmath>

namespace patchbay {

namespace {

constexpr qint64 kHourMs = 3'600'000;
constexpr qint64 kDayMs = 86'400'000;

qint64 midnight(QDate date, qint64 utcOffsetMs)
{
    return QDateTime(date, QTime(0, 0), Qt::UTC).toMSecsSinceEpoch() - utcOffsetMs;
}

QString filterValue(const QComboBox *box)
{
    return box->currentData().toString();
}

// How much of the budget is used; a limit of 0 allows nothing, so any spend has used it all.
double budgetShare(const UsageBudget &b)
{
    return b.limitUsd > 0 ? b.spentUsd / b.limitUsd : b.spentUsd > 0 ? 1 : 0;
}

// Red once the budget is spent (the gateway refuses calls then), amber from 80 %.
QString budgetColour(const UsageBudget &b)
{
    const double used = budgetShare(b);
    return used >= 1 ? QStringLiteral("#c62828") : used >= 0.8 ? QStringLiteral("#f9a825") : QStringLiteral("#2e7d32");
}

} // namespace

UsagePage::UsagePage(Dashboard *dashboard, QWidget *parent)
    : QWidget(parent)
    , m_dashboard(dashboard)
    , m_range(new QComboBox(this))
    , m_from(new QDateEdit(this))
    , m_to(new QDateEdit(this))
    , m_provider(new QComboBox(this))
    , m_modelFilter(new QComboBox(this))
    , m_client(new QComboBox(this))
    , m_groupBy(new QComboBox(this))
    , m_status(new QLabel(this))
    , m_tiles(new UsageTiles(this))
    , m_charts(new UsageCharts(this))
    , m_model(new UsageTableModel(this))
    , m_sorted(new QSortFilterProxyModel(this))
    , m_table(new QTableView(this))
    , m_budgets(new QGroupBox(tr("Budgets"), this))
    , m_budgetRows(new QVBoxLayout(m_budgets))
{
    m_range->setObjectName(QStringLiteral("usageRange"));
    m_range->addItems({tr("Today"), tr("Last 7 days"), tr("Last 30 days"), tr("This month"), tr("Last 90 days"),
                       tr("Custom…")});
    m_range->setCurrentIndex(Last30Days);
    for (QDateEdit *edit : {m_from, m_to}) {
        edit->setCalendarPopup(true);
        edit->setDate(QDate::currentDate());
        edit->setVisible(false);
    }
    m_provider->setObjectName(QStringLiteral("usageProvider"));
    m_modelFilter->setObjectName(QStringLiteral("usageModel"));
    m_client->setObjectName(QStringLiteral("usageClient"));
    fillFilter(m_provider, {}, tr("All providers"));
    fillFilter(m_modelFilter, {}, tr("All models"));
    fillFilter(m_client, {}, tr("All clients"));
    m_groupBy->setObjectName(QStringLiteral("usageGroupBy"));
    m_groupBy->addItem(tr("By model"), static_cast<int>(LedgerDimension::Model));
    m_groupBy->addItem(tr("By provider"), static_cast<int>(LedgerDimension::Provider));
    m_groupBy->addItem(tr("By client"), static_cast<int>(LedgerDimension::Client));
    m_status->setObjectName(QStringLiteral("usageStatus"));
    m_status->setForegroundRole(QPalette::PlaceholderText);

    m_sorted->setSourceModel(m_model);
    m_sorted->setSortRole(UsageTableModel::SortRole);
    m_table->setObjectName(QStringLiteral("usageTable"));
    m_table->setModel(m_sorted);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(UsageTableModel::Cost, Qt::DescendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setAlternatingRowColors(true);
    m_table->setShowGrid(false);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(UsageTableModel::Name, QHeaderView::Stretch);

    m_budgets->setObjectName(QStringLiteral("usageBudgets"));
    m_budgets->setVisible(false);

    auto *controls = new QHBoxLayout;
    controls->setSpacing(6);
    controls->addWidget(m_range);
    controls->addWidget(m_from);
    controls->addWidget(m_to);
    controls->addSpacing(12);
    controls->addWidget(m_provider);
    controls->addWidget(m_modelFilter);
    controls->addWidget(m_client);
    controls->addSpacing(12);
    controls->addWidget(m_groupBy);
    controls->addStretch(1);
    controls->addWidget(m_status);

    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_charts);
    split->addWidget(m_table);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(20, 16, 20, 16);
    layout->setSpacing(10);
    layout->addWidget(createPageHeader(tr("Usage"), tr("What you spend, on what, and whether anything fails."), this));
    layout->addLayout(controls);
    layout->addWidget(m_tiles);
    layout->addWidget(split, 1);
    layout->addWidget(m_budgets);

    const auto changed = [this] { refresh(); };
    connect(m_range, &QComboBox::currentIndexChanged, this, [this] {
        const bool custom = m_range->currentIndex() == Custom;
        m_from->setVisible(custom);
        m_to->setVisible(custom);
        refresh();
    });
    connect(m_from, &QDateEdit::dateChanged, this, changed);
    connect(m_to, &QDateEdit::dateChanged, this, changed);
    for (QComboBox *box : {m_provider, m_modelFilter, m_client, m_groupBy})
        connect(box, &QComboBox::currentIndexChanged, this, changed);

    connect(m_dashboard, &Dashboard::usageReady, this, &UsagePage::showSnapshot);
    connect(m_dashboard, &Dashboard::latencyReady, this, [this](const QList<LatencyStats> &latency, quint64 serial) {
        if (serial != m_serial)
            return;
        m_charts->showLatency(latency);
        m_model->setLatency(latency);
        Q_EMIT latencyShown();
    });
    connect(m_dashboard, &Dashboard::budgetsChanged, this, &UsagePage::setBudgets);
    connect(m_dashboard, &Dashboard::usageFailed, this, [this](const QString &error, quint64 serial) {
        if (serial == m_serial)
            m_status->setText(error);
    });
    // Live updates keep the day the page was asked on; a fresh question now and then moves
    // "today" and "this month" on after midnight and brings the latency chart up to date.
    auto *tick = new QTimer(this);
    tick->setInterval(5 * 60'000);
    connect(tick, &QTimer::timeout, this, [this] {
        if (!m_clock) {
            refresh();
            m_dashboard->refreshBudgets();
        }
    });
    tick->start();
    refresh();
    setBudgets(m_dashboard->budgets());
}

void UsagePage::setClock(qint64 nowMs, qint64 utcOffsetMs)
{
    m_clock = {nowMs, utcOffsetMs};
    refresh();
    m_dashboard->setBudgetClock(
        QDateTime::fromMSecsSinceEpoch(nowMs, Qt::OffsetFromUTC, static_cast<int>(utcOffsetMs / 1000)));
}

void UsagePage::setRange(Range range)
{
    m_range->setCurrentIndex(range);
}

void UsagePage::setCustomRange(QDate from, QDate to)
{
    m_loading = true;
    m_from->setDate(from);
    m_to->setDate(to);
    m_loading = false;
    if (m_range->currentIndex() == Custom)
        refresh();
    else
        m_range->setCurrentIndex(Custom);
}

void UsagePage::setGroupBy(LedgerDimension by)
{
    m_groupBy->setCurrentIndex(m_groupBy->findData(static_cast<int>(by)));
}

void UsagePage::setFilter(const UsageFilter &filter)
{
    m_loading = true;
    const QList<QPair<QComboBox *, QString>> boxes{{m_provider, filter.provider}, {m_modelFilter, filter.model},
                                                   {m_client, filter.client}};
    for (const auto &[box, value] : boxes) {
        int i = box->findData(value);
        if (i < 0) {
            box->addItem(value, value);
            i = box->count() - 1;
        }
        box->setCurrentIndex(i);
    }
    m_loading = false;
    refresh();
}

UsageQuery UsagePage::currentQuery() const
{
    UsageQuery q;
    if (m_clock) {
        q.nowMs = m_clock->first;
        q.utcOffsetMs = m_clock->second;
    } else {
        const QDateTime now = QDateTime::currentDateTime();
        q.nowMs = now.toMSecsSinceEpoch();
        // The rollup is hourly, so a half-hour zone is shown on the hour before.
        q.utcOffsetMs = static_cast<qint64>(now.offsetFromUtc()) * 1000 / kHourMs * kHourMs;
    }
    const QDate today = QDateTime::fromMSecsSinceEpoch(q.nowMs + q.utcOffsetMs, Qt::UTC).date();
    const qint64 tomorrow = midnight(today.addDays(1), q.utcOffsetMs);
    q.toMs = tomorrow;
    switch (static_cast<Range>(m_range->currentIndex())) {
    case Today:
        q.fromMs = tomorrow - kDayMs;
        break;
    case Last7Days:
        q.fromMs = tomorrow - 7 * kDayMs;
        break;
    case Last30Days:
        q.fromMs = tomorrow - 30 * kDayMs;
        break;
    case ThisMonth:
        q.fromMs = midnight(QDate(today.year(), today.month(), 1), q.utcOffsetMs);
        break;
    case Last90Days:
        q.fromMs = tomorrow - 90 * kDayMs;
        break;
    case Custom: {
        const QDate from = std::min(m_from->date(), m_to->date());
        const QDate to = std::max(m_from->date(), m_to->date());
        q.fromMs = midnight(from, q.utcOffsetMs);
        q.toMs = midnight(to.addDays(1), q.utcOffsetMs);
        break;
    }
    }
    q.by = static_cast<LedgerDimension>(m_groupBy->currentData().toInt());
    q.filter = {filterValue(m_provider), filterValue(m_modelFilter), filterValue(m_client)};
    return q;
}

void UsagePage::refresh()
{
    if (m_loading)
        return;
    m_asked.start();
    m_serial = m_dashboard->queryUsage(currentQuery());
    m_status->setText(tr("Loading…"));
}

void UsagePage::showSnapshot(const UsageSnapshot &s, quint64 serial)
{
    if (serial != m_serial)
        return;
    m_snapshot = s;
    m_tiles->show(s);
    m_charts->show(s);
    m_model->setSnapshot(s);
    m_loading = true;
    fillFilter(m_provider, s.providers, tr("All providers"));
    fillFilter(m_modelFilter, s.models, tr("All models"));
    fillFilter(m_client, s.clients, tr("All clients"));
    m_loading = false;
    const QLocale locale;
    if (!s.incremental) {
        m_lastRefreshMs = static_cast<double>(m_asked.nsecsElapsed()) / 1e6;
        m_status->setText(tr("Updated in %1 ms").arg(locale.toString(m_lastRefreshMs, 'f', 0)));
    } else {
        m_status->setText(tr("Updated live at %1").arg(QTime::currentTime().toString(QStringLiteral("HH:mm:ss"))));
    }
    Q_EMIT refreshed();
}

void UsagePage::fillFilter(QComboBox *box, const QStringList &values, const QString &all)
{
    const QString current = box->currentData().toString();
    const bool blocked = box->blockSignals(true);
    box->clear();
    box->addItem(all, QString());
    for (const QString &v : values)
        box->addItem(v.isEmpty() ? tr("(none)") : v, v);
    int i = box->findData(current);
    if (i < 0 && !current.isEmpty()) {
        box->addItem(current, current);
        i = box->count() - 1;
    }
    box->setCurrentIndex(std::max(i, 0));
    box->blockSignals(blocked);
}

void UsagePage::setBudgets(const QList<UsageBudget> &budgets)
{
    // Live updates come several times a second on a busy gateway: bars are reused, not rebuilt.
    QList<QProgressBar *> bars = budgetBars();
    while (bars.size() > budgets.size())
        delete bars.takeLast();
    while (bars.size() < budgets.size()) {
        auto *bar = new QProgressBar(m_budgets);
        bar->setRange(0, 1000);
        m_budgetRows->addWidget(bar);
        bars.append(bar);
    }
    for (qsizetype i = 0; i < budgets.size(); ++i) {
        const UsageBudget &b = budgets.at(i);
        QProgressBar *bar = bars.at(i);
        bar->setValue(static_cast<int>(std::lround(std::min(budgetShare(b), 1.0) * 1000)));
        const QString name = b.token.isEmpty() ? tr("all clients") : tr("token %1").arg(b.token);
        const QString period = b.period == UsageBudget::Period::Day ? tr("today") : tr("this month");
        bar->setFormat(tr("%1 — %2 of %3 %4").arg(name, formatUsd(b.spentUsd), formatUsd(b.limitUsd), period));
        bar->setStyleSheet(QStringLiteral("QProgressBar::chunk { background: %1; }").arg(budgetColour(b)));
    }
    m_budgets->setVisible(!budgets.isEmpty());
}

QList<QProgressBar *> UsagePage::budgetBars() const
{
    QList<QProgressBar *> bars;
    for (int i = 0; i < m_budgetRows->count(); ++i) {
        if (auto *bar = qobject_cast<QProgressBar *>(m_budgetRows->itemAt(i)->widget()))
            bars.append(bar);
    }
    return bars;
}

void UsagePage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    // A token's limits may have changed on the Gateway page since the last new call.
    m_dashboard->refreshBudgets();
}

} // namespace patchbay
