#pragma once

#include "dashboardtypes.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QStackedWidget;
class QTableView;
class QTimer;

namespace patchbay {

class Dashboard;
class EmptyState;
class RequestDetailPane;
class RequestPageModel;
class Workspace;
struct GatewayStatus;

// Every call through the gateway, newest first, filtered, a page at a time; a detail pane for
// the selected call and CSV export of what the filters show. Live as the ledger writes.
class RequestsPage : public QWidget
{
    Q_OBJECT
public:
    enum Range { LastHour, Today, Last7Days, Last30Days, AllTime };

    RequestsPage(Workspace *workspace, Dashboard *dashboard, QWidget *parent = nullptr);

    RequestPageModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    RequestDetailPane *detailPane() const { return m_detail; }
    // Sets the filter controls and applies them at once (no typing delay).
    void setFilter(Range range, const RequestFilter &filter);
    RequestFilter currentFilter() const;
    // Writes the filtered view; exportFinished() follows.
    void exportTo(const QString &path);

Q_SIGNALS:
    void exportFinished(qint64 rows, const QString &path, const QString &error);

private:
    void apply();
    void chooseExport();
    void updateView();
    void showDetail(int row);
    void showAddress(const GatewayStatus &status);
    void fillChoices(const UsageSnapshot &s);

    Workspace *m_workspace;
    Dashboard *m_dashboard;
    RequestPageModel *m_model;
    QComboBox *m_range;
    QComboBox *m_provider;
    QComboBox *m_modelFilter;
    QComboBox *m_client;
    QComboBox *m_status;
    QLineEdit *m_search;
    QPushButton *m_export;
    QTimer *m_typing;
    QStackedWidget *m_stack;
    EmptyState *m_empty;
    QTableView *m_table;
    RequestDetailPane *m_detail;
    QLabel *m_summary;
    bool m_applying = false;
};

} // namespace patchbay
