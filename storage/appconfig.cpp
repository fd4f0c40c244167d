#include "appconfig.h"

#include "providerpresets.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QSet>
#include <QUrl>

#include <algorithm>
#include <cmath>

namespace patchbay {

namespace {

QJsonObject timeoutsToJson(const ProviderTimeouts &t)
{
    return {{QStringLiteral("connect_ms"), t.connectMs},
            {QStringLiteral("first_byte_ms"), t.firstByteMs},
            {QStringLiteral("idle_ms"), t.idleMs}};
}

// Reads an optional positive integer; keeps *value when the key is absent.
bool readPositive(const QJsonObject &o, const char *key, const QString &where, qint64 *value, QString *error)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined())
        return true;
    if (!v.isDouble() || v.toDouble() <= 0 || v.toDouble() != static_cast<double>(v.toInteger())) {
        *error = QStringLiteral("%1.%2 must be a positive whole number.").arg(where, QLatin1String(key));
        return false;
    }
    *value = v.toInteger();
    return true;
}

bool readPositiveInt(const QJsonObject &o, const char *key, const QString &where, int *value, QString *error)
{
    qint64 wide = *value;
    if (!readPositive(o, key, where, &wide, error))
        return false;
    if (wide > std::numeric_limits<int>::max()) {
        *error = QStringLiteral("%1.%2 is too large.").arg(where, QLatin1String(key));
        return false;
    }
    *value = static_cast<int>(wide);
    return true;
}

bool readString(const QJsonObject &o, const char *key, const QString &where, QString *value, QString *error)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined() || v.isNull())
        return true;
    if (!v.isString()) {
        *error = QStringLiteral("%1.%2 must be a string.").arg(where, QLatin1String(key));
        return false;
    }
    *value = v.toString();
    return true;
}

// The keys of one price entry in config.json, spelled as in the price catalog.
struct PriceKey
{
    const char *key;
    std::optional<double> ModelPrice::*field;
    bool required;
};
constexpr PriceKey priceKeys[] = {
    {"input_mtok", &ModelPrice::inputMtok, true},
    {"output_mtok", &ModelPrice::outputMtok, true},
    {"cache_read_mtok", &ModelPrice::cacheReadMtok, false},
    {"cache_write_mtok", &ModelPrice::cacheWriteMtok, false},
};

QJsonObject pricesToJson(const QMap<QString, ModelPrice> &prices)
{
    QJsonObject out;
    for (auto it = prices.begin(); it != prices.end(); ++it) {
        QJsonObject entry;
        for (const PriceKey &k : priceKeys) {
            if (const std::optional<double> &v = it.value().*k.field)
                entry.insert(QLatin1String(k.key), *v);
        }
        out.insert(it.key(), entry);
    }
    return out;
}

// A typo here would silently change what every call costs, so unknown keys are refused, and
// input and output must both be given: a forgotten output price must not make output free.
bool pricesFromJson(const QJsonValue &value, const QString &where, QMap<QString, ModelPrice> *out, QString *error)
{
    if (value.isUndefined())
        return true;
    const QString pw = where + QStringLiteral(".prices");
    if (!value.isObject()) {
        *error = pw + QStringLiteral(" must be an object of model names (or \"*\" for all) to prices.");
        return false;
    }
    const QJsonObject prices = value.toObject();
    for (auto it = prices.begin(); it != prices.end(); ++it) {
        const QString mw = QStringLiteral("%1[\"%2\"]").arg(pw, it.key());
        if (it.key().isEmpty()) {
            *error = pw + QStringLiteral(" has an empty model name; use \"*\" to price every model.");
            return false;
        }
        if (!it.value().isObject()) {
            *error = mw + QStringLiteral(" must be an object such as {\"input_mtok\": 0.5, \"output_mtok\": 1.5}.");
            return false;
        }
        const QJsonObject entry = it.value().toObject();
        ModelPrice price;
        for (auto field = entry.begin(); field != entry.end(); ++field) {
            const PriceKey *k = std::find_if(std::begin(priceKeys), std::end(priceKeys),
                                             [&](const PriceKey &p) { return field.key() == QLatin1String(p.key); });
            if (k == std::end(priceKeys)) {
                *error = QStringLiteral("%1.%2 is not a price; use input_mtok, output_mtok, cache_read_mtok or cache_write_mtok (US dollars per million tokens).")
                             .arg(mw, field.key());
                return false;
            }
            const QJsonValue v = field.value();
            if (!v.isDouble() || !std::isfinite(v.toDouble()) || v.toDouble() < 0) {
                *error = QStringLiteral("%1.%2 must be a number of US dollars per million tokens, 0 or more.").arg(mw, field.key());
                return false;
            }
            price.*(k->field) = v.toDouble();
        }
        for (const PriceKey &k : priceKeys) {
            if (k.required && !(price.*k.field)) {
                *error = QStringLiteral("%1 needs %2 (US dollars per million tokens; 0 if free).").arg(mw, QLatin1String(k.key));
                return false;
            }
        }
        out->insert(it.key(), price);
    }
    return true;
}

