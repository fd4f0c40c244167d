#pragma once

#include "appconfig.h"
#include "pricerates.h"
#include "tokenusage.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>

#include <memory>
#include <optional>

namespace patchbay {

// What one call cost, and where the price came from.
struct PriceQuote
{
    std::optional<double> costUsd; // unset: unknown (model not in the catalog, or a count it needs
                                   // is missing); never 0 standing in for "unknown"
    QString catalogVersion;        // the catalog consulted, set whatever the source
    QString matchedProvider;       // catalog provider whose model priced the call ("openrouter");
                                   // for an override, the configured provider's id
    QString matchedModel;          // catalog model id ("claude-sonnet-4-5"); for an override,
                                   // the key of the price that applied ("*" or the model name)
    QString source;                // "catalog", "override", or "" when nothing priced the call
};

// The price catalog (genai-prices data, resources/pricing) as a lookup: which catalog provider a
// configured provider is, which model an upstream model name is, and what the tokens cost at a
// given moment. A value: copies share the loaded data; const use from several threads is safe.
class PriceCatalog
{
public:
    PriceCatalog(); // empty: prices only the user's overrides

    // The catalog compiled into Patchbay, loaded on first use and shared. Empty (and a warning
    // logged) if it cannot be read; tst_pricecatalog guards against shipping such a build.
    static PriceCatalog bundled();
    bool loadBundled(QString *error);
    // A catalog in genai-prices' data.json format; `version` is what ledger rows will record.
    // On failure the catalog is left as it was.
    bool load(const QByteArray &json, const QString &version, QString *error);

    QString version() const; // e.g. "genai-prices@47df840a"
    bool isEmpty() const;
    int providerCount() const;
    int modelCount() const;

    // The user's price for the model (ProviderConfig::prices: the model's own, else "*") wins;
    // otherwise the catalog's, found by the provider's base URL and the upstream model name.
    // `at` picks among prices that change over time; an invalid `at` means now.
    PriceQuote price(const ProviderConfig &provider, const QString &upstreamModel, const TokenUsage &usage,
                     const QDateTime &at) const;
    // The same with audio counts, which the gateway does not report yet.
    PriceQuote price(const ProviderConfig &provider, const QString &upstreamModel, const BillableUsage &usage,
                     const QDateTime &at) const;

private:
    struct Data;
    std::shared_ptr<const Data> m_data;
};

} // namespace patchbay
