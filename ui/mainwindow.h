#pragma once

#include <QMainWindow>
#include <QStringList>

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

    explicit MainWindow(Workspace *workspace, QWidget *parent = nullptr);

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
    // Closing the window hides it to the tray instead of quitting (a setting, on by default).
    bool keepsRunningInTray() const;
    void setKeepRunningInTray(bool keep);
    NoticeBanner *banner() const { return m_banner; }

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
    QLabel *m_gatewayDot;
    QLabel *m_gatewayState;
    QStringList m_keyProblems;
    QString m_ledgerProblem;
};

} // namespace patchbay
