#include "accesstokenspanel.h"

#include "newtokendialog.h"
#include "gatewaymodelnames.h"
#include "tokenlimitsdialog.h"
#include "workspace.h"

#include <QAction>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace patchbay {

namespace {

enum Column { NameColumn, CreatedColumn, LastUsedColumn, StateColumn, LimitsColumn, ColumnCount };

QString formatTime(qint64 ms)
{
    if (ms < 0)
        return AccessTokensPanel::tr("never");
    return QLocale().toString(QDateTime::fromMSecsSinceEpoch(ms).toLocalTime(), QLocale::ShortFormat);
}

} // namespace

AccessTokensPanel::AccessTokensPanel(Workspace *workspace, QWidget *parent)
    : QWidget(parent)
    , m_workspace(workspace)
    , m_tokensOff(new QLabel(this))
    , m_list(new QTreeWidget(this))
    , m_create(new QPushButton(tr("&Create token…"), this))
    , m_revoke(new QPushButton(tr("Re&voke"), this))
    , m_limits(new QPushButton(tr("&Limits…"), this))
{
    auto *about = new QLabel(tr("Give each program its own token, so the ledger shows who asked and one program "
                                "can be cut off without touching the others. A token is shown once, when it is "
                                "created; Patchbay keeps only its fingerprint."),
                             this);
    about->setWordWrap(true);
    m_tokensOff->setWordWrap(true);
    m_tokensOff->setStyleSheet(QStringLiteral("color: #9a6700;"));
    m_tokensOff->setText(tr("Tokens are switched off (gateway.require_tokens is false in config.json): any program "
                            "on this machine can call the gateway without one."));

    m_list->setObjectName(QStringLiteral("tokenList"));
    m_list->setColumnCount(ColumnCount);
    m_list->setHeaderLabels({tr("Name"), tr("Created"), tr("Last used"), tr("State"), tr("Limits")});
    m_list->setRootIsDecorated(false);
    m_list->setUniformRowHeights(true);
    m_list->setAlternatingRowColors(true);
    // The default rows are cramped next to the Requests table's.
    m_list->setStyleSheet(QStringLiteral("QTreeView::item { padding: 3px 0; }"));
    m_list->header()->setSectionResizeMode(NameColumn, QHeaderView::Stretch);
    m_list->header()->setStretchLastSection(false);
    m_list->header()->resizeSection(CreatedColumn, 150);
    m_list->header()->resizeSection(LastUsedColumn, 150);
    m_list->header()->resizeSection(StateColumn, 90);
    m_list->header()->resizeSection(LimitsColumn, 220);

    m_create->setObjectName(QStringLiteral("createTokenButton"));
    m_create->setToolTip(tr("Create a token for one program (Ctrl+T)"));
    m_revoke->setObjectName(QStringLiteral("revokeTokenButton"));
    m_revoke->setToolTip(tr("Revoke the selected token: the program using it is refused from then on"));
    m_limits->setObjectName(QStringLiteral("tokenLimitsButton"));
    m_limits->setToolTip(tr("Set which models the selected token may use, how fast, and how much it may spend"));
    auto *createAction = new QAction(tr("Create token"), this);
    createAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
    connect(createAction, &QAction::triggered, this, &AccessTokensPanel::createToken);
    addAction(createAction);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_create);
    buttons->addWidget(m_limits);
    buttons->addWidget(m_revoke);
    buttons->addStretch();

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(8);
    layout->addWidget(about);
    layout->addWidget(m_tokensOff);
    layout->addLayout(buttons);
    layout->addWidget(m_list, 1);

    connect(m_create, &QPushButton::clicked, this, &AccessTokensPanel::createToken);
    connect(m_revoke, &QPushButton::clicked, this, &AccessTokensPanel::revokeToken);
    connect(m_limits, &QPushButton::clicked, this, &AccessTokensPanel::editLimits);
    connect(m_list, &QTreeWidget::itemActivated, this, &AccessTokensPanel::editLimits);
    connect(m_list, &QTreeWidget::itemSelectionChanged, this, &AccessTokensPanel::updateButtons);
    connect(m_workspace, &Workspace::configChanged, this, &AccessTokensPanel::reload);
    reload();
}

