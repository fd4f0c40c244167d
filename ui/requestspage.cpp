#include "requestspage.h"

#include "dashboard.h"
#include "emptystate.h"
#include "pageheader.h"
#include "requestdetailpane.h"
#include "requestlogmodel.h"
#include "requestpagemodel.h"
#include "workspace.h"

#include <QComboBox>
#include <QDateTime>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

#include <limits>

namespace patchbay {

namespace {

constexpr qint64 kHourMs = 3'600'000;
constexpr qint64 kDayMs = 86'400'000;

void setChoices(QComboBox *box, const QStringList &values, const QString &all)
{
    const QString current = box->currentData().toString();
    const bool blocked = box->blockSignals(true);
    box->clear();
    box->addItem(all, QString());
    for (const QString &v : values) {
        if (!v.isEmpty())
            box->addItem(v, v);
    }
    int i = box->findData(current);
    if (i < 0 && !current.isEmpty()) {
        box->addItem(current, current);
        i = box->count() - 1;
    }
    box->setCurrentIndex(std::max(i, 0));
    box->blockSignals(blocked);
}

void select(QComboBox *box, const QString &value)
{
    int i = box->findData(value);
    if (i < 0) {
        box->addItem(value, value);
        i = box->count() - 1;
    }
    box->setCurrentIndex(i);
}

} // namespace

RequestsPage::RequestsPage(Workspace *workspace, Dashboard *dashboard, QWidget *parent)
    : QWidget(parent)
    , m_workspace(workspace)
    , m_dashboard(dashboard)
    , m_model(new RequestPageModel(dashboard, this))
    , m_range(new QComboBox(this))
    , m_provider(new QComboBox(this))
    , m_modelFilter(new QComboBox(this))
    , m_client(new QComboBox(this))
    , m_status(new QComboBox(this))
    , m_search(new QLineEdit(this))
    , m_export(new QPushButton(tr("Export CSV…"), this))
    , m_typing(new QTimer(this))
    , m_stack(new QStackedWidget(this))
    , m_empty(new EmptyState(this))
    , m_table(new QTableView(this))
    , m_detail(new RequestDetailPane(this))
    , m_summary(new QLabel(this))
{
    m_empty->setObjectName(QStringLiteral("requestsEmptyState"));
    m_empty->setTitle(tr("No requests yet"));

    m_range->setObjectName(QStringLiteral("requestsRange"));
    m_range->addItems({tr("Last hour"), tr("Today"), tr("Last 7 days"), tr("Last 30 days"), tr("All time")});
    m_range->setCurrentIndex(AllTime);
    m_provider->setObjectName(QStringLiteral("requestsProvider"));
    m_modelFilter->setObjectName(QStringLiteral("requestsModel"));
    m_client->setObjectName(QStringLiteral("requestsClient"));
    setChoices(m_provider, {}, tr("All providers"));
    setChoices(m_modelFilter, {}, tr("All models"));
    setChoices(m_client, {}, tr("All clients"));
    m_status->setObjectName(QStringLiteral("requestsStatus"));
    m_status->addItem(tr("Any status"), static_cast<int>(RequestFilter::Status::Any));
    m_status->addItem(tr("Succeeded"), static_cast<int>(RequestFilter::Status::Success));
    m_status->addItem(tr("Errors"), static_cast<int>(RequestFilter::Status::Errors));
    m_status->addItem(tr("Cancelled by the client"), static_cast<int>(RequestFilter::Status::Cancelled));
    m_search->setObjectName(QStringLiteral("requestsSearch"));
    m_search->setPlaceholderText(tr("Search id, model, client, error"));
    m_search->setClearButtonEnabled(true);
    m_export->setObjectName(QStringLiteral("requestsExport"));
    m_typing->setSingleShot(true);
    m_typing->setInterval(300);

    m_table->setObjectName(QStringLiteral("requestTable"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->setShowGrid(false);
    m_table->verticalHeader()->hide();
    // Fixed row heights: the view never measures a row, which keeps scrolling a million rows flat.
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    QHeaderView *header = m_table->horizontalHeader();
    header->setHighlightSections(false);
    header->setStretchLastSection(true);
    header->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    const QList<QPair<int, int>> widths{{RequestLogModel::Time, 120},   {RequestLogModel::Client, 80},
                                        {RequestLogModel::Model, 200},  {RequestLogModel::Provider, 80},
                                        {RequestLogModel::Status, 55},  {RequestLogModel::Tokens, 100},
                                        {RequestLogModel::Latency, 75}, {RequestLogModel::Ttfb, 65}};
    for (const auto &[column, width] : widths)
        header->resizeSection(column, width);

    m_summary->setForegroundRole(QPalette::PlaceholderText);
    m_summary->setObjectName(QStringLiteral("requestSummary"));

    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(m_table);
    split->addWidget(m_detail);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    m_stack->addWidget(m_empty);
    m_stack->addWidget(split);

    auto *filters = new QHBoxLayout;
    filters->setSpacing(6);
    for (QWidget *w : std::initializer_list<QWidget *>{m_range, m_provider, m_modelFilter, m_client, m_status})
        filters->addWidget(w);
    filters->addWidget(m_search, 1);
    filters->addWidget(m_export);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(20, 16, 20, 16);
    layout->setSpacing(10);
    layout->addWidget(createPageHeader(tr("Requests"),
                                       tr("Every call through the gateway, newest first, as the ledger records it."),
                                       this));
    layout->addLayout(filters);
    layout->addWidget(m_stack, 1);
    layout->addWidget(m_summary);

    for (QComboBox *box : {m_range, m_provider, m_modelFilter, m_client, m_status})
        connect(box, &QComboBox::currentIndexChanged, this, &RequestsPage::apply);
    connect(m_search, &QLineEdit::textChanged, m_typing, qOverload<>(&QTimer::start));
    connect(m_typing, &QTimer::timeout, this, &RequestsPage::apply);
    connect(m_export, &QPushButton::clicked, this, &RequestsPage::chooseExport);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &RequestsPage::updateView);
    connect(m_model, &QAbstractItemModel::modelReset, this, &RequestsPage::updateView);
    connect(m_model, &RequestPageModel::totalChanged, this, &RequestsPage::updateView);
    connect(m_model, &RequestPageModel::pageLoaded, this, &RequestsPage::updateView);
    connect(m_model, &RequestPageModel::failed, m_summary, &QLabel::setText);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                if (!current.isValid())
                    m_detail->clearRecord();
                else
                    showDetail(current.row());
            });
    // A selected row whose page was being read again, or that a late call moved: show what the
    // row holds now.
    connect(m_model, &QAbstractItemModel::dataChanged, this, [this](const QModelIndex &from, const QModelIndex &to) {
        const int row = m_table->currentIndex().row();
        if (row >= from.row() && row <= to.row())
            showDetail(row);
    });
    connect(m_dashboard, &Dashboard::detailReady, m_detail, &RequestDetailPane::setDetail);
    connect(m_dashboard, &Dashboard::usageReady, this, &RequestsPage::fillChoices);
    connect(m_dashboard, &Dashboard::exportFinished, this, [this](qint64 rows, const QString &path, const QString &error) {
        m_export->setEnabled(true);
        m_summary->setText(rows < 0 ? error : tr("Exported %1 requests to %2.").arg(QLocale().toString(rows), path));
        Q_EMIT exportFinished(rows, path, error);
    });
    connect(m_workspace, &Workspace::gatewayStatusChanged, this, &RequestsPage::showAddress);
    showAddress(m_workspace->gatewayStatus());
    apply();
}

