#pragma once

// Rows and helpers shared by the ledger's tests.

#include "database.h"
#include "usagerecord.h"

#include <QDateTime>
#include <QSqlQuery>
#include <QString>
#include <QVariant>

namespace patchbay::test {

// A record with every field set, except the unknowns some rows have on purpose.
inline UsageRecord ledgerRow(int i, qint64 startedAtMs = 1'700'000'000'000)
{
    UsageRecord r;
    r.requestId = QStringLiteral("req_%1").arg(i);
    r.startedAtMs = startedAtMs + i;
    r.client = QStringLiteral("client-%1").arg(i % 3);
    r.endpoint = QStringLiteral("/v1/chat/completions");
    r.provider = i % 4 == 0 ? QStringLiteral("anthropic") : QStringLiteral("openai");
    r.requestedModel = QStringLiteral("fast");
    r.upstreamModel = i % 4 == 0 ? QStringLiteral("claude-haiku") : QStringLiteral("gpt-4o-mini");
    r.stream = i % 2 == 0;
    r.status = i % 10 == 9 ? 502 : 200;
    r.error = r.status == 502 ? QStringLiteral("upstream said \"no\", then hung up\nat once") : QString();
    r.inputTokens = 100 + i;
    r.outputTokens = i % 5 == 0 ? -1 : 2 * i;
    r.cacheReadTokens = i % 3 == 0 ? -1 : i;
    r.cacheWriteTokens = i % 6 == 0 ? 0 : -1;
    r.reasoningTokens = i % 7 == 0 ? 11 : -1;
    r.usageSource = i % 5 == 0 ? QStringLiteral("estimated") : QStringLiteral("provider");
    if (i % 8 != 3)
        r.costUsd = 0.000125 * i + 0.1; // not exact in binary: must come back bit for bit
    r.catalogVersion = QStringLiteral("2025-06-01");
    r.latencyMs = 10 + i;
    r.ttfbMs = i % 7 == 0 ? -1 : 5;
    r.ttftMs = i % 7 == 0 ? -1 : 6 + i % 50;
    r.attempt = 1 + i % 2;
    r.retryOf = r.attempt > 1 ? QStringLiteral("req_%1_first").arg(i) : QString();
    return r;
}

// Opens its own connection, runs one integer query and closes it again.
inline qint64 scalar(const QString &dbPath, const QString &sql)
{
    const QString name = QStringLiteral("scalar-%1").arg(QDateTime::currentMSecsSinceEpoch());
    qint64 out = -1;
    {
        QString error;
        QSqlDatabase db = Database::open(dbPath, name, &error);
        QSqlQuery q(db);
        if (db.isOpen() && q.exec(sql) && q.next())
            out = q.value(0).toLongLong();
    }
    Database::close(name);
    return out;
}

inline qint64 rowCount(const QString &dbPath)
{
    return scalar(dbPath, QStringLiteral("SELECT COUNT(*) FROM requests"));
}

} // namespace patchbay::test