bool providerFromJson(const QJsonValue &value, int index, ProviderConfig *p, QString *error)
{
    const QString where = QStringLiteral("providers[%1]").arg(index);
    if (!value.isObject()) {
        *error = where + QStringLiteral(" must be an object.");
        return false;
    }
    const QJsonObject o = value.toObject();
    if (!readString(o, "id", where, &p->id, error) || !readString(o, "name", where, &p->name, error)
        || !readString(o, "base_url", where, &p->baseUrl, error) || !readString(o, "key", where, &p->keyRef, error))
        return false;
    static const QRegularExpression idPattern(QStringLiteral("^[a-z0-9][a-z0-9._-]*$"));
    if (!idPattern.match(p->id).hasMatch()) {
        *error = where + QStringLiteral(".id must be lower-case letters, digits, '.', '_' or '-' (it is used in model names like \"openai/gpt-4o\").");
        return false;
    }
    if (p->name.isEmpty())
        p->name = p->id;
    const QUrl url(p->baseUrl);
    if (!url.isValid() || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")) || url.host().isEmpty()) {
        *error = where + QStringLiteral(".base_url must be an http:// or https:// address, e.g. https://api.openai.com/v1.");
        return false;
    }
    if (!readString(o, "dialect", where, &p->dialect, error))
        return false;
    static const QStringList dialects = {QStringLiteral("openai"), QStringLiteral("anthropic"), QStringLiteral("gemini")};
    if (!dialects.contains(p->dialect)) {
        *error = where + QStringLiteral(".dialect must be \"openai\" (also for OpenAI-compatible services), \"anthropic\" or \"gemini\".");
        return false;
    }
    p->baseUrl = ProviderPresets::normalizeBaseUrl(p->baseUrl, p->dialect);
    if (!p->keyRef.isEmpty() && !p->keyRef.startsWith(QLatin1String("keychain:")) && !p->keyRef.startsWith(QLatin1String("env:"))) {
        *error = where + QStringLiteral(".key must be \"keychain:<provider-id>\" or \"env:VARIABLE\"; keys themselves never go in this file.");
        return false;
    }
    const QJsonValue models = o.value(QLatin1String("models"));
    if (!models.isUndefined()) {
        if (!models.isArray()) {
            *error = where + QStringLiteral(".models must be a list of model names.");
            return false;
        }
        for (const QJsonValue &m : models.toArray()) {
            if (!m.isString() || m.toString().isEmpty()) {
                *error = where + QStringLiteral(".models must hold only non-empty strings.");
                return false;
            }
            p->models.append(m.toString());
        }
    }
    const QJsonValue headers = o.value(QLatin1String("headers"));
    if (!headers.isUndefined()) {
        if (!headers.isObject()) {
            *error = where + QStringLiteral(".headers must be an object of header names to values.");
            return false;
        }
        const QJsonObject h = headers.toObject();
        for (auto it = h.begin(); it != h.end(); ++it) {
            if (!it.value().isString()) {
                *error = where + QStringLiteral(".headers.%1 must be a string.").arg(it.key());
                return false;
            }
            p->headers.insert(it.key(), it.value().toString());
        }
    }
    const QJsonValue timeouts = o.value(QLatin1String("timeouts"));
    if (!timeouts.isUndefined()) {
        const QString tw = where + QStringLiteral(".timeouts");
        if (!timeouts.isObject()) {
            *error = tw + QStringLiteral(" must be an object.");
            return false;
        }
        const QJsonObject t = timeouts.toObject();
        if (!readPositiveInt(t, "connect_ms", tw, &p->timeouts.connectMs, error)
            || !readPositiveInt(t, "first_byte_ms", tw, &p->timeouts.firstByteMs, error)
            || !readPositiveInt(t, "idle_ms", tw, &p->timeouts.idleMs, error))
            return false;
    }
    return pricesFromJson(o.value(QLatin1String("prices")), where, &p->prices, error);
}

