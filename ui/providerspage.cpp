#include "providerspage.h"

#include "dialectnames.h"
#include "emptystate.h"
#include "pageheader.h"
#include "providerdialog.h"
#include "providerpresets.h"
#include "repricejob.h"
#include "secretstore.h"
#include "workspace.h"

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QStackedWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace patchbay {

namespace {

enum Column { NameColumn, IdColumn, DialectColumn, BaseUrlColumn, ModelsColumn, KeyColumn, ColumnCount };

QString describeKey(const ProviderConfig &p)
{
    if (p.keyRef.isEmpty())
        return ProvidersPage::tr("None needed");
    if (p.keyRef.startsWith(QLatin1String("env:")))
        return ProvidersPage::tr("From $%1").arg(p.keyRef.mid(4));
    return ProvidersPage::tr("In the keychain");
}

} // namespace

ProvidersPage::ProvidersPage(Workspace *workspace, QWidget *parent)
    : QWidget(parent)
    , m_workspace(workspace)
    , m_stack(new QStackedWidget(this))
    , m_empty(new EmptyState(this))
    , m_list(new QTreeWidget(this))
    , m_hint(new QLabel(this))
    , m_add(new QPushButton(tr("&Add…"), this))
    , m_edit(new QPushButton(tr("&Edit…"), this))
    , m_remove(new QPushButton(tr("&Remove"), this))
    , m_reprice(new QPushButton(tr("Re-&price history"), this))
    , m_newAction(new QAction(tr("&Add provider…"), this))
{
    m_empty->setObjectName(QStringLiteral("providersEmptyState"));
    m_empty->setTitle(tr("Add your first provider"));
    m_empty->setText(tr("Patchbay forwards each request to a provider you set up here: a service such as "
                        "OpenAI, Anthropic or Google Gemini, or a server on this machine, such as Ollama at "
                        "<nobr><code>http://localhost:11434/v1</code></nobr>.<br><br>"
                        "Its API key is kept in the system keychain, never in a file."));
    // The usual first choices; the dialog lists every preset.
    for (const char *id : {"openai", "anthropic", "gemini", "ollama"}) {
        const ProviderPreset *preset = ProviderPresets::find(QLatin1String(id));
        if (!preset)
            continue;
        QPushButton *button = m_empty->addAction(preset->name.section(QStringLiteral(" ("), 0, 0));
        button->setObjectName(QStringLiteral("emptyPreset_") + preset->id);
        button->setToolTip(tr("Add %1 at %2").arg(preset->name, preset->baseUrl));
        connect(button, &QPushButton::clicked, this, [this, id = preset->id] { addProvider(id); });
    }
    QPushButton *emptyAdd = m_empty->addAction(tr("Other…"));
    emptyAdd->setObjectName(QStringLiteral("emptyAddButton"));
    emptyAdd->setToolTip(tr("Any OpenAI- or Anthropic-compatible server, or another provider from the full list"));
    connect(emptyAdd, &QPushButton::clicked, this, [this] { addProvider(QStringLiteral("custom")); });

    m_list->setObjectName(QStringLiteral("providerList"));
    m_list->setColumnCount(ColumnCount);
    m_list->setHeaderLabels({tr("Name"), tr("ID"), tr("API"), tr("Base URL"), tr("Models"), tr("Key")});
    m_list->setRootIsDecorated(false);
    m_list->setUniformRowHeights(true);
    m_list->setAlternatingRowColors(true);
    // The default rows are cramped next to the Requests table's.
    m_list->setStyleSheet(QStringLiteral("QTreeView::item { padding: 3px 0; }"));
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    m_list->header()->setStretchLastSection(false);
    m_list->header()->setSectionResizeMode(BaseUrlColumn, QHeaderView::Stretch);
    m_list->header()->resizeSection(NameColumn, 160);
    m_list->header()->resizeSection(IdColumn, 110);
    m_list->header()->resizeSection(DialectColumn, 130);
    m_list->header()->resizeSection(ModelsColumn, 100);
    m_list->header()->resizeSection(KeyColumn, 150);

    auto *listPage = new QWidget(this);
    auto *listLayout = new QVBoxLayout(listPage);
    listLayout->setContentsMargins(0, 0, 0, 0);
    listLayout->addWidget(m_list);
    m_hint->setWordWrap(true);
    m_hint->setForegroundRole(QPalette::PlaceholderText);
    listLayout->addWidget(m_hint);
    m_stack->addWidget(m_empty);
    m_stack->addWidget(listPage);

    m_add->setObjectName(QStringLiteral("addButton"));
    m_edit->setObjectName(QStringLiteral("editButton"));
    m_remove->setObjectName(QStringLiteral("removeButton"));
    m_add->setToolTip(tr("Add a provider (Ctrl+N)"));
    m_edit->setToolTip(tr("Change the selected provider's address, key or models (Enter)"));
    m_remove->setToolTip(tr("Remove the selected provider and delete its key from the keychain (Delete)"));

    m_newAction->setShortcut(QKeySequence::New);
    connect(m_newAction, &QAction::triggered, this, [this] { addProvider(); });
    addAction(m_newAction);
    auto *removeAction = new QAction(tr("Remove provider"), m_list);
    removeAction->setShortcut(QKeySequence::Delete);
    removeAction->setShortcutContext(Qt::WidgetShortcut);
    connect(removeAction, &QAction::triggered, this, &ProvidersPage::removeProvider);
    m_list->addAction(removeAction);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_add);
    buttons->addWidget(m_edit);
    buttons->addWidget(m_remove);
    buttons->addStretch();
    buttons->addWidget(m_reprice);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(20, 16, 20, 16);
    layout->setSpacing(10);
    layout->addWidget(createPageHeader(tr("Providers"),
                                       tr("The services Patchbay forwards requests to. Their keys live in the "
                                          "system keychain."),
                                       this));
    layout->addLayout(buttons);
    layout->addWidget(m_stack, 1);

    connect(m_add, &QPushButton::clicked, this, [this] { addProvider(); });
    connect(m_edit, &QPushButton::clicked, this, &ProvidersPage::editProvider);
    connect(m_remove, &QPushButton::clicked, this, &ProvidersPage::removeProvider);
    m_reprice->setObjectName(QStringLiteral("repriceButton"));
    m_reprice->setToolTip(tr("Recompute the cost of every recorded request with the current price catalog and "
                             "your price overrides"));
    connect(m_reprice, &QPushButton::clicked, this, &ProvidersPage::repriceHistory);
    connect(m_list, &QTreeWidget::itemSelectionChanged, this, &ProvidersPage::updateButtons);
    connect(m_list, &QTreeWidget::itemActivated, this, &ProvidersPage::editProvider);
    connect(m_workspace, &Workspace::configChanged, this, &ProvidersPage::reload);
    reload();
}

