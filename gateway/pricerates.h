#pragma once

#include "tokenusage.h"

#include <QJsonObject>
#include <QString>

#include <optional>
#include <utility>
#include <vector>

namespace patchbay {

// A price in USD per million tokens that may depend on the size of the prompt.
struct TieredRate
{
    double base = 0;
    std::vector<std::pair<qint64, double>> tiers; // (start, price), ascending start

    // The catalog's tiers are a cliff, not marginal: once the prompt (all input tokens, cached
    // ones included) exceeds a tier's start, every token of this kind pays that tier's price.
    double at(qint64 promptTokens) const;
    bool isTiered() const { return !tiers.empty(); }
    bool isFree() const;
};

// Token counts as the price arithmetic needs them; -1 = unknown. The audio counts are part
// of input/output (as the catalog's usage model has it); the gateway does not report them yet.
struct BillableUsage
{
    qint64 input = -1;      // all prompt tokens: uncached, cache reads, cache writes, audio
    qint64 output = -1;     // all completion tokens, reasoning and audio included
    qint64 cacheRead = -1;  // audio cache reads included
    qint64 cacheWrite = -1;
    qint64 inputAudio = 0;  // cached audio included
    qint64 cacheAudioRead = 0;
    qint64 outputAudio = 0;

    static BillableUsage from(const TokenUsage &usage);
};

// What one model costs at one moment: the catalog's "ModelPrice". An absent rate means that
// kind of token is not charged; cache reads and writes without a rate of their own pay the
// input rate.
struct PriceRates
{
    std::optional<TieredRate> input;
    std::optional<TieredRate> output;
    std::optional<TieredRate> cacheRead;
    std::optional<TieredRate> cacheWrite;
    std::optional<TieredRate> inputAudio;
    std::optional<TieredRate> cacheAudioRead;
    std::optional<TieredRate> outputAudio;
    std::optional<double> requestsKcount; // USD per thousand requests

    // False with a sentence in *error for a malformed rate or a kind of price this build does
    // not charge for, so that an updated catalog cannot silently drop part of a bill.
    static bool fromJson(const QJsonObject &json, PriceRates *out, QString *error);

    // USD for one request. Unset when a count that a non-zero rate applies to is unknown.
    std::optional<double> cost(const BillableUsage &usage) const;
};

} // namespace patchbay
