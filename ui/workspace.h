#pragma once

#include "accesstokenstore.h"
#include "appconfig.h"

#include <QMetaType>
#include <QObject>
#include <QSqlDatabase>
#include <QString>
#include <QStringList>

namespace patchbay {

class SecretStore;
class UsageLedger;

// What the pages show about the gateway. A value type so the app can map GatewayService's
// signals onto it and tests can fake it without a running server.
struct GatewayStatus
{
    enum class State { Stopped, Starting, Running, Failed };
    State state = State::Stopped;
    QString baseUrl; // where programs should point; the configured address while not running
    QString error;   // the sentence from failedToStart while Failed

    bool operator==(const GatewayStatus &) const = default;
};

// Everything the UI needs from one Patchbay instance. The ui layer cannot include app/, so
// the composition root (app/guimain.cpp) adapts AppRuntime to this, and tests build one over
// real storage in a temporary folder. Lives in the UI thread; every call is quick.
class Workspace : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    ~Workspace() override = default;

    virtual AppConfig config() const = 0;
    // Writes config.json and hands the providers, with freshly read keys, to the gateway.
    // False with a sentence in *error; nothing changes then.
    virtual bool saveConfig(const AppConfig &config, QString *error) = 0;

    // The keychain. Never null.
    virtual SecretStore *secrets() const = 0;
    // Re-reads the providers' keys into the gateway, after one was written or deleted.
    virtual void reloadKeys() = 0;

    // The main thread's connection; only short, indexed queries belong on it.
    virtual QSqlDatabase database() const = 0;
    // patchbay.db's path, so a worker thread can open a read connection of its own.
    virtual QString databasePath() const = 0;
    virtual AccessTokenStore tokens() const = 0;
    // Re-reads the active token hashes into the gateway, after one was created or revoked.
    virtual void reloadTokens() = 0;
    // The ledger's write side, for its recorded() signal; may be null (then no live updates).
    virtual UsageLedger *ledger() const = 0;

    virtual GatewayStatus gatewayStatus() const = 0;
    // One sentence per provider whose key could not be read, e.g. the keychain is locked.
    virtual QStringList keyProblems() const = 0;

Q_SIGNALS:
    void configChanged(const patchbay::AppConfig &config);
    void keyProblemsChanged(const QStringList &problems);
    void gatewayStatusChanged(const patchbay::GatewayStatus &status);
};

} // namespace patchbay

Q_DECLARE_METATYPE(patchbay::GatewayStatus)
