#pragma once

#include "usagerecord.h"

#include <QJsonObject>
#include <QStringList>

namespace patchbay {

// A ledger row as JSON: the spill file's lines and the JSON export. Keys are the database's
// column names; unknown values are null, never 0.
class LedgerJson
{
public:
    // Every key toJson() writes, in the order exports list them.
    static QStringList fieldNames();
    // The requests row only: what exports and logs show. Never the capture.
    static QJsonObject toJson(const UsageRecord &r);
    // For the spill file, where nothing may be lost: toJson() and, when the record has one,
    // its capture under "capture" (headers as text, bodies in base64).
    static QJsonObject toSpillJson(const UsageRecord &r);
    // Reads what toJson() or toSpillJson() writes; started_at_ms is authoritative, started_at
    // is for people. False with a sentence in *error when request_id or started_at_ms is missing.
    static bool fromJson(const QJsonObject &o, UsageRecord *out, QString *error);
};

} // namespace patchbay
