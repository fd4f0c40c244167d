#include "pricematch.h"

#include <QJsonArray>
#include <QJsonObject>

namespace patchbay {

bool MatchRule::fromJson(const QJsonValue &json, MatchRule *out, QString *error)
{
    const QJsonObject o = json.toObject();
    if (!json.isObject() || o.size() != 1) {
        *error = QStringLiteral("a match rule must be an object with exactly one clause");
        return false;
    }
    const QString clause = o.begin().key();
    const QJsonValue value = o.begin().value();
    MatchRule rule;
    if (clause == QLatin1String("or") || clause == QLatin1String("and")) {
        if (!value.isArray() || value.toArray().isEmpty()) {
            *error = QStringLiteral("\"%1\" must list one or more clauses").arg(clause);
            return false;
        }
        rule.m_kind = clause == QLatin1String("or") ? Kind::Or : Kind::And;
        for (const QJsonValue &child : value.toArray()) {
            MatchRule c;
            if (!fromJson(child, &c, error))
                return false;
            rule.m_children.push_back(std::move(c));
        }
        *out = std::move(rule);
        return true;
    }
    if (!value.isString()) {
        *error = QStringLiteral("\"%1\" must be a string").arg(clause);
        return false;
    }
    rule.m_text = value.toString().toLower();
    if (clause == QLatin1String("equals")) {
        rule.m_kind = Kind::Equals;
    } else if (clause == QLatin1String("starts_with")) {
        rule.m_kind = Kind::StartsWith;
    } else if (clause == QLatin1String("ends_with")) {
        rule.m_kind = Kind::EndsWith;
    } else if (clause == QLatin1String("contains")) {
        rule.m_kind = Kind::Contains;
    } else if (clause == QLatin1String("regex")) {
        rule.m_kind = Kind::Regex;
        // Unanchored, as the catalog's own engines search (Python re.search, JS RegExp.test).
        rule.m_regex = QRegularExpression(value.toString(), QRegularExpression::CaseInsensitiveOption);
        if (!rule.m_regex.isValid()) {
            *error = QStringLiteral("the regex \"%1\" does not compile: %2").arg(value.toString(), rule.m_regex.errorString());
            return false;
        }
        rule.m_regex.optimize(); // compile now, not on the first request
    } else {
        *error = QStringLiteral("the match clause \"%1\" is unknown to this version of Patchbay").arg(clause);
        return false;
    }
    *out = std::move(rule);
    return true;
}

bool MatchRule::matches(QStringView lowerName) const
{
    switch (m_kind) {
    case Kind::Never:
        return false;
    case Kind::Equals:
        return lowerName == m_text;
    case Kind::StartsWith:
        return lowerName.startsWith(m_text);
    case Kind::EndsWith:
        return lowerName.endsWith(m_text);
    case Kind::Contains:
        return lowerName.contains(m_text);
    case Kind::Regex:
        return m_regex.match(lowerName.toString()).hasMatch();
    case Kind::Or:
        for (const MatchRule &c : m_children) {
            if (c.matches(lowerName))
                return true;
        }
        return false;
    case Kind::And:
        for (const MatchRule &c : m_children) {
            if (!c.matches(lowerName))
                return false;
        }
        return true;
    }
    return false;
}

void MatchRule::split(QStringList *exactNames, MatchRule *rest) const
{
    *rest = MatchRule();
    if (m_kind == Kind::Equals) {
        exactNames->append(m_text);
        return;
    }
    if (m_kind != Kind::Or) {
        *rest = *this;
        return;
    }
    std::vector<MatchRule> others;
    for (const MatchRule &c : m_children) {
        if (c.m_kind == Kind::Equals)
            exactNames->append(c.m_text);
        else
            others.push_back(c);
    }
    if (others.size() == 1) {
        *rest = std::move(others.front());
    } else if (!others.empty()) {
        rest->m_kind = Kind::Or;
        rest->m_children = std::move(others);
    }
}

} // namespace patchbay
