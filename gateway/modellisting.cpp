#include "modellisting.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace patchbay {

UpstreamRequest ModelListing::request(const ProviderConfig &provider, const QString &apiKey)
{
    UpstreamRequest r;
    QString base = provider.baseUrl;
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    r.method = "GET";
    r.url = QUrl(base + QStringLiteral("/models"));
    r.timeouts = provider.timeouts;
    r.headers.add("Accept", "application/json");
    const QByteArray key = apiKey.toUtf8();
    if (provider.dialect == QLatin1String("anthropic")) {
        if (!key.isEmpty())
            r.headers.add("x-api-key", key);
        r.headers.add("anthropic-version", "2023-06-01");
    } else if (provider.dialect == QLatin1String("gemini")) {
        if (!key.isEmpty())
            r.headers.add("x-goog-api-key", key);
        // One page holds up to 1000 models; Gemini serves about fifty.
        r.url.setQuery(QStringLiteral("pageSize=1000"));
    } else if (!key.isEmpty()) {
        r.headers.add("Authorization", "Bearer " + key);
    }
    for (auto it = provider.headers.begin(); it != provider.headers.end(); ++it)
        r.headers.set(it.key().toUtf8(), it.value().toUtf8());
    return r;
}

QStringList ModelListing::read(const QString &dialect, const QByteArray &body)
{
    const QJsonObject json = QJsonDocument::fromJson(body).object();
    QStringList out;
    if (dialect == QLatin1String("gemini")) {
        for (const QJsonValue &v : json.value(QLatin1String("models")).toArray()) {
            const QJsonObject m = v.toObject();
            const QJsonArray methods = m.value(QLatin1String("supportedGenerationMethods")).toArray();
            if (!methods.isEmpty() && !methods.contains(QJsonValue(QStringLiteral("generateContent"))))
                continue;
            QString name = m.value(QLatin1String("name")).toString();
            if (name.startsWith(QLatin1String("models/")))
                name.remove(0, 7);
            if (!name.isEmpty())
                out << name;
        }
        return out;
    }
    // OpenAI and Anthropic both answer {"data":[{"id":…}, …]}.
    for (const QJsonValue &v : json.value(QLatin1String("data")).toArray()) {
        const QString id = v.toObject().value(QLatin1String("id")).toString();
        if (!id.isEmpty())
            out << id;
    }
    return out;
}

} // namespace patchbay
