// bench_ledger_rows: what one row costs the ledger thread. Appends batches of rows the way a
// busy gateway does (one model, one client, a share of them with captured headers), flushes
// each batch as one transaction and reads the ledger thread's own CPU time around it. That time
// is noisy on a shared machine; instruction counts are not. Under callgrind, collect only the
// writer's work and divide the instructions by the rows it prints:
//   valgrind --tool=callgrind --toggle-collect='patchbay::LedgerWriter::writePending()' bench_ledger_rows --runs 1
// A big ledger makes deeper b-trees: write one with --prefill N --runs 0, then measure copies of
// it with --keep.

#include "database.h"
#include "usageledger.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QSqlQuery>
#include <QTextStream>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <random>
#include <vector>

#ifdef Q_OS_LINUX
#include <sys/resource.h>
#endif

using namespace patchbay;

namespace {

const qint64 kStartMs = QDateTime(QDate(2025, 6, 1), QTime(9, 0), Qt::UTC).toMSecsSinceEpoch();

// Headers as the gateway captures them by default (redacted, no bodies): ~400 bytes a call.
std::shared_ptr<const RequestCapture> headerCapture(int contentLength)
{
    auto c = std::make_shared<RequestCapture>();
    c->headersCaptured = true;
    c->requestHeaders = "POST /v1/chat/completions HTTP/1.1\r\nContent-Length: " + QByteArray::number(contentLength)
        + "\r\nHost: 127.0.0.1:21004\r\nContent-Type: application/json\r\nAuthorization: Bearer [redacted]\r\n"
          "User-Agent: OpenAI/Python 1.82.0\r\nAccept: application/json\r\n";
    c->responseHeaders = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 512\r\n"
                         "X-Request-Id: req_0196f1c2a3b4c5d6e7f8\r\nConnection: keep-alive\r\n";
    return c;
}

// Ids as ChatRelay::newRequestId() makes them: time first, then random hex.
QString requestId(qint64 ms, std::mt19937_64 &random)
{
    return QStringLiteral("req_%1%2")
        .arg(quint64(ms) & 0xffff'ffff'ffffULL, 12, 16, QLatin1Char('0'))
        .arg(random(), 16, 16, QLatin1Char('0'));
}

struct Rows
{
    std::mt19937_64 random{42};
    qint64 next = 0;

