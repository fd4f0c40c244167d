#pragma once

#include "appconfig.h"
#include "pricecatalog.h"

#include <QList>
#include <QString>

#include <functional>
#include <limits>

namespace patchbay {

struct RepriceResult
{
    qint64 repriced = 0; // rows that now have a cost
    qint64 unknown = 0;  // rows priced as unknown: no price for the model, or tokens missing
    qint64 skipped = 0;  // rows left as they were: their provider is no longer configured (or
                         // the call never reached one), so nothing says where it was sent
};

// Recomputes cost_usd and catalog_version of ledger rows from their stored tokens, provider,
// upstream model and start time, with a catalog and the config's price overrides: after a
// catalog update, or when the user corrects a price. Tokens are the source of truth; a cost is
// only ever derived from them. Works synchronously on its own database connection, in
// transactions of batchSize rows so that the ledger thread is never locked out for long:
// run it on a worker thread.
class Repricer
{
public:
    Repricer(PriceCatalog catalog, QList<ProviderConfig> providers);

    void setBatchSize(int rows) { m_batchSize = rows > 0 ? rows : 1; }
    // Called after each batch with the rows done so far; returning false stops after that batch.
    void setProgress(std::function<bool(qint64 rowsDone)> progress) { m_progress = std::move(progress); }

    // Reprices the rows whose started_at (ms since the Unix epoch) lies in [fromMs, toMs); the
    // defaults take the whole ledger. False with a sentence in *error if the database failed;
    // the batches committed before stay repriced, which is harmless: repricing is idempotent.
    bool run(const QString &databasePath, RepriceResult *result, QString *error,
             qint64 fromMs = std::numeric_limits<qint64>::min(), qint64 toMs = std::numeric_limits<qint64>::max());

private:
    PriceCatalog m_catalog;
    QList<ProviderConfig> m_providers;
    int m_batchSize = 5000;
    std::function<bool(qint64)> m_progress;
};

} // namespace patchbay
