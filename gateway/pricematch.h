#pragma once

#include <QJsonValue>
#include <QRegularExpression>
#include <QString>
#include <QStringList>
#include <QStringView>

#include <vector>

namespace patchbay {

// One match rule of the price catalog ("equals", "starts_with", "ends_with", "contains", "regex",
// "or", "and"), compiled once when the catalog loads. Matching ignores case: the catalog spells
// some names in capitals ("GLM-4-Air", "Qwen/Qwen3-32B") and others not, and people type both;
// no two catalog names differ only by case.
class MatchRule
{
public:
    // False with a sentence in *error for anything this build does not know, so that a new
    // kind of clause in an updated catalog fails its test instead of matching nothing.
    static bool fromJson(const QJsonValue &json, MatchRule *out, QString *error);

    // `lowerName` must already be lower-case (QString::toLower()).
    bool matches(QStringView lowerName) const;
    bool isNever() const { return m_kind == Kind::Never; }

    // Splits the rule into names it accepts outright (a lone "equals", or the "equals" arms of
    // an "or") and what is left to test. Lets a lookup find most models in a hash rather than
    // testing hundreds of rules: OpenRouter alone lists 690 models, two of which need more.
    void split(QStringList *exactNames, MatchRule *rest) const;

private:
    enum class Kind { Never, Equals, StartsWith, EndsWith, Contains, Regex, Or, And };

    Kind m_kind = Kind::Never;
    QString m_text; // lower-case
    QRegularExpression m_regex;
    std::vector<MatchRule> m_children;
};

} // namespace patchbay
