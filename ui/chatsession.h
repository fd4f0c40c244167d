#pragma once

#include "conversation.h"
#include "conversationstore.h"

#include <QList>
#include <QObject>

class QTimer;

namespace patchbay {

class ChatClient;
class ChatStream;

// One conversation being shown and continued: its messages (the branch on screen), the reply
// streaming into it, and saving that reply as it grows. Shared by the chat page and each
// compare column.
class ChatSession : public QObject
{
    Q_OBJECT
public:
    ChatSession(ChatClient *client, ConversationStore store, QObject *parent = nullptr);

    // Starts an empty conversation that is written to the database on its first message.
    void startNew(const QString &model = {});
    bool load(qint64 conversationId);

    const Conversation &conversation() const { return m_conversation; }
    const QList<ConversationMessage> &thread() const { return m_thread; }
    bool isStreaming() const;

    void setModel(const QString &model);
    void setSystemPrompt(const QString &prompt);
    void setParams(const QJsonObject &params);
    void setCompareGroup(const QString &group) { m_conversation.compareGroup = group; }
    void setTitleSuffix(const QString &suffix) { m_titleSuffix = suffix; }

    // attachments: images for models that take them, sent as image_url data URLs.
    void send(const QString &text, const QList<ConversationAttachment> &attachments = {});
    void stop();
    // Runs the failed or stopped last reply again in place.
    void retry();
    // A new reply to the same question; the old one stays as a sibling branch.
    void regenerate();
    // Sends edited text in place of the user message at index; the old branch is kept.
    void editAndResend(int index, const QString &text);
    // The siblings of the message at index (same parent), oldest first, and switching to one.
    QList<qint64> siblings(int index) const;
    void switchBranch(qint64 messageId);

    static QJsonObject requestBody(const Conversation &conversation, const QList<ConversationMessage> &history);

Q_SIGNALS:
    void reset();                 // the whole thread changed: another conversation or branch
    void appended(int index);     // a message was added at the end
    void changed(int index);      // the message at index changed (content while streaming, stats)
    void streamingChanged(bool streaming);
    void conversationSaved(qint64 id); // created, or its list entry should refresh

private:
    bool ensureSaved();
    qint64 addMessage(ConversationMessage message);
    void startReply(qint64 parentId);
    void run(int index, bool allowTokenRetry);
    void finishReply(ConversationMessage::Status status, const QString &error = {});
    void saveReply();
    void reloadAll();

    ChatClient *m_client;
    ConversationStore m_store;
    Conversation m_conversation;
    QList<ConversationMessage> m_all;
    QList<ConversationMessage> m_thread;
    QString m_titleSuffix;
    ChatStream *m_stream;
    QTimer *m_saveTimer;
    int m_replyIndex = -1; // in m_thread, while streaming
};

} // namespace patchbay
