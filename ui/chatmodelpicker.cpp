#include "chatmodelpicker.h"

#include <QCompleter>
#include <QLineEdit>

namespace patchbay {

ChatModelPicker::ChatModelPicker(QWidget *parent)
    : QComboBox(parent)
{
    setObjectName(QStringLiteral("modelPicker"));
    setEditable(true);
    setInsertPolicy(QComboBox::NoInsert);
    setMinimumContentsLength(22);
    setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    lineEdit()->setPlaceholderText(tr("Model"));
    completer()->setFilterMode(Qt::MatchContains);
    completer()->setCaseSensitivity(Qt::CaseInsensitive);
    completer()->setCompletionMode(QCompleter::PopupCompletion);
}

void ChatModelPicker::setModels(const QStringList &models)
{
    const QString keep = model();
    blockSignals(true);
    clear();
    addItems(models);
    blockSignals(false);
    setModel(keep.isEmpty() && !models.isEmpty() ? models.first() : keep);
}

void ChatModelPicker::setModel(const QString &name)
{
    const int at = findText(name);
    if (at >= 0)
        setCurrentIndex(at);
    else
        setEditText(name);
}

} // namespace patchbay
