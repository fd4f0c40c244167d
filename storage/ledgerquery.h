#pragma once

#include "usagerecord.h"

#include <QList>
#include <QSqlDatabase>

namespace patchbay {

// Reads the request ledger. Each method is one indexed query.
class LedgerQuery
{
public:
    explicit LedgerQuery(QSqlDatabase db);

    // Newest first.
    QList<UsageRecord> latest(int limit, QString *error = nullptr) const;
    qint64 count(QString *error = nullptr) const;

private:
    QSqlDatabase m_db;
};

} // namespace patchbay
