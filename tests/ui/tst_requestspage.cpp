// The Requests page on a seeded ledger: pages in newest-first order, filters, the detail pane
// with a fallback chain, CSV export of the filtered view and live rows.

#include "dashboard.h"
#include "ledgerrow.h"
#include "requestdetailpane.h"
#include "requestpagemodel.h"
#include "requestspage.h"
#include "testworkspace.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace patchbay;

namespace {

const qint64 kStart = QDateTime::currentMSecsSinceEpoch() - 3 * 86'400'000LL;

QList<UsageRecord> seedRows()
{
    QList<UsageRecord> rows;
    const char *const providers[] = {"openai", "anthropic", "groq"};
    for (int n = 0; n < 1000; ++n) {
        UsageRecord r;
        r.requestId = QStringLiteral("req-%1").arg(n, 4, 10, QLatin1Char('0'));
        // Several calls share a millisecond: the keyset must break ties by id.
        r.startedAtMs = kStart + (n / 3) * 60'000;
        r.client = n % 2 ? QStringLiteral("cursor") : QStringLiteral("ci");
        r.endpoint = QStringLiteral("/v1/chat/completions");
        r.provider = QLatin1String(providers[n % 3]);
        r.upstreamModel = r.provider + QStringLiteral("-model");
        r.requestedModel = r.upstreamModel;
        r.status = n % 11 == 0 ? 502 : 200;
        r.error = r.status == 502 ? QStringLiteral("upstream exploded") : QString();
        r.inputTokens = 100 + n;
        r.outputTokens = 10;
        r.latencyMs = 200;
        r.costUsd = 0.001 * n;
        rows.append(r);
    }
    // A fallback chain: openai failed, anthropic answered.
    UsageRecord first = rows.first();
    first.requestId = QStringLiteral("chain-a");
    first.startedAtMs = kStart + 330 * 60'000 + 500;
    first.provider = QStringLiteral("openai");
    first.upstreamModel = QStringLiteral("gpt-4o");
    first.status = 503;
    first.error = QStringLiteral("overloaded");
    first.costUsd.reset();
    rows.append(first);
    UsageRecord second = first;
    second.requestId = QStringLiteral("chain-b");
    second.startedAtMs = first.startedAtMs + 800;
    second.provider = QStringLiteral("anthropic");
    second.upstreamModel = QStringLiteral("claude-sonnet-4");
    second.status = 200;
    second.error.clear();
    second.attempt = 2;
    second.retryOf = QStringLiteral("chain-a");
    second.inputTokens = 1234;
    second.cacheReadTokens = 1000;
    second.cacheWriteTokens = 0;
    second.reasoningTokens = 77;
    second.outputTokens = 321;
    second.usageSource = QStringLiteral("provider");
    second.costUsd = 0.0123;
    second.catalogVersion = QStringLiteral("2025-06-01");
    second.ttfbMs = 150;
    second.ttftMs = 180;
    second.latencyMs = 950;
    rows.append(second);
    return rows;
}

void insert(QSqlDatabase db, const QList<UsageRecord> &rows)
{
    QSqlQuery q(db);
    QVERIFY(db.transaction());
    QVERIFY(q.prepare(LedgerRow::insertStatement(LedgerRow::Conflict::Fail)));
    for (const UsageRecord &r : rows) {
        LedgerRow::bind(q, r);
        QVERIFY(q.exec());
    }
    QVERIFY(db.commit());
}

// Newest first, ties broken by insertion order (the row id), as the page sorts.
QList<UsageRecord> newestFirst(QList<UsageRecord> rows)
{
    QList<std::pair<int, UsageRecord>> indexed;
    for (int i = 0; i < rows.size(); ++i)
        indexed.append({i, rows.at(i)});
    std::sort(indexed.begin(), indexed.end(), [](const auto &a, const auto &b) {
        return a.second.startedAtMs != b.second.startedAtMs ? a.second.startedAtMs > b.second.startedAtMs : a.first > b.first;
    });
    QList<UsageRecord> out;
    for (const auto &p : indexed)
        out.append(p.second);
    return out;
}

bool waitForRows(RequestPageModel *model, int rows)
{
    return QTest::qWaitFor([&] { return model->rowCount() >= rows && !model->isFetching(); }, 5000);
}

// Reads the row, asking for its page again if it was let go.
const UsageRecord &readRow(RequestPageModel *model, int row)
{
    if (!model->isLoaded(row)) {
        model->record(row);
        if (!QTest::qWaitFor([&] { return model->isLoaded(row); }, 5000))
            qWarning("row %d was not read back", row); // and the empty record fails the comparison
    }
    return model->record(row);
}

// 5,000 calls a second apart, three to a millisecond now and then so that ties fall across
// page boundaries, for paging far past what the cache keeps.
QList<UsageRecord> manyRows(qint64 start)
{
    QList<UsageRecord> rows;
    for (int n = 0; n < 5000; ++n) {
        UsageRecord r;
        r.requestId = QStringLiteral("many-%1").arg(n, 5, 10, QLatin1Char('0'));
        r.startedAtMs = start + (n % 7 < 3 ? n / 7 * 7 : n) * 1000;
        r.client = QStringLiteral("ci");
        r.endpoint = QStringLiteral("/v1/chat/completions");
        r.provider = QStringLiteral("openai");
        r.upstreamModel = QStringLiteral("gpt-4o");
        r.requestedModel = r.upstreamModel;
        r.status = 200;
        r.inputTokens = n;
        r.latencyMs = 100 + n % 50;
        r.costUsd = 0.0001 * n;
        rows.append(r);
    }
    return rows;
}

} // namespace

