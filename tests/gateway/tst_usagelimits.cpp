#include "usagelimits.h"

#include <QTest>

using namespace patchbay;

// Limits and budgets against a clock the test moves, across minute, day and month boundaries.
class TestUsageLimits : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void requestsPerMinuteSlideWithTheClock()
    {
        QDateTime now(QDate(2026, 3, 10), QTime(12, 0, 0));
        UsageLimits limits([&] { return now; });
        TokenPolicy p;
        p.requestsPerMinute = 2;
        limits.setPolicies({{QStringLiteral("editor"), p}});
        QVERIFY(!limits.admit(QStringLiteral("editor")));
        now = now.addSecs(20);
        QVERIFY(!limits.admit(QStringLiteral("editor")));
        const std::optional<LimitHit> hit = limits.admit(QStringLiteral("editor"));
        QVERIFY(hit);
        QVERIFY(hit->message.contains(QStringLiteral("2 requests a minute")));
        QCOMPARE(hit->retryAfterSeconds, 40); // the first call leaves the window 60 s after it was made
        QVERIFY(!limits.admit(QStringLiteral("other"))); // another token is not affected
        now = now.addSecs(41);
        QVERIFY(!limits.admit(QStringLiteral("editor")));
    }

    void tokensPerMinuteCountWhatCallsUsed()
    {
        QDateTime now(QDate(2026, 3, 10), QTime(12, 0, 0));
        UsageLimits limits([&] { return now; });
        TokenPolicy p;
        p.tokensPerMinute = 1000;
        limits.setPolicies({{QStringLiteral("agent"), p}});
        QVERIFY(!limits.admit(QStringLiteral("agent")));
        limits.record(QStringLiteral("agent"), 1200, 0.0);
        const std::optional<LimitHit> hit = limits.admit(QStringLiteral("agent"));
        QVERIFY(hit);
        QVERIFY(hit->message.contains(QStringLiteral("1200")));
        now = now.addSecs(61);
        QVERIFY(!limits.admit(QStringLiteral("agent")));
    }

    void dailyBudgetResetsAtLocalMidnight()
    {
        QDateTime now(QDate(2026, 3, 10), QTime(23, 59, 0));
        UsageLimits limits([&] { return now; });
        TokenPolicy p;
        p.usdPerDay = 1.0;
        limits.setPolicies({{QStringLiteral("script"), p}});
        limits.seed({{QStringLiteral("script"), 0.75}}, {{QStringLiteral("script"), 3.0}});
        QVERIFY(!limits.admit(QStringLiteral("script")));
        limits.record(QStringLiteral("script"), 10, 0.25);
        const std::optional<LimitHit> hit = limits.admit(QStringLiteral("script"));
        QVERIFY(hit);
        QVERIFY2(hit->message.contains(QStringLiteral("$1.00 a day")) && hit->message.contains(QStringLiteral("$1.00 today")),
                 qPrintable(hit->message));
        QCOMPARE(hit->retryAfterSeconds, 60);
        now = now.addSecs(61); // 00:00:01 on the 11th
        QVERIFY(!limits.admit(QStringLiteral("script")));
        QCOMPARE(limits.spentToday(QStringLiteral("script")), 0.0);
        QCOMPARE(limits.spentThisMonth(QStringLiteral("script")), 3.25); // the month goes on
    }

    void monthlyAndOverallBudgets()
    {
        QDateTime now(QDate(2026, 1, 31), QTime(22, 0, 0));
        UsageLimits limits([&] { return now; });
        limits.setOverallBudget(std::nullopt, 10.0);
        limits.seed({}, {{QStringLiteral("a"), 6.0}, {QStringLiteral("b"), 3.5}});
        QVERIFY(!limits.admit(QStringLiteral("a")));
        limits.record(QStringLiteral("b"), 0, 0.5);
        const std::optional<LimitHit> hit = limits.admit(QStringLiteral("c")); // even a token with no policy
        QVERIFY(hit);
        QVERIFY(hit->message.contains(QStringLiteral("overall budget of $10.00 a month")));
        QCOMPARE(hit->retryAfterSeconds, 2 * 3600);
        now = QDateTime(QDate(2026, 2, 1), QTime(0, 0, 1));
        QVERIFY(!limits.admit(QStringLiteral("c")));
    }

    void allowedModels()
    {
        UsageLimits limits;
        TokenPolicy p;
        p.allowedModels = {QStringLiteral("fast"), QStringLiteral("openai/gpt-4o-mini")};
        limits.setPolicies({{QStringLiteral("kid"), p}});
        QVERIFY(limits.modelRefusal(QStringLiteral("kid"), QStringLiteral("fast")).isEmpty());
        QVERIFY(limits.modelRefusal(QStringLiteral("kid"), QStringLiteral("openai/gpt-5.5")).contains(QStringLiteral("may not use")));
        QVERIFY(limits.modelRefusal(QStringLiteral("grown-up"), QStringLiteral("openai/gpt-5.5")).isEmpty());
    }
};

QTEST_APPLESS_MAIN(TestUsageLimits)
#include "tst_usagelimits.moc"
