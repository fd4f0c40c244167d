#include "routingeditor.h"

#include "aliaseditor.h"
#include "gatewaymodelnames.h"
#include "workspace.h"

#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace patchbay {

namespace {

enum Column { NameColumn, StrategyColumn, TargetsColumn };

QSpinBox *msSpin(QWidget *parent, int min, int max)
{
    auto *spin = new QSpinBox(parent);
    spin->setRange(min, max);
    spin->setSuffix(RoutingEditor::tr(" ms"));
    spin->setSingleStep(250);
    spin->setGroupSeparatorShown(true);
    return spin;
}

QString targetsText(const AliasConfig &a)
{
    QStringList parts;
    for (const RouteTarget &t : a.targets)
        parts << (a.strategy == QLatin1String("weighted") ? QStringLiteral("%1 ×%2").arg(t.model).arg(t.weight) : t.model);
    return parts.join(QStringLiteral(" → "));
}

} // namespace

RoutingEditor::RoutingEditor(Workspace *workspace, QWidget *parent)
    : QWidget(parent)
    , m_workspace(workspace)
    , m_aliases(new QTreeWidget(this))
    , m_edit(new QPushButton(tr("&Edit…"), this))
    , m_remove(new QPushButton(tr("&Remove"), this))
    , m_order(new QListWidget(this))
    , m_attempts(new QSpinBox(this))
    , m_baseDelay(msSpin(this, 0, 60'000))
    , m_maxDelay(msSpin(this, 0, 600'000))
    , m_failures(new QSpinBox(this))
    , m_cooldown(msSpin(this, 0, 3'600'000))
    , m_error(new QLabel(this))
{
    m_aliases->setObjectName(QStringLiteral("aliasList"));
    m_aliases->setHeaderLabels({tr("Alias"), tr("Strategy"), tr("Targets")});
    m_aliases->setRootIsDecorated(false);
    m_aliases->setUniformRowHeights(true);
    m_aliases->setMinimumHeight(120);
    m_aliases->header()->resizeSection(NameColumn, 120);
    m_aliases->header()->resizeSection(StrategyColumn, 120);
    auto *add = new QPushButton(tr("&Add alias…"), this);
    add->setObjectName(QStringLiteral("addAliasButton"));
    m_edit->setObjectName(QStringLiteral("editAliasButton"));
    m_remove->setObjectName(QStringLiteral("removeAliasButton"));
    auto *aliasButtons = new QHBoxLayout;
    aliasButtons->addWidget(add);
    aliasButtons->addWidget(m_edit);
    aliasButtons->addWidget(m_remove);
    aliasButtons->addStretch();
    auto *aliasAbout = new QLabel(tr("An alias is a model name of your own (\"fast\", \"smart\") that the gateway sends "
                                     "to one or more targets: in order, by weight, or the quickest first."),
                                  this);
    aliasAbout->setWordWrap(true);
    auto *aliasBox = new QGroupBox(tr("Aliases"), this);
    auto *aliasLayout = new QVBoxLayout(aliasBox);
    aliasLayout->addWidget(aliasAbout);
    aliasLayout->addLayout(aliasButtons);
    aliasLayout->addWidget(m_aliases);

    m_order->setObjectName(QStringLiteral("providerOrderList"));
    m_order->setMaximumHeight(110);
    auto *up = new QPushButton(tr("&Up"), this);
    auto *down = new QPushButton(tr("Do&wn"), this);
    auto *orderButtons = new QVBoxLayout;
    orderButtons->addWidget(up);
    orderButtons->addWidget(down);
    orderButtons->addStretch();
    auto *orderRow = new QHBoxLayout;
    orderRow->addWidget(m_order, 1);
    orderRow->addLayout(orderButtons);

    m_attempts->setObjectName(QStringLiteral("attemptsSpin"));
    m_attempts->setRange(1, 10);
    m_failures->setRange(1, 100);
    m_baseDelay->setObjectName(QStringLiteral("baseDelaySpin"));
    m_cooldown->setObjectName(QStringLiteral("cooldownSpin"));
    auto *retryForm = new QFormLayout;
    retryForm->addRow(tr("Attempts per target:"), m_attempts);
    retryForm->addRow(tr("First retry after:"), m_baseDelay);
    retryForm->addRow(tr("Longest wait:"), m_maxDelay);
    retryForm->addRow(tr("Failures before cool-down:"), m_failures);
    retryForm->addRow(tr("Cool-down:"), m_cooldown);

    auto *orderAbout = new QLabel(tr("Where a bare model name (\"gpt-4o\") is looked for first. Providers not "
                                     "moved stay in the order they were added."),
                                  this);
    orderAbout->setWordWrap(true);
    auto *settingsBox = new QGroupBox(tr("Bare names and retries"), this);
    auto *settingsLayout = new QVBoxLayout(settingsBox);
    settingsLayout->addWidget(orderAbout);
    settingsLayout->addLayout(orderRow);
    settingsLayout->addLayout(retryForm);
    auto *save = new QPushButton(tr("&Save order and retries"), this);
    save->setObjectName(QStringLiteral("saveRoutingButton"));
    auto *saveRow = new QHBoxLayout;
    saveRow->addStretch();
    saveRow->addWidget(save);
    settingsLayout->addLayout(saveRow);

    m_error->setObjectName(QStringLiteral("routingError"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setStyleSheet(QStringLiteral("color: #c62828;"));
    m_error->hide();

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(aliasBox, 1);
    layout->addWidget(settingsBox);
    layout->addWidget(m_error);

    connect(add, &QPushButton::clicked, this, &RoutingEditor::addAlias);
    connect(m_edit, &QPushButton::clicked, this, &RoutingEditor::editAlias);
    connect(m_remove, &QPushButton::clicked, this, &RoutingEditor::removeAlias);
    connect(m_aliases, &QTreeWidget::itemActivated, this, &RoutingEditor::editAlias);
    connect(m_aliases, &QTreeWidget::itemSelectionChanged, this, &RoutingEditor::updateButtons);
    connect(up, &QPushButton::clicked, this, [this] { moveProvider(-1); });
    connect(down, &QPushButton::clicked, this, [this] { moveProvider(1); });
    connect(save, &QPushButton::clicked, this, &RoutingEditor::saveSettings);
    connect(m_workspace, &Workspace::configChanged, this, &RoutingEditor::reload);
    reload(m_workspace->config());
}

void RoutingEditor::reload(const AppConfig &config)
{
    const QString selected = currentAlias();
    m_aliases->clear();
    for (const AliasConfig &a : config.routing.aliases) {
        auto *item = new QTreeWidgetItem(m_aliases, {a.name, a.strategy, targetsText(a)});
        item->setToolTip(TargetsColumn, targetsText(a));
        if (a.name == selected)
            m_aliases->setCurrentItem(item);
    }
    // The configured order first, then the providers it leaves out, as the gateway resolves them.
    QStringList order;
    for (const QString &id : config.routing.providerOrder) {
        if (config.provider(id))
            order << id;
    }
    for (const ProviderConfig &p : config.providers)
        order << p.id;
    order.removeDuplicates();
    m_order->clear();
    m_order->addItems(order);
    const RetryConfig &r = config.routing.retry;
    m_attempts->setValue(r.attemptsPerTarget);
    m_baseDelay->setValue(r.baseDelayMs);
    m_maxDelay->setValue(r.maxDelayMs);
    m_failures->setValue(r.failuresBeforeCooldown);
    m_cooldown->setValue(r.cooldownMs);
    updateButtons();
}

QString RoutingEditor::currentAlias() const
{
    const QList<QTreeWidgetItem *> selected = m_aliases->selectedItems();
    return selected.isEmpty() ? QString() : selected.first()->text(NameColumn);
}

void RoutingEditor::updateButtons()
{
    m_edit->setEnabled(!currentAlias().isEmpty());
    m_remove->setEnabled(!currentAlias().isEmpty());
}

void RoutingEditor::showError(const QString &text)
{
    m_error->setText(text);
    m_error->setVisible(!text.isEmpty());
}

AliasEditor *RoutingEditor::addAlias()
{
    auto *dialog = new AliasEditor(m_workspace, std::nullopt, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this,
            [this, dialog] { Q_EMIT statusMessage(tr("Saved the alias %1.").arg(dialog->alias().name)); });
    dialog->open();
    return dialog;
}

AliasEditor *RoutingEditor::editAlias()
{
    const AliasConfig *existing = m_workspace->config().routing.alias(currentAlias());
    if (!existing)
        return nullptr;
    auto *dialog = new AliasEditor(m_workspace, *existing, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this,
            [this, dialog] { Q_EMIT statusMessage(tr("Saved the alias %1.").arg(dialog->alias().name)); });
    dialog->open();
    return dialog;
}

void RoutingEditor::removeAlias()
{
    const QString name = currentAlias();
    if (name.isEmpty())
        return;
    AppConfig config = m_workspace->config();
    config.routing.aliases.removeIf([&name](const AliasConfig &a) { return a.name == name; });
    if (QString error; !m_workspace->saveConfig(config, &error)) {
        showError(error);
        return;
    }
    showError(QString());
    Q_EMIT statusMessage(tr("Removed the alias %1; programs asking for it now get an unknown-model error.").arg(name));
}

void RoutingEditor::moveProvider(int delta)
{
    const int row = m_order->currentRow();
    const int to = row + delta;
    if (row < 0 || to < 0 || to >= m_order->count())
        return;
    QListWidgetItem *item = m_order->takeItem(row);
    m_order->insertItem(to, item);
    m_order->setCurrentRow(to);
}

void RoutingEditor::saveSettings()
{
    AppConfig config = m_workspace->config();
    QStringList order;
    for (int i = 0; i < m_order->count(); ++i)
        order << m_order->item(i)->text();
    QStringList configOrder;
    for (const ProviderConfig &p : config.providers)
        configOrder << p.id;
    // Left alone, the order stays unwritten, so providers added later keep falling in behind.
    config.routing.providerOrder = order == configOrder ? QStringList() : order;
    RetryConfig &r = config.routing.retry;
    r.attemptsPerTarget = m_attempts->value();
    r.baseDelayMs = m_baseDelay->value();
    r.maxDelayMs = m_maxDelay->value();
    r.failuresBeforeCooldown = m_failures->value();
    r.cooldownMs = m_cooldown->value();
    if (QString error; !m_workspace->saveConfig(config, &error)) {
        showError(error);
        return;
    }
    showError(QString());
    Q_EMIT statusMessage(tr("Saved the provider order and retry settings."));
}

} // namespace patchbay
