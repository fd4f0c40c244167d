// The Requests page's detail pane with captured headers and bodies, read from a real database
// by the dashboard's worker: headers as kept, JSON bodies pretty-printed, the truncation note,
// and what the user is told where nothing, or no body, was kept.

#include "capturerow.h"
#include "dashboard.h"
#include "ledgerrow.h"
#include "requestdetailpane.h"
#include "requestpagemodel.h"
#include "requestspage.h"
#include "testworkspace.h"

#include <QSignalSpy>
#include <QSqlQuery>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace patchbay;

namespace {

UsageRecord call(const QString &id)
{
    UsageRecord r;
    r.requestId = id;
    r.startedAtMs = QDateTime::currentMSecsSinceEpoch() - 60'000;
    r.endpoint = QStringLiteral("/v1/chat/completions");
    r.provider = QStringLiteral("openai");
    r.requestedModel = r.upstreamModel = QStringLiteral("gpt-4o");
    r.status = 200;
    return r;
}

void insert(QSqlDatabase db, const UsageRecord &r, const std::optional<RequestCapture> &capture)
{
    QSqlQuery q(db);
    QVERIFY(q.prepare(LedgerRow::insertStatement(LedgerRow::Conflict::Fail)));
    LedgerRow::bind(q, r);
    QVERIFY(q.exec());
    if (!capture)
        return;
    const qint64 row = q.lastInsertId().toLongLong(); // a capture is keyed by its requests row
    QVERIFY(q.prepare(CaptureRow::insertStatement()));
    CaptureRow::bind(q, row, *capture);
    QVERIFY(q.exec());
}

} // namespace

class TestRequestDetailPane : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<testing::TestWorkspace> m_workspace;

    // The pane's text once the worker has read the request with this id.
    QString shown(const QString &requestId)
    {
        Dashboard dashboard(m_workspace->databasePath(), nullptr);
        RequestsPage page(m_workspace.get(), &dashboard);
        RequestFilter filter;
        filter.text = requestId;
        page.setFilter(RequestsPage::AllTime, filter);
        if (!QTest::qWaitFor([&] { return page.model()->rowCount() == 1 && !page.model()->isFetching(); }, 5000))
            return QStringLiteral("(the row never came)");
        QSignalSpy detail(&dashboard, &Dashboard::detailReady);
        page.table()->setCurrentIndex(page.model()->index(0, 0));
        if (!detail.wait(5000))
            return QStringLiteral("(no detail)");
        return page.detailPane()->toPlainText();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_workspace = std::make_unique<testing::TestWorkspace>(m_dir.path(), QStringLiteral("patchbay-test-detailpane"));

        RequestCapture full;
        full.headersCaptured = true;
        full.requestHeaders = "POST /v1/chat/completions HTTP/1.1\nAuthorization: Bearer [redacted]\nX-Trace: abc\n";
        full.responseHeaders = "HTTP/1.1 200\nContent-Type: application/json\nContent-Length: 65536\n";
        full.bodiesCaptured = true;
        full.requestBody = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hello pane\"}]}";
        full.responseBody = "{\"choices\":[" + QByteArray(64 * 1024 - 12, ' '); // cut mid-JSON at the cap
        full.responseBodyTruncated = true;
        insert(m_workspace->database(), call(QStringLiteral("cap-full")), full);

        RequestCapture headersOnly;
        headersOnly.headersCaptured = true;
        headersOnly.requestHeaders = "POST /v1/chat/completions HTTP/1.1\nX-Only: headers\n";
        headersOnly.responseHeaders = "HTTP/1.1 200\n";
        insert(m_workspace->database(), call(QStringLiteral("cap-headers")), headersOnly);

        insert(m_workspace->database(), call(QStringLiteral("cap-none")), std::nullopt);
    }

    void capturedHeadersAndBodiesAreShown()
    {
        const QString text = shown(QStringLiteral("cap-full"));
        for (const QString &expected :
             {QStringLiteral("Request headers"), QStringLiteral("Authorization: Bearer [redacted]"), QStringLiteral("X-Trace: abc"),
              QStringLiteral("Response headers"), QStringLiteral("Content-Type: application/json"),
              // Pretty-printed: one member a line, indented.
              QStringLiteral("\n    \"model\": \"gpt-4o\"\n"), QStringLiteral("\"content\": \"hello pane\""),
              QStringLiteral("Truncated at 64 KiB"), QStringLiteral("{\"choices\":[")})
            QVERIFY2(text.contains(expected), qPrintable(expected + QStringLiteral(" missing from:\n") + text));
        QVERIFY(!text.contains(QStringLiteral("Bodies are not captured")));
    }

    void withoutBodiesThePaneSaysWhereToTurnThemOn()
    {
        const QString text = shown(QStringLiteral("cap-headers"));
        QVERIFY2(text.contains(QStringLiteral("X-Only: headers")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("Bodies are not captured. Turn on body capture in Gateway ▸ Server ▸ Request "
                                              "capture (bodies may hold private data).")),
                 qPrintable(text));
    }

    void aCallWithoutCaptureSaysSo()
    {
        const QString text = shown(QStringLiteral("cap-none"));
        QVERIFY2(text.contains(QStringLiteral("Nothing was captured for this request")), qPrintable(text));
        QVERIFY(!text.contains(QStringLiteral("Request headers")));
    }
};

QTEST_MAIN(TestRequestDetailPane)
#include "tst_requestdetailpane.moc"
