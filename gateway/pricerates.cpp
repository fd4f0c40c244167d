#include "pricerates.h"

#include <QJsonArray>

#include <algorithm>
#include <cmath>

namespace patchbay {

namespace {

bool isPrice(const QJsonValue &v)
{
    return v.isDouble() && std::isfinite(v.toDouble()) && v.toDouble() >= 0;
}

bool readRate(const QJsonValue &v, const QString &key, TieredRate *out, QString *error)
{
    if (isPrice(v)) {
        out->base = v.toDouble();
        return true;
    }
    const QJsonObject o = v.toObject();
    if (!v.isObject() || !isPrice(o.value(QLatin1String("base"))) || !o.value(QLatin1String("tiers")).isArray()) {
        *error = QStringLiteral("%1 must be a price of 0 or more, or {\"base\": …, \"tiers\": […]}").arg(key);
        return false;
    }
    out->base = o.value(QLatin1String("base")).toDouble();
    for (const QJsonValue &t : o.value(QLatin1String("tiers")).toArray()) {
        const QJsonObject tier = t.toObject();
        const QJsonValue start = tier.value(QLatin1String("start"));
        if (!isPrice(tier.value(QLatin1String("price"))) || !start.isDouble() || start.toDouble() < 0
            || start.toDouble() != static_cast<double>(start.toInteger())) {
            *error = QStringLiteral("%1 has a tier without a whole \"start\" and a \"price\"").arg(key);
            return false;
        }
        out->tiers.emplace_back(start.toInteger(), tier.value(QLatin1String("price")).toDouble());
    }
    std::sort(out->tiers.begin(), out->tiers.end());
    return true;
}

// Counts that may be unknown (-1): the difference, never below zero, is unknown if either is.
qint64 remaining(qint64 total, qint64 part)
{
    if (total < 0 || part < 0)
        return -1;
    return std::max<qint64>(0, total - part);
}

} // namespace

double TieredRate::at(qint64 promptTokens) const
{
    double price = base;
    for (const auto &[start, tierPrice] : tiers) {
        if (promptTokens > start)
            price = tierPrice;
    }
    return price;
}

bool TieredRate::isFree() const
{
    return base == 0 && std::all_of(tiers.begin(), tiers.end(), [](const auto &t) { return t.second == 0; });
}

BillableUsage BillableUsage::from(const TokenUsage &usage)
{
    BillableUsage b;
    b.input = usage.input;
    b.output = usage.output;
    // A report that counts the prompt but names no cache figure had nothing from the cache:
    // Gemini leaves zero fields out, OpenAI-compatible servers without a cache send no
    // prompt_tokens_details, and the OpenAI dialect has no field for cache writes at all.
    // Treating those as unknown would leave nearly every such call unpriced.
    b.cacheRead = usage.cacheRead >= 0 || usage.input < 0 ? usage.cacheRead : 0;
    b.cacheWrite = usage.cacheWrite >= 0 || usage.input < 0 ? usage.cacheWrite : 0;
    return b;
}

bool PriceRates::fromJson(const QJsonObject &json, PriceRates *out, QString *error)
{
    PriceRates r;
    const std::pair<const char *, std::optional<TieredRate> *> fields[] = {
        {"input_mtok", &r.input},
        {"output_mtok", &r.output},
        {"cache_read_mtok", &r.cacheRead},
        {"cache_write_mtok", &r.cacheWrite},
        {"input_audio_mtok", &r.inputAudio},
        {"cache_audio_read_mtok", &r.cacheAudioRead},
        {"output_audio_mtok", &r.outputAudio},
    };
    for (auto it = json.begin(); it != json.end(); ++it) {
        const QString key = it.key();
        if (key == QLatin1String("requests_kcount")) {
            if (!isPrice(it.value())) {
                *error = QStringLiteral("requests_kcount must be a price of 0 or more");
                return false;
            }
            r.requestsKcount = it.value().toDouble();
            continue;
        }
        auto field = std::find_if(std::begin(fields), std::end(fields), [&](const auto &f) { return key == QLatin1String(f.first); });
        if (field == std::end(fields)) {
            *error = QStringLiteral("the price \"%1\" is unknown to this version of Patchbay").arg(key);
            return false;
        }
        TieredRate rate;
        if (!readRate(it.value(), key, &rate, error))
            return false;
        *field->second = std::move(rate);
    }
    *out = std::move(r);
    return true;
}

std::optional<double> PriceRates::cost(const BillableUsage &u) const
{
    // Which tokens each rate applies to, as genai-prices splits them: a cache or audio count
    // comes out of the plain input only when it has a rate of its own.
    const qint64 cachedAudio = cacheAudioRead ? u.cacheAudioRead : 0;
    const qint64 audioIn = inputAudio ? remaining(u.inputAudio, cachedAudio) : 0;
    const qint64 cachedText = cacheRead ? remaining(u.cacheRead, cachedAudio) : 0;
    const qint64 written = cacheWrite ? u.cacheWrite : 0;
    qint64 plainIn = u.input;
    for (qint64 part : {cachedText, written, audioIn, cachedAudio})
        plainIn = remaining(plainIn, part);
    const qint64 plainOut = remaining(u.output, outputAudio ? u.outputAudio : 0);

    // Sum in USD per million first and divide once: fewer roundings.
    double perMillion = 0;
    const std::pair<const std::optional<TieredRate> *, qint64> terms[] = {
        {&input, plainIn},         {&cacheRead, cachedText},  {&cacheWrite, written},
        {&inputAudio, audioIn},    {&cacheAudioRead, cachedAudio},
        {&output, plainOut},       {&outputAudio, u.outputAudio},
    };
    for (const auto &[rate, count] : terms) {
        if (!*rate || (*rate)->isFree() || count == 0)
            continue;
        if (count < 0 || ((*rate)->isTiered() && u.input < 0))
            return std::nullopt;
        perMillion += static_cast<double>(count) * (*rate)->at(u.input);
    }
    double usd = perMillion / 1'000'000.0;
    if (requestsKcount)
        usd += *requestsKcount / 1000.0;
    return usd;
}

} // namespace patchbay
