#pragma once

#include <QMainWindow>
#include <QStringList>

#include <functional>

class QAction;
class QLabel;
class QListWidget;
class QStackedWidget;

namespace patchbay {

class ChatClient;
class Dashboard;
class ChatPage;
class ComparePage;
class GatewayPage;
class NoticeBanner;
class ProvidersPage;
class RequestsPage;
class TrayIcon;
class UsagePage;
class Workspace;
struct GatewayStatus;

// Patchbay's one window: a sidebar of pages, a banner for problems that stop providers from
// working, and the gateway's state in the status bar.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    enum Page { Chat, Compare, Providers, Gateway, Requests, Usage };

    // Whether the desktop shows a system tray; asked at start and again on each close, since a
    // panel can go away. Tests answer it, as the offscreen platform has no tray.
    using TrayProbe = std::function<bool()>;

    explicit MainWindow(Workspace *workspace, QWidget *parent = nullptr);
    MainWindow(Workspace *workspace, TrayProbe trayAvailable, QWidget *parent = nullptr);

    void showPage(Page page);
    ChatPage *chatPage() const { return m_chat; }
    ComparePage *comparePage() const { return m_compare; }
    ProvidersPage *providersPage() const { return m_providers; }
    GatewayPage *gatewayPage() const { return m_gateway; }
    RequestsPage *requestsPage() const { return m_requests; }
    UsagePage *usagePage() const { return m_usage; }
    Dashboard *dashboard() const { return m_dashboard; }
    // Null where the desktop has no system tray.
    TrayIcon *trayIcon() const { return m_tray; }
    // Closing the window hides it to the tray instead of quitting (a setting, on by default,
    // kept with the window's geometry). Without a tray, closing quits.
    bool keepsRunningInTray() const;
    void setKeepRunningInTray(bool keep);
    // File ▸ Keep Running in the Tray When Closed; null without a tray.
    QAction *keepInTrayAction() const { return m_keepInTray; }
    NoticeBanner *banner() const { return m_banner; }
    // Quit from the menu or the tray: the window closes for good, whatever the tray setting.
    void quitApplication();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createMenus();
    void showGatewayStatus(const GatewayStatus &status);
    void updateBanner();
    void showFromTray();

    Workspace *m_workspace;
    Dashboard *m_dashboard;
    QListWidget *m_sidebar;
    QStackedWidget *m_pages;
    NoticeBanner *m_banner;
    ChatClient *m_chatClient;
    ChatPage *m_chat;
    ComparePage *m_compare;
    ProvidersPage *m_providers;
    GatewayPage *m_gateway;
    RequestsPage *m_requests;
    UsagePage *m_usage;
    TrayIcon *m_tray = nullptr;
    QAction *m_keepInTray = nullptr;
    bool m_quitting = false;
    QLabel *m_gatewayDot;
    QLabel *m_gatewayState;
    TrayProbe m_trayAvailable;
    QStringList m_keyProblems;
    QString m_ledgerProblem;
};

} // namespace patchbay
