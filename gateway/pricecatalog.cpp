#include "pricecatalog.h"

#include "bundledresources.h"
#include "pricematch.h"

#include <QFile>
#include <QHash>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QRegularExpression>
#include <QTime>
#include <QUrl>

#include <climits>
#include <utility>
#include <vector>

namespace patchbay {

namespace {

constexpr int msPerDay = 24 * 60 * 60 * 1000;

// One entry of a model's price list and when it applies.
struct ConditionalRates
{
    enum class When { Always, FromDate, DailyWindow };
    When when = When::Always;
    QDate startDate;  // FromDate, UTC
    int startMs = 0;  // DailyWindow, since midnight UTC; the window may wrap past midnight
    int endMs = 0;
    PriceRates rates;

    bool activeAt(const QDateTime &utc) const
    {
        switch (when) {
        case When::Always:
            return true;
        case When::FromDate:
            return utc.date() >= startDate;
        case When::DailyWindow: {
            const int t = utc.time().msecsSinceStartOfDay();
            return endMs < startMs ? (t >= startMs || t < endMs) : (t >= startMs && t < endMs);
        }
        }
        return false;
    }
};

struct CatalogModel
{
    QString id;
    std::vector<ConditionalRates> prices;

    // As genai-prices documents: the last entry whose condition holds, else the first.
    const PriceRates &ratesAt(const QDateTime &utc) const
    {
        for (auto it = prices.rbegin(); it != prices.rend(); ++it) {
            if (it->activeAt(utc))
                return it->rates;
        }
        return prices.front().rates;
    }
};

struct CatalogProvider
{
    QString id;
    QRegularExpression apiPattern;
    MatchRule providerMatch;
    QStringList fallbackIds;
    std::vector<int> fallbacks; // indexes of fallbackIds' providers
    std::vector<CatalogModel> models;
    QHash<QString, int> byExactName;                  // lower-case name → first model accepting it outright
    std::vector<std::pair<int, MatchRule>> residual; // the rest of the rules, by model order

