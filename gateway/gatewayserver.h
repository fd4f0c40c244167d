#pragma once

#include "appconfig.h"
#include "dialect.h"
#include "httpmessage.h"
#include "modelrouter.h"
#include "pricecatalog.h"
#include "targethealth.h"
#include "usagelimits.h"

#include <QByteArray>
#include <QHash>
#include <QObject>

namespace patchbay {

class BatchDeleter;
class CallCapture;
class HttpConnection;
class HttpServer;
class ModelCatalog;
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
    void setRouting(const RoutingConfig &routing);
    // Takes effect with the next call; calls in flight keep what they started with.
    void setCapture(const CaptureConfig &capture) { m_config.capture = capture; }
    void setTokens(const QHash<QByteArray, QString> &tokenHashes)
    {
        m_tokens = tokenHashes;
        m_verifiedTokens.clear(); // a revoked token must stop working at once
    }
    void setTokenPolicies(const QHash<QString, TokenPolicy> &policies) { m_limits.setPolicies(policies); }
    // Spend so far today and this month per client, from the ledger, so budgets hold across restarts.
    void seedSpend(const QHash<QString, double> &today, const QHash<QString, double> &thisMonth) { m_limits.seed(today, thisMonth); }
    UsageLimits &limits() { return m_limits; }

private:
    void handle(HttpConnection *connection);
    // The client's token name ("" when tokens are off), or nothing after answering an error.
    std::optional<QString> admit(HttpConnection *connection);
    void serveHealth(HttpConnection *connection);
    void serveModels(HttpConnection *connection);
    void answerModels(HttpConnection *connection, bool anthropicShape);
    void serveModel(HttpConnection *connection, const QString &id);
    // A chat call in the client's dialect; suffix names another endpoint beside the provider's
    // chat endpoint (count_tokens), which only a provider of the same dialect has.
    void serveChat(HttpConnection *connection, const QString &client, Dialect dialect, const QString &suffix);
    // capture, when the call has one, keeps what was sent.
    static void respondError(HttpConnection *connection, const ClientCodec *codec, const ApiError &error,
                             const HttpHeaders &extraHeaders = {}, CallCapture *capture = nullptr);
    bool isAllowedHost(QByteArray host) const;
    static const ClientCodec *clientCodecFor(const HttpRequestHead &request);

    UsageLedger *m_ledger;
    HttpServer *m_http;
    UpstreamPool *m_pool;
    BatchDeleter *m_finishedRelays;
    ModelCatalog *m_catalog;
    GatewayConfig m_config;
    ModelRouter m_router;
    TargetHealth m_health;
    PriceCatalog m_prices = PriceCatalog::bundled();
    UsageLimits m_limits;
    QHash<QString, QString> m_keys;
    QList<QByteArray> m_captureKeys; // m_keys' values as bytes, made once for every capture's scrub
    QHash<QByteArray, QString> m_tokens;
    QHash<QByteArray, QString> m_verifiedTokens; // token as sent → client name, this process only
};

} // namespace patchbay
