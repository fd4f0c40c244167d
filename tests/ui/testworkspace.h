#pragma once

#include "configstore.h"
#include "workspace.h"

#include <memory>

namespace patchbay::testing {

// A Workspace over real storage in a folder of the test's: config.json through ConfigStore,
// patchbay.db through Database, the real keychain under a service name of the test's own (so
// the user's Patchbay keys are never touched). What AppRuntime does, minus the gateway.
class TestWorkspace final : public Workspace
{
public:
    TestWorkspace(const QString &dir, const QString &keychainService, UsageLedger *ledger = nullptr);
    ~TestWorkspace() override;

    AppConfig config() const override { return m_config; }
    bool saveConfig(const AppConfig &config, QString *error) override;
    SecretStore *secrets() const override { return m_secrets.get(); }
    void reloadKeys() override { ++keyReloads; }
    QSqlDatabase database() const override { return m_db; }
    QString databasePath() const override { return m_databasePath; }
    AccessTokenStore tokens() const override { return AccessTokenStore(m_db); }
    void reloadTokens() override { ++tokenReloads; }
    UsageLedger *ledger() const override { return m_ledger; }
    GatewayStatus gatewayStatus() const override { return m_status; }
    QStringList keyProblems() const override { return m_keyProblems; }

    void setGatewayStatus(const GatewayStatus &status);
    void setKeyProblems(const QStringList &problems);
    const QString &configPath() const { return m_store.path(); }

    int saves = 0;
    int keyReloads = 0;
    int tokenReloads = 0;

private:
    ConfigStore m_store;
    std::unique_ptr<SecretStore> m_secrets;
    UsageLedger *m_ledger;
    QString m_connection;
    QString m_databasePath;
    QSqlDatabase m_db;
    AppConfig m_config;
    GatewayStatus m_status{GatewayStatus::State::Running, QStringLiteral("http://127.0.0.1:7229/v1"), {}};
    QStringList m_keyProblems;
};

} // namespace patchbay::testing
