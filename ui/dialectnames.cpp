#include "dialectnames.h"

#include <QCoreApplication>

namespace patchbay {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("patchbay::DialectNames", text);
}

} // namespace

QString DialectNames::shortName(const QString &dialect)
{
    if (dialect == QLatin1String("anthropic"))
        return tr("Anthropic");
    if (dialect == QLatin1String("gemini"))
        return tr("Gemini");
    return tr("OpenAI-compatible");
}

QString DialectNames::longName(const QString &dialect)
{
    if (dialect == QLatin1String("anthropic"))
        return tr("Anthropic Messages API");
    if (dialect == QLatin1String("gemini"))
        return tr("Google Gemini API");
    return tr("OpenAI-compatible API (Chat Completions)");
}

QString DialectNames::compatibleName(const QString &dialect)
{
    if (dialect == QLatin1String("anthropic"))
        return tr("Anthropic-compatible");
    if (dialect == QLatin1String("gemini"))
        return tr("Google Gemini");
    return tr("OpenAI-compatible");
}

QString DialectNames::versionPath(const QString &dialect)
{
    return dialect == QLatin1String("gemini") ? QStringLiteral("/v1beta") : QStringLiteral("/v1");
}

} // namespace patchbay
