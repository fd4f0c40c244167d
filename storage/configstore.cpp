#include "configstore.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QSaveFile>

namespace patchbay {

ConfigStore::ConfigStore(QString path)
    : m_path(std::move(path))
{
}

bool ConfigStore::load(AppConfig *config, QString *error) const
{
    QFile file(m_path);
    if (!file.exists()) {
        *config = AppConfig{};
        return true;
    }
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("Could not read %1: %2.").arg(m_path, file.errorString());
        return false;
    }
    const QByteArray bytes = file.readAll();
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        const QByteArray before = bytes.left(parseError.offset);
        const qsizetype line = before.count('\n') + 1;
        const qsizetype column = parseError.offset - (before.lastIndexOf('\n') + 1) + 1;
        *error = QStringLiteral("%1 is not valid JSON: %2 at line %3, column %4. Fix that line, or move the file "
                                "away to start with an empty configuration.")
                     .arg(m_path, parseError.errorString())
                     .arg(line)
                     .arg(column);
        return false;
    }
    if (!doc.isObject()) {
        *error = QStringLiteral("%1 must hold a JSON object at its top level.").arg(m_path);
        return false;
    }
    QString detail;
    if (!AppConfig::fromJson(doc.object(), config, &detail)) {
        *error = QStringLiteral("%1: %2").arg(m_path, detail);
        return false;
    }
    return true;
}

bool ConfigStore::save(const AppConfig &config, QString *error) const
{
    // The rules of reading apply to writing: what could not be read back is never written.
    AppConfig readable;
    if (!AppConfig::fromJson(config.toJson(), &readable, error))
        return false;
    QSaveFile file(m_path);
    if (!file.open(QIODevice::WriteOnly)) {
        *error = QStringLiteral("Could not write %1: %2.").arg(m_path, file.errorString());
        return false;
    }
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    file.write(QJsonDocument(config.toJson()).toJson(QJsonDocument::Indented));
    if (!file.commit()) {
        *error = QStringLiteral("Could not write %1: %2.").arg(m_path, file.errorString());
        return false;
    }
    return true;
}

} // namespace patchbay
