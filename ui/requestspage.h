#pragma once

#include <QSet>
#include <QWidget>

class QLabel;
class QStackedWidget;
class QTableView;

namespace patchbay {

class EmptyState;
class RequestLogModel;
class Workspace;
struct GatewayStatus;
struct UsageRecord;

// The latest calls through the gateway, updated live as the ledger writes them.
class RequestsPage : public QWidget
{
    Q_OBJECT
public:
    explicit RequestsPage(Workspace *workspace, QWidget *parent = nullptr);

    RequestLogModel *model() const { return m_model; }

private:
    void load();
    void add(const UsageRecord &record);
    void updateView();
    void showAddress(const GatewayStatus &status);

    Workspace *m_workspace;
    RequestLogModel *m_model;
    QStackedWidget *m_stack;
    EmptyState *m_empty;
    QTableView *m_table;
    QLabel *m_summary;
    // Rows read at start-up whose recorded() signal may still be queued; shown once, not twice.
    QSet<QString> m_loadedIds;
};

} // namespace patchbay
