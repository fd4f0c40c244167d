#include "trayicon.h"

#include "dashboard.h"
#include "usagetiles.h"
#include "workspace.h"

#include <QApplication>
#include <QMenu>
#include <QStyle>

namespace patchbay {

TrayIcon::TrayIcon(Workspace *workspace, Dashboard *dashboard, QObject *parent)
    : QSystemTrayIcon(parent)
    , m_workspace(workspace)
    , m_menu(new QMenu)
{
    // Without an icon the tray shows nothing at all: a build without the bundled one gets a
    // generic one.
    setIcon(QApplication::windowIcon().isNull() ? QApplication::style()->standardIcon(QStyle::SP_ComputerIcon)
                                                : QApplication::windowIcon());
    m_state = m_menu->addAction(QString());
    m_state->setEnabled(false);
    m_toggle = m_menu->addAction(QString(), this, [this] {
        if (m_running)
            Q_EMIT stopGatewayRequested();
        else
            Q_EMIT startGatewayRequested();
    });
    m_spend = m_menu->addAction(QString());
    m_spend->setEnabled(false);
    m_menu->addSeparator();
    m_menu->addAction(tr("Open Patchbay"), this, &TrayIcon::openWindowRequested);
    m_menu->addAction(tr("Quit Patchbay"), this, &TrayIcon::quitRequested);
    setContextMenu(m_menu);
    connect(this, &QSystemTrayIcon::activated, this, [this](ActivationReason reason) {
        if (reason == Trigger || reason == DoubleClick)
            Q_EMIT openWindowRequested();
    });
    connect(workspace, &Workspace::gatewayStatusChanged, this, &TrayIcon::showStatus);
    connect(dashboard, &Dashboard::todaySpendChanged, this, &TrayIcon::showSpend);
    showStatus(workspace->gatewayStatus());
    showSpend(dashboard->todaySpend());
}

TrayIcon::~TrayIcon()
{
    delete m_menu; // a QMenu has no QObject parent here: the tray does not own its menu
}

QString TrayIcon::spendText() const
{
    return m_spend->text();
}

void TrayIcon::notify(const QString &title, const QString &message)
{
    showMessage(title, message);
    Q_EMIT notified(title, message);
}

void TrayIcon::showStatus(const GatewayStatus &status)
{
    m_running = status.state == GatewayStatus::State::Running || status.state == GatewayStatus::State::Starting;
    switch (status.state) {
    case GatewayStatus::State::Running:
        m_state->setText(tr("Gateway running at %1").arg(status.baseUrl));
        break;
    case GatewayStatus::State::Starting:
        m_state->setText(tr("Gateway starting…"));
        break;
    case GatewayStatus::State::Failed:
        m_state->setText(tr("Gateway could not start"));
        break;
    case GatewayStatus::State::Stopped:
        m_state->setText(tr("Gateway stopped"));
        break;
    }
    m_toggle->setText(m_running ? tr("Stop the gateway") : tr("Start the gateway"));
    setToolTip(QStringLiteral("Patchbay — %1\n%2").arg(m_state->text(), m_spend->text()));
}

void TrayIcon::showSpend(double usd)
{
    m_spend->setText(tr("Spent today: %1").arg(formatUsd(usd)));
    setToolTip(QStringLiteral("Patchbay — %1\n%2").arg(m_state->text(), m_spend->text()));
}

} // namespace patchbay
