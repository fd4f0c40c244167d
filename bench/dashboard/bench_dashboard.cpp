// bench_dashboard: the Usage page's refresh and the Requests page's paging on a ledger of a
// million calls over 90 days. Prints a markdown section for docs/benchmarks.md on stdout and its
// progress on stderr. Not a test: it measures, it does not judge.

#include "benchrows.h"
#include "dashboard.h"
#include "dashboardsql.h"
#include "database.h"
#include "ledgerrow.h"
#include "requestpagemodel.h"
#include "requestspage.h"
#include "usagepage.h"
#include "workspace.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QScrollBar>
#include <QSignalSpy>
#include <QSqlError>
#include <QSqlQuery>
#include <QSysInfo>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTextStream>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <vector>

using namespace patchbay;

namespace {

constexpr qint64 kDayMs = 86'400'000;
const qint64 kEndMs = QDateTime(QDate(2025, 6, 1), QTime(0, 0), Qt::UTC).toMSecsSinceEpoch();
// "Now" for the page: the last hour of the generated ledger, so today has calls.
const qint64 kNowMs = kEndMs - 1800'000;

QTextStream &out()
{
    static QTextStream s(stdout);
    return s;
}

QTextStream &err()
{
    static QTextStream s(stderr);
    return s;
}

double ms(const QElapsedTimer &t)
{
    return static_cast<double>(t.nsecsElapsed()) / 1e6;
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

QString f1(double v)
{
    return QString::number(v, 'f', 1);
}

// The process's resident memory, in MB (Linux; 0 elsewhere).
double residentMb()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toDouble() / 1024.0;
    }
    return 0;
}

QString loadAverage()
{
    QFile f(QStringLiteral("/proc/loadavg"));
    return f.open(QIODevice::ReadOnly) ? QString::fromLatin1(f.readAll()).section(QLatin1Char(' '), 0, 2) : QStringLiteral("?");
}

void generate(const QString &path, qint64 rows, int days)
{
    QString error;
    QSqlDatabase db = Database::open(path, QStringLiteral("generate"), &error);
    if (!db.isOpen())
        qFatal("%s", qPrintable(error));
    {
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
                err() << "  " << (i + 1) << " rows\n" << Qt::flush;
            }
        }
        db.commit();
    }
    db = {};
    Database::close(QStringLiteral("generate"));
}

// The pages need a Workspace only for the gateway's address; the dashboard gets the path.
class BenchWorkspace final : public Workspace
{
public:
    explicit BenchWorkspace(QString path)
        : m_path(std::move(path))
    {
    }
    AppConfig config() const override { return {}; }
    bool saveConfig(const AppConfig &, QString *) override { return false; }
    SecretStore *secrets() const override { return nullptr; }
    void reloadKeys() override {}
    QSqlDatabase database() const override { return {}; }
    QString databasePath() const override { return m_path; }
    AccessTokenStore tokens() const override { return AccessTokenStore(QSqlDatabase()); }
    void reloadTokens() override {}
    UsageLedger *ledger() const override { return nullptr; }
    GatewayStatus gatewayStatus() const override { return {}; }
    QStringList keyProblems() const override { return {}; }

private:
    QString m_path;
};

UsageQuery queryFor(int days)
{
    UsageQuery q;
    q.nowMs = kNowMs;
    q.toMs = kEndMs; // kNowMs's day ends at kEndMs (UTC)
    q.fromMs = kEndMs - days * kDayMs;
    return q;
}

// Longest gap between ticks of a 1 ms timer: the UI thread's longest stall while it ran.
class StallMeter : public QObject
{
public:
    StallMeter()
    {
        m_timer.setInterval(1);
        connect(&m_timer, &QTimer::timeout, this, [this] {
            if (m_last.isValid())
                m_max = std::max(m_max, ms(m_last));
            m_last.start();
        });
    }
    void start()
    {
        m_max = 0;
        m_last.invalidate();
        m_timer.start();
    }
    double stop()
    {
        m_timer.stop();
        return m_max;
    }

private:
    QTimer m_timer;
    QElapsedTimer m_last;
    double m_max = 0;
};

} // namespace