bool gatewayFromJson(const QJsonValue &value, GatewayConfig *g, QString *error)
{
    if (value.isUndefined())
        return true;
    const QString where = QStringLiteral("gateway");
    if (!value.isObject()) {
        *error = QStringLiteral("gateway must be an object.");
        return false;
    }
    const QJsonObject o = value.toObject();
    if (!readString(o, "bind_address", where, &g->bindAddress, error))
        return false;
    if (QHostAddress(g->bindAddress).isNull()) {
        *error = QStringLiteral("gateway.bind_address must be an IP address such as 127.0.0.1.");
        return false;
    }
    qint64 port = g->port;
    if (!readPositive(o, "port", where, &port, error))
        return false;
    if (port > 65535) {
        *error = QStringLiteral("gateway.port must be between 1 and 65535.");
        return false;
    }
    g->port = static_cast<quint16>(port);
    const QJsonValue tokens = o.value(QLatin1String("require_tokens"));
    if (!tokens.isUndefined()) {
        if (!tokens.isBool()) {
            *error = QStringLiteral("gateway.require_tokens must be true or false.");
            return false;
        }
        g->requireTokens = tokens.toBool();
    }
    const QJsonValue limits = o.value(QLatin1String("limits"));
    if (!limits.isUndefined()) {
        const QString lw = QStringLiteral("gateway.limits");
        if (!limits.isObject()) {
            *error = lw + QStringLiteral(" must be an object.");
            return false;
        }
        const QJsonObject l = limits.toObject();
        if (!readPositive(l, "max_header_bytes", lw, &g->limits.maxHeaderBytes, error)
            || !readPositive(l, "max_body_bytes", lw, &g->limits.maxBodyBytes, error)
            || !readPositiveInt(l, "header_timeout_ms", lw, &g->limits.headerTimeoutMs, error)
            || !readPositiveInt(l, "idle_timeout_ms", lw, &g->limits.idleTimeoutMs, error))
            return false;
    }
    for (const char *key : {"allowed_hosts", "allowed_origins"}) {
        const QJsonValue list = o.value(QLatin1String(key));
        if (list.isUndefined())
            continue;
        if (!list.isArray()) {
            *error = QStringLiteral("gateway.%1 must be a list of strings.").arg(QLatin1String(key));
            return false;
        }
        QStringList &target = qstrcmp(key, "allowed_hosts") == 0 ? g->allowedHosts : g->allowedOrigins;
        for (const QJsonValue &v : list.toArray()) {
            const QString entry = v.toString().trimmed();
            if (entry.isEmpty() || entry == QLatin1String("*")) {
                *error = QStringLiteral("gateway.%1 takes exact names, such as \"https://app.example.com\"; \"*\" would let "
                                        "any web page use your keys.").arg(QLatin1String(key));
                return false;
            }
            target << entry.toLower();
        }
    }
    const QJsonObject budget = o.value(QLatin1String("budget")).toObject();
    for (const char *key : {"usd_per_day", "usd_per_month"}) {
        const QJsonValue v = budget.value(QLatin1String(key));
        if (v.isUndefined() || v.isNull())
            continue;
        if (!v.isDouble() || v.toDouble() < 0) {
            *error = QStringLiteral("gateway.budget.%1 must be a number of dollars, 0 or more.").arg(QLatin1String(key));
            return false;
        }
        (qstrcmp(key, "usd_per_day") == 0 ? g->usdPerDay : g->usdPerMonth) = v.toDouble();
    }
    if (!CaptureConfig::fromJson(o.value(QLatin1String("capture")), &g->capture, error))
        return false;
    // Anyone on the network could spend the user's credit through an open gateway.
    if (!g->isLoopback() && !g->requireTokens) {
        *error = QStringLiteral("gateway.require_tokens must stay true while gateway.bind_address (%1) is not a loopback "
                                "address: other machines could otherwise spend your provider credit.").arg(g->bindAddress);
        return false;
    }
    return true;
}