class TestRequestsPage : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<testing::TestWorkspace> m_workspace;
    QList<UsageRecord> m_rows;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_workspace = std::make_unique<testing::TestWorkspace>(m_dir.path(), QStringLiteral("patchbay-test-requests"));
        m_rows = seedRows();
        insert(m_workspace->database(), m_rows);
    }

    void pagesComeNewestFirst()
    {
        Dashboard dashboard(m_workspace->databasePath(), nullptr);
        RequestsPage page(m_workspace.get(), &dashboard);
        RequestPageModel *model = page.model();
        QVERIFY(waitForRows(model, RequestPageModel::kPageSize));
        QCOMPARE(model->rowCount(), RequestPageModel::kPageSize);
        QTRY_COMPARE(model->totalCount(), qint64(m_rows.size()));
        QVERIFY(model->canFetchMore({}));
        model->fetchMore({});
        QVERIFY(waitForRows(model, 2 * RequestPageModel::kPageSize));
        // To the end: every row once, in order.
        while (model->canFetchMore({})) {
            const int had = model->rowCount();
            model->fetchMore({});
            QVERIFY(QTest::qWaitFor([&] { return !model->isFetching(); }, 5000));
            QVERIFY(model->rowCount() >= had);
        }
        const QList<UsageRecord> expected = newestFirst(m_rows);
        QCOMPARE(model->rowCount(), expected.size());
        for (int i = 0; i < expected.size(); ++i)
            QCOMPARE(model->record(i).requestId, expected.at(i).requestId);
    }

    void filtersMatchTheRows()
    {
        Dashboard dashboard(m_workspace->databasePath(), nullptr);
        RequestsPage page(m_workspace.get(), &dashboard);
        RequestFilter f;
        f.provider = QStringLiteral("anthropic");
        f.status = RequestFilter::Status::Errors;
        page.setFilter(RequestsPage::AllTime, f);
        QList<UsageRecord> expected;
        for (const UsageRecord &r : newestFirst(m_rows)) {
            if (r.provider == QLatin1String("anthropic") && r.status >= 400)
                expected.append(r);
        }
        QVERIFY(!expected.isEmpty());
        QTRY_COMPARE(page.model()->totalCount(), qint64(expected.size()));
        QVERIFY(waitForRows(page.model(), static_cast<int>(expected.size())));
        for (int i = 0; i < expected.size(); ++i)
            QCOMPARE(page.model()->record(i).requestId, expected.at(i).requestId);

        RequestFilter text;
        text.text = QStringLiteral("CHAIN-");
        page.setFilter(RequestsPage::AllTime, text);
        QTRY_COMPARE(page.model()->totalCount(), qint64(2));
        QVERIFY(waitForRows(page.model(), 2));
        QCOMPARE(page.model()->record(0).requestId, QStringLiteral("chain-b"));
    }

    void detailShowsTheFallbackChain()
    {
        Dashboard dashboard(m_workspace->databasePath(), nullptr);
        RequestsPage page(m_workspace.get(), &dashboard);
        RequestFilter text;
        text.text = QStringLiteral("chain-b");
        page.setFilter(RequestsPage::AllTime, text);
        QVERIFY(waitForRows(page.model(), 1));
        QSignalSpy detail(&dashboard, &Dashboard::detailReady);
        page.table()->setCurrentIndex(page.model()->index(0, 0));
        QVERIFY(detail.wait(5000));
        const RequestDetail d = detail.first().first().value<RequestDetail>();
        QCOMPARE(d.chain.size(), 2);
        QCOMPARE(d.chain.at(0).requestId, QStringLiteral("chain-a"));
        QCOMPARE(d.chain.at(1).attempt, 2);
        const QString text2 = page.detailPane()->toPlainText();
        for (const QString &expected : {QStringLiteral("chain-b"), QStringLiteral("openai/gpt-4o"),
                                        QStringLiteral("503 — overloaded"), QStringLiteral("anthropic/claude-sonnet-4"),
                                        QLocale().toString(1000), QStringLiteral("77"), QStringLiteral("$0.01"),
                                        QStringLiteral("2025-06-01"), QStringLiteral("the provider's own report"),
                                        QStringLiteral("180 ms"), QStringLiteral("950 ms")})
            QVERIFY2(text2.contains(expected), qPrintable(expected + QStringLiteral(" missing from:\n") + text2));
    }

    void exportsTheFilteredView()
    {
        Dashboard dashboard(m_workspace->databasePath(), nullptr);
        RequestsPage page(m_workspace.get(), &dashboard);
        RequestFilter f;
        f.client = QStringLiteral("ci");
        f.provider = QStringLiteral("groq");
        page.setFilter(RequestsPage::AllTime, f);
        const qint64 expected = std::count_if(m_rows.begin(), m_rows.end(), [](const UsageRecord &r) {
            return r.client == QLatin1String("ci") && r.provider == QLatin1String("groq");
        });
        QSignalSpy done(&page, &RequestsPage::exportFinished);
        const QString path = m_dir.filePath(QStringLiteral("export.csv"));
        page.exportTo(path);
        QVERIFY(done.wait(5000));
        QCOMPARE(done.first().at(0).toLongLong(), expected);
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = file.readAll().split('\n');
        QCOMPARE(lines.size(), expected + 2); // header, rows, and the empty piece after the last CRLF
        QVERIFY(lines.at(0).startsWith("request_id,started_at,started_at_ms,client"));
        QVERIFY(lines.at(1).contains(",ci,") && lines.at(1).contains(",groq,"));
    }

    void liveRowsGoOnTop()
    {
        Dashboard dashboard(m_workspace->databasePath(), nullptr);
        RequestsPage page(m_workspace.get(), &dashboard);
        QVERIFY(waitForRows(page.model(), RequestPageModel::kPageSize));
        UsageRecord r = m_rows.first();
        r.requestId = QStringLiteral("live-1");
        r.startedAtMs = QDateTime::currentMSecsSinceEpoch();
        dashboard.notifyRecorded(r);
        QCOMPARE(page.model()->record(0).requestId, QStringLiteral("live-1"));
        // One that the filter excludes stays out.
        RequestFilter f;
        f.provider = QStringLiteral("groq");
        page.setFilter(RequestsPage::AllTime, f);
        QVERIFY(waitForRows(page.model(), RequestPageModel::kPageSize));
        r.requestId = QStringLiteral("live-2");
        r.provider = QStringLiteral("openai");
        dashboard.notifyRecorded(r);
        QVERIFY(page.model()->record(0).requestId != QStringLiteral("live-2"));
    }

    // Scrolling a ledger of 25 pages with room for 3: memory holds at most 3 pages at every
    // step, and every row read back after being let go is the ledger's row in its place.
    void cacheStaysBoundedWhileScrolling()
    {
        QTemporaryDir dir;
        testing::TestWorkspace workspace(dir.path(), QStringLiteral("patchbay-test-requests"));
        const QList<UsageRecord> rows = manyRows(kStart);
        insert(workspace.database(), rows);
        const QList<UsageRecord> expected = newestFirst(rows);
        Dashboard dashboard(workspace.databasePath(), nullptr);
        RequestsPage page(&workspace, &dashboard);
        RequestPageModel *model = page.model();
        model->setCachedPageLimit(3);
        QVERIFY(waitForRows(model, RequestPageModel::kPageSize));
        int most = 0;
        while (model->canFetchMore({})) {
            const int had = model->rowCount();
            model->fetchMore({});
            QVERIFY(QTest::qWaitFor([&] { return !model->isFetching(); }, 5000));
            if (model->rowCount() == had) { // 25 full pages: the 26th read finds nothing more
                QVERIFY(model->atEnd());
                break;
            }
            // What a view reading the new rows does: they are the most recently used.
            QCOMPARE(model->record(model->rowCount() - 1).requestId, expected.at(model->rowCount() - 1).requestId);
            most = std::max(most, model->cachedRowCount());
            QVERIFY(model->cachedPageCount() <= 3);
        }
        QCOMPARE(model->rowCount(), expected.size());
        QCOMPARE(most, 3 * RequestPageModel::kPageSize);
        QVERIFY(!model->isLoaded(0));

        // Top to bottom again: every page comes back from the ledger, in the same order (the
        // three at the bottom still in memory are the oldest used by the time they are reached).
        int readBack = 0;
        for (int row = 0; row < expected.size(); ++row) {
            readBack += model->isLoaded(row) ? 0 : 1;
            const UsageRecord &r = readRow(model, row);
            QCOMPARE(r.requestId, expected.at(row).requestId);
            QCOMPARE(r.startedAtMs, expected.at(row).startedAtMs);
            QVERIFY(model->cachedRowCount() <= 3 * RequestPageModel::kPageSize);
        }
        QCOMPARE(readBack, 25);
        QCOMPARE(model->rowCount(), expected.size());

        // The view asks for what it shows: a row in the middle, scrolled to, is read and painted.
        page.resize(1000, 600);
        page.show();
        const int middle = 2345;
        QVERIFY(!model->isLoaded(middle));
        page.table()->scrollTo(model->index(middle, 0), QAbstractItemView::PositionAtCenter);
        QTRY_VERIFY(model->isLoaded(middle));
        QCOMPARE(model->index(middle, 0).data(RequestPageModel::RecordRole).value<UsageRecord>().requestId,
                 expected.at(middle).requestId);
        // Selecting a row shows it in the detail pane, even when its page has to be read first.
        model->setCachedPageLimit(2);
        page.table()->scrollTo(model->index(0, 0));
        QTRY_VERIFY(model->isLoaded(0));
        QCOMPARE(readRow(model, expected.size() - 1).requestId, expected.last().requestId);
        QVERIFY(!model->isLoaded(middle));
        page.table()->setCurrentIndex(model->index(middle, 0));
        QTRY_COMPARE(page.detailPane()->requestId(), expected.at(middle).requestId);
    }

    // Live rows with the top page let go, and so many of them that the top page splits: each
    // shows once, in the ledger's order, and reads back as the ledger has it.
    void liveRowsStayRightWhenPagesAreLetGo()
    {
        QTemporaryDir dir;
        testing::TestWorkspace workspace(dir.path(), QStringLiteral("patchbay-test-requests"));
        QList<UsageRecord> rows = manyRows(kStart).mid(0, 1000);
        insert(workspace.database(), rows);
        Dashboard dashboard(workspace.databasePath(), nullptr);
        RequestPageModel model(&dashboard);
        model.setCachedPageLimit(2);
        model.setFilter({});
        QVERIFY(waitForRows(&model, RequestPageModel::kPageSize));
        while (model.canFetchMore({})) {
            model.fetchMore({});
            QVERIFY(QTest::qWaitFor([&] { return !model.isFetching(); }, 5000));
        }
        QTRY_COMPARE(model.totalCount(), qint64(1000));
        QVERIFY(!model.isLoaded(0));

        // The ledger's newest call announced again (its signal came after the page read it):
        // not a second row.
        const UsageRecord newest = newestFirst(rows).first();
        dashboard.notifyRecorded(newest);
        QCOMPARE(model.rowCount(), 1000);

        // 450 new calls, two to a millisecond, written and announced as the ledger does.
        const qint64 later = rows.last().startedAtMs + 60'000;
        QList<UsageRecord> live;
        for (int n = 0; n < 450; ++n) {
            UsageRecord r = rows.first();
            r.requestId = QStringLiteral("live-%1").arg(n, 3, 10, QLatin1Char('0'));
            r.startedAtMs = later + n / 2;
            live.append(r);
        }
        for (int n = 0; n < 150; ++n) {
            insert(workspace.database(), {live.at(n)});
            dashboard.notifyRecorded(live.at(n));
        }
        QCOMPARE(model.rowCount(), 1150);
        QCOMPARE(model.totalCount(), qint64(1150));
        rows.append(live.mid(0, 150));
        // The top page comes back from the ledger with the new calls; more arrive on top of it
        // and it splits into pages while the cache keeps its bound.
        QCOMPARE(readRow(&model, 0).requestId, live.at(149).requestId);
        for (int n = 150; n < 450; ++n) {
            insert(workspace.database(), {live.at(n)});
            dashboard.notifyRecorded(live.at(n));
            QVERIFY(model.cachedRowCount() <= 2 * 2 * RequestPageModel::kPageSize);
        }
        rows.append(live.mid(150));
        QCOMPARE(model.rowCount(), 1450);
        const QList<UsageRecord> expected = newestFirst(rows);
        for (int row = 0; row < expected.size(); ++row)
            QCOMPARE(readRow(&model, row).requestId, expected.at(row).requestId);
        QCOMPARE(model.rowCount(), 1450);
        QVERIFY(model.cachedPageCount() <= 2);
    }

    void screenshot()
    {
        const QString folder = qEnvironmentVariable("PATCHBAY_SCREENSHOTS");
        if (folder.isEmpty())
            QSKIP("PATCHBAY_SCREENSHOTS is not set");
        Dashboard dashboard(m_workspace->databasePath(), nullptr);
        RequestsPage page(m_workspace.get(), &dashboard);
        page.resize(1280, 760);
        page.show();
        QVERIFY(waitForRows(page.model(), RequestPageModel::kPageSize));
        RequestFilter f;
        page.setFilter(RequestsPage::AllTime, f);
        QVERIFY(waitForRows(page.model(), RequestPageModel::kPageSize));
        // The chain's second attempt, so the pane shows a fallback.
        for (int row = 0; row < page.model()->rowCount(); ++row) {
            if (page.model()->record(row).requestId == QLatin1String("chain-b")) {
                page.table()->setCurrentIndex(page.model()->index(row, 0));
                page.table()->scrollTo(page.model()->index(row, 0));
                break;
            }
        }
        QTest::qWait(300);
        QVERIFY(page.grab().save(QDir(folder).filePath(QStringLiteral("requests-page.png"))));
    }
};

QTEST_MAIN(TestRequestsPage)
#include "tst_requestspage.moc"
