#pragma once

#include "conversation.h"

#include <QJsonArray>
#include <QList>
#include <QSqlDatabase>
#include <QString>

#include <functional>

namespace patchbay {

// The workbench's conversations and messages in patchbay.db. Every call is one short, indexed
// query, so it runs on the main thread's connection.
class ConversationStore
{
public:
    explicit ConversationStore(QSqlDatabase db, std::function<qint64()> clock = {});

    QSqlDatabase database() const { return m_db; } // for callers that batch writes in a transaction

    // Newest first, pinned ones on top, deleted ones left out. A non-empty query keeps the
    // conversations whose title or any message matches every word (FTS5, prefix match).
    QList<Conversation> list(const QString &query = {}, QString *error = nullptr) const;
    std::optional<Conversation> conversation(qint64 id) const;

    // Returns the new id, or 0 with *error.
    qint64 create(const Conversation &conversation, QString *error = nullptr);
    // Title, model, system prompt, params, pinned and leaf; bumps nothing else.
    bool update(const Conversation &conversation, QString *error = nullptr);
    bool rename(qint64 id, const QString &title, QString *error = nullptr);
    bool setPinned(qint64 id, bool pinned, QString *error = nullptr);
    bool setLeaf(qint64 id, qint64 leafId, QString *error = nullptr);
    // Deleting only hides the conversation, so that Undo can bring it back; purgeDeleted()
    // removes it for good.
    bool remove(qint64 id, QString *error = nullptr);
    bool restore(qint64 id, QString *error = nullptr);
    int purgeDeleted(qint64 deletedBeforeMs);

    // All messages of the conversation, oldest first (the whole tree, every branch).
    QList<ConversationMessage> messages(qint64 conversationId, QString *error = nullptr) const;
    // Inserts and returns the id (also bumps the conversation's updated_at), or 0 with *error.
    qint64 addMessage(const ConversationMessage &message, QString *error = nullptr);
    // Content, status, error, model and the stats: what changes while a reply streams.
    bool updateMessage(const ConversationMessage &message, QString *error = nullptr);

    // The path from the root to leafId (or to the newest message when leafId is 0).
    static QList<ConversationMessage> thread(const QList<ConversationMessage> &all, qint64 leafId);
    // The newest message that descends from (or is) id: the leaf a branch switch should show.
    static qint64 newestLeafUnder(const QList<ConversationMessage> &all, qint64 id);

    // "done", "streaming", "stopped", "error": the status column's words.
    static QString statusText(ConversationMessage::Status status);
    static ConversationMessage::Status statusFromText(const QString &text);

    // Attachments as stored and exported: [{name, mime, data (base64)}].
    static QJsonArray attachmentsToJson(const QList<ConversationAttachment> &attachments);
    static QList<ConversationAttachment> attachmentsFromJson(const QJsonArray &array);

    // Turns what the user typed into an FTS5 query: each word quoted, as a prefix.
    static QString ftsQuery(const QString &text);

private:
    qint64 now() const;

    QSqlDatabase m_db;
    std::function<qint64()> m_clock;
};

} // namespace patchbay
