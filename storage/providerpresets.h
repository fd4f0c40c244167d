#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace patchbay {

// A known provider, offered when adding one: where it lives, which dialect it speaks, how it
// wants its key, and models to offer when it cannot be asked for its list.
struct ProviderPreset
{
    QString id;
    QString name;
    QString dialect;
    QString baseUrl;
    QString auth; // bearer, x-api-key, x-goog-api-key, none, optional
    QString keyUrl;
    bool needsKey = true;
    bool listsModels = true;
    QStringList models;
};

// The presets shipped in resources/providers.json.
class ProviderPresets
{
public:
    static const QList<ProviderPreset> &all();
    static const ProviderPreset *find(const QString &id);
    // The preset whose base URL has the same host, if any.
    static const ProviderPreset *forBaseUrl(const QString &baseUrl);

    // One spelling per base URL: no trailing slash, no endpoint path pasted from the docs
    // ("…/v1/chat/completions"), and the dialect's version path when only a host was given
    // ("http://localhost:11434" → "http://localhost:11434/v1") unless a preset for that host
    // says otherwise.
    static QString normalizeBaseUrl(const QString &baseUrl, const QString &dialect);
};

} // namespace patchbay
