#include "accesstokenstore.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace patchbay {

AccessTokenStore::AccessTokenStore(QSqlDatabase db)
    : m_db(std::move(db))
{
}

QByteArray AccessTokenStore::hash(const QByteArray &token)
{
    return QCryptographicHash::hash(token, QCryptographicHash::Sha256).toHex();
}

QString AccessTokenStore::create(const QString &name, QString *error)
{
    const QString trimmed = name.trimmed();
    if (trimmed.isEmpty()) {
        *error = QStringLiteral("A token needs a name, such as the program that will use it.");
        return {};
    }
    QByteArray random(32, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(random.data()), random.size() / 4);
    const QByteArray token = "pb-" + random.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("INSERT INTO access_tokens (name, token_hash, created_at) VALUES (?, ?, ?)"));
    q.addBindValue(trimmed);
    q.addBindValue(QString::fromLatin1(hash(token)));
    q.addBindValue(QDateTime::currentMSecsSinceEpoch());
    if (!q.exec()) {
        *error = q.lastError().text().contains(QLatin1String("UNIQUE"))
            ? QStringLiteral("A token named \"%1\" exists already; pick another name or revoke the old one.").arg(trimmed)
            : QStringLiteral("Could not store the token: %1").arg(q.lastError().text());
        return {};
    }
    return QString::fromLatin1(token);
}

bool AccessTokenStore::revoke(const QString &name, QString *error)
{
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("UPDATE access_tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL"));
    q.addBindValue(QDateTime::currentMSecsSinceEpoch());
    q.addBindValue(name);
    if (!q.exec()) {
        *error = QStringLiteral("Could not revoke the token: %1").arg(q.lastError().text());
        return false;
    }
    if (q.numRowsAffected() == 0) {
        *error = QStringLiteral("No active token is named \"%1\".").arg(name);
        return false;
    }
    return true;
}

QList<AccessTokenInfo> AccessTokenStore::list(QString *error) const
{
    QList<AccessTokenInfo> out;
    QSqlQuery q(m_db);
    if (!q.exec(QStringLiteral("SELECT t.name, t.created_at, (SELECT MAX(r.started_at) FROM requests r WHERE r.client = t.name), t.revoked_at, "
                                "t.policy FROM access_tokens t ORDER BY t.created_at"))) {
        if (error)
            *error = QStringLiteral("Could not read the access tokens: %1").arg(q.lastError().text());
        return out;
    }
    while (q.next()) {
        AccessTokenInfo info;
        info.name = q.value(0).toString();
        info.createdAtMs = q.value(1).toLongLong();
        info.lastUsedAtMs = q.value(2).isNull() ? -1 : q.value(2).toLongLong();
        info.revoked = !q.value(3).isNull();
        QString ignored;
        TokenPolicy::fromJson(QJsonDocument::fromJson(q.value(4).toByteArray()).object(), &info.policy, &ignored);
        out.append(info);
    }
    return out;
}

bool AccessTokenStore::setPolicy(const QString &name, const TokenPolicy &policy, QString *error)
{
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("UPDATE access_tokens SET policy = ? WHERE name = ? AND revoked_at IS NULL"));
    q.addBindValue(QString::fromUtf8(QJsonDocument(policy.toJson()).toJson(QJsonDocument::Compact)));
    q.addBindValue(name);
    if (!q.exec()) {
        *error = QStringLiteral("Could not store the token's limits: %1").arg(q.lastError().text());
        return false;
    }
    if (q.numRowsAffected() == 0) {
        *error = QStringLiteral("No active token is named \"%1\".").arg(name);
        return false;
    }
    return true;
}

QHash<QString, TokenPolicy> AccessTokenStore::activePolicies(QString *error) const
{
    QHash<QString, TokenPolicy> out;
    QSqlQuery q(m_db);
    if (!q.exec(QStringLiteral("SELECT name, policy FROM access_tokens WHERE revoked_at IS NULL AND policy != '{}'"))) {
        if (error)
            *error = QStringLiteral("Could not read the access tokens: %1").arg(q.lastError().text());
        return out;
    }
    while (q.next()) {
        TokenPolicy policy;
        QString ignored;
        if (TokenPolicy::fromJson(QJsonDocument::fromJson(q.value(1).toByteArray()).object(), &policy, &ignored) && !policy.isEmpty())
            out.insert(q.value(0).toString(), policy);
    }
    return out;
}

QHash<QByteArray, QString> AccessTokenStore::activeHashes(QString *error) const
{
    QHash<QByteArray, QString> out;
    QSqlQuery q(m_db);
    if (!q.exec(QStringLiteral("SELECT token_hash, name FROM access_tokens WHERE revoked_at IS NULL"))) {
        if (error)
            *error = QStringLiteral("Could not read the access tokens: %1").arg(q.lastError().text());
        return out;
    }
    while (q.next())
        out.insert(q.value(0).toString().toLatin1(), q.value(1).toString());
    return out;
}

} // namespace patchbay
