#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QSqlDatabase>
#include <QString>

#include "tokenpolicy.h"

namespace patchbay {

struct AccessTokenInfo
{
    QString name;
    qint64 createdAtMs = 0;
    qint64 lastUsedAtMs = -1; // the token's newest ledger row; -1 if it was never used
    bool revoked = false;
    TokenPolicy policy;
};

// Client access tokens for the gateway: one per program, shown once at creation and stored
// only as a SHA-256 hash.
class AccessTokenStore
{
public:
    explicit AccessTokenStore(QSqlDatabase db);

    // Returns the new token ("pb-" + 43 url-safe characters), or "" with *error.
    QString create(const QString &name, QString *error);
    bool revoke(const QString &name, QString *error);
    QList<AccessTokenInfo> list(QString *error = nullptr) const;
    // hash → name of every token not revoked, for the gateway's in-memory check.
    QHash<QByteArray, QString> activeHashes(QString *error = nullptr) const;
    bool setPolicy(const QString &name, const TokenPolicy &policy, QString *error);
    // name → policy of every token not revoked that has one.
    QHash<QString, TokenPolicy> activePolicies(QString *error = nullptr) const;

    static QByteArray hash(const QByteArray &token);

private:
    QSqlDatabase m_db;
};

} // namespace patchbay
