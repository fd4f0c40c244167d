// The Gateway page against a TestWorkspace: the bind setting and its warning, token limits into
// the token store, the alias editor into config.json (and what it refuses), and the snippets.
// Set PATCHBAY_SCREENSHOTS to a folder to get a picture of each tab there.

#include "accesstokenspanel.h"
#include "aliaseditor.h"
#include "configstore.h"
#include "gatewaypage.h"
#include "noticebanner.h"
#include "routingeditor.h"
#include "snippets.h"
#include "snippetspanel.h"
#include "testworkspace.h"
#include "tokenlimitsdialog.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPointer>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace patchbay;
using patchbay::testing::TestWorkspace;

class TestGatewayPage : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        m_workspace = std::make_unique<TestWorkspace>(m_dir->path(), QStringLiteral("Patchbay-test-nokeychain"));
        AppConfig config;
        ProviderConfig openai;
        openai.id = QStringLiteral("openai");
        openai.name = QStringLiteral("OpenAI");
        openai.baseUrl = QStringLiteral("https://api.openai.com/v1");
        openai.models = {QStringLiteral("gpt-4o"), QStringLiteral("gpt-4o-mini")};
        ProviderConfig ollama;
        ollama.id = QStringLiteral("ollama");
        ollama.name = QStringLiteral("Ollama");
        ollama.baseUrl = QStringLiteral("http://localhost:11434/v1");
        ollama.models = {QStringLiteral("llama3.2")};
        config.providers = {openai, ollama};
        QString error;
        QVERIFY2(m_workspace->saveConfig(config, &error), qPrintable(error));
        m_workspace->saves = 0;
        m_page = std::make_unique<GatewayPage>(m_workspace.get());
        m_page->resize(900, 680);
        m_page->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_page.get()));
    }

    void cleanup()
    {
        m_page.reset();
        m_workspace.reset();
        m_dir.reset();
    }

    void snippetsCarryTheAddress()
    {
        auto *panel = m_page->findChild<SnippetsPanel *>();
        QVERIFY(panel);
        const QString base = QStringLiteral("http://127.0.0.1:7229/v1");
        for (const QString &id : {QStringLiteral("curl"), QStringLiteral("openai-python"), QStringLiteral("openai-js")}) {
            QVERIFY2(panel->code(id).contains(base), qPrintable(id));
            QVERIFY2(panel->code(id).contains(tokenPlaceholder()), qPrintable(id));
        }
        for (const QString &id : {QStringLiteral("anthropic-python"), QStringLiteral("anthropic-js")}) {
            QVERIFY2(panel->code(id).contains(QLatin1String("\"http://127.0.0.1:7229\"")), qPrintable(panel->code(id)));
            QVERIFY2(panel->code(id).contains(tokenPlaceholder()), qPrintable(id));
        }
        const QString env = panel->code(QStringLiteral("env"));
        QVERIFY(env.contains(QLatin1String("OPENAI_BASE_URL=http://127.0.0.1:7229/v1\n")));
        QVERIFY(env.contains(QLatin1String("OPENAI_API_KEY=pb-YOUR-TOKEN\n")));
        QVERIFY(env.contains(QLatin1String("ANTHROPIC_BASE_URL=http://127.0.0.1:7229\n")));
        QVERIFY(env.contains(QLatin1String("ANTHROPIC_API_KEY=pb-YOUR-TOKEN")));
        // The example model is one the gateway knows.
        QVERIFY2(panel->code(QStringLiteral("curl")).contains(QLatin1String("openai/gpt-4o")),
                 qPrintable(panel->code(QStringLiteral("curl"))));

        // A real token goes where the placeholder was; a moved gateway moves every snippet.
        const QList<Snippet> withToken = gatewaySnippets(QStringLiteral("http://10.0.0.5:9000/v1"), QStringLiteral("pb-abc"),
                                                         QStringLiteral("fast"));
        QCOMPARE(withToken.size(), 6);
        for (const Snippet &s : withToken) {
            QVERIFY2(s.code.contains(QLatin1String("pb-abc")), qPrintable(s.id));
            QVERIFY2(!s.code.contains(tokenPlaceholder()), qPrintable(s.id));
            QVERIFY2(s.code.contains(QLatin1String("http://10.0.0.5:9000")), qPrintable(s.id));
        }
        m_workspace->setGatewayStatus({GatewayStatus::State::Running, QStringLiteral("http://0.0.0.0:7300/v1"), {}});
        QVERIFY2(panel->code(QStringLiteral("curl")).contains(QLatin1String("http://127.0.0.1:7300/v1/chat/completions")),
                 qPrintable(panel->code(QStringLiteral("curl"))));
        screenshot(3, QStringLiteral("snippets"));
    }

    void bindingToEveryInterfaceWarns()
    {
        auto *banner = m_page->findChild<NoticeBanner *>();
        QVERIFY(banner);
        QVERIFY(!banner->isVisibleTo(m_page.get()));
        // Saved with tokens forced on below, even where the file had them off.
        AppConfig config = m_workspace->config();
        config.gateway.requireTokens = false;
        QString error;
        QVERIFY(m_workspace->saveConfig(config, &error));
        auto *combo = m_page->findChild<QComboBox *>(QStringLiteral("bindCombo"));
        combo->setCurrentIndex(combo->findData(QStringLiteral("0.0.0.0")));
        QVERIFY(banner->isVisibleTo(m_page.get()));
        QVERIFY(banner->messages().join(u' ').contains(QLatin1String("Other machines")));
        QVERIFY(banner->messages().join(u' ').contains(QLatin1String("Tokens cannot be switched off")));
        screenshot(0, QStringLiteral("server-public"));

        m_page->findChild<QSpinBox *>(QStringLiteral("portSpin"))->setValue(7300);
        QTest::mouseClick(m_page->findChild<QPushButton *>(QStringLiteral("applyBindButton")), Qt::LeftButton);
        const AppConfig saved = reread();
        QCOMPARE(saved.gateway.bindAddress, QStringLiteral("0.0.0.0"));
        QCOMPARE(saved.gateway.port, quint16(7300));
        QVERIFY(saved.gateway.requireTokens);
        QVERIFY(banner->isVisibleTo(m_page.get()));

        // A host name instead of an address is refused with the config's sentence, and saves nothing.
        const int saves = m_workspace->saves;
        combo->setCurrentIndex(combo->findData(QString()));
        m_page->findChild<QLineEdit *>(QStringLiteral("bindAddressEdit"))->setText(QStringLiteral("my-laptop.local"));
        QTest::mouseClick(m_page->findChild<QPushButton *>(QStringLiteral("applyBindButton")), Qt::LeftButton);
        auto *bindError = m_page->findChild<QLabel *>(QStringLiteral("bindError"));
        QVERIFY(bindError->isVisibleTo(m_page.get()));
        QVERIFY2(bindError->text().contains(QLatin1String("must be an IP address")), qPrintable(bindError->text()));
        QCOMPARE(m_workspace->saves, saves);

        // Back to loopback: the warning goes.
        combo->setCurrentIndex(combo->findData(QStringLiteral("127.0.0.1")));
        QVERIFY(!banner->isVisibleTo(m_page.get()));
    }

    void aliasEditorSavesIntoConfig()
    {
        m_page->findChild<QTabWidget *>(QStringLiteral("gatewayTabs"))->setCurrentIndex(2);
        auto *editor = m_page->findChild<RoutingEditor *>();
        AliasEditor *dialog = editor->addAlias();
        QVERIFY(QTest::qWaitForWindowExposed(dialog));
        dialog->findChild<QLineEdit *>(QStringLiteral("aliasNameEdit"))->setText(QStringLiteral("fast"));
        auto *strategy = dialog->findChild<QComboBox *>(QStringLiteral("strategyCombo"));
        strategy->setCurrentIndex(strategy->findData(QStringLiteral("weighted")));
        // One through the picker, as a user would, one directly.
        auto *picker = dialog->findChild<QComboBox *>(QStringLiteral("targetPicker"));
        picker->setCurrentText(QStringLiteral("openai/gpt-4o-mini"));
        QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("addTargetButton")), Qt::LeftButton);
        dialog->addTarget(QStringLiteral("ollama/llama3.2"), 3);
        screenshot(2, QStringLiteral("alias-dialog"), dialog);
        QPointer<AliasEditor> guard(dialog);
        QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("saveAliasButton")), Qt::LeftButton);
        QTRY_VERIFY(!guard || !guard->isVisible());

        const AppConfig saved = reread();
        const AliasConfig *fast = saved.routing.alias(QStringLiteral("fast"));
        QVERIFY(fast);
        QCOMPARE(fast->strategy, QStringLiteral("weighted"));
        QCOMPARE(fast->targets.size(), 2);
        QCOMPARE(fast->targets[0], (RouteTarget{QStringLiteral("openai/gpt-4o-mini"), 1}));
        QCOMPARE(fast->targets[1], (RouteTarget{QStringLiteral("ollama/llama3.2"), 3}));
        auto *list = m_page->findChild<QTreeWidget *>(QStringLiteral("aliasList"));
        QCOMPARE(list->topLevelItemCount(), 1);
        QCOMPARE(list->topLevelItem(0)->text(0), QStringLiteral("fast"));
        // The snippets now suggest the alias.
        QVERIFY(m_page->findChild<SnippetsPanel *>()->code(QStringLiteral("curl")).contains(QLatin1String("\"fast\"")));

        // Retries and provider order are saved from the same tab.
        m_page->findChild<QSpinBox *>(QStringLiteral("attemptsSpin"))->setValue(4);
        auto *order = m_page->findChild<QListWidget *>(QStringLiteral("providerOrderList"));
        QCOMPARE(order->count(), 2);
        order->setCurrentRow(1);
        QTest::mouseClick(m_page->findChild<QPushButton *>(QStringLiteral("saveRoutingButton")), Qt::LeftButton);
        // "Up" is the first button after the list; move via the list itself to stay independent of layout.
        QListWidgetItem *item = order->takeItem(1);
        order->insertItem(0, item);
        QTest::mouseClick(m_page->findChild<QPushButton *>(QStringLiteral("saveRoutingButton")), Qt::LeftButton);
        const AppConfig again = reread();
        QCOMPARE(again.routing.retry.attemptsPerTarget, 4);
        QCOMPARE(again.routing.providerOrder, (QStringList{QStringLiteral("ollama"), QStringLiteral("openai")}));
        QVERIFY(again.routing.alias(QStringLiteral("fast")));
        screenshot(2, QStringLiteral("routing"));

        // Removing it takes it out of the file.
        list->setCurrentItem(list->topLevelItem(0));
        QTest::mouseClick(m_page->findChild<QPushButton *>(QStringLiteral("removeAliasButton")), Qt::LeftButton);
        QVERIFY(!reread().routing.alias(QStringLiteral("fast")));
    }

    void aliasToUnknownProviderIsRefused()
    {
        auto *editor = m_page->findChild<RoutingEditor *>();
        AliasEditor *dialog = editor->addAlias();
        dialog->findChild<QLineEdit *>(QStringLiteral("aliasNameEdit"))->setText(QStringLiteral("smart"));
        dialog->addTarget(QStringLiteral("nowhere/big-model"));
        QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("saveAliasButton")), Qt::LeftButton);
        QVERIFY(dialog->isVisible());
        auto *error = dialog->findChild<QLabel *>(QStringLiteral("aliasError"));
        QVERIFY(error->isVisibleTo(dialog));
        QVERIFY2(error->text().contains(QLatin1String("no provider has the id \"nowhere\"")), qPrintable(error->text()));
        QVERIFY2(error->text().startsWith(QLatin1String("Nothing was saved.")), qPrintable(error->text()));
        QCOMPARE(m_workspace->saves, 0);
        QVERIFY(!reread().routing.alias(QStringLiteral("smart")));
        screenshot(2, QStringLiteral("alias-refused"), dialog);
        dialog->reject();
    }

    void tokenLimitsReachTheStore()
    {
        QString error;
        QVERIFY(!m_workspace->tokens().create(QStringLiteral("cli"), &error).isEmpty());
        auto *panel = m_page->findChild<AccessTokensPanel *>();
        panel->reload();
        m_page->findChild<QTabWidget *>(QStringLiteral("gatewayTabs"))->setCurrentIndex(1);
        auto *list = panel->findChild<QTreeWidget *>(QStringLiteral("tokenList"));
        QCOMPARE(list->topLevelItemCount(), 1);
        list->setCurrentItem(list->topLevelItem(0));
        QVERIFY(panel->findChild<QPushButton *>(QStringLiteral("tokenLimitsButton"))->isEnabled());
        QTest::mouseClick(panel->findChild<QPushButton *>(QStringLiteral("tokenLimitsButton")), Qt::LeftButton);
        auto *dialog = panel->findChild<TokenLimitsDialog *>();
        QVERIFY(dialog);
        QVERIFY(QTest::qWaitForWindowExposed(dialog));
        auto *models = dialog->findChild<QListWidget *>(QStringLiteral("allowedModelsList"));
        QCOMPARE(models->count(), 3); // openai/gpt-4o, openai/gpt-4o-mini, ollama/llama3.2
        models->item(1)->setCheckState(Qt::Checked);
        dialog->findChild<QLineEdit *>(QStringLiteral("otherModelsEdit"))->setText(QStringLiteral("fast, anthropic/claude-x"));
        dialog->findChild<QSpinBox *>(QStringLiteral("requestsPerMinuteSpin"))->setValue(30);
        dialog->findChild<QSpinBox *>(QStringLiteral("tokensPerMinuteSpin"))->setValue(50000);
        dialog->findChild<QDoubleSpinBox *>(QStringLiteral("usdPerDaySpin"))->setValue(1.5);
        screenshot(1, QStringLiteral("token-limits-dialog"), dialog);
        QPointer<TokenLimitsDialog> first(dialog);
        dialog->accept();
        QTRY_VERIFY(!first); // deleted on close, so the next findChild finds the next dialog

        const QList<AccessTokenInfo> tokens = m_workspace->tokens().list(&error);
        QCOMPARE(tokens.size(), 1);
        const TokenPolicy &p = tokens.first().policy;
        QCOMPARE(p.allowedModels, (QStringList{QStringLiteral("openai/gpt-4o-mini"), QStringLiteral("fast"),
                                               QStringLiteral("anthropic/claude-x")}));
        QCOMPARE(p.requestsPerMinute, std::optional<int>(30));
        QCOMPARE(p.tokensPerMinute, std::optional<qint64>(50000));
        QCOMPARE(p.usdPerDay, std::optional<double>(1.5));
        QVERIFY(!p.usdPerMonth);
        QCOMPARE(m_workspace->tokenReloads, 1);
        QVERIFY2(list->topLevelItem(0)->text(4).contains(QLatin1String("30 req/min")), qPrintable(list->topLevelItem(0)->text(4)));
        screenshot(1, QStringLiteral("tokens"));

        // Opening it again shows what was stored; clearing everything removes the limits.
        list->setCurrentItem(list->topLevelItem(0));
        panel->editLimits();
        dialog = panel->findChild<TokenLimitsDialog *>();
        QVERIFY(dialog);
        QCOMPARE(dialog->policy(), p);
        QVERIFY(panel->applyLimits(QStringLiteral("cli"), TokenPolicy{}));
        QVERIFY(m_workspace->tokens().list().first().policy.isEmpty());
        dialog->reject();
    }

private:
    AppConfig reread() const
    {
        AppConfig config;
        QString error;
        if (!ConfigStore(m_workspace->configPath()).load(&config, &error))
            qWarning("%s", qPrintable(error));
        return config;
    }

    // A picture for a human to look at, when asked for.
    void screenshot(int tab, const QString &name, QWidget *widget = nullptr)
    {
        const QString dir = qEnvironmentVariable("PATCHBAY_SCREENSHOTS");
        if (dir.isEmpty())
            return;
        m_page->findChild<QTabWidget *>(QStringLiteral("gatewayTabs"))->setCurrentIndex(tab);
        QWidget *target = widget ? widget : m_page.get();
        QCoreApplication::processEvents();
        target->grab().save(dir + QStringLiteral("/gateway-") + name + QStringLiteral(".png"));
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<TestWorkspace> m_workspace;
    std::unique_ptr<GatewayPage> m_page;
};

QTEST_MAIN(TestGatewayPage)
#include "tst_gatewaypage.moc"
