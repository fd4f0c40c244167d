#pragma once

#include "appconfig.h"
#include "apppaths.h"
#include "accesstokenstore.h"

#include <QObject>
#include <QSqlDatabase>
#include <QStringList>

#include <memory>
#include <optional>

namespace patchbay {

class AccessTokenStore;
class GatewayService;
class SecretStore;
class UsageLedger;

// Everything one Patchbay instance runs on, wired together: config, database, ledger,
// keychain and gateway. Shared by the GUI and patchbayd; lives in the main thread.
class AppRuntime : public QObject
{
    Q_OBJECT
public:
    explicit AppRuntime(AppPaths paths, std::optional<quint16> portOverride = {}, QObject *parent = nullptr);
    ~AppRuntime() override;

    // Creates the folders, reads config.json, opens patchbay.db and starts the ledger.
    // False with a sentence in *error; nothing is reset or overwritten on failure.
    bool initialize(QString *error);
    // Reads the providers' keys, then starts the gateway; see GatewayService's signals.
    void startGateway();
    void stopGateway();

    const AppPaths &paths() const { return m_paths; }
    const AppConfig &config() const { return m_config; }
    // Writes config.json, then hands the providers to the running gateway (keys re-read).
    bool saveConfig(const AppConfig &config, QString *error);
    // Re-reads the providers' keys (e.g. after one was written to the keychain) and hands
    // them to the running gateway.
    void reloadKeys();
    // Re-reads the active token hashes into the running gateway.
    void reloadTokens();

    SecretStore *secrets() const { return m_secrets.get(); }
    UsageLedger *ledger() const { return m_ledger.get(); }
    GatewayService *gateway() const { return m_gateway.get(); }
    // The main thread's own connection (reads, token management).
    QSqlDatabase database() const;
    AccessTokenStore tokens() const;

    // The last problems met reading provider keys, one sentence each.
    QStringList keyProblems() const { return m_keyProblems; }

Q_SIGNALS:
    void configChanged(const patchbay::AppConfig &config);
    void keyProblemsChanged(const QStringList &problems);

private:
    void withKeys(std::function<void(const QHash<QString, QString> &)> then);

    AppPaths m_paths;
    std::optional<quint16> m_portOverride;
    AppConfig m_config;
    QString m_connectionName;
    std::unique_ptr<SecretStore> m_secrets;
    std::unique_ptr<UsageLedger> m_ledger;
    std::unique_ptr<GatewayService> m_gateway;
    QStringList m_keyProblems;
};

} // namespace patchbay