// About 100 years; more is a typo, and "forever" is 0.
constexpr qint64 kMaxRetentionDays = 36'500;

bool ledgerFromJson(const QJsonValue &value, LedgerConfig *l, QString *error)
{
    if (value.isUndefined())
        return true;
    if (!value.isObject()) {
        *error = QStringLiteral("ledger must be an object, e.g. {\"retention_days\": 90}.");
        return false;
    }
    const QJsonValue days = value.toObject().value(QLatin1String("retention_days"));
    if (days.isUndefined())
        return true;
    if (!days.isDouble() || days.toDouble() < 0 || days.toDouble() > kMaxRetentionDays
        || days.toDouble() != static_cast<double>(days.toInteger())) {
        *error = QStringLiteral("ledger.retention_days must be a whole number of days from 0 (keep every request) to %1.")
                     .arg(kMaxRetentionDays);
        return false;
    }
    l->retentionDays = static_cast<int>(days.toInteger());
    return true;
}

} // namespace

bool GatewayConfig::isLoopback() const
{
    return QHostAddress(bindAddress).isLoopback();
}

const ProviderConfig *AppConfig::provider(const QString &id) const
{
    for (const ProviderConfig &p : providers) {
        if (p.id == id)
            return &p;
    }
    return nullptr;
}

QString AppConfig::uniqueProviderId(const QString &name) const
{
    QString base = name.toLower();
    static const QRegularExpression invalid(QStringLiteral("[^a-z0-9._-]+"));
    base.replace(invalid, QStringLiteral("-"));
    while (base.startsWith(QLatin1Char('-')) || base.startsWith(QLatin1Char('.')) || base.startsWith(QLatin1Char('_')))
        base.remove(0, 1);
    while (base.endsWith(QLatin1Char('-')))
        base.chop(1);
    if (base.isEmpty())
        base = QStringLiteral("provider");
    QString candidate = base;
    for (int n = 2; provider(candidate); ++n)
        candidate = base + QLatin1Char('-') + QString::number(n);
    return candidate;
}

