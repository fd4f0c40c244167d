#pragma once

#include <QSystemTrayIcon>

class QAction;
class QMenu;

namespace patchbay {

class Dashboard;
class Workspace;
struct GatewayStatus;

// Patchbay in the system tray: whether the gateway runs (and a switch for it), today's spend,
// the window and Quit. Keeps the gateway reachable while the window is closed.
class TrayIcon : public QSystemTrayIcon
{
    Q_OBJECT
public:
    TrayIcon(Workspace *workspace, Dashboard *dashboard, QObject *parent = nullptr);
    ~TrayIcon() override;

    QAction *gatewayAction() const { return m_toggle; }
    QString spendText() const;
    QMenu *menu() const { return m_menu; }
    // A balloon from the tray; notified() says it was asked for, since no test platform shows one.
    void notify(const QString &title, const QString &message);

Q_SIGNALS:
    // The app owns the gateway; it connects these to starting and stopping it.
    void startGatewayRequested();
    void stopGatewayRequested();
    void openWindowRequested();
    void quitRequested();
    void notified(const QString &title, const QString &message);

private:
    void showStatus(const GatewayStatus &status);
    void showSpend(double usd);

    Workspace *m_workspace;
    QMenu *m_menu;
    QAction *m_state;
    QAction *m_toggle;
    QAction *m_spend;
    bool m_running = false;
};

} // namespace patchbay