    // The first model, in catalog order, whose rule accepts the name; -1 if none.
    int findModel(const QString &lowerName) const
    {
        int best = byExactName.value(lowerName, INT_MAX);
        for (const auto &[index, rule] : residual) {
            if (index >= best)
                break;
            if (rule.matches(lowerName)) {
                best = index;
                break;
            }
        }
        return best == INT_MAX ? -1 : best;
    }
};

// "00:30:00Z", "16:30:00", "08:00:00+08:00" → ms since midnight UTC; -1 if unreadable.
int utcTimeOfDay(QString text)
{
    int offsetMs = 0;
    if (text.endsWith(QLatin1Char('Z'))) {
        text.chop(1);
    } else if (text.size() > 6 && (text.at(text.size() - 6) == QLatin1Char('+') || text.at(text.size() - 6) == QLatin1Char('-'))) {
        const QTime offset = QTime::fromString(text.right(5), QStringLiteral("HH:mm"));
        if (!offset.isValid())
            return -1;
        offsetMs = offset.msecsSinceStartOfDay() * (text.at(text.size() - 6) == QLatin1Char('+') ? 1 : -1);
        text.chop(6);
    }
    const QTime t = QTime::fromString(text, Qt::ISODateWithMs);
    if (!t.isValid())
        return -1;
    return ((t.msecsSinceStartOfDay() - offsetMs) % msPerDay + msPerDay) % msPerDay;
}

bool readConditional(const QJsonValue &value, ConditionalRates *out, QString *error)
{
    const QJsonObject o = value.toObject();
    if (!PriceRates::fromJson(o.value(QLatin1String("prices")).toObject(), &out->rates, error))
        return false;
    const QJsonValue constraint = o.value(QLatin1String("constraint"));
    if (constraint.isUndefined() || constraint.isNull())
        return true;
    const QJsonObject c = constraint.toObject();
    if (c.size() == 1 && c.contains(QLatin1String("start_date"))) {
        out->when = ConditionalRates::When::FromDate;
        out->startDate = QDate::fromString(c.value(QLatin1String("start_date")).toString(), Qt::ISODate);
        if (out->startDate.isValid())
            return true;
    } else if (c.size() == 2 && c.contains(QLatin1String("start_time")) && c.contains(QLatin1String("end_time"))) {
        out->when = ConditionalRates::When::DailyWindow;
        out->startMs = utcTimeOfDay(c.value(QLatin1String("start_time")).toString());
        out->endMs = utcTimeOfDay(c.value(QLatin1String("end_time")).toString());
        if (out->startMs >= 0 && out->endMs >= 0)
            return true;
    }
    *error = QStringLiteral("a price constraint is neither a start_date nor a start_time/end_time window this version of Patchbay reads");
    return false;
}

bool readModel(const QJsonObject &o, CatalogModel *model, MatchRule *rule, QString *error)
{
    model->id = o.value(QLatin1String("id")).toString();
    if (!MatchRule::fromJson(o.value(QLatin1String("match")), rule, error))
        return false;
    const QJsonValue prices = o.value(QLatin1String("prices"));
    if (prices.isObject()) {
        ConditionalRates always;
        if (!PriceRates::fromJson(prices.toObject(), &always.rates, error))
            return false;
        model->prices.push_back(std::move(always));
        return true;
    }
    if (!prices.isArray() || prices.toArray().isEmpty()) {
        *error = QStringLiteral("prices must be an object or a non-empty list");
        return false;
    }
    for (const QJsonValue &entry : prices.toArray()) {
        ConditionalRates c;
        if (!readConditional(entry, &c, error))
            return false;
        model->prices.push_back(std::move(c));
    }
    return true;
}

bool readProvider(const QJsonObject &o, CatalogProvider *p, QString *error)
{
    p->id = o.value(QLatin1String("id")).toString();
    // Anchored at the start, as genai-prices' Python engine applies it (re.match).
    p->apiPattern = QRegularExpression(o.value(QLatin1String("api_pattern")).toString(), QRegularExpression::CaseInsensitiveOption);
    if (p->id.isEmpty() || !p->apiPattern.isValid() || p->apiPattern.pattern().isEmpty()) {
        *error = QStringLiteral("a provider needs an id and an api_pattern that compiles");
        return false;
    }
    p->apiPattern.optimize();
    const QJsonValue providerMatch = o.value(QLatin1String("provider_match"));
    if (!providerMatch.isUndefined() && !MatchRule::fromJson(providerMatch, &p->providerMatch, error))
        return false;
    for (const QJsonValue &f : o.value(QLatin1String("fallback_model_providers")).toArray())
        p->fallbackIds.append(f.toString());
    const QJsonArray models = o.value(QLatin1String("models")).toArray();
    for (int i = 0; i < models.size(); ++i) {
        CatalogModel model;
        MatchRule rule;
        if (!readModel(models.at(i).toObject(), &model, &rule, error)) {
            *error = QStringLiteral("model %1: %2").arg(models.at(i).toObject().value(QLatin1String("id")).toString(), *error);
            return false;
        }
        const int index = static_cast<int>(p->models.size());
        QStringList exact;
        MatchRule rest;
        rule.split(&exact, &rest);
        for (const QString &name : exact) {
            if (!p->byExactName.contains(name))
                p->byExactName.insert(name, index);
        }
        if (!rest.isNever())
            p->residual.emplace_back(index, std::move(rest));
        p->models.push_back(std::move(model));
    }
    return true;
}

// Servers on this machine or the local network are never priced by their id: an "openai"
// provider pointed at a local server serves local models, which cost nothing.
bool isLocalHost(const QString &host)
{
    const QString h = host.toLower();
    if (h == QLatin1String("localhost") || h.endsWith(QLatin1String(".localhost")) || h.endsWith(QLatin1String(".local")))
        return true;
    const QHostAddress address(h);
    if (address.isNull())
        return false;
    if (address.isLoopback() || address.isLinkLocal() || address.isUniqueLocalUnicast())
        return true;
    for (const char *subnet : {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"}) {
        if (address.isInSubnet(QHostAddress::parseSubnet(QLatin1String(subnet))))
            return true;
    }
    return false;
}

PriceRates overrideRates(const ModelPrice &price)
{
    const auto flat = [](const std::optional<double> &usd) -> std::optional<TieredRate> {
        if (!usd)
            return std::nullopt;
        TieredRate r;
        r.base = *usd;
        return r;
    };
    PriceRates r;
    r.input = flat(price.inputMtok);
    r.output = flat(price.outputMtok);
    r.cacheRead = flat(price.cacheReadMtok);
    r.cacheWrite = flat(price.cacheWriteMtok);
    return r;
}

// Gemini names models as resources ("models/gemini-2.5-pro"); the catalog does not.
QString withoutResourcePrefix(const QString &model)
{
    return model.startsWith(QLatin1String("models/")) ? model.mid(7) : model;
}

} // namespace

struct PriceCatalog::Data
{
    QString version;
    std::vector<CatalogProvider> providers;
    int modelCount = 0;

