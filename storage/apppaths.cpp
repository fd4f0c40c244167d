#include "apppaths.h"

#include <QDir>
#include <QFile>
#include <QStandardPaths>

namespace patchbay {

QString AppPaths::configFile() const { return QDir(configDir).filePath(QStringLiteral("config.json")); }
QString AppPaths::databaseFile() const { return QDir(dataDir).filePath(QStringLiteral("patchbay.db")); }
QString AppPaths::logDir() const { return QDir(dataDir).filePath(QStringLiteral("logs")); }

AppPaths AppPaths::resolve(const QString &configDirOverride, const QString &dataDirOverride)
{
    AppPaths paths;
    // Not AppConfigLocation/AppDataLocation: those depend on the organisation name and differ
    // between the GUI and patchbayd; both must share one folder.
    paths.configDir = configDirOverride.isEmpty()
        ? QDir(QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation)).filePath(QStringLiteral("patchbay"))
        : QDir(configDirOverride).absolutePath();
    paths.dataDir = dataDirOverride.isEmpty()
        ? QDir(QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation)).filePath(QStringLiteral("patchbay"))
        : QDir(dataDirOverride).absolutePath();
    return paths;
}

bool AppPaths::ensureExist(QString *error) const
{
    for (const QString &dir : {configDir, dataDir, logDir()}) {
        if (QDir().mkpath(dir)) {
            QFile::setPermissions(dir, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
            continue;
        }
        if (error)
            *error = QStringLiteral("Could not create the folder %1. Check that its parent exists and is writable, "
                                    "or choose another folder with --config-dir/--data-dir.").arg(dir);
        return false;
    }
    return true;
}

} // namespace patchbay
