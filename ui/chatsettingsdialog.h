#pragma once

#include <QDialog>
#include <QJsonObject>

class QDoubleSpinBox;
class QPlainTextEdit;
class QSpinBox;

namespace patchbay {

// The system prompt and sampling parameters of one conversation. A parameter left at
// "Default" is not sent, so the provider's own default applies.
class ChatSettingsDialog : public QDialog
{
    Q_OBJECT
public:
    explicit ChatSettingsDialog(QWidget *parent = nullptr);

    void setValues(const QString &systemPrompt, const QJsonObject &params);
    QString systemPrompt() const;
    QJsonObject params() const;

private:
    QPlainTextEdit *m_system;
    QDoubleSpinBox *m_temperature;
    QSpinBox *m_maxTokens;
    QDoubleSpinBox *m_topP;
};

} // namespace patchbay
