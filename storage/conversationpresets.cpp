#include "conversationpresets.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace patchbay {

namespace {

ChatPreset readPreset(const QSqlQuery &q)
{
    ChatPreset p;
    p.id = q.value(0).toLongLong();
    p.name = q.value(1).toString();
    p.model = q.value(2).toString();
    p.systemPrompt = q.value(3).toString();
    p.params = QJsonDocument::fromJson(q.value(4).toByteArray()).object();
    return p;
}

QString text(const QString &s)
{
    return s.isNull() ? QStringLiteral("") : s;
}

} // namespace

ChatPresetStore::ChatPresetStore(QSqlDatabase db)
    : m_db(std::move(db))
{
}

QList<ChatPreset> ChatPresetStore::list() const
{
    QList<ChatPreset> out;
    QSqlQuery q(m_db);
    if (!q.exec(QStringLiteral("SELECT id, name, model, system_prompt, params FROM chat_presets ORDER BY name COLLATE NOCASE")))
        return out;
    while (q.next())
        out.append(readPreset(q));
    return out;
}

std::optional<ChatPreset> ChatPresetStore::find(const QString &name) const
{
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("SELECT id, name, model, system_prompt, params FROM chat_presets WHERE name = ?"));
    q.addBindValue(name);
    if (!q.exec() || !q.next())
        return std::nullopt;
    return readPreset(q);
}

qint64 ChatPresetStore::save(const ChatPreset &preset, QString *error)
{
    if (preset.name.trimmed().isEmpty()) {
        if (error)
            *error = QStringLiteral("A preset needs a name.");
        return 0;
    }
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("INSERT INTO chat_presets (name, model, system_prompt, params, created_at) VALUES (?, ?, ?, ?, ?) "
                             "ON CONFLICT(name) DO UPDATE SET model = excluded.model, system_prompt = excluded.system_prompt, "
                             "params = excluded.params"));
    q.addBindValue(preset.name.trimmed());
    q.addBindValue(text(preset.model));
    q.addBindValue(text(preset.systemPrompt));
    q.addBindValue(QString::fromUtf8(QJsonDocument(preset.params).toJson(QJsonDocument::Compact)));
    q.addBindValue(QDateTime::currentMSecsSinceEpoch());
    if (!q.exec()) {
        if (error)
            *error = QStringLiteral("The preset could not be saved: %1").arg(q.lastError().text());
        return 0;
    }
    const std::optional<ChatPreset> saved = find(preset.name.trimmed());
    return saved ? saved->id : 0;
}

bool ChatPresetStore::remove(qint64 id, QString *error)
{
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("DELETE FROM chat_presets WHERE id = ?"));
    q.addBindValue(id);
    if (q.exec())
        return true;
    if (error)
        *error = QStringLiteral("The preset could not be deleted: %1").arg(q.lastError().text());
    return false;
}

} // namespace patchbay
