#pragma once

#include <QComboBox>

namespace patchbay {

// The gateway's models in an editable combo box that filters as you type (any part of the
// name matches), so a list of hundreds stays usable.
class ChatModelPicker : public QComboBox
{
    Q_OBJECT
public:
    explicit ChatModelPicker(QWidget *parent = nullptr);

    void setModels(const QStringList &models);
    QString model() const { return currentText().trimmed(); }
    void setModel(const QString &model);
};

} // namespace patchbay
