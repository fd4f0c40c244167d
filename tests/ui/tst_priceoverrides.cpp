// Price overrides through the provider dialog into config.json and back, and the Providers
// page's re-price action over a seeded ledger (issue 4). No keychain is needed: the provider is
// a local server without a key. Set PATCHBAY_SCREENSHOTS to a folder for a picture of the dialog.

#include "configstore.h"
#include "providerdialog.h"
#include "providerspage.h"
#include "testworkspace.h"

#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSqlError>
#include <QSqlQuery>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace patchbay;
using patchbay::testing::TestWorkspace;

class TestPriceOverrides : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        m_workspace = std::make_unique<TestWorkspace>(m_dir->path(), QStringLiteral("Patchbay-test-nokeychain"));
    }

    void cleanup()
    {
        m_workspace.reset();
        m_dir.reset();
    }

    void overridesRoundTrip()
    {
        {
            ProviderDialog dialog(m_workspace.get(), std::nullopt);
            dialog.show();
            QVERIFY(QTest::qWaitForWindowExposed(&dialog));
            dialog.findChild<QLineEdit *>(QStringLiteral("nameEdit"))->setText(QStringLiteral("Ollama"));
            dialog.findChild<QLineEdit *>(QStringLiteral("baseUrlEdit"))->setText(QStringLiteral("http://localhost:11434/v1"));
            auto *table = dialog.findChild<QTableWidget *>(QStringLiteral("priceTable"));
            QTest::mouseClick(dialog.findChild<QPushButton *>(QStringLiteral("addPriceButton")), Qt::LeftButton);
            QCOMPARE(table->rowCount(), 1);
            QCOMPARE(table->item(0, 0)->text(), QStringLiteral("*"));
            table->item(0, 1)->setText(QStringLiteral("0"));
            table->item(0, 2)->setText(QStringLiteral("0"));
            QTest::mouseClick(dialog.findChild<QPushButton *>(QStringLiteral("addPriceButton")), Qt::LeftButton);
            table->item(1, 0)->setText(QStringLiteral("llama3.2:70b"));
            table->item(1, 1)->setText(QStringLiteral("0.25"));
            table->item(1, 2)->setText(QStringLiteral("$1.5"));
            table->item(1, 3)->setText(QStringLiteral("0.05"));
            if (const QString dir = qEnvironmentVariable("PATCHBAY_SCREENSHOTS"); !dir.isEmpty())
                dialog.grab().save(dir + QStringLiteral("/provider-prices.png"));
            QTest::mouseClick(dialog.findChild<QPushButton *>(QStringLiteral("saveButton")), Qt::LeftButton);
            QCOMPARE(dialog.result(), int(QDialog::Accepted));
        }
        const ProviderConfig saved = reread().providers.value(0);
        QCOMPARE(saved.id, QStringLiteral("ollama"));
        QCOMPARE(saved.prices.size(), 2);
        QCOMPARE(saved.prices.value(QStringLiteral("*")), (ModelPrice{0.0, 0.0, std::nullopt, std::nullopt}));
        QCOMPARE(saved.prices.value(QStringLiteral("llama3.2:70b")), (ModelPrice{0.25, 1.5, 0.05, std::nullopt}));

        // Edited again: the rows come back as they were, and a bad one saves nothing.
        ProviderDialog dialog(m_workspace.get(), saved);
        dialog.show();
        auto *table = dialog.findChild<QTableWidget *>(QStringLiteral("priceTable"));
        QCOMPARE(table->rowCount(), 2);
        QCOMPARE(table->item(0, 0)->text(), QStringLiteral("*"));
        QCOMPARE(table->item(1, 2)->text(), QStringLiteral("1.5"));
        table->item(1, 2)->setText(QStringLiteral("cheap"));
        const int saves = m_workspace->saves;
        QTest::mouseClick(dialog.findChild<QPushButton *>(QStringLiteral("saveButton")), Qt::LeftButton);
        auto *status = dialog.findChild<QLabel *>(QStringLiteral("statusLabel"));
        QVERIFY2(status->text().contains(QLatin1String("\"cheap\" is not a price")), qPrintable(status->text()));
        QCOMPARE(m_workspace->saves, saves);
        table->item(1, 2)->setText(QString());
        QTest::mouseClick(dialog.findChild<QPushButton *>(QStringLiteral("saveButton")), Qt::LeftButton);
        QVERIFY2(status->text().contains(QLatin1String("needs an input and an output price")), qPrintable(status->text()));
        QCOMPARE(m_workspace->saves, saves);
        // Removing the row saves the rest.
        table->setCurrentCell(1, 0);
        QTest::mouseClick(dialog.findChild<QPushButton *>(QStringLiteral("removePriceButton")), Qt::LeftButton);
        QTest::mouseClick(dialog.findChild<QPushButton *>(QStringLiteral("saveButton")), Qt::LeftButton);
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        QCOMPARE(reread().providers.value(0).prices.keys(), QStringList{QStringLiteral("*")});
    }

    void repriceHistory()
    {
        AppConfig config;
        ProviderConfig ollama;
        ollama.id = QStringLiteral("ollama");
        ollama.name = QStringLiteral("Ollama");
        ollama.baseUrl = QStringLiteral("http://localhost:11434/v1");
        ollama.prices.insert(QStringLiteral("*"), ModelPrice{0.0, 0.0, std::nullopt, std::nullopt});
        ProviderConfig lab; // a server of the user's own: no catalog entry, no override
        lab.id = QStringLiteral("lab");
        lab.name = QStringLiteral("Lab");
        lab.baseUrl = QStringLiteral("http://10.1.2.3:8000/v1");
        config.providers = {ollama, lab};
        QString error;
        QVERIFY(m_workspace->saveConfig(config, &error));
        // One row the "*" price makes free; one for a model nothing has a price for.
        QSqlQuery q(m_workspace->database());
        q.prepare(QStringLiteral("INSERT INTO requests (request_id, started_at, endpoint, provider, upstream_model, status, "
                                 "input_tokens, output_tokens) VALUES (?, 1754222400000, '/v1/chat/completions', "
                                 "?, ?, 200, 300, 200)"));
        for (const auto &[id, provider, model] : {std::tuple{"priced", "ollama", "llama3.2"},
                                                  std::tuple{"unpriced", "lab", "mystery-model-9"}}) {
            q.addBindValue(QLatin1String(id));
            q.addBindValue(QLatin1String(provider));
            q.addBindValue(QLatin1String(model));
            QVERIFY2(q.exec(), qPrintable(q.lastError().text()));
        }

        ProvidersPage page(m_workspace.get());
        page.show();
        QSignalSpy finished(&page, &ProvidersPage::repriceFinished);
        auto *button = page.findChild<QPushButton *>(QStringLiteral("repriceButton"));
        QTest::mouseClick(button, Qt::LeftButton);
        QVERIFY(!button->isEnabled());
        QVERIFY(finished.wait(20000));
        QCOMPARE(finished.first().first().toString(), QStringLiteral("Repriced 1 requests; 1 have no known price."));
        QVERIFY(button->isEnabled());
        QSqlQuery check(m_workspace->database());
        QVERIFY(check.exec(QStringLiteral("SELECT cost_usd FROM requests WHERE request_id = 'priced'")));
        QVERIFY(check.next());
        QVERIFY(!check.value(0).isNull());
        QCOMPARE(check.value(0).toDouble(), 0.0);
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

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<TestWorkspace> m_workspace;
};

QTEST_MAIN(TestPriceOverrides)
#include "tst_priceoverrides.moc"
