// The tray and closing the window: hidden to the tray when the setting is on and a tray is there,
// a notice the first time only, quitting otherwise; the tray's menu and its spend line. The
// offscreen platform has no tray, so the tests tell MainWindow whether there is one.

#include "dashboard.h"
#include "ledgerrow.h"
#include "mainwindow.h"
#include "testworkspace.h"
#include "trayicon.h"
#include "usagetiles.h"

#include <QAction>
#include <QApplication>
#include <QDateTime>
#include <QMenu>
#include <QSettings>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace patchbay;

namespace {

const QString kUrl = QStringLiteral("http://127.0.0.1:7229/v1");

void insert(QSqlDatabase db, const UsageRecord &r)
{
    QSqlQuery q(db);
    QVERIFY(q.prepare(LedgerRow::insertStatement(LedgerRow::Conflict::Fail)));
    LedgerRow::bind(q, r);
    QVERIFY(q.exec());
}

UsageRecord call(const QString &id, double costUsd)
{
    UsageRecord r;
    r.requestId = id;
    r.startedAtMs = QDateTime::currentMSecsSinceEpoch();
    r.client = QStringLiteral("ci");
    r.endpoint = QStringLiteral("/v1/chat/completions");
    r.provider = QStringLiteral("openai");
    r.upstreamModel = QStringLiteral("gpt-4o");
    r.requestedModel = r.upstreamModel;
    r.status = 200;
    r.latencyMs = 100;
    r.costUsd = costUsd;
    return r;
}

// Where MainWindow keeps its settings (window.ini), redirected to the test's folder.
QSettings windowSettings()
{
    return QSettings(QSettings::IniFormat, QSettings::UserScope, QStringLiteral("patchbay"), QStringLiteral("window"));
}

QStringList texts(const QMenu *menu)
{
    QStringList out;
    for (const QAction *a : menu->actions()) {
        if (!a->isSeparator())
            out << a->text();
    }
    return out;
}

} // namespace

