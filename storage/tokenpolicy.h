#pragma once

#include <QJsonObject>
#include <QStringList>

#include <optional>

namespace patchbay {

// What one client token may do: which models, how fast, and how much it may spend.
// Unset means no limit.
struct TokenPolicy
{
    QStringList allowedModels; // as clients name them ("openai/gpt-4o", an alias); empty: any
    std::optional<int> requestsPerMinute;
    std::optional<qint64> tokensPerMinute;
    std::optional<double> usdPerDay;   // the local calendar day
    std::optional<double> usdPerMonth; // the local calendar month

    bool isEmpty() const;
    QJsonObject toJson() const;
    // False with a sentence in *error for a negative or mistyped limit.
    static bool fromJson(const QJsonObject &json, TokenPolicy *out, QString *error);
    bool operator==(const TokenPolicy &) const = default;
};

} // namespace patchbay
