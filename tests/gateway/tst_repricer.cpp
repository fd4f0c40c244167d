// Repricing a real ledger file. Expected costs come from the bundled catalog
// (resources/pricing/data.json), worked out by hand; prices are USD per million tokens.
#include "database.h"
#include "repricer.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace patchbay;

namespace {

qint64 ms(const char *iso)
{
    return QDateTime::fromString(QLatin1String(iso), Qt::ISODate).toMSecsSinceEpoch();
}

ProviderConfig provider(const char *id, const char *baseUrl)
{
    ProviderConfig p;
    p.id = QLatin1String(id);
    p.baseUrl = QLatin1String(baseUrl);
    return p;
}

struct LedgerRow
{
    const char *requestId;
    const char *startedAt;
    const char *provider;
    const char *model;
    qint64 input;
    qint64 output;
    qint64 cacheRead;
    qint64 cacheWrite;
    std::optional<double> cost;
    const char *version;
};

QVariant orNull(qint64 v)
{
    return v < 0 ? QVariant(QMetaType::fromType<qint64>()) : QVariant(v);
}

} // namespace

class TestRepricer : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_path;
    QSqlDatabase m_db;
    QList<ProviderConfig> m_providers;

    // The ledger as an older catalog (or none) left it.
    const QList<LedgerRow> m_rows = {
        {"sonnet", "2026-08-01T12:00:00Z", "anthropic", "claude-sonnet-4-5-20250929", 1000, 500, 0, 0, {}, ""},
        {"haiku-routed", "2026-08-01T13:00:00Z", "openrouter", "anthropic/claude-3.5-haiku", 10'000, 1000, 8000, 1000, 999.0, "old"},
        {"sonnet5-before", "2026-08-30T12:00:00Z", "anthropic", "claude-sonnet-5", 1000, 500, 0, 0, {}, "old"},
        {"sonnet5-after", "2026-09-02T12:00:00Z", "anthropic", "claude-sonnet-5", 1000, 500, 0, 0, {}, "old"},
        {"local", "2026-08-03T12:00:00Z", "ollama", "llama3.2", 300, 200, -1, -1, {}, ""},
        {"imaginary", "2026-08-04T12:00:00Z", "anthropic", "claude-imaginary-9", 1000, 500, 0, 0, 1.23, "old"},
        {"no-usage", "2026-08-05T12:00:00Z", "anthropic", "claude-sonnet-4-5", -1, -1, -1, -1, {}, ""},
        {"gone", "2026-08-06T12:00:00Z", "deleted-provider", "gpt-4o", 1000, 1000, 0, 0, 0.5, "old"},
        {"never-sent", "2026-08-07T12:00:00Z", "", "", -1, -1, -1, -1, {}, ""},
    };

    void writeLedger()
    {
        QSqlQuery q(m_db);
        QVERIFY(q.exec(QStringLiteral("DELETE FROM requests")));
        q.prepare(QStringLiteral(
            "INSERT INTO requests (request_id, started_at, endpoint, provider, upstream_model, status, input_tokens, "
            "output_tokens, cache_read_tokens, cache_write_tokens, cost_usd, catalog_version) "
            "VALUES (?, ?, '/v1/chat/completions', ?, ?, 200, ?, ?, ?, ?, ?, ?)"));
        for (const LedgerRow &r : m_rows) {
            q.addBindValue(QLatin1String(r.requestId));
            q.addBindValue(ms(r.startedAt));
            q.addBindValue(QLatin1String(r.provider));
            q.addBindValue(QLatin1String(r.model));
            q.addBindValue(orNull(r.input));
            q.addBindValue(orNull(r.output));
            q.addBindValue(orNull(r.cacheRead));
            q.addBindValue(orNull(r.cacheWrite));
            q.addBindValue(r.cost ? QVariant(*r.cost) : QVariant(QMetaType::fromType<double>()));
            q.addBindValue(QLatin1String(r.version));
            QVERIFY2(q.exec(), qPrintable(q.lastError().text()));
        }
    }

    // cost_usd (invalid QVariant when NULL) and catalog_version of one row.
    std::pair<QVariant, QString> row(const char *requestId) const
    {
        QSqlQuery q(m_db);
        q.prepare(QStringLiteral("SELECT cost_usd, catalog_version FROM requests WHERE request_id = ?"));
        q.addBindValue(QLatin1String(requestId));
        if (!q.exec() || !q.next())
            return {};
        return {q.value(0).isNull() ? QVariant() : q.value(0), q.value(1).toString()};
    }

    double cost(const char *requestId) const { return row(requestId).first.toDouble(); }
    bool unpriced(const char *requestId) const { return !row(requestId).first.isValid(); }

    // The dashboard's rollup must follow every change of cost.
    void verifyRollup() const
    {
        QSqlQuery q(m_db);
        QVERIFY(q.exec(QStringLiteral("SELECT (SELECT TOTAL(cost_usd) FROM requests), (SELECT TOTAL(cost_usd) FROM usage_hourly), "
                                      "(SELECT COUNT(*) FROM requests WHERE cost_usd IS NULL), (SELECT TOTAL(unpriced) FROM usage_hourly)")));
        QVERIFY(q.next());
        QCOMPARE(q.value(1).toDouble() + 1.0, q.value(0).toDouble() + 1.0); // +1: fuzzy compare near zero
        QCOMPARE(q.value(3).toLongLong(), q.value(2).toLongLong());
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_path = m_dir.filePath(QStringLiteral("patchbay.db"));
        QString error;
        m_db = Database::open(m_path, QStringLiteral("test"), &error);
        QVERIFY2(m_db.isOpen(), qPrintable(error));
        ProviderConfig ollama = provider("ollama", "http://127.0.0.1:11434/v1");
        ollama.prices.insert(QStringLiteral("*"), ModelPrice{0.0, 0.0, {}, {}});
        m_providers = {provider("anthropic", "https://api.anthropic.com/v1"), provider("openrouter", "https://openrouter.ai/api/v1"), ollama};
    }

    void init() { writeLedger(); }

    void cleanupTestCase()
    {
        m_db = {};
        Database::close(QStringLiteral("test"));
    }

    void repricesTheWholeLedgerInBatches()
    {
        Repricer repricer(PriceCatalog::bundled(), m_providers);
        repricer.setBatchSize(2); // nine rows: five batches
        int batches = 0;
        repricer.setProgress([&](qint64) {
            ++batches;
            return true;
        });
        RepriceResult result;
        QString error;
        QVERIFY2(repricer.run(m_path, &result, &error), qPrintable(error));
        QCOMPARE(batches, 5);
        QCOMPARE(result.repriced, 5);
        QCOMPARE(result.unknown, 2);
        QCOMPARE(result.skipped, 2);

        const QString version = QStringLiteral("genai-prices@47df840a");
        // anthropic / claude-sonnet-4-5: 1000 × $3 + 500 × $15 = 10500 µ$ = $0.0105
        QCOMPARE(cost("sonnet"), 0.0105);
        QCOMPARE(row("sonnet").second, version);
        // openrouter / anthropic/claude-3.5-haiku, no cache prices: 10000 × 0.8 + 1000 × 4 =
        // 8000 + 4000 = 12000 µ$ = $0.012 (the stored $999 was wrong)
        QCOMPARE(cost("haiku-routed"), 0.012);
        // anthropic / claude-sonnet-5 priced at each row's own start time: before 2026-09-01
        // 1000 × 2 + 500 × 10 = $0.007; after, 1000 × 3 + 500 × 15 = $0.0105
        QCOMPARE(cost("sonnet5-before"), 0.007);
        QCOMPARE(cost("sonnet5-after"), 0.0105);
        // ollama's "*" override: 0
        QCOMPARE(cost("local"), 0.0);
        QCOMPARE(row("local").second, version);
        // Unknown model: the old $1.23 goes, unknown stays unknown, never 0.
        QVERIFY(unpriced("imaginary"));
        QCOMPARE(row("imaginary").second, version);
        QVERIFY(unpriced("no-usage"));
        // A provider no longer configured, or none: left exactly as they were.
        QCOMPARE(cost("gone"), 0.5);
        QCOMPARE(row("gone").second, QStringLiteral("old"));
        QVERIFY(unpriced("never-sent"));
        QCOMPARE(row("never-sent").second, QString(QLatin1String("")));
        verifyRollup();

        // Again: same costs, nothing to move.
        QVERIFY2(repricer.run(m_path, &result, &error), qPrintable(error));
        QCOMPARE(result.repriced, 5);
        QCOMPARE(cost("haiku-routed"), 0.012);
        verifyRollup();
    }

    void onlyTheRangeIsTouched()
    {
        Repricer repricer(PriceCatalog::bundled(), m_providers);
        RepriceResult result;
        QString error;
        // [2026-08-01T13:00, 2026-08-30T12:00): haiku-routed, local, imaginary, no-usage, gone, never-sent
        QVERIFY2(repricer.run(m_path, &result, &error, ms("2026-08-01T13:00:00Z"), ms("2026-08-30T12:00:00Z")), qPrintable(error));
        QCOMPARE(result.repriced, 2); // haiku-routed, local
        QCOMPARE(result.unknown, 2);  // imaginary, no-usage
        QCOMPARE(result.skipped, 2);  // gone, never-sent
        QCOMPARE(cost("haiku-routed"), 0.012);
        QVERIFY(unpriced("sonnet"));          // before the range
        QVERIFY(unpriced("sonnet5-before"));  // the end is exclusive
        QCOMPARE(row("sonnet5-before").second, QStringLiteral("old"));
        verifyRollup();
    }

    void overridesOfTheCurrentConfigApply()
    {
        QList<ProviderConfig> providers = m_providers;
        providers[0].prices.insert(QStringLiteral("claude-sonnet-4-5-20250929"), ModelPrice{1.0, 1.0, {}, {}});
        Repricer repricer(PriceCatalog::bundled(), providers);
        RepriceResult result;
        QString error;
        QVERIFY2(repricer.run(m_path, &result, &error), qPrintable(error));
        // 1000 × $1 + 500 × $1 = 1500 µ$ = $0.0015
        QCOMPARE(cost("sonnet"), 0.0015);
        QCOMPARE(row("sonnet").second, QStringLiteral("genai-prices@47df840a"));
        // Other models keep the catalog's price: 1000 × $3 + 500 × $15 = $0.0105
        QCOMPARE(cost("sonnet5-after"), 0.0105);
        verifyRollup();
    }

    void progressCanStop()
    {
        Repricer repricer(PriceCatalog::bundled(), m_providers);
        repricer.setBatchSize(3);
        qint64 seen = 0;
        repricer.setProgress([&](qint64 done) {
            seen = done;
            return false;
        });
        RepriceResult result;
        QString error;
        QVERIFY2(repricer.run(m_path, &result, &error), qPrintable(error));
        QCOMPARE(seen, 3);
        QCOMPARE(result.repriced + result.unknown + result.skipped, 3);
        QCOMPARE(cost("sonnet"), 0.0105);   // first batch
        QVERIFY(unpriced("sonnet5-after")); // never reached
    }

    void unreadableDatabaseIsAnError()
    {
        Repricer repricer(PriceCatalog::bundled(), m_providers);
        RepriceResult result;
        QString error;
        QVERIFY(!repricer.run(m_dir.filePath(QStringLiteral("missing/dir/patchbay.db")), &result, &error));
        QVERIFY(!error.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestRepricer)
#include "tst_repricer.moc"
