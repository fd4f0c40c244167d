#include "conversationexport.h"

#include "conversationstore.h"

#include <QDateTime>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QSqlDatabase>

namespace patchbay {

namespace ConversationExport {

namespace {

template<typename T>
QJsonValue optionalJson(const std::optional<T> &v)
{
    return v ? QJsonValue(*v) : QJsonValue(QJsonValue::Null);
}

std::optional<int> optionalInt(const QJsonValue &v)
{
    return v.isDouble() ? std::optional<int>(v.toInt()) : std::nullopt;
}

QJsonObject messageJson(const ConversationMessage &m)
{
    QJsonObject o{{QStringLiteral("id"), m.id},
                  {QStringLiteral("parent_id"), m.parentId ? QJsonValue(m.parentId) : QJsonValue(QJsonValue::Null)},
                  {QStringLiteral("role"), m.role},
                  {QStringLiteral("content"), m.content},
                  {QStringLiteral("model"), m.model},
                  {QStringLiteral("input_tokens"), optionalJson(m.inputTokens)},
                  {QStringLiteral("output_tokens"), optionalJson(m.outputTokens)},
                  {QStringLiteral("cost_usd"), optionalJson(m.costUsd)},
                  {QStringLiteral("ttft_ms"), optionalJson(m.ttftMs)},
                  {QStringLiteral("total_ms"), optionalJson(m.totalMs)},
                  {QStringLiteral("created_at"), m.createdAtMs},
                  {QStringLiteral("status"), ConversationStore::statusText(m.status)},
                  {QStringLiteral("error"), m.error}};
    if (!m.attachments.isEmpty())
        o.insert(QStringLiteral("attachments"), ConversationStore::attachmentsToJson(m.attachments));
    return o;
}

bool fail(QString *error, const QString &why)
{
    if (error)
        *error = why;
    return false;
}

} // namespace

QByteArray toJson(const Conversation &c, const QList<ConversationMessage> &messages)
{
    QJsonArray list;
    for (const ConversationMessage &m : messages)
        list.append(messageJson(m));
    const QJsonObject conversation{{QStringLiteral("title"), c.title},
                                   {QStringLiteral("created_at"), c.createdAtMs},
                                   {QStringLiteral("updated_at"), c.updatedAtMs},
                                   {QStringLiteral("pinned"), c.pinned},
                                   {QStringLiteral("model"), c.model},
                                   {QStringLiteral("system_prompt"), c.systemPrompt},
                                   {QStringLiteral("params"), c.params},
                                   {QStringLiteral("leaf_id"), c.leafId ? QJsonValue(c.leafId) : QJsonValue(QJsonValue::Null)}};
    const QJsonObject root{{QStringLiteral("format"), QLatin1String(kFormat)},
                           {QStringLiteral("version"), kVersion},
                           {QStringLiteral("conversation"), conversation},
                           {QStringLiteral("messages"), list}};
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

QString toMarkdown(const Conversation &c, const QList<ConversationMessage> &messages)
{
    QString out = QStringLiteral("# %1\n\n").arg(c.title.isEmpty() ? QStringLiteral("Untitled") : c.title);
    if (!c.model.isEmpty())
        out += QStringLiteral("- Model: `%1`\n").arg(c.model);
    out += QStringLiteral("- Exported: %1\n\n").arg(QDateTime::currentDateTime().toString(Qt::ISODate));
    if (!c.systemPrompt.trimmed().isEmpty())
        out += QStringLiteral("> **System prompt**\n>\n> %1\n\n").arg(c.systemPrompt.trimmed().replace(QLatin1Char('\n'), QLatin1String("\n> ")));
    for (const ConversationMessage &m : ConversationStore::thread(messages, c.leafId)) {
        const bool user = m.role == QLatin1String("user");
        out += user ? QStringLiteral("## You\n\n")
                    : QStringLiteral("## Assistant%1\n\n").arg(m.model.isEmpty() ? QString() : QStringLiteral(" (`%1`)").arg(m.model));
        out += m.content;
        if (!m.content.endsWith(QLatin1Char('\n')))
            out += QLatin1Char('\n');
        // Data URLs keep the file self-contained; Markdown viewers show them inline.
        for (const ConversationAttachment &a : m.attachments)
            out += QStringLiteral("\n![%1](%2)\n").arg(a.name, a.dataUrl());
        if (m.status == ConversationMessage::Status::Error)
            out += QStringLiteral("\n> Error: %1\n").arg(m.error);
        QStringList stats;
        if (m.inputTokens || m.outputTokens)
            stats << QStringLiteral("%1 in · %2 out").arg(m.inputTokens.value_or(0)).arg(m.outputTokens.value_or(0));
        if (m.costUsd)
            stats << QStringLiteral("$%1").arg(*m.costUsd, 0, 'f', 4);
        if (m.ttftMs)
            stats << QStringLiteral("first token %1 ms").arg(*m.ttftMs);
        if (m.totalMs)
            stats << QStringLiteral("total %1 ms").arg(*m.totalMs);
        if (!stats.isEmpty())
            out += QStringLiteral("\n*%1*\n").arg(stats.join(QStringLiteral(" · ")));
        out += QLatin1Char('\n');
    }
    return out;
}

bool parseJson(const QByteArray &data, Conversation *conversation, QList<ConversationMessage> *messages, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(data, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return fail(error, QStringLiteral("The file is not valid JSON (%1 at byte %2).").arg(parseError.errorString()).arg(parseError.offset));
    const QJsonObject root = doc.object();
    if (root.value(QLatin1String("format")).toString() != QLatin1String(kFormat))
        return fail(error, QStringLiteral("The file is not a Patchbay conversation export."));
    if (root.value(QLatin1String("version")).toInt() > kVersion)
        return fail(error, QStringLiteral("The file comes from a newer Patchbay (format version %1); update Patchbay to import it.")
                               .arg(root.value(QLatin1String("version")).toInt()));
    const QJsonObject c = root.value(QLatin1String("conversation")).toObject();
    Conversation out;
    out.title = c.value(QLatin1String("title")).toString();
    out.createdAtMs = c.value(QLatin1String("created_at")).toInteger();
    out.updatedAtMs = c.value(QLatin1String("updated_at")).toInteger();
    out.pinned = c.value(QLatin1String("pinned")).toBool();
    out.model = c.value(QLatin1String("model")).toString();
    out.systemPrompt = c.value(QLatin1String("system_prompt")).toString();
    out.params = c.value(QLatin1String("params")).toObject();
    out.leafId = c.value(QLatin1String("leaf_id")).toInteger();

    QList<ConversationMessage> list;
    QHash<qint64, qsizetype> seen;
    for (const QJsonValue &v : root.value(QLatin1String("messages")).toArray()) {
        const QJsonObject o = v.toObject();
        ConversationMessage m;
        m.id = o.value(QLatin1String("id")).toInteger();
        m.parentId = o.value(QLatin1String("parent_id")).toInteger();
        m.role = o.value(QLatin1String("role")).toString();
        if (!m.id || seen.contains(m.id))
            return fail(error, QStringLiteral("Message %1 of the file has a missing or repeated id.").arg(list.size() + 1));
        if (m.role != QLatin1String("user") && m.role != QLatin1String("assistant"))
            return fail(error, QStringLiteral("Message %1 of the file has an unknown role “%2”.").arg(m.id).arg(m.role));
        // Parents come first in an export; anything else would be a cycle or a dangling branch.
        if (m.parentId && !seen.contains(m.parentId))
            return fail(error, QStringLiteral("Message %1 of the file answers a message that is not before it.").arg(m.id));
        m.content = o.value(QLatin1String("content")).toString();
        m.model = o.value(QLatin1String("model")).toString();
        m.inputTokens = optionalInt(o.value(QLatin1String("input_tokens")));
        m.outputTokens = optionalInt(o.value(QLatin1String("output_tokens")));
        if (o.value(QLatin1String("cost_usd")).isDouble())
            m.costUsd = o.value(QLatin1String("cost_usd")).toDouble();
        m.ttftMs = optionalInt(o.value(QLatin1String("ttft_ms")));
        m.totalMs = optionalInt(o.value(QLatin1String("total_ms")));
        m.createdAtMs = o.value(QLatin1String("created_at")).toInteger();
        m.status = ConversationStore::statusFromText(o.value(QLatin1String("status")).toString());
        // Nothing streams into an imported conversation: a reply cut off then stays cut off.
        if (m.status == ConversationMessage::Status::Streaming)
            m.status = ConversationMessage::Status::Stopped;
        m.error = o.value(QLatin1String("error")).toString();
        m.attachments = ConversationStore::attachmentsFromJson(o.value(QLatin1String("attachments")).toArray());
        seen.insert(m.id, list.size());
        list.append(m);
    }
    if (out.leafId && !seen.contains(out.leafId))
        out.leafId = 0;
    *conversation = out;
    *messages = list;
    return true;
}

qint64 importJson(ConversationStore &store, const QByteArray &data, QString *error)
{
    Conversation c;
    QList<ConversationMessage> messages;
    if (!parseJson(data, &c, &messages, error))
        return 0;
    QSqlDatabase db = store.database();
    // All or nothing: a half-imported tree would be worse than none.
    const bool inTransaction = db.transaction();
    const qint64 fileLeaf = c.leafId;
    c.leafId = 0;
    c.compareGroup.clear();
    const qint64 id = store.create(c, error);
    if (!id) {
        if (inTransaction)
            db.rollback();
        return 0;
    }
    QHash<qint64, qint64> ids; // the file's id -> the new one
    for (ConversationMessage m : std::as_const(messages)) {
        const qint64 fileId = m.id;
        m.conversationId = id;
        m.parentId = m.parentId ? ids.value(m.parentId) : 0;
        const qint64 newId = store.addMessage(m, error);
        if (!newId) {
            if (inTransaction)
                db.rollback();
            else
                store.remove(id);
            return 0;
        }
        ids.insert(fileId, newId);
    }
    if (fileLeaf)
        store.setLeaf(id, ids.value(fileLeaf));
    if (inTransaction && !db.commit()) {
        db.rollback();
        fail(error, QStringLiteral("The imported conversation could not be saved."));
        return 0;
    }
    return id;
}

} // namespace ConversationExport

} // namespace patchbay
