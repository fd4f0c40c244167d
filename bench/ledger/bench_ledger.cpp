// bench_ledger: how fast the usage ledger writes, and how fast the dashboard's questions are
// answered on a big ledger. Prints a markdown section for docs/benchmarks.md on stdout and its
// progress on stderr. See bench/README.md.

#include "benchrows.h"
#include "database.h"
#include "ledgerquery.h"
#include "ledgerrow.h"
#include "usageledger.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QSaveFile>
#include <QSqlError>
#include <QSqlQuery>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QTextStream>
#include <QThread>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <thread>
#include <vector>

using namespace patchbay;
using Clock = std::chrono::steady_clock;

namespace {

constexpr qint64 kDayMs = 86'400'000;
constexpr int kAppenders = 2;
// The generated ledger ends here, so every run asks the same questions of the same rows.
const qint64 kEndMs = QDateTime(QDate(2025, 6, 1), QTime(0, 0), Qt::UTC).toMSecsSinceEpoch();

double secondsSince(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

QTextStream &err()
{
    static QTextStream s(stderr);
    return s;
}

// "1.02 0.98 0.91" on Linux; the machine's other work shows in every figure.
QString loadAverage()
{
    QFile f(QStringLiteral("/proc/loadavg"));
    if (!f.open(QIODevice::ReadOnly))
        return QStringLiteral("?");
    return QString::fromLatin1(f.readAll()).section(QLatin1Char(' '), 0, 2);
}

QString thousands(double v)
{
    return QLocale(QLocale::English).toString(v, 'f', 0);
}

struct WriteResult
{
    qint64 rows = 0;
    double seconds = 0;       // first append to last commit
    double appendNsPerRow = 0; // cost of append() on the calling thread
    qsizetype maxQueue = 0;
    double drainMs = 0;        // last append to last commit
};

// Appenders on kAppenders threads; rowsPerSecond 0 = as fast as they can.
WriteResult writeRun(const QString &path, qint64 rows, double rowsPerSecond)
{
    UsageLedger ledger(path);
    QString error;
    if (!ledger.start(&error))
        qFatal("%s", qPrintable(error));
    std::atomic<qint64> appendNs{0};
    std::atomic<int> running{kAppenders};
    const auto start = Clock::now();
    std::vector<std::thread> threads;
    for (int t = 0; t < kAppenders; ++t) {
        threads.emplace_back([&, t] {
            BenchRows make(42 + t);
            const qint64 mine = rows / kAppenders;
            const double perThreadRate = rowsPerSecond / kAppenders;
            std::vector<UsageRecord> prepared;
            prepared.reserve(static_cast<size_t>(mine));
            for (qint64 i = 0; i < mine; ++i)
                prepared.push_back(make.make(QStringLiteral("w%1_%2").arg(t).arg(i), kEndMs + i));
            qint64 ns = 0;
            for (qint64 i = 0; i < mine; ++i) {
                if (perThreadRate > 0) {
                    // Paced: row i is due at i / rate seconds after the start.
                    const auto due = start + std::chrono::nanoseconds(static_cast<qint64>(static_cast<double>(i) * 1e9 / perThreadRate));
                    std::this_thread::sleep_until(due);
                }
                const auto a = Clock::now();
                ledger.append(prepared[static_cast<size_t>(i)]);
                ns += std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - a).count();
            }
            appendNs += ns;
            --running;
        });
    }
    WriteResult r;
    while (running.load() > 0) {
        r.maxQueue = std::max(r.maxQueue, ledger.pendingCount());
        QThread::msleep(2);
    }
    const auto lastAppend = Clock::now();
    for (std::thread &t : threads)
        t.join();
    ledger.flush();
    while (ledger.pendingCount() > 0) // a batch the writer took before flush() may still be committing
        QThread::msleep(1);
    r.seconds = secondsSince(start);
    r.drainMs = secondsSince(lastAppend) * 1000;
    r.rows = rows / kAppenders * kAppenders;
    r.appendNsPerRow = static_cast<double>(appendNs.load()) / static_cast<double>(r.rows);
    ledger.stop();
    return r;
}

// A ledger of `rows` calls spread evenly over `days` days up to kEndMs, written the way the
// ledger writes (same statement, same triggers), in large transactions.
double generate(const QString &path, qint64 rows, int days)
{
    const auto start = Clock::now();
    QString error;
    {
        QSqlDatabase db = Database::open(path, QStringLiteral("generate"), &error);
        if (!db.isOpen())
            qFatal("%s", qPrintable(error));
        QSqlQuery q(db);
        q.prepare(LedgerRow::insertStatement(LedgerRow::Conflict::Fail));
        BenchRows make(7);
        const double spacing = static_cast<double>(days * kDayMs) / static_cast<double>(rows);
        const qint64 first = kEndMs - days * kDayMs;
        db.transaction();
        for (qint64 i = 0; i < rows; ++i) {
            LedgerRow::bind(q, make.make(QStringLiteral("g%1").arg(i), first + static_cast<qint64>(static_cast<double>(i) * spacing)));
            if (!q.exec())
                qFatal("generating: %s", qPrintable(q.lastError().text()));
            if (i % 100'000 == 99'999) {
                db.commit();
                db.transaction();
                err() << "  generated " << (i + 1) << " rows\n" << Qt::flush;
            }
        }
        db.commit();
        QSqlQuery(db).exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));
    }
    Database::close(QStringLiteral("generate"));
    return secondsSince(start);
}

