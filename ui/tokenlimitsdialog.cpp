#include "tokenlimitsdialog.h"

#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QRegularExpression>
#include <QSpinBox>
#include <QVBoxLayout>

#include <limits>

namespace patchbay {

namespace {

// 0 stands for "no limit": a limit of nothing would only lock the token out, which is what
// revoking is for.
QSpinBox *limitSpin(QWidget *parent, const QString &suffix)
{
    auto *spin = new QSpinBox(parent);
    spin->setRange(0, std::numeric_limits<int>::max());
    spin->setSpecialValueText(TokenLimitsDialog::tr("No limit"));
    spin->setSuffix(suffix);
    spin->setGroupSeparatorShown(true);
    return spin;
}

QDoubleSpinBox *dollarSpin(QWidget *parent)
{
    auto *spin = new QDoubleSpinBox(parent);
    spin->setRange(0, 1'000'000);
    spin->setDecimals(2);
    spin->setPrefix(QStringLiteral("$"));
    spin->setSpecialValueText(TokenLimitsDialog::tr("No limit"));
    return spin;
}

} // namespace

TokenLimitsDialog::TokenLimitsDialog(const QString &tokenName, const TokenPolicy &policy,
                                     const QStringList &knownModels, QWidget *parent)
    : QDialog(parent)
    , m_models(new QListWidget(this))
    , m_otherModels(new QLineEdit(this))
    , m_requests(limitSpin(this, tr(" requests")))
    , m_tokens(limitSpin(this, tr(" tokens")))
    , m_day(dollarSpin(this))
    , m_month(dollarSpin(this))
{
    setWindowTitle(tr("Limits for %1").arg(tokenName));
    setMinimumWidth(460);
    m_models->setObjectName(QStringLiteral("allowedModelsList"));
    m_otherModels->setObjectName(QStringLiteral("otherModelsEdit"));
    m_requests->setObjectName(QStringLiteral("requestsPerMinuteSpin"));
    m_tokens->setObjectName(QStringLiteral("tokensPerMinuteSpin"));
    m_day->setObjectName(QStringLiteral("usdPerDaySpin"));
    m_month->setObjectName(QStringLiteral("usdPerMonthSpin"));

    QStringList other;
    for (const QString &m : policy.allowedModels) {
        if (!knownModels.contains(m))
            other << m;
    }
    for (const QString &m : knownModels) {
        auto *item = new QListWidgetItem(m, m_models);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(policy.allowedModels.contains(m) ? Qt::Checked : Qt::Unchecked);
    }
    m_models->setMinimumHeight(120);
    m_otherModels->setText(other.join(QStringLiteral(", ")));
    m_otherModels->setPlaceholderText(tr("More names, separated by commas, e.g. openai/gpt-4o, fast"));
    m_requests->setValue(policy.requestsPerMinute.value_or(0));
    m_tokens->setValue(int(qMin<qint64>(policy.tokensPerMinute.value_or(0), std::numeric_limits<int>::max())));
    m_day->setValue(policy.usdPerDay.value_or(0));
    m_month->setValue(policy.usdPerMonth.value_or(0));

    auto *modelsHint = new QLabel(tr("Tick none to allow every model."), this);
    modelsHint->setWordWrap(true);
    auto *modelsBox = new QVBoxLayout;
    modelsBox->addWidget(modelsHint);
    modelsBox->addWidget(m_models);
    modelsBox->addWidget(m_otherModels);

    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    form->addRow(tr("Allowed models:"), modelsBox);
    form->addRow(tr("Per &minute:"), m_requests);
    form->addRow(QString(), m_tokens);
    form->addRow(tr("Spend per &day:"), m_day);
    form->addRow(tr("Spend per m&onth:"), m_month);

    auto *note = new QLabel(tr("Over a limit, the program gets HTTP 429 with the limit's name and when it resets. "
                               "Days and months are this computer's calendar."),
                            this);
    note->setWordWrap(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(note);
    layout->addWidget(buttons);
}

TokenPolicy TokenLimitsDialog::policy() const
{
    TokenPolicy p;
    for (int i = 0; i < m_models->count(); ++i) {
        if (m_models->item(i)->checkState() == Qt::Checked)
            p.allowedModels << m_models->item(i)->text();
    }
    const QStringList other = m_otherModels->text().split(QRegularExpression(QStringLiteral("[,\\s]+")),
                                                          Qt::SkipEmptyParts);
    p.allowedModels << other;
    p.allowedModels.removeDuplicates();
    if (m_requests->value() > 0)
        p.requestsPerMinute = m_requests->value();
    if (m_tokens->value() > 0)
        p.tokensPerMinute = m_tokens->value();
    if (m_day->value() > 0)
        p.usdPerDay = m_day->value();
    if (m_month->value() > 0)
        p.usdPerMonth = m_month->value();
    return p;
}

QString TokenLimitsDialog::summary(const TokenPolicy &policy)
{
    if (policy.isEmpty())
        return tr("No limits");
    const QLocale locale;
    QStringList parts;
    if (!policy.allowedModels.isEmpty())
        parts << tr("%n model(s)", nullptr, int(policy.allowedModels.size()));
    if (policy.requestsPerMinute)
        parts << tr("%1 req/min").arg(locale.toString(*policy.requestsPerMinute));
    if (policy.tokensPerMinute)
        parts << tr("%1 tok/min").arg(locale.toString(*policy.tokensPerMinute));
    if (policy.usdPerDay)
        parts << tr("$%1/day").arg(locale.toString(*policy.usdPerDay, 'f', 2));
    if (policy.usdPerMonth)
        parts << tr("$%1/month").arg(locale.toString(*policy.usdPerMonth, 'f', 2));
    return parts.join(QStringLiteral(" · "));
}

} // namespace patchbay