    // Base URL and id → provider index (-1: none). Regex tests per call would cost several µs;
    // a config holds a handful of providers.
    mutable QMutex cacheMutex;
    mutable QHash<QString, int> providerCache;

    int providerIndex(const ProviderConfig &provider) const
    {
        const QString key = provider.baseUrl + QLatin1Char('\n') + provider.id;
        {
            const QMutexLocker lock(&cacheMutex);
            const auto it = providerCache.constFind(key);
            if (it != providerCache.constEnd())
                return it.value();
        }
        const int index = findProvider(provider);
        const QMutexLocker lock(&cacheMutex);
        if (providerCache.size() > 256) // only a config edited many times over gets here
            providerCache.clear();
        providerCache.insert(key, index);
        return index;
    }

    int findProvider(const ProviderConfig &provider) const
    {
        for (size_t i = 0; i < providers.size(); ++i) {
            if (providers[i]
                    .apiPattern.match(provider.baseUrl, 0, QRegularExpression::NormalMatch, QRegularExpression::AnchorAtOffsetMatchOption)
                    .hasMatch())
                return static_cast<int>(i);
        }
        // A proxy or gateway in between (a company proxy, Cloudflare AI Gateway) hides the
        // provider's URL; its id, as the catalog's provider_match rules read ids, may still say.
        if (isLocalHost(QUrl(provider.baseUrl).host()))
            return -1;
        const QString id = provider.id.toLower();
        for (size_t i = 0; i < providers.size(); ++i) {
            if (providers[i].id == id)
                return static_cast<int>(i);
        }
        for (size_t i = 0; i < providers.size(); ++i) {
            if (providers[i].providerMatch.matches(id))
                return static_cast<int>(i);
        }
        return -1;
    }
};

PriceCatalog::PriceCatalog()
    : m_data(std::make_shared<const Data>())
{
}

PriceCatalog PriceCatalog::bundled()
{
    static const PriceCatalog catalog = [] {
        PriceCatalog c;
        QString error;
        if (!c.loadBundled(&error))
            qWarning("The price catalog could not be loaded, so no call will have a cost: %s", qPrintable(error));
        return c;
    }();
    return catalog;
}

bool PriceCatalog::loadBundled(QString *error)
{
    BundledResources::load();
    QFile data(QStringLiteral(":/patchbay/pricing/data.json"));
    QFile source(QStringLiteral(":/patchbay/pricing/source.json"));
    if (!data.open(QIODevice::ReadOnly) || !source.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("The price catalog is missing from this build (:/patchbay/pricing).");
        return false;
    }
    const QJsonObject s = QJsonDocument::fromJson(source.readAll()).object();
    const QString project = s.value(QLatin1String("project")).toString().section(QLatin1Char('/'), -1);
    const QString commit = s.value(QLatin1String("commit")).toString().left(8);
    if (project.isEmpty() || commit.isEmpty()) {
        *error = QStringLiteral("The price catalog's source.json names no project and commit.");
        return false;
    }
    return load(data.readAll(), project + QLatin1Char('@') + commit, error);
}

bool PriceCatalog::load(const QByteArray &json, const QString &version, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (!doc.isArray()) {
        *error = QStringLiteral("The price catalog is not a JSON list of providers (%1).").arg(parseError.errorString());
        return false;
    }
    auto data = std::make_shared<Data>();
    data->version = version;
    const QJsonArray providers = doc.array();
    for (int i = 0; i < providers.size(); ++i) {
        CatalogProvider p;
        if (!readProvider(providers.at(i).toObject(), &p, error)) {
            *error = QStringLiteral("The price catalog's provider %1 (%2) cannot be read: %3.")
                         .arg(i)
                         .arg(providers.at(i).toObject().value(QLatin1String("id")).toString(), *error);
            return false;
        }
        data->modelCount += static_cast<int>(p.models.size());
        data->providers.push_back(std::move(p));
    }
    for (CatalogProvider &p : data->providers) {
        for (const QString &id : std::as_const(p.fallbackIds)) {
            for (size_t j = 0; j < data->providers.size(); ++j) {
                if (data->providers[j].id == id)
                    p.fallbacks.push_back(static_cast<int>(j));
            }
        }
    }
    m_data = std::move(data);
    return true;
}

QString PriceCatalog::version() const
{
    return m_data->version;
}

bool PriceCatalog::isEmpty() const
{
    return m_data->providers.empty();
}

int PriceCatalog::providerCount() const
{
    return static_cast<int>(m_data->providers.size());
}

int PriceCatalog::modelCount() const
{
    return m_data->modelCount;
}

PriceQuote PriceCatalog::price(const ProviderConfig &provider, const QString &upstreamModel, const TokenUsage &usage,
                               const QDateTime &at) const
{
    return price(provider, upstreamModel, BillableUsage::from(usage), at);
}

PriceQuote PriceCatalog::price(const ProviderConfig &provider, const QString &upstreamModel, const BillableUsage &usage,
                               const QDateTime &at) const
{
    PriceQuote quote;
    quote.catalogVersion = m_data->version;
    const QString model = withoutResourcePrefix(upstreamModel);

    if (!provider.prices.isEmpty()) {
        for (const QString &key : {upstreamModel, model, QStringLiteral("*")}) {
            const auto it = provider.prices.constFind(key);
            if (it == provider.prices.constEnd())
                continue;
            quote.costUsd = overrideRates(it.value()).cost(usage);
            quote.matchedProvider = provider.id;
            quote.matchedModel = key;
            quote.source = QStringLiteral("override");
            return quote;
        }
    }

    const int providerIndex = m_data->providerIndex(provider);
    if (providerIndex < 0)
        return quote;
    const QString lowerModel = model.toLower();
    const CatalogProvider *owner = &m_data->providers[static_cast<size_t>(providerIndex)];
    int modelIndex = owner->findModel(lowerModel);
    // One step only, as genai-prices does: Azure sells OpenAI's models, Google Anthropic's.
    for (size_t i = 0; modelIndex < 0 && i < owner->fallbacks.size(); ++i) {
        const CatalogProvider *fallback = &m_data->providers[static_cast<size_t>(owner->fallbacks[i])];
        modelIndex = fallback->findModel(lowerModel);
        if (modelIndex >= 0)
            owner = fallback;
    }
    if (modelIndex < 0)
        return quote;

    const CatalogModel &m = owner->models[static_cast<size_t>(modelIndex)];
    const QDateTime utc = at.isValid() ? at.toUTC() : QDateTime::currentDateTimeUtc();
    quote.costUsd = m.ratesAt(utc).cost(usage);
    quote.matchedProvider = owner->id;
    quote.matchedModel = m.id;
    quote.source = QStringLiteral("catalog");
    return quote;
}

} // namespace patchbay