RequestFilter RequestsPage::currentFilter() const
{
    RequestFilter f;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    switch (static_cast<Range>(m_range->currentIndex())) {
    case LastHour:
        f.fromMs = now - kHourMs;
        break;
    case Today:
        f.fromMs = QDate::currentDate().startOfDay().toMSecsSinceEpoch();
        break;
    case Last7Days:
        f.fromMs = now - 7 * kDayMs;
        break;
    case Last30Days:
        f.fromMs = now - 30 * kDayMs;
        break;
    case AllTime:
        break;
    }
    f.provider = m_provider->currentData().toString();
    f.model = m_modelFilter->currentData().toString();
    f.client = m_client->currentData().toString();
    f.status = static_cast<RequestFilter::Status>(m_status->currentData().toInt());
    f.text = m_search->text().trimmed();
    return f;
}

void RequestsPage::setFilter(Range range, const RequestFilter &filter)
{
    m_applying = true;
    m_range->setCurrentIndex(range);
    select(m_provider, filter.provider);
    select(m_modelFilter, filter.model);
    select(m_client, filter.client);
    m_status->setCurrentIndex(m_status->findData(static_cast<int>(filter.status)));
    m_search->setText(filter.text);
    m_applying = false;
    m_typing->stop();
    apply();
}

void RequestsPage::apply()
{
    if (m_applying)
        return;
    m_typing->stop();
    m_detail->clearRecord();
    m_model->setFilter(currentFilter());
}

void RequestsPage::chooseExport()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export requests"), QStringLiteral("patchbay-requests.csv"),
                                                      tr("CSV files (*.csv)"));
    if (!path.isEmpty())
        exportTo(path);
}

void RequestsPage::exportTo(const QString &path)
{
    m_export->setEnabled(false);
    m_summary->setText(tr("Exporting…"));
    m_dashboard->exportCsv(m_model->filter(), path);
}

void RequestsPage::updateView()
{
    const bool unfiltered = m_model->filter() == RequestFilter();
    const int rows = m_model->rowCount();
    // The empty state explains how to get requests at all; an empty filter result keeps the table.
    m_stack->setCurrentIndex(rows == 0 && unfiltered && m_model->atEnd() ? 0 : 1);
    const QLocale locale;
    const qint64 total = m_model->totalCount();
    if (total < 0)
        m_summary->setText(m_model->isFetching() ? tr("Reading…") : QString());
    else if (total == 0)
        m_summary->setText(unfiltered ? QString() : tr("No requests match these filters."));
    else
        m_summary->setText(tr("%1 requests match; %2 listed, more as you scroll. New ones appear at the top.")
                               .arg(locale.toString(total), locale.toString(rows)));
}

void RequestsPage::showDetail(int row)
{
    if (!m_model->isLoaded(row)) {
        m_model->record(row); // asks for the row's page; dataChanged brings us back
        return;
    }
    const UsageRecord &r = m_model->record(row);
    if (r.requestId == m_detail->requestId())
        return;
    m_detail->setRecord(r);
    m_dashboard->fetchDetail(r.requestId);
}

void RequestsPage::fillChoices(const UsageSnapshot &s)
{
    setChoices(m_provider, s.providers, tr("All providers"));
    setChoices(m_modelFilter, s.models, tr("All models"));
    setChoices(m_client, s.clients, tr("All clients"));
}

void RequestsPage::showAddress(const GatewayStatus &status)
{
    m_empty->setText(tr("Point a program at <nobr><code>%1</code></nobr> with an access token from the Gateway page as its "
                        "API key; its calls appear here as they finish.")
                         .arg(status.baseUrl.toHtmlEscaped()));
}

} // namespace patchbay