class TestTray : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<testing::TestWorkspace> m_workspace;
    bool m_tray = true; // what the fake desktop answers

    std::unique_ptr<MainWindow> openWindow()
    {
        auto window = std::make_unique<MainWindow>(m_workspace.get(), [this] { return m_tray; });
        window->show();
        return window;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        // Before any QSettings is made: the user's own window.ini is never read or written.
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_dir.filePath(QStringLiteral("settings")));
        m_workspace = std::make_unique<testing::TestWorkspace>(m_dir.path(), QStringLiteral("patchbay-test-tray"));
    }

    void init()
    {
        windowSettings().clear();
        m_tray = true;
        QApplication::setQuitOnLastWindowClosed(true);
    }

    void closingHidesToTheTrayAndSaysSoOnce()
    {
        auto window = openWindow();
        QVERIFY(window->trayIcon());
        QVERIFY(window->keepsRunningInTray()); // on by default
        QVERIFY(window->keepInTrayAction()->isChecked());
        // While the window may hide, its closing must not end the program.
        QVERIFY(!QApplication::quitOnLastWindowClosed());
        QSignalSpy notices(window->trayIcon(), &TrayIcon::notified);
        QVERIFY(!window->close());
        QVERIFY(window->isHidden());
        QCOMPARE(notices.size(), 1);
        QCOMPARE(notices.first().at(0).toString(), QStringLiteral("Patchbay is still running"));
        // Back from the tray and closed again: hidden again, no second notice.
        QSignalSpy opened(window->trayIcon(), &TrayIcon::openWindowRequested);
        const QList<QAction *> items = window->trayIcon()->menu()->actions();
        const auto open = std::find_if(items.begin(), items.end(),
                                       [](QAction *a) { return a->text() == QLatin1String("Open Patchbay"); });
        QVERIFY(open != items.end());
        (*open)->trigger();
        QCOMPARE(opened.size(), 1);
        QVERIFY(window->isVisible());
        QVERIFY(!window->close());
        QVERIFY(window->isHidden());
        QCOMPARE(notices.size(), 1);
        // Nor in the next session: the notice is remembered.
        window.reset();
        auto next = openWindow();
        QSignalSpy nextNotices(next->trayIcon(), &TrayIcon::notified);
        QVERIFY(!next->close());
        QVERIFY(next->isHidden());
        QCOMPARE(nextNotices.size(), 0);
    }

    void settingOffMeansClosingQuits()
    {
        auto window = openWindow();
        window->keepInTrayAction()->trigger(); // File ▸ Keep Running in the Tray When Closed, off
        QVERIFY(!window->keepsRunningInTray());
        QVERIFY(QApplication::quitOnLastWindowClosed());
        QSignalSpy notices(window->trayIcon(), &TrayIcon::notified);
        QVERIFY(window->close());
        QVERIFY(window->isHidden());
        QCOMPARE(notices.size(), 0);
        // Kept for the next session, and shown in its menu.
        window.reset();
        auto next = openWindow();
        QVERIFY(!next->keepsRunningInTray());
        QVERIFY(!next->keepInTrayAction()->isChecked());
        QVERIFY(QApplication::quitOnLastWindowClosed());
        next->setKeepRunningInTray(true);
        QVERIFY(next->keepInTrayAction()->isChecked());
        QVERIFY(!QApplication::quitOnLastWindowClosed());
        QVERIFY(!next->close());
    }

    void withoutATrayClosingQuits()
    {
        m_tray = false;
        auto window = openWindow();
        QVERIFY(!window->trayIcon());
        QVERIFY(!window->keepInTrayAction());
        QVERIFY(window->keepsRunningInTray()); // the setting says yes, but there is nowhere to go
        QVERIFY(window->close());
        QVERIFY(QApplication::quitOnLastWindowClosed());
    }

    void trayGoneByTheTimeOfClosingQuits()
    {
        auto window = openWindow();
        QVERIFY(window->trayIcon());
        QVERIFY(!QApplication::quitOnLastWindowClosed());
        m_tray = false; // the panel went away
        QSignalSpy notices(window->trayIcon(), &TrayIcon::notified);
        QVERIFY(window->close());
        QVERIFY(QApplication::quitOnLastWindowClosed());
        QCOMPARE(notices.size(), 0);
    }

    void quitFromTheTrayClosesForGood()
    {
        auto window = openWindow();
        QSignalSpy notices(window->trayIcon(), &TrayIcon::notified);
        const QList<QAction *> items = window->trayIcon()->menu()->actions();
        const auto quit = std::find_if(items.begin(), items.end(),
                                       [](QAction *a) { return a->text() == QLatin1String("Quit Patchbay"); });
        QVERIFY(quit != items.end());
        (*quit)->trigger();
        QVERIFY(window->isHidden());
        QVERIFY(QApplication::quitOnLastWindowClosed());
        QCOMPARE(notices.size(), 0); // "still running" would be untrue
    }

    void menuSwitchesTheGatewayAndShowsTodaysSpend()
    {
        const UsageRecord first = call(QStringLiteral("tray-1"), 1.25);
        insert(m_workspace->database(), first);
        Dashboard dashboard(m_workspace->databasePath(), nullptr);
        TrayIcon tray(m_workspace.get(), &dashboard);
        QTRY_COMPARE(tray.spendText(), QStringLiteral("Spent today: $1.25"));
        QCOMPARE(texts(tray.menu()), (QStringList{QStringLiteral("Gateway running at %1").arg(kUrl),
                                                  QStringLiteral("Stop the gateway"), QStringLiteral("Spent today: $1.25"),
                                                  QStringLiteral("Open Patchbay"), QStringLiteral("Quit Patchbay")}));
        QVERIFY(tray.toolTip().contains(QStringLiteral("$1.25")));

        // A new call moves the spend line on, without reopening anything.
        const UsageRecord second = call(QStringLiteral("tray-2"), 0.5);
        insert(m_workspace->database(), second);
        dashboard.notifyRecorded(second);
        QTRY_COMPARE(tray.spendText(), QStringLiteral("Spent today: $1.75"));

        QSignalSpy stop(&tray, &TrayIcon::stopGatewayRequested);
        QSignalSpy start(&tray, &TrayIcon::startGatewayRequested);
        tray.gatewayAction()->trigger();
        QCOMPARE(stop.size(), 1);
        m_workspace->setGatewayStatus({GatewayStatus::State::Stopped, kUrl, {}});
        QCOMPARE(tray.gatewayAction()->text(), QStringLiteral("Start the gateway"));
        QCOMPARE(texts(tray.menu()).first(), QStringLiteral("Gateway stopped"));
        tray.gatewayAction()->trigger();
        QCOMPARE(start.size(), 1);
        QCOMPARE(stop.size(), 1);
        m_workspace->setGatewayStatus({GatewayStatus::State::Running, kUrl, {}});
        QCOMPARE(tray.gatewayAction()->text(), QStringLiteral("Stop the gateway"));
    }
};

QTEST_MAIN(TestTray)
#include "tst_tray.moc"
