// The Usage page on a seeded ledger: tiles, chart series and the table's sort against sums the
// test makes itself from the rows it wrote.

#include "accesstokenstore.h"
#include "dashboard.h"
#include "ledgerrow.h"
#include "testworkspace.h"
#include "usagecharts.h"
#include "usagepage.h"
#include "usagetablemodel.h"
#include "usagetiles.h"
#include "mainwindow.h"

#include <QtCharts/QBarSet>
#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtCharts/QStackedBarSeries>

#include <QApplication>
#include <QListWidget>
#include <QStackedWidget>
#include <QDateTime>
#include <QDir>
#include <QGroupBox>
#include <QProgressBar>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QSqlQuery>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <map>

using namespace patchbay;

namespace {

constexpr qint64 kDayMs = 86'400'000;
// 15 June 2025, 12:00 UTC; the test's zone is UTC.
const qint64 kNow = QDateTime(QDate(2025, 6, 15), QTime(12, 0), Qt::UTC).toMSecsSinceEpoch();
const qint64 kTomorrow = QDateTime(QDate(2025, 6, 16), QTime(0, 0), Qt::UTC).toMSecsSinceEpoch();

struct Seed
{
    const char *provider;
    const char *model;
};
const Seed kModels[] = {{"openai", "gpt-4o"}, {"anthropic", "claude-sonnet-4"}, {"gemini", "gemini-2.5-flash"}};
const char *const kClients[] = {"cursor", "ci"};

// 80 days of calls up to now: a deterministic mix of models, clients, failures and prices.
QList<UsageRecord> seedRows()
{
    QList<UsageRecord> rows;
    int n = 0;
    for (qint64 t = kNow - 80 * kDayMs; t < kNow; t += 47 * 60'000) {
        const Seed &m = kModels[n % 3];
        UsageRecord r;
        r.requestId = QStringLiteral("seed-%1").arg(n);
        r.startedAtMs = t;
        r.client = QLatin1String(kClients[(n / 3) % 2]);
        r.endpoint = QStringLiteral("/v1/chat/completions");
        r.provider = QLatin1String(m.provider);
        r.upstreamModel = QLatin1String(m.model);
        r.requestedModel = r.upstreamModel;
        r.status = n % 17 == 0 ? 502 : n % 29 == 0 ? 499 : 200;
        r.latencyMs = 100 + (n * 37) % 900;
        if (r.status == 200) {
            r.inputTokens = 100 + n % 400;
            r.outputTokens = 10 + n % 90;
            r.cacheReadTokens = n % 5 == 0 ? 50 : 0;
            // Priced per model so the models' spends differ clearly; some calls have no price.
            if (n % 23 != 0)
                r.costUsd = (1 + n % 3) * 0.001 * static_cast<double>(r.inputTokens) / 100.0;
        }
        rows.append(r);
        ++n;
    }
    return rows;
}

void insert(QSqlDatabase db, const QList<UsageRecord> &rows)
{
    QSqlQuery q(db);
    QVERIFY(db.transaction());
    QVERIFY(q.prepare(LedgerRow::insertStatement(LedgerRow::Conflict::Fail)));
    for (const UsageRecord &r : rows) {
        LedgerRow::bind(q, r);
        QVERIFY2(q.exec(), qPrintable(q.lastQuery()));
    }
    QVERIFY(db.commit());
}

struct Sums
{
    qint64 requests = 0;
    qint64 errors = 0;
    qint64 tokens = 0;
    double cost = 0;
};

Sums sum(const QList<UsageRecord> &rows, qint64 from, qint64 to, const std::function<bool(const UsageRecord &)> &keep = {})
{
    Sums s;
    for (const UsageRecord &r : rows) {
        if (r.startedAtMs < from || r.startedAtMs >= to || (keep && !keep(r)))
            continue;
        ++s.requests;
        s.errors += r.status >= 400 && r.status != 499;
        s.tokens += std::max<qint64>(r.inputTokens, 0) + std::max<qint64>(r.outputTokens, 0);
        s.cost += r.costUsd.value_or(0);
    }
    return s;
}

} // namespace

