#include "mainwindow.h"

#include "chatclient.h"
#include "chatpage.h"
#include "dashboard.h"
#include "comparepage.h"
#include "gatewaypage.h"
#include "noticebanner.h"
#include "providerspage.h"
#include "requestspage.h"
#include "trayicon.h"
#include "usagepage.h"
#include "usageledger.h"
#include "workspace.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyle>
#include <QSystemTrayIcon>
#include <QVBoxLayout>

namespace patchbay {

namespace {

const char *const kGeometryKey = "mainWindow/geometry";
const char *const kKeepInTrayKey = "tray/keepRunning";
const char *const kTrayNoticeKey = "tray/noticeShown";

// Beside config.json (~/.config/patchbay/window.ini on Linux) rather than in a folder of its own,
// and apart from config.json because it is no setting anyone edits.
QSettings windowSettings()
{
    return QSettings(QSettings::IniFormat, QSettings::UserScope, QStringLiteral("patchbay"), QStringLiteral("window"));
}

} // namespace

MainWindow::MainWindow(Workspace *workspace, QWidget *parent)
    : MainWindow(workspace, &QSystemTrayIcon::isSystemTrayAvailable, parent)
{
}

MainWindow::MainWindow(Workspace *workspace, TrayProbe trayAvailable, QWidget *parent)
    : QMainWindow(parent)
    , m_workspace(workspace)
    , m_dashboard(new Dashboard(workspace->databasePath(), workspace->ledger(), this))
    , m_sidebar(new QListWidget(this))
    , m_pages(new QStackedWidget(this))
    , m_banner(new NoticeBanner(this))
    , m_chatClient(new ChatClient(workspace, this))
    , m_chat(new ChatPage(workspace, m_chatClient, this))
    , m_compare(new ComparePage(workspace, m_chatClient, this))
    , m_providers(new ProvidersPage(workspace, this))
    , m_gateway(new GatewayPage(workspace, this))
    , m_requests(new RequestsPage(workspace, m_dashboard, this))
    , m_usage(new UsagePage(m_dashboard, this))
    , m_gatewayDot(new QLabel(this))
    , m_gatewayState(new QLabel(this))
    , m_trayAvailable(std::move(trayAvailable))
{
    setWindowTitle(QStringLiteral("Patchbay"));
    setMinimumSize(820, 540);

    m_sidebar->setObjectName(QStringLiteral("sidebar"));
    m_sidebar->setFixedWidth(180);
    m_sidebar->setIconSize(QSize(20, 20));
    m_sidebar->setFrameShape(QFrame::NoFrame);
    m_sidebar->setStyleSheet(QStringLiteral("#sidebar { border-right: 1px solid palette(mid); padding-top: 10px; outline: 0; }"
                                            "#sidebar::item { padding: 8px 10px; margin: 1px 6px; border-radius: 4px; }"
                                            "#sidebar::item:selected { background: palette(highlight); "
                                            "color: palette(highlighted-text); }"));
    const struct
    {
        QString title;
        QStyle::StandardPixmap icon;
        QString tip;
    } entries[] = {
        {tr("Chat"), QStyle::SP_MessageBoxInformation, tr("Talk to any configured model (Ctrl+1)")},
        {tr("Compare"), QStyle::SP_FileDialogListView, tr("One prompt to several models side by side (Ctrl+2)")},
        {tr("Providers"), QStyle::SP_DriveNetIcon, tr("The services requests are forwarded to (Ctrl+3)")},
        {tr("Gateway"), QStyle::SP_ComputerIcon, tr("The local server, its address and access tokens (Ctrl+4)")},
        {tr("Requests"), QStyle::SP_FileDialogDetailedView, tr("The latest calls through the gateway (Ctrl+5)")},
        {tr("Usage"), QStyle::SP_FileDialogInfoView, tr("Spend, tokens, errors and latency over time (Ctrl+6)")},
    };
    for (const auto &entry : entries) {
        auto *item = new QListWidgetItem(style()->standardIcon(entry.icon), entry.title, m_sidebar);
        item->setToolTip(entry.tip);
    }
    m_pages->addWidget(m_chat);
    m_pages->addWidget(m_compare);
    // Compare's "Continue alone": that column's conversation as a normal chat.
    connect(m_compare, &ComparePage::continueAlone, this, [this](qint64 id) {
        m_chat->openConversation(id);
        showPage(Chat);
    });
    m_pages->addWidget(m_providers);
    m_pages->addWidget(m_gateway);
    m_pages->addWidget(m_requests);
    m_pages->addWidget(m_usage);

    auto *content = new QWidget(this);
    auto *contentLayout = new QVBoxLayout(content);
    contentLayout->setContentsMargins(0, 0, 0, 0);
    contentLayout->setSpacing(0);
    auto *bannerBox = new QVBoxLayout;
    bannerBox->setContentsMargins(16, 12, 16, 0);
    bannerBox->addWidget(m_banner);
    contentLayout->addLayout(bannerBox);
    contentLayout->addWidget(m_pages, 1);

    auto *central = new QWidget(this);
    auto *centralLayout = new QHBoxLayout(central);
    centralLayout->setContentsMargins(0, 0, 0, 0);
    centralLayout->setSpacing(0);
    centralLayout->addWidget(m_sidebar);
    centralLayout->addWidget(content, 1);
    setCentralWidget(central);

    m_gatewayDot->setFixedSize(10, 10);
    m_gatewayState->setObjectName(QStringLiteral("gatewayStatusLine"));
    auto *gatewayBox = new QWidget(this);
    auto *gatewayLayout = new QHBoxLayout(gatewayBox);
    gatewayLayout->setContentsMargins(6, 0, 6, 0);
    gatewayLayout->setSpacing(6);
    gatewayLayout->addWidget(m_gatewayDot);
    gatewayLayout->addWidget(m_gatewayState);
    statusBar()->addPermanentWidget(gatewayBox);

    if (m_trayAvailable()) {
        m_tray = new TrayIcon(workspace, m_dashboard, this);
        connect(m_tray, &TrayIcon::openWindowRequested, this, &MainWindow::showFromTray);
        connect(m_tray, &TrayIcon::quitRequested, this, &MainWindow::quitApplication);
        m_tray->show();
        // A hidden window must not end the program while the gateway serves from the tray.
        QApplication::setQuitOnLastWindowClosed(!keepsRunningInTray());
    }
    createMenus();

    connect(m_sidebar, &QListWidget::currentRowChanged, m_pages, &QStackedWidget::setCurrentIndex);
    const auto showMessage = [this](const QString &text) { statusBar()->showMessage(text, 5000); };
    connect(m_providers, &ProvidersPage::statusMessage, this, showMessage);
    connect(m_gateway, &GatewayPage::statusMessage, this, showMessage);
    connect(m_workspace, &Workspace::gatewayStatusChanged, this, &MainWindow::showGatewayStatus);
    connect(m_workspace, &Workspace::keyProblemsChanged, this, [this](const QStringList &problems) {
        m_keyProblems = problems;
        updateBanner();
    });
    if (UsageLedger *ledger = m_workspace->ledger()) {
        connect(ledger, &UsageLedger::writeFailed, this, [this](const QString &error) {
            m_ledgerProblem = tr("The request ledger cannot write to its database (%1). Requests are kept in "
                                 "memory and written once it works again; check the disk space.")
                                  .arg(error);
            updateBanner();
        }, Qt::QueuedConnection);
        connect(ledger, &UsageLedger::writeRecovered, this, [this] {
            m_ledgerProblem.clear();
            updateBanner();
        }, Qt::QueuedConnection);
    }
    // The overall budgets live in config.json; the dashboard reads the tokens' own itself.
    const auto feedBudget = [this](const AppConfig &config) {
        m_dashboard->setOverallBudget({config.gateway.usdPerDay, config.gateway.usdPerMonth});
    };
    connect(m_workspace, &Workspace::configChanged, this, feedBudget);
    feedBudget(m_workspace->config());
    m_keyProblems = m_workspace->keyProblems();
    updateBanner();
    showGatewayStatus(m_workspace->gatewayStatus());
    if (m_workspace->gatewayStatus().state == GatewayStatus::State::Running)
        m_chatClient->refreshModels();
    // Someone without providers can do nothing else yet; everyone else starts in the chat.
    showPage(m_workspace->config().providers.isEmpty() ? Providers : Chat);

    if (!restoreGeometry(windowSettings().value(QLatin1String(kGeometryKey)).toByteArray()))
        resize(1160, 720);
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    // The page's own action, so Ctrl+N is one shortcut whichever page is showing.
    QAction *add = m_providers->newProviderAction();
    connect(add, &QAction::triggered, this, [this] { showPage(Providers); });
    file->addAction(add);
    file->addSeparator();
    if (m_tray) {
        m_keepInTray = file->addAction(tr("&Keep Running in the Tray When Closed"));
        m_keepInTray->setCheckable(true);
        m_keepInTray->setChecked(keepsRunningInTray());
        connect(m_keepInTray, &QAction::toggled, this, &MainWindow::setKeepRunningInTray);
    }
    QAction *quit = file->addAction(tr("&Quit"), this, &MainWindow::quitApplication);
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    const QList<QPair<QString, Page>> pages{{tr("&Chat"), Chat}, {tr("C&ompare"), Compare},
                                            {tr("&Providers"), Providers}, {tr("&Gateway"), Gateway},
                                            {tr("&Requests"), Requests}, {tr("&Usage"), Usage}};
    for (int i = 0; i < pages.size(); ++i) {
        const Page page = pages.at(i).second;
        QAction *action = view->addAction(pages.at(i).first, this, [this, page] { showPage(page); });
        action->setShortcut(QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + i)));
    }

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    QAction *about = help->addAction(tr("&About Patchbay"), this, [this] {
        QMessageBox::about(this, tr("About Patchbay"),
                           tr("<h3>Patchbay %1</h3><p>A local gateway to your language-model providers, with a "
                              "ledger of every request.</p><p>Provider keys are kept in the system keychain.</p>")
                               .arg(QStringLiteral(PATCHBAY_VERSION)));
    });
    about->setMenuRole(QAction::AboutRole);
}

