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
