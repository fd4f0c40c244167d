#include "repricer.h"

#include "database.h"

#include <QHash>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <QVariant>

#include <optional>
#include <vector>

namespace patchbay {

namespace {

struct Row
{
    qint64 id = 0;
    qint64 startedAtMs = 0;
    QString provider;
    QString upstreamModel;
    TokenUsage usage;
    std::optional<double> costUsd;
    QString catalogVersion;
};

qint64 count(const QVariant &v)
{
    return v.isNull() ? -1 : v.toLongLong();
}

} // namespace

Repricer::Repricer(PriceCatalog catalog, QList<ProviderConfig> providers)
    : m_catalog(std::move(catalog))
    , m_providers(std::move(providers))
{
}

bool Repricer::run(const QString &databasePath, RepriceResult *result, QString *error, qint64 fromMs, qint64 toMs)
{
    *result = {};
    const QString connection = QStringLiteral("repricer-%1-%2")
                                   .arg(reinterpret_cast<quintptr>(this))
                                   .arg(reinterpret_cast<quintptr>(QThread::currentThreadId()));
    bool ok = false;
    {
        QSqlDatabase db = Database::open(databasePath, connection, error);
        if (db.isOpen()) {
            ok = true;
            QHash<QString, const ProviderConfig *> providers;
            for (const ProviderConfig &p : std::as_const(m_providers))
                providers.insert(p.id, &p);

            QSqlQuery select(db);
            select.setForwardOnly(true);
            select.prepare(QStringLiteral(
                "SELECT id, started_at, provider, upstream_model, input_tokens, output_tokens, cache_read_tokens, "
                "cache_write_tokens, reasoning_tokens, cost_usd, catalog_version FROM requests "
                // Pages in started_at order, the requests_started_at index's own (it ends in the
                // rowid), so a narrow range reads only its rows and nothing is sorted.
                "WHERE (started_at, id) > (?, ?) AND started_at < ? ORDER BY started_at, id LIMIT ?"));
            // A changed cost moves the row through the usage_hourly rollup (a trigger on
            // cost_usd); an unchanged one must not, so only the version is written then.
            QSqlQuery update(db);
            update.prepare(QStringLiteral("UPDATE requests SET cost_usd = ?, catalog_version = ? WHERE id = ?"));
            QSqlQuery updateVersion(db);
            updateVersion.prepare(QStringLiteral("UPDATE requests SET catalog_version = ? WHERE id = ?"));
            const QVariant nullCost(QMetaType::fromType<double>());

            qint64 lastStartedAt = fromMs;
            qint64 lastId = std::numeric_limits<qint64>::min();
            for (;;) {
                // Read the batch first and write it in a transaction of its own: a transaction
                // that reads before it writes cannot wait for the ledger's writer in WAL mode.
                std::vector<Row> rows;
                select.addBindValue(lastStartedAt);
                select.addBindValue(lastId);
                select.addBindValue(toMs);
                select.addBindValue(m_batchSize);
                if (!select.exec()) {
                    *error = QStringLiteral("Repricing could not read the ledger: %1").arg(select.lastError().text());
                    ok = false;
                    break;
                }
                while (select.next()) {
                    Row r;
                    r.id = select.value(0).toLongLong();
                    r.startedAtMs = select.value(1).toLongLong();
                    r.provider = select.value(2).toString();
                    r.upstreamModel = select.value(3).toString();
                    r.usage.input = count(select.value(4));
                    r.usage.output = count(select.value(5));
                    r.usage.cacheRead = count(select.value(6));
                    r.usage.cacheWrite = count(select.value(7));
                    r.usage.reasoning = count(select.value(8));
                    if (!select.value(9).isNull())
                        r.costUsd = select.value(9).toDouble();
                    r.catalogVersion = select.value(10).toString();
                    rows.push_back(std::move(r));
                }
                select.finish();
                if (rows.empty())
                    break;
                lastStartedAt = rows.back().startedAtMs;
                lastId = rows.back().id;

                if (!db.transaction()) {
                    *error = QStringLiteral("Repricing could not start writing: %1").arg(db.lastError().text());
                    ok = false;
                    break;
                }
                RepriceResult batch;
                for (const Row &r : rows) {
                    const ProviderConfig *provider = providers.value(r.provider);
                    if (!provider) {
                        ++batch.skipped;
                        continue;
                    }
                    const PriceQuote quote = m_catalog.price(*provider, r.upstreamModel, r.usage,
                                                             QDateTime::fromMSecsSinceEpoch(r.startedAtMs, Qt::UTC));
                    ++(quote.costUsd ? batch.repriced : batch.unknown);
                    const QString version = quote.catalogVersion.isNull() ? QStringLiteral("") : quote.catalogVersion;
                    QSqlQuery *write = nullptr;
                    if (quote.costUsd != r.costUsd) {
                        update.addBindValue(quote.costUsd ? QVariant(*quote.costUsd) : nullCost);
                        update.addBindValue(version);
                        update.addBindValue(r.id);
                        write = &update;
                    } else if (version != r.catalogVersion) {
                        updateVersion.addBindValue(version);
                        updateVersion.addBindValue(r.id);
                        write = &updateVersion;
                    }
                    if (write && !write->exec()) {
                        *error = QStringLiteral("Repricing could not write a row: %1").arg(write->lastError().text());
                        ok = false;
                        break;
                    }
                }
                if (!ok || !db.commit()) {
                    if (ok)
                        *error = QStringLiteral("Repricing could not commit: %1").arg(db.lastError().text());
                    db.rollback();
                    ok = false;
                    break;
                }
                result->repriced += batch.repriced;
                result->unknown += batch.unknown;
                result->skipped += batch.skipped;
                const qint64 done = result->repriced + result->unknown + result->skipped;
                if (m_progress && !m_progress(done))
                    break;
            }
        }
    }
    Database::close(connection);
    return ok;
}

} // namespace patchbay
