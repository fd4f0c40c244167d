// The Requests page's model: newest first, live rows on top, never more than its capacity.

#include "requestlogmodel.h"

#include <QSignalSpy>
#include <QTest>

using namespace patchbay;

namespace {

UsageRecord record(int n)
{
    UsageRecord r;
    r.requestId = QStringLiteral("req-%1").arg(n);
    r.startedAtMs = 1'700'000'000'000 + n;
    r.requestedModel = QStringLiteral("fast");
    r.upstreamModel = QStringLiteral("gpt-4o-mini");
    r.status = 200;
    r.inputTokens = 1200;
    r.outputTokens = -1;
    return r;
}

} // namespace

class TestRequestLogModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void prependKeepsNewestFirstAndCaps()
    {
        RequestLogModel model(3);
        model.setRecords({record(2), record(1)});
        QCOMPARE(model.rowCount(), 2);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        model.prepend(record(3));
        model.prepend(record(4));
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.record(0).requestId, QStringLiteral("req-4"));
        QCOMPARE(model.record(2).requestId, QStringLiteral("req-2"));
        QCOMPARE(inserted.size(), 2);
        QCOMPARE(removed.size(), 1);
    }

    void setRecordsTruncates()
    {
        RequestLogModel model(2);
        model.setRecords({record(3), record(2), record(1)});
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.record(1).requestId, QStringLiteral("req-2"));
    }

    void cells()
    {
        RequestLogModel model;
        UsageRecord failed = record(1);
        failed.status = 502;
        failed.error = QStringLiteral("The provider closed the connection.\ndetails");
        model.setRecords({record(2), failed});
        const auto cell = [&](int row, int column) { return model.index(row, column).data().toString(); };
        QCOMPARE(cell(0, RequestLogModel::Model), QStringLiteral("fast → gpt-4o-mini"));
        QCOMPARE(cell(0, RequestLogModel::Tokens), QStringLiteral("%1 / —").arg(QLocale().toString(1200)));
        QCOMPARE(cell(1, RequestLogModel::Tokens), QStringLiteral("%1 / —").arg(QLocale().toString(1200)));
        QCOMPARE(cell(0, RequestLogModel::Ttfb), QStringLiteral("—"));
        QCOMPARE(cell(1, RequestLogModel::Status), QStringLiteral("502"));
        QCOMPARE(cell(1, RequestLogModel::Error), QStringLiteral("The provider closed the connection."));
        QVERIFY(model.index(1, RequestLogModel::Status).data(Qt::ForegroundRole).isValid());
        QVERIFY(!model.index(0, RequestLogModel::Status).data(Qt::ForegroundRole).isValid());
        QCOMPARE(model.columnCount(), int(RequestLogModel::ColumnCount));
    }
};

QTEST_MAIN(TestRequestLogModel)
#include "tst_requestlogmodel.moc"
