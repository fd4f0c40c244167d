#pragma once

#include "captureconfig.h"
#include "routingconfig.h"

#include <QHostAddress>
#include <QMetaType>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

namespace patchbay {

// How long the gateway waits on one provider before answering 504.
struct ProviderTimeouts
{
    int connectMs = 10'000;
    int firstByteMs = 300'000; // reasoning models can think for minutes before the first byte
    int idleMs = 120'000;      // between two stream events
    bool operator==(const ProviderTimeouts &) const = default;
};

// The user's own price for a model, in USD per million tokens; it wins over the price catalog.
// config.json requires input and output; cache reads and writes without a price pay the input
// price, as in the catalog.
struct ModelPrice
{
    std::optional<double> inputMtok;
    std::optional<double> outputMtok;
    std::optional<double> cacheReadMtok;
    std::optional<double> cacheWriteMtok;
    bool operator==(const ModelPrice &) const = default;
};

// One upstream service as the user configured it. The key is referenced, never stored here.
struct ProviderConfig
{
    QString id;      // stable, used in model names: "<id>/<model>"
    QString name;    // shown to the user
    QString baseUrl; // e.g. https://api.openai.com/v1
    QString dialect = QStringLiteral("openai"); // the wire format it speaks: openai, anthropic or gemini
    QString keyRef;  // "keychain:<id>", "env:VARIABLE" or empty for servers without auth
    QStringList models;
    QMap<QString, QString> headers; // extra headers sent upstream
    ProviderTimeouts timeouts;
    // Upstream model name → price; "*" prices every model of this provider (0 for a local server).
    QMap<QString, ModelPrice> prices;

    QString keychainRef() const { return QStringLiteral("keychain:") + id; }
    bool operator==(const ProviderConfig &) const = default;
};

struct GatewayLimits
{
    qint64 maxHeaderBytes = 64 * 1024;
    qint64 maxBodyBytes = 32 * 1024 * 1024;
    int headerTimeoutMs = 10'000; // a request's head must arrive within this
    int idleTimeoutMs = 60'000;   // a keep-alive connection with nothing to do is closed after this
    bool operator==(const GatewayLimits &) const = default;
};

struct GatewayConfig
{
    QString bindAddress = QStringLiteral("127.0.0.1");
    quint16 port = 7229; // "PBAY" on a phone keypad; no popular local tool uses it
    bool requireTokens = true;
    GatewayLimits limits;
    QStringList allowedHosts;   // Host names besides loopback that may address the gateway
    QStringList allowedOrigins; // web origins that may call it (CORS); none by default
    std::optional<double> usdPerDay;   // spend limit over all clients, the local calendar day
    std::optional<double> usdPerMonth; // and month
    CaptureConfig capture;             // headers and bodies kept for the Requests page

    bool isLoopback() const;
    bool operator==(const GatewayConfig &) const = default;
};

// The request ledger's housekeeping.
struct LedgerConfig
{
    int retentionDays = 0; // rows older than this many days are deleted daily; 0 keeps them all
    bool operator==(const LedgerConfig &) const = default;
};

// The whole of config.json.
struct AppConfig
{
    QList<ProviderConfig> providers;
    GatewayConfig gateway;
    RoutingConfig routing;
    LedgerConfig ledger;

    const ProviderConfig *provider(const QString &id) const;
    // A lower-case id made from a display name that no provider uses yet.
    QString uniqueProviderId(const QString &name) const;

    QJsonObject toJson() const;
    // Reads what toJson() writes; unknown keys are ignored, missing ones take defaults.
    // False with a sentence in *error when a value has the wrong type or is out of range.
    static bool fromJson(const QJsonObject &json, AppConfig *out, QString *error);

    bool operator==(const AppConfig &) const = default;
};

} // namespace patchbay

Q_DECLARE_METATYPE(patchbay::AppConfig)
