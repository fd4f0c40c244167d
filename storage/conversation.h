#pragma once

#include <QJsonObject>
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
};

} // namespace patchbay