class TestUsagePage : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<testing::TestWorkspace> m_workspace;
    QList<UsageRecord> m_rows;

    // A page showing the last 30 days at kNow, its first answer on screen.
    std::unique_ptr<UsagePage> openPage(Dashboard *dashboard)
    {
        auto page = std::make_unique<UsagePage>(dashboard);
        page->resize(1200, 800);
        QSignalSpy shown(page.get(), &UsagePage::refreshed);
        page->setClock(kNow, 0);
        page->setRange(UsagePage::Last30Days);
        const auto settled = [&] {
            return page->snapshot().query.nowMs == kNow && page->snapshot().query.fromMs == kTomorrow - 30 * kDayMs;
        };
        while (!settled() && shown.wait(5000)) {
        }
        return page;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_workspace = std::make_unique<testing::TestWorkspace>(m_dir.path(), QStringLiteral("patchbay-test-usage"));
        m_rows = seedRows();
        insert(m_workspace->database(), m_rows);
    }

    void tilesMatchTheRows()
    {
        Dashboard dashboard(m_workspace->databasePath(), nullptr);
        auto page = openPage(&dashboard);
        const UsageTiles *tiles = page->tiles();
        const qint64 from = kTomorrow - 30 * kDayMs;
        const Sums range = sum(m_rows, from, kTomorrow);
        const Sums before = sum(m_rows, from - 30 * kDayMs, from);
        const Sums today = sum(m_rows, kTomorrow - kDayMs, kTomorrow);
        const Sums yesterday = sum(m_rows, kTomorrow - 2 * kDayMs, kTomorrow - kDayMs);
        const qint64 june = QDateTime(QDate(2025, 6, 1), QTime(0, 0), Qt::UTC).toMSecsSinceEpoch();
        const qint64 may = QDateTime(QDate(2025, 5, 1), QTime(0, 0), Qt::UTC).toMSecsSinceEpoch();
        const Sums month = sum(m_rows, june, kTomorrow);
        const Sums lastMonth = sum(m_rows, may, june);
        QVERIFY(range.requests > 500);

        QCOMPARE(tiles->value(UsageTiles::Requests), static_cast<double>(range.requests));
        QCOMPARE(tiles->value(UsageTiles::Tokens), static_cast<double>(range.tokens));
        QVERIFY(qFuzzyCompare(tiles->value(UsageTiles::SpendToday), today.cost));
        QVERIFY(qFuzzyCompare(tiles->value(UsageTiles::SpendMonth), month.cost));
        // Half of June has passed at noon on the 15th: 14.5 of 30 days.
        QVERIFY(qFuzzyCompare(tiles->value(UsageTiles::ProjectedMonth), month.cost / (14.5 / 30.0)));
        QVERIFY(qFuzzyCompare(tiles->value(UsageTiles::AverageCost), range.cost / static_cast<double>(range.requests)));
        QVERIFY(qFuzzyCompare(tiles->value(UsageTiles::ErrorRate),
                              static_cast<double>(range.errors) / static_cast<double>(range.requests)));
        QVERIFY(qFuzzyCompare(*tiles->change(UsageTiles::Requests),
                              static_cast<double>(range.requests - before.requests) / static_cast<double>(before.requests)));
        QVERIFY(qFuzzyCompare(*tiles->change(UsageTiles::SpendToday), (today.cost - yesterday.cost) / yesterday.cost));
        QVERIFY(qFuzzyCompare(*tiles->change(UsageTiles::ProjectedMonth),
                              (month.cost / (14.5 / 30.0) - lastMonth.cost) / lastMonth.cost));
        QCOMPARE(tiles->text(UsageTiles::Requests), QLocale().toString(range.requests));
    }

    void costChartStacksEachModelPerDay()
    {
        Dashboard dashboard(m_workspace->databasePath(), nullptr);
        auto page = openPage(&dashboard);
        QChart *chart = page->charts()->view(UsageCharts::Cost)->chart();
        QCOMPARE(chart->series().size(), 1);
        auto *series = qobject_cast<QStackedBarSeries *>(chart->series().first());
        QVERIFY(series);
        QCOMPARE(series->count(), 3);
        const qint64 from = kTomorrow - 30 * kDayMs;
        for (QBarSet *set : series->barSets()) {
            QCOMPARE(set->count(), 30);
            for (int day = 0; day < 30; ++day) {
                const qint64 start = from + day * kDayMs;
                const Sums s = sum(m_rows, start, start + kDayMs, [&](const UsageRecord &r) {
                    return r.provider + QLatin1Char('/') + r.upstreamModel == set->label();
                });
                QVERIFY2(std::abs(set->at(day) - s.cost) < 1e-9, qPrintable(QStringLiteral("%1 day %2").arg(set->label()).arg(day)));
            }
        }
        // Hovering a bar names it and gives its exact value.
        QBarSet *first = series->barSets().first();
        Q_EMIT first->hovered(true, 29);
        QCOMPARE(page->charts()->hoverText(),
                 QStringLiteral("%1, 15 Jun: %2").arg(first->label(), formatUsd(first->at(29))));
        // Tokens: the three stacks add up to input + output per day.
        auto *tokens = qobject_cast<QStackedBarSeries *>(page->charts()->view(UsageCharts::Tokens)->chart()->series().first());
        QVERIFY(tokens);
        for (int day = 0; day < 30; ++day) {
            const qint64 start = from + day * kDayMs;
            double stacked = 0;
            for (QBarSet *set : tokens->barSets())
                stacked += set->at(day);
            QCOMPARE(stacked, static_cast<double>(sum(m_rows, start, start + kDayMs).tokens));
        }
        // Requests: succeeded + errors + cancelled per day.
        auto *requests = qobject_cast<QStackedBarSeries *>(page->charts()->view(UsageCharts::Requests)->chart()->series().first());
        QVERIFY(requests);
        const Sums lastDay = sum(m_rows, kTomorrow - kDayMs, kTomorrow);
        QCOMPARE(requests->barSets().at(1)->at(29), static_cast<double>(lastDay.errors));

        const QString png = m_dir.filePath(QStringLiteral("cost.png"));
        QVERIFY(page->charts()->savePng(UsageCharts::Cost, png));
        QVERIFY(QImage(png).width() > 100);
    }

    void tableSortsByAnyColumn()
    {
        Dashboard dashboard(m_workspace->databasePath(), nullptr);
        auto page = openPage(&dashboard);
        QTableView *table = page->table();
        QCOMPARE(table->model()->rowCount(), 3);
        const qint64 from = kTomorrow - 30 * kDayMs;
        std::map<QString, Sums> perModel;
        for (const Seed &m : kModels) {
            const QString key = QLatin1String(m.provider) + QLatin1Char('/') + QLatin1String(m.model);
            perModel[key] = sum(m_rows, from, kTomorrow, [&](const UsageRecord &r) {
                return r.upstreamModel == QLatin1String(m.model);
            });
        }
        for (const auto order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
            table->sortByColumn(UsageTableModel::Cost, order);
            QList<double> costs;
            for (int row = 0; row < 3; ++row) {
                const QString name = table->model()->index(row, UsageTableModel::Name).data().toString();
                const double cost = table->model()->index(row, UsageTableModel::Cost).data(UsageTableModel::SortRole).toDouble();
                QVERIFY(std::abs(cost - perModel.at(name).cost) < 1e-9);
                QCOMPARE(table->model()->index(row, UsageTableModel::Requests).data(UsageTableModel::SortRole).toLongLong(),
                         perModel.at(name).requests);
                costs.append(cost);
            }
            QList<double> expected = costs;
            std::sort(expected.begin(), expected.end());
            if (order == Qt::DescendingOrder)
                std::reverse(expected.begin(), expected.end());
            QCOMPARE(costs, expected);
        }
        table->sortByColumn(UsageTableModel::Name, Qt::AscendingOrder);
        QCOMPARE(table->model()->index(0, UsageTableModel::Name).data().toString(), QStringLiteral("anthropic/claude-sonnet-4"));
    }

    void filterNarrowsEverything()
    {
        Dashboard dashboard(m_workspace->databasePath(), nullptr);
        auto page = openPage(&dashboard);
        QSignalSpy shown(page.get(), &UsagePage::refreshed);
        page->setFilter({QStringLiteral("openai"), {}, QStringLiteral("ci")});
        QVERIFY(shown.wait(5000));
        const Sums s = sum(m_rows, kTomorrow - 30 * kDayMs, kTomorrow, [](const UsageRecord &r) {
            return r.provider == QLatin1String("openai") && r.client == QLatin1String("ci");
        });
        QCOMPARE(page->tiles()->value(UsageTiles::Requests), static_cast<double>(s.requests));
        QCOMPARE(page->table()->model()->rowCount(), 1);
    }

    void newCallsShowWithinASecond()
    {
        Dashboard dashboard(m_workspace->databasePath(), nullptr);
        auto page = openPage(&dashboard);
        const double before = page->tiles()->value(UsageTiles::SpendToday);
        const double requests = page->tiles()->value(UsageTiles::Requests);
        UsageRecord r = m_rows.last();
        r.requestId = QStringLiteral("live-1");
        r.startedAtMs = kNow - 1000;
        r.status = 200;
        r.costUsd = 0.5;
        insert(m_workspace->database(), {r});
        QSignalSpy shown(page.get(), &UsagePage::refreshed);
        QElapsedTimer timer;
        timer.start();
        dashboard.notifyRecorded(r);
        QVERIFY(shown.wait(1000));
        QVERIFY(timer.elapsed() < 1000);
        QVERIFY(page->snapshot().incremental);
        QVERIFY(qFuzzyCompare(page->tiles()->value(UsageTiles::SpendToday), before + 0.5));
        QCOMPARE(page->tiles()->value(UsageTiles::Requests), requests + 1);
        m_rows.append(r);
    }

    void budgetBarsTurnAmberAndRed()
    {
        Dashboard dashboard(m_workspace->databasePath(), nullptr);
        UsagePage page(&dashboard);
        auto *box = page.findChild<QGroupBox *>(QStringLiteral("usageBudgets"));
        QVERIFY(box && box->isHidden());
        using Period = UsageBudget::Period;
        // Spends chosen to sit exactly on and either side of 80 % and 100 % of a $10 limit.
        page.setBudgets({{QStringLiteral("ci-bot"), Period::Day, 5, 3.1},
                         {QStringLiteral("a"), Period::Day, 10, 7.99},
                         {QStringLiteral("a"), Period::Month, 10, 8},
                         {QString(), Period::Day, 10, 9.99},
                         {QString(), Period::Month, 10, 10},
                         {QStringLiteral("b"), Period::Month, 10, 12}});
        QVERIFY(!box->isHidden());
        const QList<QProgressBar *> bars = page.budgetBars();
        QCOMPARE(bars.size(), 6);
        QCOMPARE(bars.at(0)->text(), QStringLiteral("token ci-bot — $3.10 of $5.00 today"));
        QCOMPARE(bars.at(2)->text(), QStringLiteral("token a — $8.00 of $10.00 this month"));
        QCOMPARE(bars.at(4)->text(), QStringLiteral("all clients — $10.00 of $10.00 this month"));
        const QString green = QStringLiteral("#2e7d32"), amber = QStringLiteral("#f9a825"), red = QStringLiteral("#c62828");
        const QList<QString> colours{green, green, amber, amber, red, red};
        const QList<int> values{620, 799, 800, 999, 1000, 1000}; // per mille, full past the limit
        for (int i = 0; i < bars.size(); ++i) {
            QVERIFY2(bars.at(i)->styleSheet().contains(colours.at(i)), qPrintable(bars.at(i)->text()));
            QCOMPARE(bars.at(i)->value(), values.at(i));
        }
        // Fewer budgets later: the extra bars go; none: the box hides.
        page.setBudgets({{QStringLiteral("a"), Period::Day, 10, 1}});
        QCOMPARE(page.budgetBars().size(), 1);
        QCOMPARE(page.budgetBars().first()->text(), QStringLiteral("token a — $1.00 of $10.00 today"));
        page.setBudgets({});
        QVERIFY(box->isHidden());
    }

    // Token policies and the overall budget on the seeded ledger: what each bar says was spent,
    // how full it is and its colour, against sums the test makes from its own rows.
    void budgetsFollowTheLedger()
    {
        AccessTokenStore tokens = m_workspace->tokens();
        QString error;
        for (const char *name : kClients)
            QVERIFY2(!tokens.create(QLatin1String(name), &error).isEmpty(), qPrintable(error));
        // Calls either side of 18:30 UTC, where the day and month start for the zone at the end.
        QList<UsageRecord> edges;
        for (const QDateTime &at : {QDateTime(QDate(2025, 6, 14), QTime(18, 15), Qt::UTC),
                                    QDateTime(QDate(2025, 6, 14), QTime(18, 45), Qt::UTC),
                                    QDateTime(QDate(2025, 5, 31), QTime(18, 10), Qt::UTC),
                                    QDateTime(QDate(2025, 5, 31), QTime(18, 50), Qt::UTC)}) {
            UsageRecord r = m_rows.first();
            r.requestId = QStringLiteral("edge-%1").arg(edges.size());
            r.startedAtMs = at.toMSecsSinceEpoch();
            r.status = 200;
            r.costUsd = 0.25 * static_cast<double>(edges.size() + 1);
            edges.append(r);
        }
        insert(m_workspace->database(), edges);
        m_rows.append(edges);
        const qint64 june = QDateTime(QDate(2025, 6, 1), QTime(0, 0), Qt::UTC).toMSecsSinceEpoch();
        const auto spent = [&](qint64 from, qint64 to, const QString &client) {
            return sum(m_rows, from, to, [&](const UsageRecord &r) { return client.isEmpty() || r.client == client; }).cost;
        };
        const QString ci = QStringLiteral("ci"), cursor = QStringLiteral("cursor");
        const double ciToday = spent(kTomorrow - kDayMs, kTomorrow, ci);
        const double ciMonth = spent(june, kTomorrow, ci);
        const double cursorToday = spent(kTomorrow - kDayMs, kTomorrow, cursor);
        const double allToday = spent(kTomorrow - kDayMs, kTomorrow, {});
        const double allMonth = spent(june, kTomorrow, {});
        QVERIFY(ciToday > 0 && cursorToday > 0 && ciMonth > ciToday);
        // ci at 90 % of its day (amber) and 200 % of its month (red); cursor at 25 % (green);
        // all clients at 95 % of the day (amber) and 10 % of the month (green).
        TokenPolicy ciPolicy;
        ciPolicy.usdPerDay = ciToday / 0.9;
        ciPolicy.usdPerMonth = ciMonth / 2;
        QVERIFY(tokens.setPolicy(ci, ciPolicy, &error));
        TokenPolicy cursorPolicy;
        cursorPolicy.usdPerDay = cursorToday * 4;
        QVERIFY(tokens.setPolicy(cursor, cursorPolicy, &error));

        Dashboard dashboard(m_workspace->databasePath(), nullptr);
        dashboard.setOverallBudget({allToday / 0.95, allMonth * 10});
        auto page = openPage(&dashboard);
        const auto near = [](double a, double b) { return std::abs(a - b) < 1e-9; };
        QVERIFY(QTest::qWaitFor([&] {
            return page->budgetBars().size() == 5 && near(dashboard.budgets().first().spentUsd, allToday);
        }, 5000));
        using Period = UsageBudget::Period;
        const QList<UsageBudget> budgets = dashboard.budgets();
        const QList<UsageBudget> expected{{QString(), Period::Day, allToday / 0.95, allToday},
                                          {QString(), Period::Month, allMonth * 10, allMonth},
                                          {ci, Period::Day, ciToday / 0.9, ciToday},
                                          {ci, Period::Month, ciMonth / 2, ciMonth},
                                          {cursor, Period::Day, cursorToday * 4, cursorToday}};
        for (int i = 0; i < expected.size(); ++i) {
            QCOMPARE(budgets.at(i).token, expected.at(i).token);
            QCOMPARE(budgets.at(i).period, expected.at(i).period);
            QVERIFY(near(budgets.at(i).limitUsd, expected.at(i).limitUsd));
            QVERIFY2(near(budgets.at(i).spentUsd, expected.at(i).spentUsd), qPrintable(QString::number(i)));
        }
        const QList<QProgressBar *> bars = page->budgetBars();
        const QList<int> values{950, 100, 900, 1000, 250};
        const QList<QString> colours{QStringLiteral("#f9a825"), QStringLiteral("#2e7d32"), QStringLiteral("#f9a825"),
                                     QStringLiteral("#c62828"), QStringLiteral("#2e7d32")};
        for (int i = 0; i < bars.size(); ++i) {
            QCOMPARE(bars.at(i)->value(), values.at(i));
            QVERIFY2(bars.at(i)->styleSheet().contains(colours.at(i)), qPrintable(bars.at(i)->text()));
        }
        QCOMPARE(bars.at(2)->text(),
                 QStringLiteral("token ci — %1 of %2 today").arg(formatUsd(ciToday), formatUsd(ciToday / 0.9)));

        // A new call by ci today: its day bar goes past the limit and turns red, live.
        UsageRecord r = m_rows.last();
        r.requestId = QStringLiteral("budget-live");
        r.client = ci;
        r.startedAtMs = kNow - 500;
        r.status = 200;
        r.costUsd = ciToday; // twice the day's spend now: 180 % of the limit
        insert(m_workspace->database(), {r});
        dashboard.notifyRecorded(r);
        m_rows.append(r);
        QVERIFY(QTest::qWaitFor([&] { return near(dashboard.budgets().at(2).spentUsd, 2 * ciToday); }, 5000));
        QTRY_VERIFY(page->budgetBars().at(2)->styleSheet().contains(QStringLiteral("#c62828")));
        QCOMPARE(page->budgetBars().at(2)->value(), 1000);
        QVERIFY(near(dashboard.budgets().at(0).spentUsd, allToday + ciToday));

        // A zone half an hour off the hour: the local day starts at 18:30 UTC, inside an hour of
        // the rollup, and is still counted to the millisecond.
        const qint64 offset = (5 * 60 + 30) * 60'000LL;
        const qint64 localDayStart = QDateTime(QDate(2025, 6, 14), QTime(18, 30), Qt::UTC).toMSecsSinceEpoch();
        const qint64 localMonthStart = QDateTime(QDate(2025, 5, 31), QTime(18, 30), Qt::UTC).toMSecsSinceEpoch();
        const double shiftedToday = spent(localDayStart, localDayStart + kDayMs, {});
        const double shiftedMonth = spent(localMonthStart, kTomorrow, {});
        // The calls at 18:15 and 18:45 share a rollup hour, so a day cut on the hour, either way,
        // would be off by one of them.
        page->setClock(kNow, offset);
        QVERIFY(QTest::qWaitFor([&] { return near(dashboard.budgets().first().spentUsd, shiftedToday); }, 5000));
        QVERIFY(near(dashboard.budgets().at(1).spentUsd, shiftedMonth));

        for (const char *name : kClients)
            QVERIFY(tokens.revoke(QLatin1String(name), &error));
    }

    void mainWindowHasTheUsagePage()
    {
        MainWindow window(m_workspace.get());
        window.showPage(MainWindow::Usage);
        QCOMPARE(window.findChild<QStackedWidget *>()->currentWidget(), window.usagePage());
        QCOMPARE(window.findChild<QListWidget *>(QStringLiteral("sidebar"))->count(), 6);
    }

    // PATCHBAY_SCREENSHOTS=<folder> writes usage.png there (for docs/screenshots).
    void screenshot()
    {
        const QString folder = qEnvironmentVariable("PATCHBAY_SCREENSHOTS");
        if (folder.isEmpty())
            QSKIP("PATCHBAY_SCREENSHOTS is not set");
        Dashboard dashboard(m_workspace->databasePath(), nullptr);
        auto page = openPage(&dashboard);
        QSignalSpy latency(page.get(), &UsagePage::latencyShown);
        latency.wait(3000);
        page->resize(1280, 860);
        page->show();
        QTest::qWait(200);
        QVERIFY(page->grab().save(QDir(folder).filePath(QStringLiteral("usage.png"))));
    }
};

QTEST_MAIN(TestUsagePage)
#include "tst_usagepage.moc"
