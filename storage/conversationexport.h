#pragma once

#include "conversation.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace patchbay {

class ConversationStore;

// A conversation as a file. JSON keeps everything (every branch, model, tokens, cost, timings,
// attachments) so it can be imported back; Markdown is for reading and shows the branch on
// screen only.
namespace ConversationExport {

inline constexpr const char *kFormat = "patchbay.conversation";
inline constexpr int kVersion = 1;

QByteArray toJson(const Conversation &conversation, const QList<ConversationMessage> &messages);
QString toMarkdown(const Conversation &conversation, const QList<ConversationMessage> &messages);

// Parses an export. Message ids and parent ids are the file's own; leafId refers to them too.
bool parseJson(const QByteArray &data, Conversation *conversation, QList<ConversationMessage> *messages,
               QString *error);

// Reads an export into a new conversation (new ids, the same tree) and returns its id, or 0
// with *error. Nothing is written when the file is unreadable.
qint64 importJson(ConversationStore &store, const QByteArray &data, QString *error);

} // namespace ConversationExport

} // namespace patchbay