int main(int argc, char *argv[])
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({QStringLiteral("rows"), QStringLiteral("Rows to generate."), QStringLiteral("n"), QStringLiteral("1000000")});
    parser.addOption({QStringLiteral("db"), QStringLiteral("Reuse (or create) this ledger instead of a temporary one."),
                      QStringLiteral("path")});
    parser.addOption({QStringLiteral("cached-pages"),
                      QStringLiteral("Pages the Requests page keeps in memory in the whole-ledger run (a huge number: "
                                     "keep every page, for comparison)."),
                      QStringLiteral("n"), QString::number(RequestPageModel::kDefaultCachedPages)});
    parser.process(app);
    const int cachedPages = parser.value(QStringLiteral("cached-pages")).toInt();
    const qint64 rows = parser.value(QStringLiteral("rows")).toLongLong();
    QTemporaryDir dir;
    const QString path = parser.isSet(QStringLiteral("db")) ? parser.value(QStringLiteral("db"))
                                                            : dir.filePath(QStringLiteral("patchbay.db"));
    const QString loadBefore = loadAverage();
    QElapsedTimer whole;
    whole.start();
    if (!QFileInfo::exists(path)) {
        err() << "generating " << rows << " rows in " << path << "\n" << Qt::flush;
        generate(path, rows, 90);
    }
    QString error;
    QSqlDatabase db = Database::open(path, QStringLiteral("bench"), &error);
    if (!db.isOpen())
        qFatal("%s", qPrintable(error));

    out() << "`bench_dashboard` on " << QSysInfo::prettyProductName() << ", " << QThread::idealThreadCount()
          << " cores, " << QDate::currentDate().toString(Qt::ISODate) << "; " << rows << " generated rows over 90 days ("
          << QFileInfo(path).size() / 1'000'000 << " MB); load average " << loadBefore << " before.\n\n";

    // A. The worker's part of a refresh: one rollup query over the range, the period before and
    // two months, then the sums in C++.
    err() << "usage queries\n" << Qt::flush;
    out() << "**Usage page, worker side** (`DashboardSql::usage`: the query plus the sums; first run, then median of 5):\n\n"
          << "| range | day rows read | first | median |\n|---|---:|---:|---:|\n";
    struct Case
    {
        QString name;
        UsageQuery q;
    };
    QList<Case> cases{{QStringLiteral("today"), queryFor(1)},
                      {QStringLiteral("7 days"), queryFor(7)},
                      {QStringLiteral("30 days"), queryFor(30)},
                      {QStringLiteral("90 days"), queryFor(90)}};
    Case byClient{QStringLiteral("90 days, by client, one model"), queryFor(90)};
    byClient.q.by = LedgerDimension::Client;
    byClient.q.filter.model = QStringLiteral("gpt-4o");
    cases.append(byClient);
    for (const Case &c : cases) {
        std::vector<double> times;
        qint64 dayRows = 0;
        for (int i = 0; i < 6; ++i) {
            QElapsedTimer t;
            t.start();
            const auto [from, to] = DashboardSql::loadedSpan(c.q);
            const QList<UsageBucket> rowsRead = DashboardSql::dayRows(db, from, to, 0, c.q.filter, nullptr);
            const UsageSnapshot s = DashboardSql::summarize(c.q, rowsRead);
            times.push_back(ms(t));
            dayRows = rowsRead.size();
            Q_UNUSED(s)
        }
        const double first = times.front();
        times.erase(times.begin());
        out() << "| " << c.name << " | " << dayRows << " | " << f1(first) << " ms | " << f1(median(times)) << " ms |\n";
    }
    std::vector<double> latencyTimes;
    for (int i = 0; i < 3; ++i) {
        QElapsedTimer t;
        t.start();
        DashboardSql::latency(db, queryFor(90), nullptr);
        latencyTimes.push_back(ms(t));
    }
    out() << "\nLatency percentiles per model (read after the tiles and charts are on screen, from each call's own "
             "time): 90 days " << f1(median(latencyTimes)) << " ms (median of 3).\n\n";
    {
        // Budgets: spend per client today and this month, exact to the millisecond, re-read after
        // every batch of new calls. An overall budget on both periods makes both queries run.
        const BudgetPeriods periods = BudgetPeriods::at(QDateTime::fromMSecsSinceEpoch(kNowMs, Qt::UTC));
        std::vector<double> times;
        for (int i = 0; i < 5; ++i) {
            QElapsedTimer t;
            t.start();
            DashboardSql::budgets(db, periods, {10.0, 300.0}, nullptr);
            times.push_back(ms(t));
        }
        out() << "Budgets (`DashboardSql::budgets`: spend per client today and this month, re-read after each batch of "
                 "new calls): " << f1(median(times)) << " ms (median of 5).\n\n";
    }

    // B. The page: from asking to the tiles, charts and table being set, on the UI thread.
    err() << "usage page\n" << Qt::flush;
    BenchWorkspace workspace(path);
    Dashboard dashboard(path, nullptr);
    {
        UsagePage page(&dashboard);
        page.resize(1280, 860);
        page.show();
        QSignalSpy refreshed(&page, &UsagePage::refreshed);
        QSignalSpy latency(&page, &UsagePage::latencyShown);
        page.setClock(kNowMs, 0);
        latency.wait(10'000);
        out() << "**Usage page, end to end** (offscreen, 1280×860: `UsagePage::refresh()` until tiles, four charts and "
                 "the table are set; median of 5):\n\n| range | refresh | until latency chart |\n|---|---:|---:|\n";
        const QList<QPair<QString, UsagePage::Range>> ranges{{QStringLiteral("today"), UsagePage::Today},
                                                             {QStringLiteral("30 days"), UsagePage::Last30Days},
                                                             {QStringLiteral("90 days"), UsagePage::Last90Days}};
        for (const auto &[name, range] : ranges) {
            page.setRange(range);
            latency.wait(10'000);
            std::vector<double> refresh, withLatency;
            for (int i = 0; i < 5; ++i) {
                QElapsedTimer t;
                t.start();
                latency.clear();
                page.refresh();
                if (!latency.wait(10'000))
                    qFatal("no answer");
                withLatency.push_back(ms(t));
                refresh.push_back(page.lastRefreshMs());
            }
            out() << "| " << name << " | " << f1(median(refresh)) << " ms | " << f1(median(withLatency)) << " ms |\n";
        }

        // C. A new call: written, announced, folded in (re-reading only its day).
        std::vector<double> live, requery;
        QSqlQuery insert(db);
        insert.prepare(LedgerRow::insertStatement(LedgerRow::Conflict::Fail));
        BenchRows make(99);
        for (int i = 0; i < 5; ++i) {
            const UsageRecord r = make.make(QStringLiteral("live-%1-%2").arg(QDateTime::currentMSecsSinceEpoch()).arg(i), kNowMs);
            LedgerRow::bind(insert, r);
            if (!insert.exec())
                qFatal("%s", qPrintable(insert.lastError().text()));
            QElapsedTimer t;
            t.start();
            refreshed.clear();
            dashboard.notifyRecorded(r);
            if (!refreshed.wait(5000))
                qFatal("no live update");
            live.push_back(ms(t));
            requery.push_back(page.snapshot().queryMs);
        }
        out() << "\nA new call on the 90-day view: on screen " << f1(median(live))
              << " ms after the ledger's signal (of which 250 ms is the deliberate coalescing delay; the re-query of "
                 "today's rows and the sums take " << f1(median(requery)) << " ms).\n\n";
    }

    // D. Requests: keyset pages.
    err() << "request pages\n" << Qt::flush;
    out() << "**Requests page, worker side** (`DashboardSql::requests`, 200 rows a page; median of 5):\n\n"
          << "| page | time |\n|---|---:|\n";
    const auto pageTime = [&](const RequestFilter &f, const RequestCursor &c) {
        std::vector<double> times;
        for (int i = 0; i < 5; ++i)
            times.push_back(DashboardSql::requests(db, f, c, 200).queryMs);
        return median(times);
    };
    out() << "| first page, no filter | " << f1(pageTime({}, {})) << " ms |\n";
    {
        // Page 2,500: the row 500,000 deep, found once by OFFSET for the bench's sake.
        QSqlQuery q(db);
        q.exec(QStringLiteral("SELECT started_at, id FROM requests ORDER BY started_at DESC, id DESC LIMIT 1 OFFSET 500000"));
        q.next();
        const RequestCursor deep{q.value(0).toLongLong(), q.value(1).toLongLong()};
        out() << "| page 2,501 (500,000 rows down), no filter | " << f1(pageTime({}, deep)) << " ms |\n";
    }
    RequestFilter model;
    model.model = QStringLiteral("gpt-4o");
    out() << "| first page, one model | " << f1(pageTime(model, {})) << " ms |\n";
    RequestFilter client;
    client.client = QStringLiteral("ci");
    out() << "| first page, one client | " << f1(pageTime(client, {})) << " ms |\n";
    RequestFilter errors;
    errors.status = RequestFilter::Status::Errors;
    out() << "| first page, errors only (2 % of rows) | " << f1(pageTime(errors, {})) << " ms |\n";
    RequestFilter text;
    text.text = QStringLiteral("g12345");
    out() << "| first page, text \"g12345\" (12 matches: a full scan) | " << f1(pageTime(text, {})) << " ms |\n";
    {
        std::vector<double> counts;
        for (int i = 0; i < 3; ++i) {
            QElapsedTimer t;
            t.start();
            DashboardSql::countRequests(db, {}, nullptr);
            counts.push_back(ms(t));
        }
        out() << "| count of all rows (the summary line) | " << f1(median(counts)) << " ms |\n";
    }

    // E. Scrolling the real view: 100 pages to the bottom, with a stall meter on the UI thread.
    err() << "scrolling\n" << Qt::flush;
    {
        RequestsPage page(&workspace, &dashboard);
        page.resize(1280, 760);
        page.show();
        RequestPageModel *m = page.model();
        if (!QTest::qWaitFor([&] { return m->rowCount() >= 200 && !m->isFetching(); }, 10'000))
            qFatal("no first page");
        StallMeter meter;
        std::vector<double> perPage;
        meter.start();
        QElapsedTimer all;
        all.start();
        for (int i = 0; i < 100; ++i) {
            const int had = m->rowCount();
            QElapsedTimer t;
            t.start();
            page.table()->verticalScrollBar()->setValue(page.table()->verticalScrollBar()->maximum());
            if (!QTest::qWaitFor([&] { return m->rowCount() > had; }, 10'000))
                qFatal("no page");
            perPage.push_back(ms(t));
        }
        const double stall = meter.stop();
        out() << "\n**Requests page, scrolling** (offscreen view, 1280×760: the scroll bar dragged to the bottom 100 times, "
                 "each time until the next page is in): "
              << m->rowCount() << " rows loaded in " << f1(ms(all)) << " ms; a page appears " << f1(median(perPage))
              << " ms (median) after the drag, worst " << f1(*std::max_element(perPage.begin(), perPage.end()))
              << " ms; the UI thread's longest stall meanwhile " << f1(stall) << " ms; "
              << m->cachedRowCount() << " rows held in memory.\n";
    }

    // F. The whole ledger, page after page, as a view scrolled to the bottom reads it: memory
    // stays where it was, since only the most recently used pages keep their rows.
    err() << "scrolling the whole ledger\n" << Qt::flush;
    {
        RequestsPage page(&workspace, &dashboard);
        page.resize(1280, 760);
        page.show();
        RequestPageModel *m = page.model();
        m->setCachedPageLimit(cachedPages);
        if (!QTest::qWaitFor([&] { return m->rowCount() >= 200 && !m->isFetching(); }, 10'000))
            qFatal("no first page");
        const double before = residentMb();
        double at100k = 0;
        int most = 0;
        QElapsedTimer all;
        all.start();
        while (!m->atEnd()) {
            // The view may have asked for the next page itself, as it does at the bottom.
            m->fetchMore({});
            if (!QTest::qWaitFor([&] { return !m->isFetching(); }, 10'000))
                qFatal("no page");
            // The view paints the new bottom rows, so they are the ones it reads.
            page.table()->scrollToBottom();
            QCoreApplication::processEvents();
            most = std::max(most, m->cachedRowCount());
            if (at100k == 0 && m->rowCount() >= 100'000)
                at100k = residentMb();
        }
        out() << "\n**Requests page, the whole ledger** (the same view, every page read to the bottom, each scrolled "
                 "into view): " << m->rowCount() << " rows in " << f1(ms(all) / 1000) << " s; at most " << most
              << " rows held in memory (" << m->cachedPageLimit() << " pages of 200); resident memory "
              << f1(before) << " MB before, " << f1(at100k) << " MB at 100,000 rows, " << f1(residentMb())
              << " MB at the end.\n";
    }
    out() << "\nWhole run " << f1(ms(whole) / 1000) << " s; load average " << loadAverage() << " after.\n";
    db = {};
    Database::close(QStringLiteral("bench"));
    return 0;
}
