#include "conversationstore.h"

#include <QDateTime>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace patchbay {

namespace {

const char *const kConversationColumns =
    "id, title, created_at, updated_at, pinned, model, system_prompt, params, compare_group, leaf_id";

Conversation readConversation(const QSqlQuery &q)
{
    Conversation c;
    c.id = q.value(0).toLongLong();
    c.title = q.value(1).toString();
    c.createdAtMs = q.value(2).toLongLong();
    c.updatedAtMs = q.value(3).toLongLong();
    c.pinned = q.value(4).toBool();
    c.model = q.value(5).toString();
    c.systemPrompt = q.value(6).toString();
    c.params = QJsonDocument::fromJson(q.value(7).toByteArray()).object();
    c.compareGroup = q.value(8).toString();
    c.leafId = q.value(9).toLongLong();
    return c;
}

QString statusName(ConversationMessage::Status status)
{
    switch (status) {
    case ConversationMessage::Status::Done:
        return QStringLiteral("done");
    case ConversationMessage::Status::Streaming:
        return QStringLiteral("streaming");
    case ConversationMessage::Status::Stopped:
        return QStringLiteral("stopped");
    case ConversationMessage::Status::Error:
        return QStringLiteral("error");
    }
    return QStringLiteral("done");
}

ConversationMessage::Status statusFromName(const QString &name)
{
    if (name == QLatin1String("streaming"))
        return ConversationMessage::Status::Streaming;
    if (name == QLatin1String("stopped"))
        return ConversationMessage::Status::Stopped;
    if (name == QLatin1String("error"))
        return ConversationMessage::Status::Error;
    return ConversationMessage::Status::Done;
}

template<typename T>
QVariant optionalValue(const std::optional<T> &v)
{
    return v ? QVariant::fromValue(*v) : QVariant();
}

std::optional<int> optionalInt(const QVariant &v)
{
    return v.isNull() ? std::nullopt : std::optional<int>(v.toInt());
}

bool failed(QString *error, const QSqlQuery &q)
{
    if (error)
        *error = QStringLiteral("The conversation could not be saved: %1").arg(q.lastError().text());
    return false;
}

// A null QString binds as SQL NULL; the text columns are NOT NULL.
QString text(const QString &s)
{
    return s.isNull() ? QStringLiteral("") : s;
}

QVariant nullIfZero(qint64 v)
{
    return v ? QVariant(v) : QVariant();
}

QString attachmentsColumn(const QList<ConversationAttachment> &attachments)
{
    return QString::fromUtf8(QJsonDocument(ConversationStore::attachmentsToJson(attachments)).toJson(QJsonDocument::Compact));
}

} // namespace

ConversationStore::ConversationStore(QSqlDatabase db, std::function<qint64()> clock)
    : m_db(std::move(db))
    , m_clock(std::move(clock))
{
}

qint64 ConversationStore::now() const
{
    return m_clock ? m_clock() : QDateTime::currentMSecsSinceEpoch();
}

QString ConversationStore::ftsQuery(const QString &text)
{
    QStringList terms;
    static const QRegularExpression space(QStringLiteral("\\s+"));
    for (QString word : text.split(space, Qt::SkipEmptyParts)) {
        word.replace(QLatin1Char('"'), QLatin1String("\"\""));
        terms << QStringLiteral("\"%1\"*").arg(word);
    }
    return terms.join(QLatin1Char(' '));
}

QList<Conversation> ConversationStore::list(const QString &query, QString *error) const
{
    QList<Conversation> out;
    QSqlQuery q(m_db);
    const QString match = ftsQuery(query);
    QString sql = QStringLiteral("SELECT %1 FROM conversations WHERE deleted_at IS NULL").arg(QLatin1String(kConversationColumns));
    if (!match.isEmpty()) {
        // Each branch uses its own FTS index; the conversation id lookups are indexed.
        sql += QStringLiteral(" AND (id IN (SELECT rowid FROM conversations_fts WHERE conversations_fts MATCH :q1)"
                              " OR id IN (SELECT m.conversation_id FROM messages m"
                              " WHERE m.id IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH :q2)))");
    }
    sql += QStringLiteral(" ORDER BY pinned DESC, updated_at DESC, id DESC LIMIT 2000");
    q.prepare(sql);
    if (!match.isEmpty()) {
        q.bindValue(QStringLiteral(":q1"), match);
        q.bindValue(QStringLiteral(":q2"), match);
    }
    if (!q.exec()) {
        if (error)
            *error = QStringLiteral("The conversations could not be read: %1").arg(q.lastError().text());
        return out;
    }
    while (q.next())
        out.append(readConversation(q));
    return out;
}

std::optional<Conversation> ConversationStore::conversation(qint64 id) const
{
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("SELECT %1 FROM conversations WHERE id = ?").arg(QLatin1String(kConversationColumns)));
    q.addBindValue(id);
    if (!q.exec() || !q.next())
        return std::nullopt;
    return readConversation(q);
}

