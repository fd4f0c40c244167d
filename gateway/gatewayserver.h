#pragma once

#include "appconfig.h"
#include "modelrouter.h"

#include <QByteArray>
#include <QHash>
#include <QObject>

namespace patchbay {

class HttpConnection;
class HttpServer;
class UpstreamPool;
class UsageLedger;

// The gateway's request handling, on the gateway thread: access checks, the endpoints, and
// a ChatRelay per chat completion.
class GatewayServer : public QObject
{
    Q_OBJECT
public:
    explicit GatewayServer(UsageLedger *ledger, QObject *parent = nullptr);
    ~GatewayServer() override;

    bool listen(const GatewayConfig &config, QString *error);
    void close();
    bool isListening() const;
    quint16 port() const;

    void setProviders(const QList<ProviderConfig> &providers, const QHash<QString, QString> &keys);
    void setTokens(const QHash<QByteArray, QString> &tokenHashes) { m_tokens = tokenHashes; }

private:
    void handle(HttpConnection *connection);
    // The client's token name ("" when tokens are off), or nothing after answering an error.
    std::optional<QString> admit(HttpConnection *connection);
    void serveHealth(HttpConnection *connection);
    void serveModels(HttpConnection *connection);
    void serveChatCompletions(HttpConnection *connection, const QString &client);

    UsageLedger *m_ledger;
    HttpServer *m_http;
    UpstreamPool *m_pool;
    GatewayConfig m_config;
    ModelRouter m_router;
    QHash<QString, QString> m_keys;
    QHash<QByteArray, QString> m_tokens;
};

} // namespace patchbay