void MainWindow::showPage(Page page)
{
    m_sidebar->setCurrentRow(page);
}

void MainWindow::showGatewayStatus(const GatewayStatus &status)
{
    QString colour;
    QString text;
    switch (status.state) {
    case GatewayStatus::State::Running:
        colour = QStringLiteral("#2da44e");
        text = tr("Gateway running at %1").arg(status.baseUrl);
        break;
    case GatewayStatus::State::Starting:
        colour = QStringLiteral("#d4a72c");
        text = tr("Gateway starting…");
        break;
    case GatewayStatus::State::Failed:
        colour = QStringLiteral("#cf222e");
        text = tr("Gateway not running: it could not start (see the Gateway page)");
        break;
    case GatewayStatus::State::Stopped:
        colour = QStringLiteral("#8c959f");
        text = tr("Gateway stopped");
        break;
    }
    m_gatewayDot->setStyleSheet(QStringLiteral("background: %1; border-radius: 5px;").arg(colour));
    m_gatewayState->setText(text);
    m_gatewayState->setToolTip(status.error);
}

void MainWindow::updateBanner()
{
    QStringList messages = m_keyProblems;
    if (!m_ledgerProblem.isEmpty())
        messages.append(m_ledgerProblem);
    m_banner->setMessages(messages);
}

