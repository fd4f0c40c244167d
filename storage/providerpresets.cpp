#include "providerpresets.h"

#include "bundledresources.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>

namespace patchbay {

namespace {

QList<ProviderPreset> readPresets()
{
    BundledResources::load();
    QFile file(QStringLiteral(":/patchbay/providers.json"));
    QList<ProviderPreset> out;
    if (!file.open(QIODevice::ReadOnly)) {
        qWarning("The provider presets are missing from this build (:/patchbay/providers.json).");
        return out;
    }
    const QJsonArray presets = QJsonDocument::fromJson(file.readAll()).object().value(QLatin1String("presets")).toArray();
    for (const QJsonValue &v : presets) {
        const QJsonObject o = v.toObject();
        ProviderPreset p;
        p.id = o.value(QLatin1String("id")).toString();
        p.name = o.value(QLatin1String("name")).toString();
        p.dialect = o.value(QLatin1String("dialect")).toString();
        p.baseUrl = o.value(QLatin1String("base_url")).toString();
        p.auth = o.value(QLatin1String("auth")).toString();
        p.keyUrl = o.value(QLatin1String("key_url")).toString();
        p.needsKey = o.value(QLatin1String("needs_key")).toBool(true);
        p.listsModels = o.value(QLatin1String("lists_models")).toBool(true);
        for (const QJsonValue &m : o.value(QLatin1String("models")).toArray())
            p.models << m.toString();
        out.append(p);
    }
    return out;
}

QString versionPath(const QString &dialect)
{
    return dialect == QLatin1String("gemini") ? QStringLiteral("/v1beta") : QStringLiteral("/v1");
}

} // namespace

const QList<ProviderPreset> &ProviderPresets::all()
{
    static const QList<ProviderPreset> presets = readPresets();
    return presets;
}

const ProviderPreset *ProviderPresets::find(const QString &id)
{
    for (const ProviderPreset &p : all()) {
        if (p.id == id)
            return &p;
    }
    return nullptr;
}

const ProviderPreset *ProviderPresets::forBaseUrl(const QString &baseUrl)
{
    const QString host = QUrl(baseUrl).host().toLower();
    if (host.isEmpty())
        return nullptr;
    for (const ProviderPreset &p : all()) {
        if (!p.baseUrl.isEmpty() && QUrl(p.baseUrl).host() == host
            && host != QLatin1String("127.0.0.1") && host != QLatin1String("localhost"))
            return &p;
    }
    return nullptr;
}

QString ProviderPresets::normalizeBaseUrl(const QString &baseUrl, const QString &dialect)
{
    QUrl url(baseUrl.trimmed());
    if (!url.isValid() || url.host().isEmpty())
        return baseUrl.trimmed();
    url.setQuery(QString());
    url.setFragment(QString());
    QString path = url.path();
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    for (const char *endpoint : {"/chat/completions", "/messages", "/models", "/embeddings", "/responses"}) {
        if (path.endsWith(QLatin1String(endpoint))) {
            path.chop(qsizetype(qstrlen(endpoint)));
            break;
        }
    }
    if (path.isEmpty()) {
        const ProviderPreset *preset = forBaseUrl(url.toString());
        path = preset ? QUrl(preset->baseUrl).path() : versionPath(dialect);
    }
    url.setPath(path);
    return url.toString();
}

} // namespace patchbay
