#pragma once

#include "appconfig.h"
#include "tokenpolicy.h"

#include <QByteArray>
#include <QHash>
#include <QObject>
#include <QThread>

namespace patchbay {

class GatewayServer;
class UsageLedger;

// Runs the gateway (HTTP server, routing, upstream calls) on a thread of its own. Lives in the
// thread that creates it; every call here is non-blocking and crosses over by queued calls.
class GatewayService : public QObject
{
    Q_OBJECT
public:
    explicit GatewayService(UsageLedger *ledger, QObject *parent = nullptr);
    ~GatewayService() override;

    // Starts listening (or restarts, when the address or port changed). Answers with
    // started() or failedToStart().
    void start(const AppConfig &config, const QHash<QString, QString> &providerKeys,
               const QHash<QByteArray, QString> &tokenHashes);
    // Closes the listener and every connection.
    void stop();
    // Hot reload: providers, keys and the capture settings change without dropping the
    // listener or calls in flight.
    void updateProviders(const AppConfig &config, const QHash<QString, QString> &providerKeys);
    // token hash (see AccessTokenStore::hash) → client name.
    void updateTokens(const QHash<QByteArray, QString> &tokenHashes);
    // client name → its limits and budgets.
    void updateTokenPolicies(const QHash<QString, TokenPolicy> &policies);
    // What each client spent today and this month, read from the ledger at start.
    void seedSpend(const QHash<QString, double> &today, const QHash<QString, double> &thisMonth);

    bool isRunning() const { return m_running; }
    // e.g. "http://127.0.0.1:7229/v1"; empty while stopped.
    QString baseUrl() const { return m_baseUrl; }
    quint16 port() const { return m_port; }

Q_SIGNALS:
    void started(const QString &baseUrl);
    void failedToStart(const QString &error);
    void stopped();

private:
    QThread m_thread;
    GatewayServer *m_server = nullptr;
    bool m_running = false;
    QString m_baseUrl;
    quint16 m_port = 0;
};

} // namespace patchbay
