// The writer's own prepared statements: text converted to UTF-8 in buffers of their own, and
// a text value still bound not converted again.

#include "database.h"
#include "sqlitestatement.h"

#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <functional>

using namespace patchbay;

class TestSqliteStatement : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        QString error;
        m_db = Database::open(m_dir.filePath(QLatin1String(QTest::currentTestFunction()) + QStringLiteral(".db")),
                              QStringLiteral("t"), &error);
        QVERIFY2(m_db.isOpen(), qPrintable(error));
        QVERIFY(QSqlQuery(m_db).exec(QStringLiteral("CREATE TABLE t (n INTEGER PRIMARY KEY, a, b)")));
        QVERIFY2(m_insert.prepare(m_db, QStringLiteral("INSERT INTO t (a, b) VALUES (?, ?)"), &error), qPrintable(error));
    }

    void cleanup()
    {
        m_insert.finalize();
        m_db = {};
        Database::close(QStringLiteral("t"));
    }

    void textIsStoredAsUtf8()
    {
        const QString text = QStringLiteral("Grüße, 模型 \U0001F680 ok");
        m_insert.bindText(0, text);
        m_insert.bindText(1, QString());
        QCOMPARE(m_insert.step(), SqliteStatement::Result::Done);
        m_insert.bindText(0, QStringLiteral("short"));
        m_insert.bindText(1, QStringLiteral(""));
        QCOMPARE(m_insert.step(), SqliteStatement::Result::Done);
        QCOMPARE(column(QStringLiteral("hex(a)")), (QStringList{QString::fromLatin1(text.toUtf8().toHex().toUpper()),
                                                                QStringLiteral("73686F7274")}));
        QCOMPARE(column(QStringLiteral("a")), (QStringList{text, QStringLiteral("short")}));
        // Null and empty both bind as '': not NULL.
        QCOMPARE(column(QStringLiteral("typeof(b) || ':' || length(b)")), (QStringList{QStringLiteral("text:0"), QStringLiteral("text:0")}));
    }

    void aValueStillBoundIsKeptAndAnyOtherReplacesIt()
    {
        const QString same = QStringLiteral("same");
        const QList<std::function<void()>> seconds = {
            [&] { m_insert.bindText(1, same); },
            [&] { m_insert.bindNull(1); },
            [&] { m_insert.bindText(1, same); }, // bound again after anything else
            [&] { m_insert.bindInt64(1, 7); },
            [&] { m_insert.bindText(1, same); },
            [&] { m_insert.bindDouble(1, 0.5); },
            [&] { m_insert.bindText(1, same); },
            [&] { m_insert.bindUtf8(1, QByteArrayLiteral("bytes")); },
            [&] { m_insert.bindText(1, same); },
            [&] { m_insert.bindText(1, QString(same.constData(), same.size())); }, // equal, not shared
            [&] { m_insert.bindText(1, QStringLiteral("other")); },
        };
        for (const auto &bindSecond : seconds) {
            m_insert.bindText(0, same);
            bindSecond();
            QCOMPARE(m_insert.step(), SqliteStatement::Result::Done);
        }
        QCOMPARE(column(QStringLiteral("quote(b)")),
                 (QStringList{QStringLiteral("'same'"), QStringLiteral("NULL"), QStringLiteral("'same'"), QStringLiteral("7"),
                              QStringLiteral("'same'"), QStringLiteral("0.5"), QStringLiteral("'same'"), QStringLiteral("'bytes'"),
                              QStringLiteral("'same'"), QStringLiteral("'same'"), QStringLiteral("'other'")}));
        QCOMPARE(column(QStringLiteral("quote(a)")), QStringList(seconds.size(), QStringLiteral("'same'")));
    }

private:
    QStringList column(const QString &expression)
    {
        QStringList out;
        QSqlQuery q(m_db);
        if (!q.exec(QStringLiteral("SELECT %1 FROM t ORDER BY n").arg(expression)))
            return {QStringLiteral("error")};
        while (q.next())
            out.append(q.value(0).toString());
        return out;
    }

    QTemporaryDir m_dir;
    QSqlDatabase m_db;
    SqliteStatement m_insert;
};

QTEST_GUILESS_MAIN(TestSqliteStatement)
#include "tst_sqlitestatement.moc"
