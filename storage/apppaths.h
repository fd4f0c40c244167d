#pragma once

#include <QString>

namespace patchbay {

// Where Patchbay keeps its files; every instance (GUI, patchbayd, a test) gets its own.
struct AppPaths
{
    QString configDir;
    QString dataDir;

    QString configFile() const;   // config.json
    QString databaseFile() const; // patchbay.db
    QString logDir() const;

    // The platform's folders (e.g. ~/.config/patchbay and ~/.local/share/patchbay on Linux),
    // overridden by non-empty arguments.
    static AppPaths resolve(const QString &configDirOverride = {}, const QString &dataDirOverride = {});

    // Creates both folders (private to the user); false with a sentence in *error on failure.
    bool ensureExist(QString *error) const;
};

} // namespace patchbay
