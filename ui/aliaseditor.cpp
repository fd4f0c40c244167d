#include "aliaseditor.h"

#include "gatewaymodelnames.h"
#include "workspace.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace patchbay {

namespace {

enum Column { ModelColumn, WeightColumn };

QString strategyHint(const QString &strategy)
{
    if (strategy == QLatin1String("weighted"))
        return AliasEditor::tr("Each call goes to one target picked by weight; the others follow in order if it fails.");
    if (strategy == QLatin1String("lowest-latency"))
        return AliasEditor::tr("Each call goes to the target that answered quickest lately; the others follow if it fails.");
    return AliasEditor::tr("Each call goes to the first target; the next is tried when one fails.");
}

} // namespace

AliasEditor::AliasEditor(Workspace *workspace, std::optional<AliasConfig> existing, QWidget *parent)
    : QDialog(parent)
    , m_workspace(workspace)
    , m_existing(std::move(existing))
    , m_name(new QLineEdit(this))
    , m_strategy(new QComboBox(this))
    , m_strategyHint(new QLabel(this))
    , m_targets(new QTableWidget(0, 2, this))
    , m_picker(new QComboBox(this))
    , m_error(new QLabel(this))
{
    setWindowTitle(m_existing ? tr("Edit alias %1").arg(m_existing->name) : tr("Add alias"));
    setMinimumWidth(520);
    m_name->setObjectName(QStringLiteral("aliasNameEdit"));
    m_name->setPlaceholderText(tr("e.g. fast, smart, cheap"));
    m_strategy->setObjectName(QStringLiteral("strategyCombo"));
    m_strategy->addItem(tr("Fallback, in order"), QStringLiteral("fallback"));
    m_strategy->addItem(tr("Weighted"), QStringLiteral("weighted"));
    m_strategy->addItem(tr("Lowest latency"), QStringLiteral("lowest-latency"));
    m_strategyHint->setWordWrap(true);
    m_targets->setObjectName(QStringLiteral("targetsTable"));
    m_targets->setHorizontalHeaderLabels({tr("Target (provider/model)"), tr("Weight")});
    m_targets->horizontalHeader()->setSectionResizeMode(ModelColumn, QHeaderView::Stretch);
    m_targets->verticalHeader()->hide();
    m_targets->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_targets->setSelectionMode(QAbstractItemView::SingleSelection);
    m_targets->setMinimumHeight(150);
    m_picker->setObjectName(QStringLiteral("targetPicker"));
    m_picker->setEditable(true);
    m_picker->setInsertPolicy(QComboBox::NoInsert);
    for (const ProviderConfig &p : m_workspace->config().providers) {
        for (const QString &m : p.models)
            m_picker->addItem(p.id + QLatin1Char('/') + m);
    }
    m_picker->setCurrentText(QString());
    m_picker->lineEdit()->setPlaceholderText(tr("provider/model"));
    m_error->setObjectName(QStringLiteral("aliasError"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setStyleSheet(QStringLiteral("color: #c62828;"));
    m_error->hide();

    auto *add = new QPushButton(tr("&Add"), this);
    add->setObjectName(QStringLiteral("addTargetButton"));
    auto *up = new QPushButton(tr("&Up"), this);
    auto *down = new QPushButton(tr("&Down"), this);
    auto *remove = new QPushButton(tr("&Remove"), this);
    remove->setObjectName(QStringLiteral("removeTargetButton"));
    auto *pickRow = new QHBoxLayout;
    pickRow->addWidget(m_picker, 1);
    pickRow->addWidget(add);
    auto *orderRow = new QHBoxLayout;
    orderRow->addWidget(up);
    orderRow->addWidget(down);
    orderRow->addWidget(remove);
    orderRow->addStretch();
    auto *targetsBox = new QVBoxLayout;
    targetsBox->addLayout(pickRow);
    targetsBox->addWidget(m_targets);
    targetsBox->addLayout(orderRow);

    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    form->addRow(tr("&Name:"), m_name);
    // The hint belongs to the choice above it; as a row of its own the form clips its second line.
    auto *strategyBox = new QVBoxLayout;
    strategyBox->setSpacing(4);
    strategyBox->addWidget(m_strategy, 0, Qt::AlignLeft);
    strategyBox->addWidget(m_strategyHint);
    auto *strategyTitle = new QLabel(tr("&Strategy:"), this);
    strategyTitle->setBuddy(m_strategy);
    form->addRow(strategyTitle, strategyBox);
    form->addRow(tr("Targets:"), targetsBox);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Save)->setObjectName(QStringLiteral("saveAliasButton"));
    // Enter in the picker adds a target; it must not save the dialog.
    buttons->button(QDialogButtonBox::Save)->setAutoDefault(false);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addWidget(buttons);

    connect(add, &QPushButton::clicked, this, [this] {
        if (!m_picker->currentText().trimmed().isEmpty())
            addTarget(m_picker->currentText().trimmed());
        m_picker->setCurrentText(QString());
    });
    connect(up, &QPushButton::clicked, this, [this] { moveTarget(-1); });
    connect(down, &QPushButton::clicked, this, [this] { moveTarget(1); });
    connect(remove, &QPushButton::clicked, this, [this] {
        if (m_targets->currentRow() >= 0)
            m_targets->removeRow(m_targets->currentRow());
    });
    connect(m_strategy, &QComboBox::currentIndexChanged, this, &AliasEditor::updateWeights);
    connect(buttons, &QDialogButtonBox::accepted, this, &AliasEditor::save);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    if (m_existing) {
        m_name->setText(m_existing->name);
        m_strategy->setCurrentIndex(qMax(0, m_strategy->findData(m_existing->strategy)));
        for (const RouteTarget &t : m_existing->targets)
            addTarget(t.model, t.weight);
    }
    updateWeights();
}

void AliasEditor::addTarget(const QString &model, int weight)
{
    const int row = m_targets->rowCount();
    m_targets->insertRow(row);
    m_targets->setItem(row, ModelColumn, new QTableWidgetItem(model));
    auto *w = new QTableWidgetItem;
    // An int in the display role gets a spin box as its editor.
    w->setData(Qt::DisplayRole, weight);
    m_targets->setItem(row, WeightColumn, w);
    m_targets->setCurrentCell(row, ModelColumn);
}

void AliasEditor::moveTarget(int delta)
{
    const int row = m_targets->currentRow();
    const int to = row + delta;
    if (row < 0 || to < 0 || to >= m_targets->rowCount())
        return;
    for (int c = 0; c < m_targets->columnCount(); ++c) {
        QTableWidgetItem *a = m_targets->takeItem(row, c);
        QTableWidgetItem *b = m_targets->takeItem(to, c);
        m_targets->setItem(row, c, b);
        m_targets->setItem(to, c, a);
    }
    m_targets->setCurrentCell(to, ModelColumn);
}

void AliasEditor::updateWeights()
{
    const QString strategy = m_strategy->currentData().toString();
    m_targets->setColumnHidden(WeightColumn, strategy != QLatin1String("weighted"));
    m_strategyHint->setText(strategyHint(strategy));
}

AliasConfig AliasEditor::alias() const
{
    AliasConfig a;
    a.name = m_name->text().trimmed();
    a.strategy = m_strategy->currentData().toString();
    for (int row = 0; row < m_targets->rowCount(); ++row) {
        const QString model = m_targets->item(row, ModelColumn)->text().trimmed();
        if (model.isEmpty())
            continue;
        a.targets.append({model, m_targets->item(row, WeightColumn)->data(Qt::DisplayRole).toInt()});
    }
    return a;
}

QString AliasEditor::error() const
{
    return m_error->isVisible() ? m_error->text() : QString();
}

void AliasEditor::showError(const QString &text)
{
    m_error->setText(text);
    m_error->setVisible(!text.isEmpty());
}

void AliasEditor::save()
{
    const AliasConfig a = alias();
    if (a.name.isEmpty())
        return showError(tr("Give the alias a name."));
    if (a.name.contains(QLatin1Char('/')))
        return showError(tr("An alias name may not contain '/', which marks \"provider/model\" names."));
    if (a.targets.isEmpty())
        return showError(tr("Add at least one target."));
    AppConfig config = m_workspace->config();
    QList<AliasConfig> &aliases = config.routing.aliases;
    const QString oldName = m_existing ? m_existing->name : QString();
    qsizetype at = -1;
    for (qsizetype i = 0; i < aliases.size(); ++i) {
        if (aliases[i].name == a.name && a.name != oldName)
            return showError(tr("There is already an alias named \"%1\".").arg(a.name));
        if (!oldName.isEmpty() && aliases[i].name == oldName)
            at = i;
    }
    if (at >= 0)
        aliases[at] = a;
    else
        aliases.append(a);
    if (QString error; !m_workspace->saveConfig(config, &error))
        return showError(tr("Nothing was saved. %1").arg(error));
    showError(QString());
    accept();
}

} // namespace patchbay