void ProvidersPage::reload()
{
    const QString selected = currentId();
    const AppConfig config = m_workspace->config();
    m_list->clear();
    for (const ProviderConfig &p : config.providers) {
        auto *item = new QTreeWidgetItem(m_list);
        item->setData(NameColumn, Qt::UserRole, p.id);
        item->setText(NameColumn, p.name);
        item->setText(IdColumn, p.id);
        item->setToolTip(IdColumn, tr("Programs ask for this provider's models as %1/<model>.").arg(p.id));
        item->setText(DialectColumn, DialectNames::shortName(p.dialect));
        item->setToolTip(DialectColumn, tr("Patchbay talks to it through the %1.").arg(DialectNames::longName(p.dialect)));
        item->setText(BaseUrlColumn, p.baseUrl);
        item->setToolTip(BaseUrlColumn, p.baseUrl);
        item->setText(ModelsColumn, p.models.isEmpty()    ? tr("none listed")
                                    : p.models.size() == 1 ? tr("1 model")
                                                           : tr("%1 models").arg(p.models.size()));
        item->setToolTip(ModelsColumn, p.models.join(QLatin1Char('\n')));
        item->setText(KeyColumn, describeKey(p));
    }
    m_stack->setCurrentIndex(config.providers.isEmpty() ? 0 : 1);
    if (!config.providers.isEmpty()) {
        const ProviderConfig &first = config.providers.first();
        m_hint->setText(tr("Programs ask for a model by provider id and model name, e.g. %1/%2. Double-click a "
                           "provider to edit it.")
                            .arg(first.id, first.models.value(0, QStringLiteral("<model>"))));
    }
    select(selected);
    updateButtons();
}

void ProvidersPage::select(const QString &id)
{
    for (int i = 0; i < m_list->topLevelItemCount(); ++i) {
        QTreeWidgetItem *item = m_list->topLevelItem(i);
        if (item->data(NameColumn, Qt::UserRole).toString() == id) {
            m_list->setCurrentItem(item);
            return;
        }
    }
    if (m_list->topLevelItemCount() > 0 && !m_list->currentItem())
        m_list->setCurrentItem(m_list->topLevelItem(0));
}

