#include "requestspage.h"

#include "emptystate.h"
#include "ledgerquery.h"
#include "pageheader.h"
#include "requestlogmodel.h"
#include "usageledger.h"
#include "workspace.h"

#include <QHeaderView>
#include <QLabel>
#include <QStackedWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace patchbay {

RequestsPage::RequestsPage(Workspace *workspace, QWidget *parent)
    : QWidget(parent)
    , m_workspace(workspace)
    , m_model(new RequestLogModel(500, this))
    , m_stack(new QStackedWidget(this))
    , m_empty(new EmptyState(this))
    , m_table(new QTableView(this))
    , m_summary(new QLabel(this))
{
    m_empty->setObjectName(QStringLiteral("requestsEmptyState"));
    m_empty->setTitle(tr("No requests yet"));

    m_table->setObjectName(QStringLiteral("requestTable"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->setShowGrid(false);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    QHeaderView *header = m_table->horizontalHeader();
    header->setHighlightSections(false);
    header->setStretchLastSection(true);
    header->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    // Narrow enough that the Error column still shows at the window's minimum width.
    const QList<QPair<int, int>> widths{{RequestLogModel::Time, 65},     {RequestLogModel::Client, 90},
                                        {RequestLogModel::Model, 220},   {RequestLogModel::Provider, 80},
                                        {RequestLogModel::Status, 55},   {RequestLogModel::Tokens, 100},
                                        {RequestLogModel::Latency, 75},  {RequestLogModel::Ttfb, 65}};
    for (const auto &[column, width] : widths)
        header->resizeSection(column, width);

    m_summary->setForegroundRole(QPalette::PlaceholderText);
    m_summary->setObjectName(QStringLiteral("requestSummary"));

    m_stack->addWidget(m_empty);
    m_stack->addWidget(m_table);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(20, 16, 20, 16);
    layout->setSpacing(10);
    layout->addWidget(createPageHeader(tr("Requests"),
                                       tr("Every call through the gateway, newest first, as the ledger records it."),
                                       this));
    layout->addWidget(m_stack, 1);
    layout->addWidget(m_summary);

    connect(m_workspace, &Workspace::gatewayStatusChanged, this, &RequestsPage::showAddress);
    showAddress(m_workspace->gatewayStatus());
    if (UsageLedger *ledger = m_workspace->ledger())
        connect(ledger, &UsageLedger::recorded, this, &RequestsPage::add, Qt::QueuedConnection);
    load();
}

void RequestsPage::load()
{
    // One indexed query for 500 rows: a few milliseconds, acceptable once at start-up.
    QString error;
    const QList<UsageRecord> records = LedgerQuery(m_workspace->database()).latest(m_model->capacity(), &error);
    m_model->setRecords(records);
    for (const UsageRecord &r : records)
        m_loadedIds.insert(r.requestId);
    if (!error.isEmpty())
        m_summary->setText(error);
    updateView();
}

void RequestsPage::add(const UsageRecord &record)
{
    if (!record.requestId.isEmpty() && m_loadedIds.remove(record.requestId))
        return;
    m_model->prepend(record);
    updateView();
}

void RequestsPage::updateView()
{
    const int rows = m_model->rowCount();
    m_stack->setCurrentIndex(rows == 0 ? 0 : 1);
    if (rows == 0)
        return;
    m_summary->setText(rows >= m_model->capacity()
                           ? tr("Showing the latest %1 requests; new ones appear at the top as they finish.").arg(rows)
                           : rows == 1 ? tr("1 request; new ones appear at the top as they finish.")
                                       : tr("%1 requests; new ones appear at the top as they finish.").arg(rows));
}

void RequestsPage::showAddress(const GatewayStatus &status)
{
    m_empty->setText(tr("Point a program at <nobr><code>%1</code></nobr> with an access token from the Gateway page as its "
                        "API key; its calls appear here as they finish.")
                         .arg(status.baseUrl.toHtmlEscaped()));
}

} // namespace patchbay