struct Timing
{
    QString question;
    double firstMs = 0;  // the first run on a fresh connection (empty SQLite page cache)
    double medianMs = 0; // of the next runs
    QString answer;      // rows in the answer, to show it did the work
};

Timing timeQuery(const QString &question, const std::function<qsizetype()> &run, int repeats)
{
    Timing t;
    t.question = question;
    std::vector<double> ms;
    for (int i = 0; i <= repeats; ++i) {
        const auto start = Clock::now();
        const qsizetype n = run();
        const double elapsed = secondsSince(start) * 1000;
        if (i == 0) {
            t.firstMs = elapsed;
            t.answer = QString::number(n);
        } else {
            ms.push_back(elapsed);
        }
    }
    std::sort(ms.begin(), ms.end());
    t.medianMs = ms[ms.size() / 2];
    return t;
}

// Replaces the "## Ledger" section of the markdown file at path (up to the next "## " heading),
// or appends it; every other section (the gateway harness's) stays as it is.
bool writeSection(const QString &path, const QString &section)
{
    QString old;
    QFile in(path);
    if (in.open(QIODevice::ReadOnly))
        old = QString::fromUtf8(in.readAll());
    else
        old = QStringLiteral("# Benchmarks\n\nFigures from the harnesses in `bench/`, measured on the project's 2-core machine.\n");
    QStringList lines = old.split(QLatin1Char('\n'));
    const qsizetype start = lines.indexOf(QStringLiteral("## Ledger"));
    QString updated;
    if (start < 0) {
        while (old.endsWith(QLatin1Char('\n')))
            old.chop(1);
        updated = old + QStringLiteral("\n\n") + section;
    } else {
        qsizetype end = start + 1;
        while (end < lines.size() && !lines.at(end).startsWith(QLatin1String("## ")))
            ++end;
        const QString tail = lines.mid(end).join(QLatin1Char('\n'));
        updated = lines.mid(0, start).join(QLatin1Char('\n')) + (start > 0 ? QStringLiteral("\n") : QString()) + section
            + (tail.isEmpty() ? QString() : QStringLiteral("\n") + tail);
    }
    QSaveFile out(path);
    if (!out.open(QIODevice::WriteOnly))
        return false;
    out.write(updated.toUtf8());
    return out.commit();
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("The usage ledger's write rate and the dashboard's query times."));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("rows"), QStringLiteral("Rows in the generated ledger (default 1000000)."), QStringLiteral("n"), QStringLiteral("1000000")});
    parser.addOption({QStringLiteral("days"), QStringLiteral("Days they span (default 90)."), QStringLiteral("n"), QStringLiteral("90")});
    parser.addOption({QStringLiteral("write-rows"), QStringLiteral("Rows per write run (default 200000)."), QStringLiteral("n"), QStringLiteral("200000")});
    parser.addOption({QStringLiteral("rate"), QStringLiteral("Rows/s of the paced write run (default 20000)."), QStringLiteral("n"), QStringLiteral("20000")});
    parser.addOption({QStringLiteral("repeats"), QStringLiteral("Timed runs of each query after the first (default 5)."), QStringLiteral("n"), QStringLiteral("5")});
    parser.addOption({QStringLiteral("out"), QStringLiteral("Also write the section into <file> (e.g. docs/benchmarks.md), replacing its \"## Ledger\" section."), QStringLiteral("file")});
    parser.addOption({QStringLiteral("note"), QStringLiteral("A line printed above the figures, e.g. \"machine busy\"."), QStringLiteral("text")});
    parser.addOption({QStringLiteral("dir"), QStringLiteral("Keep the databases in <dir> (default: a temporary folder, removed after)."), QStringLiteral("dir")});
    parser.process(app);
    const qint64 rows = parser.value(QStringLiteral("rows")).toLongLong();
    const int days = parser.value(QStringLiteral("days")).toInt();
    const qint64 writeRows = parser.value(QStringLiteral("write-rows")).toLongLong();
    const double rate = parser.value(QStringLiteral("rate")).toDouble();
    const int repeats = std::max(1, parser.value(QStringLiteral("repeats")).toInt());

    QTemporaryDir temp;
    const QString dir = parser.isSet(QStringLiteral("dir")) ? parser.value(QStringLiteral("dir")) : temp.path();
    QDir().mkpath(dir);
    for (const char *name : {"burst.db", "paced.db", "dashboard.db"}) {
        for (const char *suffix : {"", "-wal", "-shm"})
            QFile::remove(QDir(dir).filePath(QLatin1String(name) + QLatin1String(suffix)));
    }
    const auto total = Clock::now();
    const QString loadBefore = loadAverage();

    err() << "Write, as fast as " << kAppenders << " threads can append: " << writeRows << " rows\n" << Qt::flush;
    const WriteResult burst = writeRun(QDir(dir).filePath(QStringLiteral("burst.db")), writeRows, 0);
    const qint64 pacedRows = static_cast<qint64>(rate * 5);
    err() << "Write, paced at " << rate << " rows/s for 5 s\n" << Qt::flush;
    const WriteResult paced = writeRun(QDir(dir).filePath(QStringLiteral("paced.db")), pacedRows, rate);

    const QString dashboard = QDir(dir).filePath(QStringLiteral("dashboard.db"));
    err() << "Generate " << rows << " rows over " << days << " days\n" << Qt::flush;
    const double generateSeconds = generate(dashboard, rows, days);

    err() << "Query\n" << Qt::flush;
    QList<Timing> timings;
    QString error;
    {
        QSqlDatabase db = Database::open(dashboard, QStringLiteral("dashboard"), &error);
        if (!db.isOpen())
            qFatal("%s", qPrintable(error));
        const LedgerQuery query(db);
        const qint64 month = kEndMs - 30 * kDayMs;
        const qint64 week = kEndMs - 7 * kDayMs;
        timings.append(timeQuery(QStringLiteral("spend per day per model, 30 days"), [&] {
            return query.usagePerDay(month, kEndMs, LedgerDimension::Model).size();
        }, repeats));
        timings.append(timeQuery(QStringLiteral("tokens per day per provider, 30 days"), [&] {
            return query.usagePerDay(month, kEndMs, LedgerDimension::Provider).size();
        }, repeats));
        timings.append(timeQuery(QStringLiteral("spend per day per client, 90 days"), [&] {
            return query.usagePerDay(kEndMs - 90 * kDayMs, kEndMs, LedgerDimension::Client).size();
        }, repeats));
        timings.append(timeQuery(QStringLiteral("p50/p95/p99 latency per model, 7 days"), [&] {
            return query.latencyPerModel(week, kEndMs).size();
        }, repeats));
        timings.append(timeQuery(QStringLiteral("p50/p95/p99 latency per model, 30 days"), [&] {
            return query.latencyPerModel(month, kEndMs).size();
        }, repeats));
        timings.append(timeQuery(QStringLiteral("error rate per provider, 30 days"), [&] {
            return query.usageTotals(month, kEndMs, LedgerDimension::Provider).size();
        }, repeats));
        timings.append(timeQuery(QStringLiteral("latest 500 requests (Requests page)"), [&] {
            return query.latest(500).size();
        }, repeats));
    }
    Database::close(QStringLiteral("dashboard"));
    const double totalSeconds = secondsSince(total);

    QString section;
    QTextStream out(&section);
    out << "## Ledger\n\n";
    out << "Written by `bench_ledger` (see `bench/README.md`); each run replaces this section.\n\n";
    if (parser.isSet(QStringLiteral("note")))
        out << "> **" << parser.value(QStringLiteral("note")) << "**\n\n";
    out << "`" << QCoreApplication::arguments().join(QLatin1Char(' ')).replace(QDir::currentPath() + QLatin1Char('/'), QString())
        << "` on " << QSysInfo::prettyProductName() << ", " << QThread::idealThreadCount() << " cores, "
        << QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyy-MM-dd")) << "; databases in "
        << (parser.isSet(QStringLiteral("dir")) ? dir : QStringLiteral("a temporary folder")) << "; whole run "
        << QString::number(totalSeconds, 'f', 0) << " s; load average " << loadBefore << " before, " << loadAverage()
        << " after.\n\n";
    out << "**Writes** (`UsageLedger`, " << kAppenders << " appending threads, WAL, synchronous=NORMAL, usage_hourly kept as in use):\n\n";
    out << "| run | rows | rows/s written | append() on the caller | most rows queued | last append → last commit |\n";
    out << "|---|---:|---:|---:|---:|---:|\n";
    out << "| as fast as possible | " << thousands(static_cast<double>(burst.rows)) << " | **" << thousands(static_cast<double>(burst.rows) / burst.seconds)
        << "** | " << QString::number(burst.appendNsPerRow, 'f', 0) << " ns | " << thousands(static_cast<double>(burst.maxQueue)) << " | "
        << QString::number(burst.drainMs, 'f', 0) << " ms |\n";
    out << "| paced at " << thousands(rate) << "/s for 5 s | " << thousands(static_cast<double>(paced.rows)) << " | "
        << thousands(static_cast<double>(paced.rows) / paced.seconds) << " | " << QString::number(paced.appendNsPerRow, 'f', 0) << " ns | "
        << thousands(static_cast<double>(paced.maxQueue)) << " | " << QString::number(paced.drainMs, 'f', 0) << " ms |\n\n";
    out << "**Dashboard questions** on " << thousands(static_cast<double>(rows)) << " rows over " << days << " days ("
        << QString::number(static_cast<double>(QFileInfo(dashboard).size()) / 1e6, 'f', 0) << " MB; generated in "
        << QString::number(generateSeconds, 'f', 1) << " s, i.e. " << thousands(static_cast<double>(rows) / generateSeconds)
        << " rows/s in 100k-row transactions), each on a fresh connection, then " << repeats << " more times:\n\n";
    out << "| question | answer rows | first run | median |\n|---|---:|---:|---:|\n";
    for (const Timing &t : timings)
        out << "| " << t.question << " | " << t.answer << " | " << QString::number(t.firstMs, 'f', 1) << " ms | "
            << QString::number(t.medianMs, 'f', 1) << " ms |\n";
    out.flush();
    QTextStream(stdout) << section << Qt::flush;
    if (parser.isSet(QStringLiteral("out")) && !writeSection(parser.value(QStringLiteral("out")), section)) {
        err() << "Could not write " << parser.value(QStringLiteral("out")) << "\n";
        return 1;
    }
    return 0;
}
