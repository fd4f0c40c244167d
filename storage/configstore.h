#pragma once

#include "appconfig.h"

#include <QString>

namespace patchbay {

// Reads and writes config.json. A missing file means defaults; a broken one is an error that
// names the line, never a silent reset.
class ConfigStore
{
public:
    explicit ConfigStore(QString path);

    const QString &path() const { return m_path; }

    bool load(AppConfig *config, QString *error) const;
    // Atomic: the old file stays whole until the new one is complete. Refuses, with the same
    // sentence load() would give, a config that could not be read back.
    bool save(const AppConfig &config, QString *error) const;

private:
    QString m_path;
};

} // namespace patchbay
