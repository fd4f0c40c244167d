#include "testworkspace.h"

#include "database.h"
#include "secretstore.h"

#include <QRandomGenerator>

namespace patchbay::testing {

TestWorkspace::TestWorkspace(const QString &dir, const QString &keychainService, UsageLedger *ledger)
    : m_store(dir + QStringLiteral("/config.json"))
    , m_secrets(std::make_unique<SecretStore>(keychainService))
    , m_ledger(ledger)
    , m_connection(QStringLiteral("testworkspace-%1").arg(QRandomGenerator::global()->generate()))
    , m_databasePath(dir + QStringLiteral("/patchbay.db"))
{
    QString error;
    m_db = Database::open(m_databasePath, m_connection, &error);
    if (!m_db.isOpen())
        qFatal("%s", qPrintable(error));
}

TestWorkspace::~TestWorkspace()
{
    m_db = {};
    Database::close(m_connection);
}

bool TestWorkspace::saveConfig(const AppConfig &config, QString *error)
{
    if (!m_store.save(config, error))
        return false;
    m_config = config;
    ++saves;
    Q_EMIT configChanged(m_config);
    return true;
}

void TestWorkspace::setGatewayStatus(const GatewayStatus &status)
{
    m_status = status;
    Q_EMIT gatewayStatusChanged(m_status);
}

void TestWorkspace::setKeyProblems(const QStringList &problems)
{
    m_keyProblems = problems;
    Q_EMIT keyProblemsChanged(m_keyProblems);
}

} // namespace patchbay::testing