QJsonObject AppConfig::toJson() const
{
    QJsonArray providerArray;
    for (const ProviderConfig &p : providers) {
        QJsonObject o{{QStringLiteral("id"), p.id},
                      {QStringLiteral("name"), p.name},
                      {QStringLiteral("base_url"), p.baseUrl},
                      {QStringLiteral("dialect"), p.dialect},
                      {QStringLiteral("key"), p.keyRef},
                      {QStringLiteral("models"), QJsonArray::fromStringList(p.models)}};
        if (!p.headers.isEmpty()) {
            QJsonObject h;
            for (auto it = p.headers.begin(); it != p.headers.end(); ++it)
                h.insert(it.key(), it.value());
            o.insert(QStringLiteral("headers"), h);
        }
        if (p.timeouts != ProviderTimeouts{})
            o.insert(QStringLiteral("timeouts"), timeoutsToJson(p.timeouts));
        if (!p.prices.isEmpty())
            o.insert(QStringLiteral("prices"), pricesToJson(p.prices));
        providerArray.append(o);
    }
    const GatewayLimits &l = gateway.limits;
    const QJsonObject gatewayObject{
        {QStringLiteral("bind_address"), gateway.bindAddress},
        {QStringLiteral("port"), gateway.port},
        {QStringLiteral("require_tokens"), gateway.requireTokens},
        {QStringLiteral("limits"),
         QJsonObject{{QStringLiteral("max_header_bytes"), l.maxHeaderBytes},
                     {QStringLiteral("max_body_bytes"), l.maxBodyBytes},
                     {QStringLiteral("header_timeout_ms"), l.headerTimeoutMs},
                     {QStringLiteral("idle_timeout_ms"), l.idleTimeoutMs}}},
        // Always written, so whoever edits the file by hand sees what is kept of each call.
        {QStringLiteral("capture"), gateway.capture.toJson()}};
    QJsonObject gatewayJson = gatewayObject;
    if (!gateway.allowedHosts.isEmpty())
        gatewayJson.insert(QStringLiteral("allowed_hosts"), QJsonArray::fromStringList(gateway.allowedHosts));
    if (!gateway.allowedOrigins.isEmpty())
        gatewayJson.insert(QStringLiteral("allowed_origins"), QJsonArray::fromStringList(gateway.allowedOrigins));
    QJsonObject budget;
    if (gateway.usdPerDay)
        budget.insert(QStringLiteral("usd_per_day"), *gateway.usdPerDay);
    if (gateway.usdPerMonth)
        budget.insert(QStringLiteral("usd_per_month"), *gateway.usdPerMonth);
    if (!budget.isEmpty())
        gatewayJson.insert(QStringLiteral("budget"), budget);
    QJsonObject out{{QStringLiteral("providers"), providerArray}, {QStringLiteral("gateway"), gatewayJson}};
    if (routing != RoutingConfig{})
        out.insert(QStringLiteral("routing"), routing.toJson());
    if (ledger != LedgerConfig{})
        out.insert(QStringLiteral("ledger"), QJsonObject{{QStringLiteral("retention_days"), ledger.retentionDays}});
    return out;
}

bool AppConfig::fromJson(const QJsonObject &json, AppConfig *out, QString *error)
{
    AppConfig config;
    const QJsonValue providers = json.value(QLatin1String("providers"));
    if (!providers.isUndefined() && !providers.isArray()) {
        *error = QStringLiteral("providers must be a list.");
        return false;
    }
    QSet<QString> ids;
    const QJsonArray providerArray = providers.toArray();
    for (int i = 0; i < providerArray.size(); ++i) {
        ProviderConfig p;
        if (!providerFromJson(providerArray.at(i), i, &p, error))
            return false;
        if (ids.contains(p.id)) {
            *error = QStringLiteral("providers[%1].id \"%2\" is used twice; each provider needs its own id.").arg(i).arg(p.id);
            return false;
        }
        ids.insert(p.id);
        config.providers.append(p);
    }
    if (!RoutingConfig::fromJson(json.value(QLatin1String("routing")), &config.routing, error))
        return false;
    for (const AliasConfig &a : config.routing.aliases) {
        for (const RouteTarget &t : a.targets) {
            if (!ids.contains(t.model.section(QLatin1Char('/'), 0, 0))) {
                *error = QStringLiteral("routing.aliases.%1 sends calls to \"%2\", but no provider has the id \"%3\".")
                             .arg(a.name, t.model, t.model.section(QLatin1Char('/'), 0, 0));
                return false;
            }
        }
    }
    if (!gatewayFromJson(json.value(QLatin1String("gateway")), &config.gateway, error))
        return false;
    if (!ledgerFromJson(json.value(QLatin1String("ledger")), &config.ledger, error))
        return false;
    *out = config;
    return true;
}

} // namespace patchbay
