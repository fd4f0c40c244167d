#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace patchbay {

// One workbench conversation as the list and the chat page need it.
struct Conversation
{
    qint64 id = 0;
    QString title;
    qint64 createdAtMs = 0;
    qint64 updatedAtMs = 0;
    bool pinned = false;
    QString model;
    QString systemPrompt;
    QJsonObject params; // temperature, max_tokens, top_p: only the ones the user set
    QString compareGroup; // shared by the columns of one compare run; "" for a plain chat
    qint64 leafId = 0;    // the branch being shown; 0: the newest message's
};

// An image sent with a user message. The bytes live in the database with the message, so an
// exported or reopened conversation still has them after the original file is gone.
struct ConversationAttachment
{
    QString name;     // the file name it came from, for the tooltip and exports
    QString mimeType; // e.g. image/png
    QByteArray data;  // the raw file bytes

    // What an OpenAI image_url part carries: data:<mime>;base64,<bytes>.
    QString dataUrl() const
    {
        return QStringLiteral("data:%1;base64,%2").arg(mimeType, QString::fromLatin1(data.toBase64()));
    }
    friend bool operator==(const ConversationAttachment &, const ConversationAttachment &) = default;
};

// One message of a conversation. Messages form a tree through parentId so that regenerating or
// editing keeps the old branch.
struct ConversationMessage
{
    enum class Status { Done, Streaming, Stopped, Error };

    qint64 id = 0;
    qint64 conversationId = 0;
    qint64 parentId = 0; // 0: the first message
    QString role;        // "user" or "assistant"
    QString content;
    QString model;
    std::optional<int> inputTokens;
    std::optional<int> outputTokens;
    std::optional<double> costUsd;
    std::optional<int> ttftMs;
    std::optional<int> totalMs;
    qint64 createdAtMs = 0;
    Status status = Status::Done;
    QString error;
    QList<ConversationAttachment> attachments;
};

} // namespace patchbay
