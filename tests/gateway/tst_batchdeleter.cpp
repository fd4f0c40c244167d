#include "batchdeleter.h"

#include <QPointer>
#include <QTest>

using namespace patchbay;

// BatchDeleter keeps deleteLater()'s promise: nothing goes while the code that handed it over
// still runs, everything goes at the next turn of the event loop.
class TestBatchDeleter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void deletesAtTheNextTurnNotBefore()
    {
        BatchDeleter deleter;
        QList<QPointer<QObject>> objects;
        for (int i = 0; i < 100; ++i) {
            objects.append(new QObject);
            deleter.add(objects.last());
        }
        QVERIFY(std::none_of(objects.cbegin(), objects.cend(), [](const QPointer<QObject> &o) { return o.isNull(); }));
        QTRY_VERIFY(std::all_of(objects.cbegin(), objects.cend(), [](const QPointer<QObject> &o) { return o.isNull(); }));
        QCOMPARE(deleter.pending(), 0);
    }

    void handedOverObjectStaysUntilControlReturns()
    {
        BatchDeleter deleter;
        QPointer<QObject> object = new QObject;
        deleter.add(object);
        QVERIFY(!object.isNull()); // still usable by the code that finished with it
        QTRY_VERIFY(object.isNull());
    }

    void objectDeletedMeanwhileIsSkipped()
    {
        BatchDeleter deleter;
        auto *gone = new QObject;
        QPointer<QObject> kept = new QObject;
        deleter.add(gone);
        deleter.add(kept);
        delete gone;
        QTRY_VERIFY(kept.isNull());
    }

    void objectHandedOverDuringDeletionWaitsForTheNextTurn()
    {
        BatchDeleter deleter;
        QPointer<QObject> second = new QObject;
        auto *first = new QObject;
        connect(first, &QObject::destroyed, &deleter, [&] {
            deleter.add(second);
            QVERIFY(!second.isNull());
        });
        deleter.add(first);
        QTRY_VERIFY(second.isNull());
    }

    void deleterTakesItsPendingObjectsWithIt()
    {
        QPointer<QObject> object = new QObject;
        {
            BatchDeleter deleter;
            deleter.add(object);
        }
        QVERIFY(object.isNull());
    }
};

QTEST_GUILESS_MAIN(TestBatchDeleter)
#include "tst_batchdeleter.moc"