    UsageRecord make(int capturePercent)
    {
        std::uniform_int_distribution<int> pick(0, 99);
        const qint64 at = kStartMs + next++ * 2; // 500 calls a second
        UsageRecord r;
        r.requestId = requestId(at, random);
        r.startedAtMs = at;
        r.client = QStringLiteral("cursor");
        r.endpoint = QStringLiteral("/v1/chat/completions");
        r.provider = QStringLiteral("openai");
        r.requestedModel = QStringLiteral("gpt-4o-mini");
        r.upstreamModel = QStringLiteral("gpt-4o-mini");
        r.stream = pick(random) < 70;
        const int roll = pick(random);
        r.status = roll < 2 ? 502 : roll < 3 ? 499 : 200;
        if (r.status != 200)
            r.error = QStringLiteral("The provider answered %1.").arg(r.status);
        r.inputTokens = 100 + pick(random) * 7;
        r.outputTokens = 20 + pick(random) * 3;
        r.cacheReadTokens = 0;
        r.usageSource = QStringLiteral("provider");
        r.costUsd = (double(r.inputTokens) * 0.15 + double(r.outputTokens) * 0.6) / 1e6;
        r.catalogVersion = QStringLiteral("2025-06-01");
        r.latencyMs = 300 + pick(random) * 5;
        r.ttfbMs = r.latencyMs / 4;
        r.ttftMs = r.stream ? r.latencyMs / 3 : -1;
        if (pick(random) < capturePercent)
            r.capture = headerCapture(int(r.inputTokens));
        return r;
    }
};

struct ThreadTimes
{
    double cpuUs = 0; // exact
    double userUs = 0; // these two are split by sampling at the scheduler's tick: a rough guide
    double systemUs = 0;
};

// The calling thread's CPU time so far.
ThreadTimes threadTimes()
{
    ThreadTimes t;
    timespec cpu = {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu);
    t.cpuUs = double(cpu.tv_sec) * 1e6 + double(cpu.tv_nsec) / 1e3;
#ifdef Q_OS_LINUX
    rusage u = {};
    getrusage(RUSAGE_THREAD, &u);
    t.userUs = double(u.ru_utime.tv_sec) * 1e6 + double(u.ru_utime.tv_usec);
    t.systemUs = double(u.ru_stime.tv_sec) * 1e6 + double(u.ru_stime.tv_usec);
#endif
    return t;
}

ThreadTimes ledgerThreadTimes(UsageLedger &ledger)
{
    ThreadTimes t;
    ledger.runOnWriterConnection([&t](QSqlDatabase &) { t = threadTimes(); });
    return t;
}

void writeBatches(UsageLedger &ledger, Rows &rows, int batches, int batchRows, int capturePercent)
{
    std::vector<UsageRecord> batch;
    for (int b = 0; b < batches; ++b) {
        batch.clear();
        for (int i = 0; i < batchRows; ++i)
            batch.push_back(rows.make(capturePercent));
        for (const UsageRecord &r : batch)
            ledger.append(r);
        ledger.flush();
    }
}

qint64 rowsIn(const QString &path)
{
    qint64 n = 0;
    {
        QString error;
        QSqlDatabase db = Database::open(path, QStringLiteral("count"), &error);
        QSqlQuery q(db);
        if (q.exec(QStringLiteral("SELECT COUNT(*) FROM requests")) && q.next())
            n = q.value(0).toLongLong();
    }
    Database::close(QStringLiteral("count"));
    return n;
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("The ledger thread's CPU time per row."));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("db"), QStringLiteral("The database (default /dev/shm/bench-ledger-rows.db)."), QStringLiteral("path"),
                      QStringLiteral("/dev/shm/bench-ledger-rows.db")});
    parser.addOption({QStringLiteral("keep"), QStringLiteral("Write into the database as it is instead of starting a new one.")});
    parser.addOption({QStringLiteral("prefill"), QStringLiteral("Rows written before the measured runs (default 0)."), QStringLiteral("n"), QStringLiteral("0")});
    parser.addOption({QStringLiteral("batches"), QStringLiteral("Transactions per run (default 20)."), QStringLiteral("n"), QStringLiteral("20")});
    parser.addOption({QStringLiteral("batch-rows"), QStringLiteral("Rows per transaction (default 500)."), QStringLiteral("n"), QStringLiteral("500")});
    parser.addOption({QStringLiteral("capture"), QStringLiteral("Percent of rows with captured headers (default 30)."), QStringLiteral("n"), QStringLiteral("30")});
    parser.addOption({QStringLiteral("runs"), QStringLiteral("Measured runs (default 5)."), QStringLiteral("n"), QStringLiteral("5")});
    parser.process(app);
    const QString path = parser.value(QStringLiteral("db"));
    const int batches = parser.value(QStringLiteral("batches")).toInt();
    const int batchRows = parser.value(QStringLiteral("batch-rows")).toInt();
    const int capturePercent = parser.value(QStringLiteral("capture")).toInt();
    const int runs = parser.value(QStringLiteral("runs")).toInt();
    const qint64 prefill = parser.value(QStringLiteral("prefill")).toLongLong();

    if (!parser.isSet(QStringLiteral("keep"))) {
        for (const char *suffix : {"", "-wal", "-shm"})
            QFile::remove(path + QLatin1String(suffix));
    }
    UsageLedger ledger(path);
    QString error;
    if (!ledger.start(&error))
        qFatal("%s", qPrintable(error));
    Rows rows;
    // Rows of an earlier run are in a kept database: go on after them, as time does.
    if (parser.isSet(QStringLiteral("keep"))) {
        rows.next = rowsIn(path);
        rows.random.seed(quint64(rows.next) + 42);
    }
    writeBatches(ledger, rows, int(prefill / batchRows), batchRows, capturePercent);

    QTextStream out(stdout);
    std::vector<double> cpu, user, system, wall;
    const qint64 perRun = qint64(batches) * batchRows;
    for (int run = 0; run < runs; ++run) {
        const ThreadTimes before = ledgerThreadTimes(ledger);
        const auto start = std::chrono::steady_clock::now();
        writeBatches(ledger, rows, batches, batchRows, capturePercent);
        const double wallUs = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
        const ThreadTimes after = ledgerThreadTimes(ledger);
        cpu.push_back((after.cpuUs - before.cpuUs) / double(perRun));
        user.push_back((after.userUs - before.userUs) / double(perRun));
        system.push_back((after.systemUs - before.systemUs) / double(perRun));
        wall.push_back(wallUs / double(perRun));
        out << "run " << run + 1 << ": ledger thread " << QString::number(cpu.back(), 'f', 2) << " us/row (user "
            << QString::number(user.back(), 'f', 2) << ", system " << QString::number(system.back(), 'f', 2) << "), wall "
            << QString::number(wall.back(), 'f', 2) << " us/row\n" << Qt::flush;
    }
    ledger.stop();
    out << "rows measured: " << perRun * runs << " (" << batches << " x " << batchRows << " per run, " << capturePercent
        << "% captured, " << prefill << " prefilled)\n";
    if (runs > 0)
        out << "median: ledger thread " << QString::number(median(cpu), 'f', 2) << " us/row (user ~"
            << QString::number(median(user), 'f', 2) << ", system ~" << QString::number(median(system), 'f', 2) << "); wall "
            << QString::number(median(wall), 'f', 2) << " us/row\n";
    return 0;
}