qint64 ConversationStore::create(const Conversation &c, QString *error)
{
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("INSERT INTO conversations (title, created_at, updated_at, pinned, model, system_prompt, "
                             "params, compare_group, leaf_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    const qint64 t = now();
    q.addBindValue(text(c.title));
    q.addBindValue(t);
    q.addBindValue(t);
    q.addBindValue(c.pinned ? 1 : 0);
    q.addBindValue(text(c.model));
    q.addBindValue(text(c.systemPrompt));
    q.addBindValue(QString::fromUtf8(QJsonDocument(c.params).toJson(QJsonDocument::Compact)));
    q.addBindValue(c.compareGroup.isEmpty() ? QVariant() : QVariant(c.compareGroup));
    q.addBindValue(nullIfZero(c.leafId));
    if (!q.exec()) {
        failed(error, q);
        return 0;
    }
    return q.lastInsertId().toLongLong();
}

bool ConversationStore::update(const Conversation &c, QString *error)
{
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("UPDATE conversations SET title = ?, pinned = ?, model = ?, system_prompt = ?, params = ?, "
                             "leaf_id = ? WHERE id = ?"));
    q.addBindValue(text(c.title));
    q.addBindValue(c.pinned ? 1 : 0);
    q.addBindValue(text(c.model));
    q.addBindValue(text(c.systemPrompt));
    q.addBindValue(QString::fromUtf8(QJsonDocument(c.params).toJson(QJsonDocument::Compact)));
    q.addBindValue(nullIfZero(c.leafId));
    q.addBindValue(c.id);
    return q.exec() || failed(error, q);
}

bool ConversationStore::rename(qint64 id, const QString &title, QString *error)
{
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("UPDATE conversations SET title = ? WHERE id = ?"));
    q.addBindValue(text(title));
    q.addBindValue(id);
    return q.exec() || failed(error, q);
}

bool ConversationStore::setPinned(qint64 id, bool pinned, QString *error)
{
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("UPDATE conversations SET pinned = ? WHERE id = ?"));
    q.addBindValue(pinned ? 1 : 0);
    q.addBindValue(id);
    return q.exec() || failed(error, q);
}

bool ConversationStore::setLeaf(qint64 id, qint64 leafId, QString *error)
{
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("UPDATE conversations SET leaf_id = ? WHERE id = ?"));
    q.addBindValue(nullIfZero(leafId));
    q.addBindValue(id);
    return q.exec() || failed(error, q);
}

bool ConversationStore::remove(qint64 id, QString *error)
{
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("UPDATE conversations SET deleted_at = ? WHERE id = ?"));
    q.addBindValue(now());
    q.addBindValue(id);
    return q.exec() || failed(error, q);
}

bool ConversationStore::restore(qint64 id, QString *error)
{
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("UPDATE conversations SET deleted_at = NULL WHERE id = ?"));
    q.addBindValue(id);
    return q.exec() || failed(error, q);
}

int ConversationStore::purgeDeleted(qint64 deletedBeforeMs)
{
    // Messages go first: their FTS triggers need the rows, and foreign keys would refuse otherwise.
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("DELETE FROM messages WHERE conversation_id IN "
                             "(SELECT id FROM conversations WHERE deleted_at IS NOT NULL AND deleted_at < ?)"));
    q.addBindValue(deletedBeforeMs);
    if (!q.exec())
        return 0;
    q.prepare(QStringLiteral("DELETE FROM conversations WHERE deleted_at IS NOT NULL AND deleted_at < ?"));
    q.addBindValue(deletedBeforeMs);
    return q.exec() ? q.numRowsAffected() : 0;
}

QList<ConversationMessage> ConversationStore::messages(qint64 conversationId, QString *error) const
{
    QList<ConversationMessage> out;
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT id, conversation_id, parent_id, role, content, model, input_tokens, output_tokens, "
                             "cost_usd, ttft_ms, total_ms, created_at, status, error, attachments FROM messages "
                             "WHERE conversation_id = ? ORDER BY id"));
    q.addBindValue(conversationId);
    if (!q.exec()) {
        if (error)
            *error = QStringLiteral("The messages could not be read: %1").arg(q.lastError().text());
        return out;
    }
    while (q.next()) {
        ConversationMessage m;
        m.id = q.value(0).toLongLong();
        m.conversationId = q.value(1).toLongLong();
        m.parentId = q.value(2).toLongLong();
        m.role = q.value(3).toString();
        m.content = q.value(4).toString();
        m.model = q.value(5).toString();
        m.inputTokens = optionalInt(q.value(6));
        m.outputTokens = optionalInt(q.value(7));
        if (!q.value(8).isNull())
            m.costUsd = q.value(8).toDouble();
        m.ttftMs = optionalInt(q.value(9));
        m.totalMs = optionalInt(q.value(10));
        m.createdAtMs = q.value(11).toLongLong();
        m.status = statusFromName(q.value(12).toString());
        m.error = q.value(13).toString();
        // Nearly every message has none: skip the JSON parser for those.
        const QByteArray attachments = q.value(14).toByteArray();
        if (attachments.size() > 2)
            m.attachments = attachmentsFromJson(QJsonDocument::fromJson(attachments).array());
        out.append(m);
    }
    return out;
}

