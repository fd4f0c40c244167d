#pragma once

#include <QJsonObject>
#include <QList>
#include <QSqlDatabase>
#include <QString>

#include <optional>

namespace patchbay {

// A saved starting point for a chat: system prompt, model and parameters under a name.
struct ChatPreset
{
    qint64 id = 0;
    QString name;
    QString model; // "" keeps whatever model is picked
    QString systemPrompt;
    QJsonObject params;
};

// The chat_presets table. Names are unique: saving under a taken name replaces that preset.
class ChatPresetStore
{
public:
    explicit ChatPresetStore(QSqlDatabase db);

    QList<ChatPreset> list() const; // by name
    std::optional<ChatPreset> find(const QString &name) const;
    // Inserts or replaces by name; returns the id, or 0 with *error.
    qint64 save(const ChatPreset &preset, QString *error = nullptr);
    bool remove(qint64 id, QString *error = nullptr);

private:
    QSqlDatabase m_db;
};

} // namespace patchbay
