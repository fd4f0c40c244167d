#pragma once

#include <QWidget>

class QAction;
class QLabel;
class QPushButton;
class QStackedWidget;
class QTreeWidget;

namespace patchbay {

class EmptyState;
class Workspace;

// The providers Patchbay forwards to: a list with Add / Edit / Remove, or a welcome panel
// while there are none.
class ProvidersPage : public QWidget
{
    Q_OBJECT
public:
    explicit ProvidersPage(Workspace *workspace, QWidget *parent = nullptr);

    // "Add provider…" with Ctrl+N, for the window's menu to share.
    QAction *newProviderAction() const { return m_newAction; }

public Q_SLOTS:
    // Each opens a window-modal dialog and returns at once. presetId picks a preset in the
    // dialog (e.g. "anthropic"); empty leaves the choice to the user.
    void addProvider(const QString &presetId = {});
    void editProvider();
    void removeProvider();
    // Recomputes every ledger row's cost with today's catalog and price overrides, off the UI
    // thread; repriceFinished() carries the outcome.
    void repriceHistory();

Q_SIGNALS:
    // A short note for the status bar, e.g. "Saved OpenAI.".
    void statusMessage(const QString &text);
    // "Repriced N requests; M have no known price.", or why it stopped.
    void repriceFinished(const QString &summary);

private:
    void reload();
    void select(const QString &id);
    QString currentId() const;
    void updateButtons();
    void removeNow(const QString &id);

    Workspace *m_workspace;
    QStackedWidget *m_stack;
    EmptyState *m_empty;
    QTreeWidget *m_list;
    QLabel *m_hint;
    QPushButton *m_add;
    QPushButton *m_edit;
    QPushButton *m_remove;
    QPushButton *m_reprice;
    QAction *m_newAction;
};

} // namespace patchbay