void AccessTokensPanel::reload()
{
    m_tokensOff->setVisible(!m_workspace->config().gateway.requireTokens);
    const QString selected = currentName();
    QString error;
    const QList<AccessTokenInfo> tokens = m_workspace->tokens().list(&error);
    m_list->clear();
    for (const AccessTokenInfo &t : tokens) {
        auto *item = new QTreeWidgetItem(m_list);
        item->setText(NameColumn, t.name);
        item->setText(CreatedColumn, formatTime(t.createdAtMs));
        item->setText(LastUsedColumn, formatTime(t.lastUsedAtMs));
        item->setText(StateColumn, t.revoked ? tr("Revoked") : tr("Active"));
        item->setText(LimitsColumn, t.revoked ? QString() : TokenLimitsDialog::summary(t.policy));
        item->setData(NameColumn, Qt::UserRole, t.revoked);
        if (t.revoked) {
            for (int c = 0; c < ColumnCount; ++c)
                item->setForeground(c, m_list->palette().brush(QPalette::Disabled, QPalette::Text));
        }
        if (t.name == selected)
            m_list->setCurrentItem(item);
    }
    if (!error.isEmpty())
        Q_EMIT statusMessage(error);
    updateButtons();
}

QString AccessTokensPanel::currentName() const
{
    const QList<QTreeWidgetItem *> selected = m_list->selectedItems();
    return selected.isEmpty() ? QString() : selected.first()->text(NameColumn);
}

void AccessTokensPanel::updateButtons()
{
    const QList<QTreeWidgetItem *> selected = m_list->selectedItems();
    const bool active = !selected.isEmpty() && !selected.first()->data(NameColumn, Qt::UserRole).toBool();
    m_revoke->setEnabled(active);
    m_limits->setEnabled(active);
}

void AccessTokensPanel::editLimits()
{
    const QString name = currentName();
    if (name.isEmpty() || !m_limits->isEnabled())
        return;
    TokenPolicy policy;
    for (const AccessTokenInfo &t : m_workspace->tokens().list()) {
        if (t.name == name)
            policy = t.policy;
    }
    auto *dialog = new TokenLimitsDialog(name, policy, gatewayModelNames(m_workspace->config()), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog, name] { applyLimits(name, dialog->policy()); });
    dialog->open();
}

bool AccessTokensPanel::applyLimits(const QString &name, const TokenPolicy &policy)
{
    if (QString error; !m_workspace->tokens().setPolicy(name, policy, &error)) {
        QMessageBox::warning(this, tr("Token limits"), error);
        return false;
    }
    m_workspace->reloadTokens();
    reload();
    Q_EMIT statusMessage(tr("Saved the limits of %1.").arg(name));
    return true;
}

void AccessTokensPanel::createToken()
{
    auto *ask = new QInputDialog(this);
    ask->setObjectName(QStringLiteral("tokenNameDialog"));
    ask->setWindowTitle(tr("Create token"));
    ask->setLabelText(tr("Which program will use this token? The name appears in the request ledger."));
    ask->setTextValue(QString());
    ask->setOkButtonText(tr("Create"));
    ask->setAttribute(Qt::WA_DeleteOnClose);
    connect(ask, &QInputDialog::textValueSelected, this, &AccessTokensPanel::createNamed);
    ask->open();
}

void AccessTokensPanel::createNamed(const QString &name)
{
    QString error;
    const QString token = m_workspace->tokens().create(name, &error);
    if (token.isEmpty()) {
        QMessageBox::warning(this, tr("Create token"), error);
        return;
    }
    m_workspace->reloadTokens();
    reload();
    auto *dialog = new NewTokenDialog(name.trimmed(), token, m_workspace->gatewayStatus().baseUrl, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
    Q_EMIT statusMessage(tr("Created a token for %1.").arg(name.trimmed()));
}

void AccessTokensPanel::revokeToken()
{
    const QString name = currentName();
    if (name.isEmpty() || !m_revoke->isEnabled())
        return;
    auto *box = new QMessageBox(QMessageBox::Question, tr("Revoke token"), tr("Revoke the token \"%1\"?").arg(name),
                                QMessageBox::Cancel, this);
    box->setInformativeText(tr("The program using it is refused from then on. This cannot be undone, but you can "
                               "create a new token for it."));
    QPushButton *confirm = box->addButton(tr("Revoke"), QMessageBox::DestructiveRole);
    box->setDefaultButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::buttonClicked, this, [this, confirm, name](QAbstractButton *button) {
        if (button != confirm)
            return;
        if (QString error; !m_workspace->tokens().revoke(name, &error)) {
            QMessageBox::warning(this, tr("Revoke token"), error);
            return;
        }
        m_workspace->reloadTokens();
        reload();
        Q_EMIT statusMessage(tr("Revoked the token for %1.").arg(name));
    });
    box->open();
}

} // namespace patchbay
