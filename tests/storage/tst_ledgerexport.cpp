#include "database.h"
#include "ledgerexport.h"
#include "ledgerjson.h"
#include "ledgerquery.h"
#include "ledgertestrows.h"
#include "usageledger.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace patchbay;
using patchbay::test::ledgerRow;

namespace {

constexpr qint64 kStart = 1'700'000'000'000;
// Stands in for a provider key: nothing in the ledger may ever carry one.
const char kProviderKey[] = "sk-proj-ledger-export-test-key-0123456789";

// RFC 4180, strictly: fields split on commas, records on CRLF, quotes doubled inside quotes.
QList<QStringList> parseCsv(const QByteArray &text, bool *wellFormed)
{
    QList<QStringList> records;
    QStringList record;
    QByteArray field;
    bool quoted = false;
    bool wasQuoted = false;
    *wellFormed = true;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char c = text.at(i);
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text.at(i + 1) == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == '"') {
            if (!field.isEmpty() || wasQuoted)
                *wellFormed = false;
            quoted = wasQuoted = true;
        } else if (c == ',') {
            record.append(QString::fromUtf8(field));
            field.clear();
            wasQuoted = false;
        } else if (c == '\r' && i + 1 < text.size() && text.at(i + 1) == '\n') {
            record.append(QString::fromUtf8(field));
            records.append(record);
            record.clear();
            field.clear();
            wasQuoted = false;
            ++i;
        } else if (c == '\n' || c == '\r') {
            *wellFormed = false; // a bare line break outside quotes
        } else {
            field += c;
        }
    }
    if (quoted || !field.isEmpty() || !record.isEmpty())
        *wellFormed = false; // every record ends with CRLF
    return records;
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TestLedgerExport : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_path = m_dir.filePath(QStringLiteral("patchbay.db"));
        QString error;
        UsageLedger ledger(m_path);
        QVERIFY2(ledger.start(&error), qPrintable(error));
        for (int i = 0; i < 30; ++i) {
            UsageRecord r = ledgerRow(i, kStart);
            if (i == 4) {
                r.client = QStringLiteral("team, \"ops\"");
                r.error = QStringLiteral("line one\r\nline two, with \"quotes\"");
                r.requestedModel = QStringLiteral("ünïcødé/模型");
            }
            ledger.append(r);
            m_rows.append(r);
        }
        ledger.stop();
        m_db = Database::open(m_path, QStringLiteral("export"), &error);
        QVERIFY2(m_db.isOpen(), qPrintable(error));
    }

    void cleanupTestCase()
    {
        m_db = {};
        Database::close(QStringLiteral("export"));
    }

    void formatComesFromTheFileName()
    {
        QCOMPARE(LedgerExport::formatFor(QStringLiteral("a/b.csv")), LedgerExport::Format::Csv);
        QCOMPARE(LedgerExport::formatFor(QStringLiteral("B.JSON")), LedgerExport::Format::Json);
        QVERIFY(!LedgerExport::formatFor(QStringLiteral("b.xlsx")).has_value());
    }

    void csvQuotesOnlyWhatItMust()
    {
        QCOMPARE(LedgerExport::csvField(QStringLiteral("plain")), QByteArray("plain"));
        QCOMPARE(LedgerExport::csvField(QStringLiteral("a,b")), QByteArray("\"a,b\""));
        QCOMPARE(LedgerExport::csvField(QStringLiteral("say \"hi\"")), QByteArray("\"say \"\"hi\"\"\""));
        QCOMPARE(LedgerExport::csvField(QStringLiteral("two\nlines")), QByteArray("\"two\nlines\""));
        QCOMPARE(LedgerExport::csvField(QString()), QByteArray());
    }

    void csvRoundTrip()
    {
        const QString file = m_dir.filePath(QStringLiteral("range.csv"));
        QString error;
        // [from, to): row 5 is the first in, row 25 the first out.
        const qint64 written = LedgerExport::write(m_db, file, LedgerExport::Format::Csv, kStart + 5, kStart + 25, &error);
        QVERIFY2(written == 20, qPrintable(error));
        const QByteArray text = readAll(file);
        bool wellFormed = false;
        const QList<QStringList> records = parseCsv(text, &wellFormed);
        QVERIFY(wellFormed);
        QCOMPARE(records.size(), 21);
        const QStringList header = records.first();
        QCOMPARE(header, LedgerJson::fieldNames());
        for (int i = 0; i < 20; ++i) {
            const QStringList &fields = records.at(i + 1);
            QCOMPARE(fields.size(), header.size());
            // Back through JSON: a CSV cell is the JSON value's text, empty for unknown.
            QJsonObject o;
            for (qsizetype f = 0; f < header.size(); ++f) {
                const QString &cell = fields.at(f);
                const QString &key = header.at(f);
                if (cell.isEmpty() && key != QLatin1String("error") && key != QLatin1String("retry_of") && key != QLatin1String("client"))
                    o.insert(key, QJsonValue::Null);
                else if (key == QLatin1String("stream"))
                    o.insert(key, cell == QLatin1String("true"));
                else if (key.endsWith(QLatin1String("_ms")) || key.endsWith(QLatin1String("_tokens")) || key == QLatin1String("status")
                         || key == QLatin1String("attempt") || key == QLatin1String("cost_usd"))
                    o.insert(key, cell.toDouble());
                else
                    o.insert(key, cell);
            }
            UsageRecord r;
            QVERIFY2(LedgerJson::fromJson(o, &r, &error), qPrintable(error));
            QCOMPARE(r, m_rows.at(i + 5));
        }
        QVERIFY(!text.contains(kProviderKey));
    }

    void jsonRoundTrip()
    {
        const QString file = m_dir.filePath(QStringLiteral("all.json"));
        QString error;
        QCOMPARE(LedgerExport::write(m_db, file, LedgerExport::Format::Json, 0, kStart + 1'000'000, &error), 30);
        const QByteArray text = readAll(file);
        QJsonParseError parseError;
        const QJsonDocument doc = QJsonDocument::fromJson(text, &parseError);
        QVERIFY2(doc.isArray(), qPrintable(parseError.errorString()));
        QCOMPARE(doc.array().size(), 30);
        for (int i = 0; i < 30; ++i) {
            const QJsonObject o = doc.array().at(i).toObject();
            UsageRecord r;
            QVERIFY(LedgerJson::fromJson(o, &r, &error));
            QCOMPARE(r, m_rows.at(i));
            QCOMPARE(o.value(QLatin1String("cost_usd")).isNull(), !m_rows.at(i).costUsd.has_value());
        }
        QCOMPARE(doc.array().at(0).toObject().value(QLatin1String("started_at")).toString(), QStringLiteral("2023-11-14T22:13:20.000Z"));
        QVERIFY(!text.contains(kProviderKey));
    }

    void emptyRangeGivesAnEmptyButValidFile()
    {
        const QString json = m_dir.filePath(QStringLiteral("none.json"));
        const QString csv = m_dir.filePath(QStringLiteral("none.csv"));
        QString error;
        QCOMPARE(LedgerExport::write(m_db, json, LedgerExport::Format::Json, 0, 1, &error), 0);
        QCOMPARE(QJsonDocument::fromJson(readAll(json)).array().size(), 0);
        QCOMPARE(LedgerExport::write(m_db, csv, LedgerExport::Format::Csv, 0, 1, &error), 0);
        QCOMPARE(readAll(csv).count("\r\n"), 1); // the header alone
    }

    void unwritableTargetIsExplained()
    {
        QString error;
        const QString file = m_dir.filePath(QStringLiteral("missing-folder/out.csv"));
        QCOMPARE(LedgerExport::write(m_db, file, LedgerExport::Format::Csv, 0, kStart * 2, &error), -1);
        QVERIFY2(error.contains(file), qPrintable(error));
    }

    void backupIsACompleteDatabaseAndNeverOverwrites()
    {
        const QString file = m_dir.filePath(QStringLiteral("backup.db"));
        QString error;
        QVERIFY2(Database::backup(m_db, file, &error), qPrintable(error));
        QVERIFY(!(QFile::permissions(file) & QFileDevice::ReadOther));
        {
            QSqlDatabase copy = Database::open(file, QStringLiteral("copy"), &error);
            QVERIFY2(copy.isOpen(), qPrintable(error));
            QList<UsageRecord> rows = LedgerQuery(copy).latest(100);
            std::reverse(rows.begin(), rows.end());
            QCOMPARE(rows, m_rows);
            QCOMPARE(LedgerQuery(copy).usageTotals(0, kStart * 2, LedgerDimension::Provider).size(), 2);
        }
        Database::close(QStringLiteral("copy"));

        const QByteArray before = readAll(file);
        QVERIFY(!Database::backup(m_db, file, &error));
        QVERIFY2(error.contains(QStringLiteral("already exists")) && error.contains(file), qPrintable(error));
        QCOMPARE(readAll(file), before);
        // SQLite would write into an empty existing file; Patchbay refuses that too.
        const QString empty = m_dir.filePath(QStringLiteral("empty.db"));
        QFile(empty).open(QIODevice::WriteOnly);
        QVERIFY(!Database::backup(m_db, empty, &error));
        QVERIFY(!Database::backup(m_db, m_dir.filePath(QStringLiteral("no/such/folder.db")), &error));
        QVERIFY2(error.contains(QStringLiteral("folder")), qPrintable(error));
    }

private:
    QTemporaryDir m_dir;
    QString m_path;
    QSqlDatabase m_db;
    QList<UsageRecord> m_rows;
};

QTEST_GUILESS_MAIN(TestLedgerExport)
#include "tst_ledgerexport.moc"