bool MainWindow::keepsRunningInTray() const
{
    return windowSettings().value(QLatin1String(kKeepInTrayKey), true).toBool();
}

void MainWindow::setKeepRunningInTray(bool keep)
{
    windowSettings().setValue(QLatin1String(kKeepInTrayKey), keep);
    if (m_tray)
        QApplication::setQuitOnLastWindowClosed(!keep);
    if (m_keepInTray && m_keepInTray->isChecked() != keep)
        m_keepInTray->setChecked(keep);
}

void MainWindow::showFromTray()
{
    show();
    setWindowState((windowState() & ~Qt::WindowMinimized) | Qt::WindowActive);
    raise();
    activateWindow();
}

void MainWindow::quitApplication()
{
    m_quitting = true;
    close();
    QApplication::quit();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    windowSettings().setValue(QLatin1String(kGeometryKey), saveGeometry());
    if (!m_quitting && m_tray && keepsRunningInTray() && m_trayAvailable()) {
        hide();
        event->ignore();
        // Once, so nobody wonders why the gateway still answers after the window went away.
        QSettings settings = windowSettings();
        if (!settings.value(QLatin1String(kTrayNoticeKey), false).toBool()) {
            settings.setValue(QLatin1String(kTrayNoticeKey), true);
            m_tray->notify(tr("Patchbay is still running"),
                           tr("The gateway keeps serving programs from the tray. Choose Quit Patchbay there to stop "
                              "it, or turn this off under File ▸ Keep Running in the Tray When Closed."));
        }
        return;
    }
    // Closing is quitting now, even where the setting kept the program alive before the tray
    // went away: a hidden window with no tray icon could never be reached again.
    QApplication::setQuitOnLastWindowClosed(true);
    QMainWindow::closeEvent(event);
}

} // namespace patchbay