QString ProvidersPage::currentId() const
{
    const QList<QTreeWidgetItem *> selected = m_list->selectedItems();
    return selected.isEmpty() ? QString() : selected.first()->data(NameColumn, Qt::UserRole).toString();
}

void ProvidersPage::updateButtons()
{
    const bool hasSelection = !currentId().isEmpty();
    m_edit->setEnabled(hasSelection);
    m_remove->setEnabled(hasSelection);
    // The empty state has its own, more prominent Add button.
    m_add->setVisible(m_stack->currentIndex() == 1);
    m_edit->setVisible(m_stack->currentIndex() == 1);
    m_remove->setVisible(m_stack->currentIndex() == 1);
}

void ProvidersPage::addProvider(const QString &presetId)
{
    auto *dialog = new ProviderDialog(m_workspace, std::nullopt, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    if (!presetId.isEmpty())
        dialog->selectPreset(presetId);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        reload();
        select(dialog->providerId());
        Q_EMIT statusMessage(tr("Added provider %1.").arg(dialog->providerId()));
    });
    dialog->open();
}

void ProvidersPage::editProvider()
{
    const ProviderConfig *p = m_workspace->config().provider(currentId());
    if (!p)
        return;
    auto *dialog = new ProviderDialog(m_workspace, *p, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        reload();
        select(dialog->providerId());
        Q_EMIT statusMessage(tr("Saved provider %1.").arg(dialog->providerId()));
    });
    dialog->open();
}

void ProvidersPage::removeProvider()
{
    const QString id = currentId();
    const ProviderConfig *p = m_workspace->config().provider(id);
    if (!p)
        return;
    auto *box = new QMessageBox(QMessageBox::Question, tr("Remove provider"),
                                tr("Remove the provider \"%1\"?").arg(p->name), QMessageBox::Cancel, this);
    box->setObjectName(QStringLiteral("removeConfirmation"));
    box->setInformativeText(p->keyRef.startsWith(QLatin1String("keychain:"))
                                ? tr("Its API key is deleted from the system keychain, and programs asking for "
                                     "%1/… models get an error from then on.").arg(id)
                                : tr("Programs asking for %1/… models get an error from then on.").arg(id));
    QPushButton *confirm = box->addButton(tr("Remove"), QMessageBox::DestructiveRole);
    confirm->setObjectName(QStringLiteral("confirmRemoveButton"));
    box->setDefaultButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::buttonClicked, this, [this, confirm, id](QAbstractButton *button) {
        if (button == confirm)
            removeNow(id);
    });
    box->open();
}

void ProvidersPage::removeNow(const QString &id)
{
    AppConfig config = m_workspace->config();
    const ProviderConfig *p = config.provider(id);
    if (!p)
        return;
    const bool inKeychain = p->keyRef == p->keychainRef();
    const QString name = p->name;
    config.providers.removeIf([&id](const ProviderConfig &c) { return c.id == id; });
    // Config first: a provider whose key is gone would fail every request, an orphaned key harms no one.
    if (QString error; !m_workspace->saveConfig(config, &error)) {
        QMessageBox::warning(this, tr("Remove provider"), tr("The provider was not removed: %1").arg(error));
        return;
    }
    reload();
    Q_EMIT statusMessage(tr("Removed provider %1.").arg(name));
    if (!inKeychain)
        return;
    QPointer<ProvidersPage> self(this);
    m_workspace->secrets()->remove(id, this, [self, name](const SecretResult &r) {
        if (!r.ok && !r.notFound && self)
            QMessageBox::warning(self, tr("Remove provider"),
                                 tr("%1 is removed, but its key could not be deleted from the keychain: %2")
                                     .arg(name, r.error));
    });
}

void ProvidersPage::repriceHistory()
{
    if (!m_reprice->isEnabled())
        return;
    m_reprice->setEnabled(false);
    Q_EMIT statusMessage(tr("Re-pricing the request history…"));
    RepriceJob *job = RepriceJob::start(m_workspace->databasePath(), m_workspace->config().providers, this);
    connect(job, &RepriceJob::finished, this,
            [this](bool ok, qint64 repriced, qint64 unknown, const QString &error) {
                m_reprice->setEnabled(true);
                const QString summary = RepriceJob::summary(ok, repriced, unknown, error);
                Q_EMIT statusMessage(summary);
                Q_EMIT repriceFinished(summary);
            });
}

} // namespace patchbay
