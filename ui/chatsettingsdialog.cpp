#include "chatsettingsdialog.h"

#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QPlainTextEdit>
#include <QSpinBox>

namespace patchbay {

namespace {

// The spin boxes' lowest value stands for "not set".
constexpr double kUnsetTemperature = -0.1;
constexpr double kUnsetTopP = -0.05;

} // namespace

ChatSettingsDialog::ChatSettingsDialog(QWidget *parent)
    : QDialog(parent)
    , m_system(new QPlainTextEdit(this))
    , m_temperature(new QDoubleSpinBox(this))
    , m_maxTokens(new QSpinBox(this))
    , m_topP(new QDoubleSpinBox(this))
{
    setWindowTitle(tr("Conversation settings"));
    m_system->setPlaceholderText(tr("Instructions the model sees before every message, e.g. “Answer briefly.”"));
    m_temperature->setRange(kUnsetTemperature, 2.0);
    m_temperature->setSingleStep(0.1);
    m_temperature->setDecimals(2);
    m_temperature->setSpecialValueText(tr("Default"));
    m_maxTokens->setRange(0, 1'000'000);
    m_maxTokens->setSingleStep(256);
    m_maxTokens->setSpecialValueText(tr("Default"));
    m_topP->setRange(kUnsetTopP, 1.0);
    m_topP->setSingleStep(0.05);
    m_topP->setDecimals(2);
    m_topP->setSpecialValueText(tr("Default"));
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *form = new QFormLayout(this);
    form->addRow(tr("System prompt"), m_system);
    form->addRow(tr("Temperature"), m_temperature);
    form->addRow(tr("Max tokens"), m_maxTokens);
    form->addRow(tr("Top p"), m_topP);
    form->addRow(buttons);
    resize(520, 360);
}

void ChatSettingsDialog::setValues(const QString &systemPrompt, const QJsonObject &params)
{
    m_system->setPlainText(systemPrompt);
    m_temperature->setValue(params.value(QLatin1String("temperature")).toDouble(kUnsetTemperature));
    m_maxTokens->setValue(params.value(QLatin1String("max_tokens")).toInt(0));
    m_topP->setValue(params.value(QLatin1String("top_p")).toDouble(kUnsetTopP));
}

QString ChatSettingsDialog::systemPrompt() const
{
    return m_system->toPlainText();
}

QJsonObject ChatSettingsDialog::params() const
{
    QJsonObject out;
    if (m_temperature->value() > m_temperature->minimum())
        out.insert(QStringLiteral("temperature"), m_temperature->value());
    if (m_maxTokens->value() > 0)
        out.insert(QStringLiteral("max_tokens"), m_maxTokens->value());
    if (m_topP->value() > m_topP->minimum())
        out.insert(QStringLiteral("top_p"), m_topP->value());
    return out;
}

} // namespace patchbay
