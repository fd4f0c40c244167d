#include "chatsession.h"

#include "chatclient.h"
#include "chatstream.h"

#include <QJsonArray>
#include <QTimer>

namespace patchbay {

ChatSession::ChatSession(ChatClient *client, ConversationStore store, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_store(std::move(store))
    , m_stream(new ChatStream(client->network(), this))
    , m_saveTimer(new QTimer(this))
{
    // A crash mid-reply loses at most this much of it.
    m_saveTimer->setInterval(1000);
    connect(m_saveTimer, &QTimer::timeout, this, &ChatSession::saveReply);
    connect(m_stream, &ChatStream::delta, this, [this](const QString &text) {
        if (m_replyIndex < 0)
            return;
        ConversationMessage &m = m_thread[m_replyIndex];
        m.content += text;
        m.ttftMs = m_stream->ttftMs();
        Q_EMIT changed(m_replyIndex);
    });
    connect(m_stream, &ChatStream::usage, this, [this](int in, int out) {
        if (m_replyIndex < 0)
            return;
        m_thread[m_replyIndex].inputTokens = in;
        m_thread[m_replyIndex].outputTokens = out;
    });
    connect(m_stream, &ChatStream::finished, this, [this] { finishReply(ConversationMessage::Status::Done); });
}

bool ChatSession::isStreaming() const
{
    return m_replyIndex >= 0;
}

void ChatSession::startNew(const QString &model)
{
    stop();
    const Conversation previous = m_conversation;
    m_conversation = {};
    m_conversation.model = model.isEmpty() ? previous.model : model;
    m_conversation.systemPrompt = previous.systemPrompt;
    m_conversation.params = previous.params;
    m_all.clear();
    m_thread.clear();
    Q_EMIT reset();
}

bool ChatSession::load(qint64 conversationId)
{
    const std::optional<Conversation> c = m_store.conversation(conversationId);
    if (!c)
        return false;
    stop();
    m_conversation = *c;
    reloadAll();
    Q_EMIT reset();
    return true;
}

void ChatSession::reloadAll()
{
    m_all = m_store.messages(m_conversation.id);
    m_thread = ConversationStore::thread(m_all, m_conversation.leafId);
}

void ChatSession::setModel(const QString &model)
{
    m_conversation.model = model;
    if (m_conversation.id)
        m_store.update(m_conversation);
}

void ChatSession::setSystemPrompt(const QString &prompt)
{
    m_conversation.systemPrompt = prompt;
    if (m_conversation.id)
        m_store.update(m_conversation);
}

void ChatSession::setParams(const QJsonObject &params)
{
    m_conversation.params = params;
    if (m_conversation.id)
        m_store.update(m_conversation);
}

bool ChatSession::ensureSaved()
{
    if (m_conversation.id)
        return true;
    m_conversation.id = m_store.create(m_conversation);
    return m_conversation.id != 0;
}

qint64 ChatSession::addMessage(ConversationMessage message)
{
    message.conversationId = m_conversation.id;
    message.id = m_store.addMessage(message);
    m_all.append(message);
    m_thread.append(message);
    // The branch on screen is the newest one unless the user picked another.
    if (m_conversation.leafId) {
        m_conversation.leafId = 0;
        m_store.setLeaf(m_conversation.id, 0);
    }
    Q_EMIT appended(static_cast<int>(m_thread.size() - 1));
    return message.id;
}

void ChatSession::send(const QString &text, const QList<ConversationAttachment> &attachments)
{
    if ((text.trimmed().isEmpty() && attachments.isEmpty()) || isStreaming())
        return;
    const bool first = !m_conversation.id;
    if (first) {
        QString title = text.simplified().left(60);
        if (title.isEmpty())
            title = attachments.first().name;
        if (!m_titleSuffix.isEmpty())
            title += QStringLiteral(" · ") + m_titleSuffix;
        m_conversation.title = title;
    }
    if (!ensureSaved())
        return;
    ConversationMessage user;
    user.role = QStringLiteral("user");
    user.content = text;
    user.attachments = attachments;
    user.parentId = m_thread.isEmpty() ? 0 : m_thread.last().id;
    const qint64 userId = addMessage(user);
    startReply(userId);
    Q_EMIT conversationSaved(m_conversation.id);
}

void ChatSession::startReply(qint64 parentId)
{
    ConversationMessage reply;
    reply.role = QStringLiteral("assistant");
    reply.model = m_conversation.model;
    reply.parentId = parentId;
    reply.status = ConversationMessage::Status::Streaming;
    addMessage(reply);
    run(static_cast<int>(m_thread.size() - 1), true);
}

void ChatSession::run(int index, bool allowTokenRetry)
{
    m_replyIndex = index;
    ConversationMessage &reply = m_thread[index];
    reply.content.clear();
    reply.error.clear();
    reply.status = ConversationMessage::Status::Streaming;
    reply.model = m_conversation.model;
    reply.inputTokens.reset();
    reply.outputTokens.reset();
    reply.ttftMs.reset();
    reply.totalMs.reset();
    Q_EMIT changed(index);
    Q_EMIT streamingChanged(true);
    const qint64 replyId = reply.id;
    m_client->withToken(this, [this, index, replyId, allowTokenRetry](const QString &token, const QString &error) {
        if (m_replyIndex != index || m_thread.value(index).id != replyId)
            return; // stopped or switched away meanwhile
        if (token.isEmpty()) {
            finishReply(ConversationMessage::Status::Error, error);
            return;
        }
        // A revoked token: make a new one and try once more before saying anything.
        disconnect(m_stream, &ChatStream::failed, this, nullptr);
        connect(m_stream, &ChatStream::failed, this, [this, index, allowTokenRetry](const QString &message, int status) {
            if (status == 401 && allowTokenRetry) {
                m_client->forgetToken();
                run(index, false);
                return;
            }
            finishReply(ConversationMessage::Status::Error, message);
        });
        m_stream->start(QUrl(m_client->baseUrl() + QStringLiteral("/chat/completions")), token,
                        requestBody(m_conversation, m_thread.mid(0, index)));
        m_saveTimer->start();
    });
}

QJsonObject ChatSession::requestBody(const Conversation &conversation, const QList<ConversationMessage> &history)
{
    QJsonArray messages;
    if (!conversation.systemPrompt.trimmed().isEmpty())
        messages.append(QJsonObject{{QStringLiteral("role"), QStringLiteral("system")},
                                    {QStringLiteral("content"), conversation.systemPrompt}});
    for (const ConversationMessage &m : history) {
        // Failed replies and empty ones are noise to the model.
        if (m.role == QLatin1String("assistant") && (m.status == ConversationMessage::Status::Error || m.content.isEmpty()))
            continue;
        if (m.attachments.isEmpty()) {
            messages.append(QJsonObject{{QStringLiteral("role"), m.role}, {QStringLiteral("content"), m.content}});
            continue;
        }
        // OpenAI's multi-part content; the gateway turns it into each provider's own image form.
        QJsonArray parts;
        if (!m.content.isEmpty())
            parts.append(QJsonObject{{QStringLiteral("type"), QStringLiteral("text")}, {QStringLiteral("text"), m.content}});
        for (const ConversationAttachment &a : m.attachments) {
            parts.append(QJsonObject{{QStringLiteral("type"), QStringLiteral("image_url")},
                                     {QStringLiteral("image_url"), QJsonObject{{QStringLiteral("url"), a.dataUrl()}}}});
        }
        messages.append(QJsonObject{{QStringLiteral("role"), m.role}, {QStringLiteral("content"), parts}});
    }
    QJsonObject body = conversation.params;
    body.insert(QStringLiteral("model"), conversation.model);
    body.insert(QStringLiteral("messages"), messages);
    return body;
}

void ChatSession::saveReply()
{
    if (m_replyIndex >= 0)
        m_store.updateMessage(m_thread.at(m_replyIndex));
}

void ChatSession::finishReply(ConversationMessage::Status status, const QString &error)
{
    if (m_replyIndex < 0)
        return;
    m_saveTimer->stop();
    const int index = std::exchange(m_replyIndex, -1);
    ConversationMessage &reply = m_thread[index];
    reply.status = status;
    reply.error = error;
    reply.totalMs = m_stream->elapsedMs();
    if (m_stream->ttftMs() >= 0)
        reply.ttftMs = m_stream->ttftMs();
    m_store.updateMessage(reply);
    for (ConversationMessage &m : m_all) {
        if (m.id == reply.id)
            m = reply;
    }
    Q_EMIT changed(index);
    Q_EMIT streamingChanged(false);
}

void ChatSession::stop()
{
    if (!isStreaming())
        return;
    m_stream->stop();
    finishReply(ConversationMessage::Status::Stopped);
}

void ChatSession::retry()
{
    if (isStreaming() || m_thread.isEmpty() || m_thread.last().role != QLatin1String("assistant"))
        return;
    run(static_cast<int>(m_thread.size() - 1), true);
}

void ChatSession::regenerate()
{
    if (isStreaming() || m_thread.isEmpty() || m_thread.last().role != QLatin1String("assistant"))
        return;
    const qint64 parentId = m_thread.last().parentId;
    m_thread.removeLast();
    Q_EMIT reset();
    startReply(parentId);
}

void ChatSession::editAndResend(int index, const QString &text)
{
    if (isStreaming() || index < 0 || index >= m_thread.size() || m_thread.at(index).role != QLatin1String("user"))
        return;
    const qint64 parentId = m_thread.at(index).parentId;
    const QList<ConversationAttachment> attachments = m_thread.at(index).attachments;
    m_thread = m_thread.mid(0, index);
    Q_EMIT reset();
    ConversationMessage user;
    user.role = QStringLiteral("user");
    user.content = text;
    user.attachments = attachments; // editing the words keeps the pictures
    user.parentId = parentId;
    startReply(addMessage(user));
}

QList<qint64> ChatSession::siblings(int index) const
{
    QList<qint64> out;
    if (index < 0 || index >= m_thread.size())
        return out;
    const qint64 parent = m_thread.at(index).parentId;
    for (const ConversationMessage &m : m_all) {
        if (m.parentId == parent)
            out.append(m.id);
    }
    return out;
}

void ChatSession::switchBranch(qint64 messageId)
{
    if (isStreaming())
        return;
    m_conversation.leafId = ConversationStore::newestLeafUnder(m_all, messageId);
    m_store.setLeaf(m_conversation.id, m_conversation.leafId);
    m_thread = ConversationStore::thread(m_all, m_conversation.leafId);
    Q_EMIT reset();
}

} // namespace patchbay
