#pragma once

#include "routingconfig.h"

#include <QDialog>
#include <optional>

class QComboBox;
class QLabel;
class QLineEdit;
class QTableWidget;

namespace patchbay {

class Workspace;

// Adds or edits one alias: its name, strategy and ordered targets (with weights when weighted).
// Save writes config.json through the workspace and stays open with the reason when the config
// is refused, e.g. a target names a provider that does not exist.
class AliasEditor : public QDialog
{
    Q_OBJECT
public:
    // existing: the alias to edit; nullopt adds one.
    AliasEditor(Workspace *workspace, std::optional<AliasConfig> existing, QWidget *parent = nullptr);

    // Appends a target row, as the Add button does with the picker's text.
    void addTarget(const QString &model, int weight = 1);
    AliasConfig alias() const;
    QString error() const;

public Q_SLOTS:
    void save();

private:
    void moveTarget(int delta);
    void updateWeights();
    void showError(const QString &text);

    Workspace *m_workspace;
    std::optional<AliasConfig> m_existing;
    QLineEdit *m_name;
    QComboBox *m_strategy;
    QLabel *m_strategyHint;
    QTableWidget *m_targets;
    QComboBox *m_picker;
    QLabel *m_error;
};

} // namespace patchbay
