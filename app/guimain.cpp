// patchbay: the desktop program. The same runtime as patchbayd, with a window on top.

#include "allocator.h"
#include "appruntime.h"
#include "bundledresources.h"
#include "processlimits.h"
#include "commandline.h"
#include "gatewayservice.h"
#include "logging.h"
#include "mainwindow.h"
#include "trayicon.h"
#include "workspace.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFile>
#include <QIcon>
#include <QMessageBox>
#include <QUrl>

namespace patchbay {

namespace {

// The ui layer may not include app/, so the window sees AppRuntime through this adapter. It also
// remembers the gateway's last state, which GatewayService reports only as signals.
class RuntimeWorkspace final : public Workspace
{
public:
    explicit RuntimeWorkspace(AppRuntime *runtime)
        : m_runtime(runtime)
    {
        m_status.baseUrl = configuredUrl();
        connect(runtime, &AppRuntime::configChanged, this, [this](const AppConfig &config) {
            if (m_status.state != GatewayStatus::State::Running)
                setStatus({m_status.state, configuredUrl(), m_status.error});
            Q_EMIT configChanged(config);
        });
        connect(runtime, &AppRuntime::keyProblemsChanged, this, &Workspace::keyProblemsChanged);
        GatewayService *gateway = runtime->gateway();
        connect(gateway, &GatewayService::started, this, [this](const QString &baseUrl) {
            setStatus({GatewayStatus::State::Running, baseUrl, {}});
        });
        connect(gateway, &GatewayService::failedToStart, this, [this](const QString &error) {
            setStatus({GatewayStatus::State::Failed, configuredUrl(), error});
        });
        connect(gateway, &GatewayService::stopped, this, [this] {
            setStatus({GatewayStatus::State::Stopped, configuredUrl(), {}});
        });
    }

    void startGateway()
    {
        setStatus({GatewayStatus::State::Starting, configuredUrl(), {}});
        m_runtime->startGateway();
    }

    AppConfig config() const override { return m_runtime->config(); }
    bool saveConfig(const AppConfig &config, QString *error) override
    {
        const GatewayConfig before = m_runtime->config().gateway;
        if (!m_runtime->saveConfig(config, error))
            return false;
        // AppRuntime hands a running gateway only new providers and routes; where it listens and
        // whom it lets in are read when it starts, so a change there needs a fresh start. One the
        // user stopped stays stopped.
        if (config.gateway != before && m_status.state != GatewayStatus::State::Stopped)
            startGateway();
        return true;
    }
    SecretStore *secrets() const override { return m_runtime->secrets(); }
    void reloadKeys() override { m_runtime->reloadKeys(); }
    QSqlDatabase database() const override { return m_runtime->database(); }
    QString databasePath() const override { return m_runtime->paths().databaseFile(); }
    AccessTokenStore tokens() const override { return m_runtime->tokens(); }
    void reloadTokens() override { m_runtime->reloadTokens(); }
    UsageLedger *ledger() const override { return m_runtime->ledger(); }
    GatewayStatus gatewayStatus() const override { return m_status; }
    QStringList keyProblems() const override { return m_runtime->keyProblems(); }

private:
    // Where the gateway will listen, for showing while it does not run yet.
    QString configuredUrl() const
    {
        const GatewayConfig &g = m_runtime->config().gateway;
        QUrl url;
        url.setScheme(QStringLiteral("http"));
        url.setHost(g.bindAddress);
        url.setPort(g.port);
        url.setPath(QStringLiteral("/v1"));
        return url.toString();
    }

    void setStatus(const GatewayStatus &status)
    {
        if (status == m_status)
            return;
        m_status = status;
        Q_EMIT gatewayStatusChanged(m_status);
    }

    AppRuntime *m_runtime;
    GatewayStatus m_status;
};

} // namespace

} // namespace patchbay

using namespace patchbay;

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Patchbay"));
    QApplication::setOrganizationName(QStringLiteral("Patchbay"));
    QApplication::setApplicationVersion(QStringLiteral(PATCHBAY_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("patchbay"));
    BundledResources::load();
    ProcessLimits::raiseOpenFileLimit(); // the gateway inside holds two sockets per call
    if (const QString icon = QStringLiteral(":/patchbay/icons/patchbay.svg"); QFile::exists(icon))
        QApplication::setWindowIcon(QIcon(icon));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Patchbay: a local AI gateway with a usage ledger. Programs on this machine call its OpenAI-compatible "
        "server; it forwards each call to the providers you configure and records it."));
    CommandLine::addCommonOptions(parser);
    parser.process(app);

    CommonOptions options;
    QString error;
    if (!CommandLine::readCommonOptions(parser, &options, &error)) {
        QMessageBox::critical(nullptr, QStringLiteral("Patchbay"), error);
        return 1;
    }

    AppRuntime runtime(AppPaths::resolve(options.configDir, options.dataDir), options.port);
    // On failure nothing is reset: the user's config stays as it was, to be fixed and retried.
    if (!runtime.initialize(&error)) {
        QMessageBox::critical(nullptr, QStringLiteral("Patchbay could not start"), error);
        return 1;
    }
    Logging::install(runtime.paths().logDir(), QStringLiteral("patchbay"));
    qInfo().noquote() << "Patchbay" << PATCHBAY_VERSION << "on Qt" << qVersion() << "and" << Allocator::name();

    RuntimeWorkspace workspace(&runtime);
    MainWindow window(&workspace);
    if (TrayIcon *tray = window.trayIcon()) {
        QObject::connect(tray, &TrayIcon::startGatewayRequested, &workspace, &RuntimeWorkspace::startGateway);
        QObject::connect(tray, &TrayIcon::stopGatewayRequested, &runtime, &AppRuntime::stopGateway);
    }
    window.show();
    workspace.startGateway();
    return app.exec();
}