qint64 ConversationStore::addMessage(const ConversationMessage &m, QString *error)
{
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("INSERT INTO messages (conversation_id, parent_id, role, content, model, input_tokens, "
                             "output_tokens, cost_usd, ttft_ms, total_ms, created_at, status, error, attachments) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    const qint64 t = m.createdAtMs ? m.createdAtMs : now();
    q.addBindValue(m.conversationId);
    q.addBindValue(nullIfZero(m.parentId));
    q.addBindValue(text(m.role));
    q.addBindValue(text(m.content));
    q.addBindValue(text(m.model));
    q.addBindValue(optionalValue(m.inputTokens));
    q.addBindValue(optionalValue(m.outputTokens));
    q.addBindValue(optionalValue(m.costUsd));
    q.addBindValue(optionalValue(m.ttftMs));
    q.addBindValue(optionalValue(m.totalMs));
    q.addBindValue(t);
    q.addBindValue(statusName(m.status));
    q.addBindValue(text(m.error));
    q.addBindValue(attachmentsColumn(m.attachments));
    if (!q.exec()) {
        failed(error, q);
        return 0;
    }
    const qint64 id = q.lastInsertId().toLongLong();
    QSqlQuery bump(m_db);
    bump.prepare(QStringLiteral("UPDATE conversations SET updated_at = ? WHERE id = ?"));
    bump.addBindValue(t);
    bump.addBindValue(m.conversationId);
    bump.exec();
    return id;
}

bool ConversationStore::updateMessage(const ConversationMessage &m, QString *error)
{
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("UPDATE messages SET content = ?, model = ?, input_tokens = ?, output_tokens = ?, "
                             "cost_usd = ?, ttft_ms = ?, total_ms = ?, status = ?, error = ? WHERE id = ?"));
    q.addBindValue(text(m.content));
    q.addBindValue(text(m.model));
    q.addBindValue(optionalValue(m.inputTokens));
    q.addBindValue(optionalValue(m.outputTokens));
    q.addBindValue(optionalValue(m.costUsd));
    q.addBindValue(optionalValue(m.ttftMs));
    q.addBindValue(optionalValue(m.totalMs));
    q.addBindValue(statusName(m.status));
    q.addBindValue(text(m.error));
    q.addBindValue(m.id);
    return q.exec() || failed(error, q);
}

QString ConversationStore::statusText(ConversationMessage::Status status)
{
    return statusName(status);
}

ConversationMessage::Status ConversationStore::statusFromText(const QString &text)
{
    return statusFromName(text);
}

QJsonArray ConversationStore::attachmentsToJson(const QList<ConversationAttachment> &attachments)
{
    QJsonArray out;
    for (const ConversationAttachment &a : attachments) {
        out.append(QJsonObject{{QStringLiteral("name"), a.name},
                               {QStringLiteral("mime"), a.mimeType},
                               {QStringLiteral("data"), QString::fromLatin1(a.data.toBase64())}});
    }
    return out;
}

QList<ConversationAttachment> ConversationStore::attachmentsFromJson(const QJsonArray &array)
{
    QList<ConversationAttachment> out;
    for (const QJsonValue &v : array) {
        const QJsonObject o = v.toObject();
        ConversationAttachment a;
        a.name = o.value(QLatin1String("name")).toString();
        a.mimeType = o.value(QLatin1String("mime")).toString();
        a.data = QByteArray::fromBase64(o.value(QLatin1String("data")).toString().toLatin1());
        out.append(a);
    }
    return out;
}

QList<ConversationMessage> ConversationStore::thread(const QList<ConversationMessage> &all, qint64 leafId)
{
    if (all.isEmpty())
        return {};
    QHash<qint64, qsizetype> index;
    for (qsizetype i = 0; i < all.size(); ++i)
        index.insert(all.at(i).id, i);
    qint64 at = leafId && index.contains(leafId) ? leafId : all.last().id;
    QList<ConversationMessage> path;
    while (at && index.contains(at) && path.size() <= all.size()) {
        path.prepend(all.at(index.value(at)));
        at = path.first().parentId;
    }
    return path;
}

qint64 ConversationStore::newestLeafUnder(const QList<ConversationMessage> &all, qint64 id)
{
    // Ids grow with time and a child always comes after its parent, so one pass in id order
    // finds every descendant.
    QSet<qint64> under{id};
    qint64 newest = id;
    for (const ConversationMessage &m : all) {
        if (under.contains(m.parentId)) {
            under.insert(m.id);
            newest = std::max(newest, m.id);
        }
    }
    return newest;
}

} // namespace patchbay
