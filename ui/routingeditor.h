#pragma once

#include <QWidget>

class QLabel;
class QListWidget;
class QPushButton;
class QSpinBox;
class QTreeWidget;

namespace patchbay {

class AliasEditor;
class Workspace;
struct AppConfig;

// The routing section of config.json: aliases and their targets, the provider order for bare
// model names, and how often and how long the gateway retries.
class RoutingEditor : public QWidget
{
    Q_OBJECT
public:
    explicit RoutingEditor(Workspace *workspace, QWidget *parent = nullptr);

public Q_SLOTS:
    // Each opens the alias dialog (window-modal) and returns it at once.
    AliasEditor *addAlias();
    AliasEditor *editAlias();
    void removeAlias();
    // Saves the provider order and the retry settings.
    void saveSettings();

Q_SIGNALS:
    void statusMessage(const QString &text);

private:
    void reload(const AppConfig &config);
    void moveProvider(int delta);
    void updateButtons();
    QString currentAlias() const;
    void showError(const QString &text);

    Workspace *m_workspace;
    QTreeWidget *m_aliases;
    QPushButton *m_edit;
    QPushButton *m_remove;
    QListWidget *m_order;
    QSpinBox *m_attempts;
    QSpinBox *m_baseDelay;
    QSpinBox *m_maxDelay;
    QSpinBox *m_failures;
    QSpinBox *m_cooldown;
    QLabel *m_error;
};

} // namespace patchbay
