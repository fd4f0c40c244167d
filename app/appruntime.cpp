#include "appruntime.h"

#include "accesstokenstore.h"
#include "configstore.h"
#include "database.h"
#include "gatewayservice.h"
#include "ledgerquery.h"
#include "usagelimits.h"
#include "providerkeys.h"
#include "secretstore.h"
#include "usageledger.h"

#include <QDir>

#include <QDateTime>

namespace patchbay {

AppRuntime::AppRuntime(AppPaths paths, std::optional<quint16> portOverride, QObject *parent)
    : QObject(parent)
    , m_paths(std::move(paths))
    , m_portOverride(portOverride)
    , m_connectionName(QStringLiteral("main-%1").arg(reinterpret_cast<quintptr>(this)))
    , m_secrets(std::make_unique<SecretStore>())
{
    qRegisterMetaType<AppConfig>();
}

AppRuntime::~AppRuntime()
{
    // The gateway hands rows to the ledger, so it stops first; the ledger then writes them all.
    m_gateway.reset();
    if (m_ledger)
        m_ledger->stop();
    m_ledger.reset();
    Database::close(m_connectionName);
}

bool AppRuntime::initialize(QString *error)
{
    if (!m_paths.ensureExist(error))
        return false;
    if (!ConfigStore(m_paths.configFile()).load(&m_config, error))
        return false;
    if (m_portOverride)
        m_config.gateway.port = *m_portOverride;
    // Opening here runs the migrations once, before the ledger thread opens its own connection.
    if (!Database::open(m_paths.databaseFile(), m_connectionName, error).isOpen()) {
        Database::close(m_connectionName);
        return false;
    }
    m_ledger = std::make_unique<UsageLedger>(m_paths.databaseFile());
    // Rows the database refused for too long wait here; the next start imports them.
    m_ledger->setSpillPath(QDir(m_paths.dataDir).filePath(QStringLiteral("ledger-spill.jsonl")));
    m_ledger->setRetentionDays(m_config.ledger.retentionDays);
    if (!m_ledger->start(error))
        return false;
    m_gateway = std::make_unique<GatewayService>(m_ledger.get());
    return true;
}

QSqlDatabase AppRuntime::database() const
{
    return QSqlDatabase::database(m_connectionName, false);
}

AccessTokenStore AppRuntime::tokens() const
{
    return AccessTokenStore(database());
}

void AppRuntime::withKeys(std::function<void(const QHash<QString, QString> &)> then)
{
    ProviderKeys::resolve(m_config.providers, m_secrets.get(), this,
                          [this, then = std::move(then)](const ProviderKeys::Result &result) {
                              if (result.problems != m_keyProblems) {
                                  m_keyProblems = result.problems;
                                  Q_EMIT keyProblemsChanged(m_keyProblems);
                              }
                              then(result.keys);
                          });
}

void AppRuntime::startGateway()
{
    // Budgets hold across restarts: the gateway starts from what the ledger says was spent.
    const QDateTime now = QDateTime::currentDateTime();
    const LedgerQuery ledger(database());
    m_gateway->seedSpend(ledger.spendSince(UsageLimits::startOfDay(now).toMSecsSinceEpoch()),
                         ledger.spendSince(UsageLimits::startOfMonth(now).toMSecsSinceEpoch()));
    m_gateway->updateTokenPolicies(tokens().activePolicies());
    withKeys([this](const QHash<QString, QString> &keys) {
        m_gateway->start(m_config, keys, tokens().activeHashes());
    });
}

void AppRuntime::stopGateway()
{
    m_gateway->stop();
}

bool AppRuntime::saveConfig(const AppConfig &config, QString *error)
{
    AppConfig toSave = config;
    if (m_portOverride) {
        // --port applies to this run only; the file keeps the user's own setting.
        AppConfig onDisk;
        if (ConfigStore(m_paths.configFile()).load(&onDisk, error))
            toSave.gateway.port = onDisk.gateway.port;
    }
    if (!ConfigStore(m_paths.configFile()).save(toSave, error))
        return false;
    m_config = config;
    if (m_ledger)
        m_ledger->setRetentionDays(m_config.ledger.retentionDays);
    Q_EMIT configChanged(m_config);
    reloadKeys();
    return true;
}

void AppRuntime::reloadKeys()
{
    withKeys([this](const QHash<QString, QString> &keys) { m_gateway->updateProviders(m_config, keys); });
}

void AppRuntime::reloadTokens()
{
    m_gateway->updateTokens(tokens().activeHashes());
    m_gateway->updateTokenPolicies(tokens().activePolicies());
}

} // namespace patchbay
