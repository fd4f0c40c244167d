// The provider editor where no keychain answers: a key must then be saved nowhere, and the
// user told why. Also the presets, as far as they need no key: what choosing one fills in,
// and what Save stores. Runs with a D-Bus address that leads nowhere (see CMakeLists.txt).

#include "modellistfetcher.h"
#include "providerdialog.h"
#include "testworkspace.h"

#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>

using namespace patchbay;
using patchbay::testing::TestWorkspace;

class TestProviderDialog : public QObject
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

    void keychainFailureSavesNothing()
    {
        ProviderDialog dialog(m_workspace.get(), std::nullopt);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        type(&dialog, QStringLiteral("OpenAI"), QStringLiteral("https://api.openai.com/v1"), QStringLiteral("sk-nowhere-0123456789"));
        QTest::mouseClick(dialog.findChild<QPushButton *>(QStringLiteral("saveButton")), Qt::LeftButton);

        auto *status = dialog.findChild<QLabel *>(QStringLiteral("statusLabel"));
        QTRY_VERIFY_WITH_TIMEOUT(status->text().startsWith(QLatin1String("Nothing was saved.")), 30000);
        QVERIFY2(status->text().contains(QLatin1String("keychain")), qPrintable(status->text()));
        QVERIFY(dialog.isVisible());
        QCOMPARE(dialog.result(), int(QDialog::Rejected));
        QCOMPARE(m_workspace->saves, 0);
        QVERIFY(!QFile::exists(m_workspace->configPath()));
        // The user can fix the keychain and press Save again, or give up.
        QVERIFY(dialog.findChild<QPushButton *>(QStringLiteral("saveButton"))->isEnabled());
        QVERIFY(dialog.findChild<QLineEdit *>(QStringLiteral("keyEdit"))->isEnabled());
    }

    void noKeyNeedsNoKeychain()
    {
        ProviderDialog dialog(m_workspace.get(), std::nullopt);
        dialog.show();
        type(&dialog, QStringLiteral("Ollama"), QStringLiteral("http://localhost:11434/v1"), QString());
        QTest::mouseClick(dialog.findChild<QPushButton *>(QStringLiteral("saveButton")), Qt::LeftButton);
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        QCOMPARE(dialog.providerId(), QStringLiteral("ollama"));
        const ProviderConfig *p = m_workspace->config().provider(QStringLiteral("ollama"));
        QVERIFY(p);
        QVERIFY(p->keyRef.isEmpty());
        QCOMPARE(p->baseUrl, QStringLiteral("http://localhost:11434/v1"));
    }

    void badBaseUrlIsExplained()
    {
        ProviderDialog dialog(m_workspace.get(), std::nullopt);
        dialog.show();
        type(&dialog, QStringLiteral("Typo"), QStringLiteral("api.openai.com/v1"), QString());
        QTest::mouseClick(dialog.findChild<QPushButton *>(QStringLiteral("saveButton")), Qt::LeftButton);
        QVERIFY(dialog.isVisible());
        QVERIFY(dialog.findChild<QLabel *>(QStringLiteral("statusLabel"))->text().contains(QLatin1String("http://")));
        QCOMPARE(m_workspace->saves, 0);
    }

    void presetsAreOffered()
    {
        ProviderDialog dialog(m_workspace.get(), std::nullopt);
        auto *presets = dialog.findChild<QComboBox *>(QStringLiteral("presetCombo"));
        QVERIFY(presets);
        QCOMPARE(presets->currentIndex(), -1); // nothing chosen for the user
        QStringList ids;
        for (int i = 0; i < presets->count(); ++i) {
            if (!presets->itemData(i).toString().isEmpty())
                ids << presets->itemData(i).toString();
        }
        for (const char *id : {"openai", "anthropic", "gemini", "groq", "mistral", "deepseek", "openrouter", "xai",
                               "together", "fireworks", "cerebras", "perplexity", "ollama", "lmstudio", "llamacpp",
                               "vllm"})
            QVERIFY2(ids.contains(QLatin1String(id)), id);
        QCOMPARE(ids.last(), QStringLiteral("custom"));
        QCOMPARE(presets->itemText(presets->count() - 1), QStringLiteral("Other OpenAI-compatible server"));
    }

    void anthropicPresetFillsTheForm()
    {
        ProviderDialog dialog(m_workspace.get(), std::nullopt);
        dialog.show();
        choose(&dialog, "anthropic");
        QCOMPARE(dialog.presetId(), QStringLiteral("anthropic"));
        QCOMPARE(dialog.dialect(), QStringLiteral("anthropic"));
        QCOMPARE(edit(&dialog, "nameEdit")->text(), QStringLiteral("Anthropic"));
        QCOMPARE(edit(&dialog, "baseUrlEdit")->text(), QStringLiteral("https://api.anthropic.com/v1"));
        QVERIFY(dialog.findChild<QPlainTextEdit *>(QStringLiteral("modelsEdit"))->toPlainText().contains(QLatin1String("claude-")));
        // The dialect is the preset's, shown but not offered.
        QVERIFY(dialog.findChild<QLabel *>(QStringLiteral("dialectLabel"))->isVisible());
        QVERIFY(dialog.findChild<QLabel *>(QStringLiteral("dialectLabel"))->text().contains(QLatin1String("Anthropic")));
        QVERIFY(!dialog.findChild<QComboBox *>(QStringLiteral("dialectCombo"))->isVisible());
        // The key is asked for, with a way to get one.
        QVERIFY(edit(&dialog, "keyEdit")->isVisible());
        QVERIFY(edit(&dialog, "keyEdit")->placeholderText().startsWith(QLatin1String("Required")));
        auto *link = dialog.findChild<QLabel *>(QStringLiteral("keyLink"));
        QVERIFY(link->isVisible());
        QVERIFY(link->text().contains(QLatin1String("https://console.anthropic.com/settings/keys")));
    }

    void requiredKeyIsAskedFor()
    {
        ProviderDialog dialog(m_workspace.get(), std::nullopt);
        dialog.show();
        choose(&dialog, "openai");
        QTest::mouseClick(dialog.findChild<QPushButton *>(QStringLiteral("saveButton")), Qt::LeftButton);
        QVERIFY(dialog.isVisible());
        const QString status = dialog.findChild<QLabel *>(QStringLiteral("statusLabel"))->text();
        QVERIFY2(status.contains(QLatin1String("needs an API key")), qPrintable(status));
        QCOMPARE(m_workspace->saves, 0);
    }

    void localPresetNeedsNoKey()
    {
        ProviderDialog dialog(m_workspace.get(), std::nullopt);
        dialog.show();
        choose(&dialog, "ollama");
        QVERIFY(!edit(&dialog, "keyEdit")->isVisible());
        QCOMPARE(edit(&dialog, "nameEdit")->text(), QStringLiteral("Ollama"));
        QTest::mouseClick(dialog.findChild<QPushButton *>(QStringLiteral("saveButton")), Qt::LeftButton);
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        const ProviderConfig *p = m_workspace->config().provider(QStringLiteral("ollama"));
        QVERIFY(p);
        QCOMPARE(p->baseUrl, QStringLiteral("http://127.0.0.1:11434/v1"));
        QCOMPARE(p->dialect, QStringLiteral("openai"));
        QVERIFY(p->keyRef.isEmpty());
    }

    void customServerChoosesItsDialect()
    {
        ProviderDialog dialog(m_workspace.get(), std::nullopt);
        dialog.show();
        choose(&dialog, "custom");
        QVERIFY(edit(&dialog, "nameEdit")->text().isEmpty());
        QVERIFY(edit(&dialog, "baseUrlEdit")->text().isEmpty());
        auto *dialects = dialog.findChild<QComboBox *>(QStringLiteral("dialectCombo"));
        QVERIFY(dialects->isVisible());
        QCOMPARE(dialects->count(), 2); // Gemini only through its preset
        QCOMPARE(dialects->itemData(0).toString(), QStringLiteral("openai"));
        QCOMPARE(dialects->itemData(1).toString(), QStringLiteral("anthropic"));
        dialects->setCurrentIndex(1);
        QCOMPARE(dialog.dialect(), QStringLiteral("anthropic"));
        type(&dialog, QStringLiteral("Claude proxy"), QStringLiteral("https://proxy.example.com/v1/messages"), QString());
        QTest::mouseClick(dialog.findChild<QPushButton *>(QStringLiteral("saveButton")), Qt::LeftButton);
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        const ProviderConfig *p = m_workspace->config().provider(QStringLiteral("claude-proxy"));
        QVERIFY(p);
        QCOMPARE(p->dialect, QStringLiteral("anthropic"));
        QCOMPARE(p->baseUrl, QStringLiteral("https://proxy.example.com/v1")); // the pasted endpoint is dropped
    }

    void baseUrlIsNormalised()
    {
        ProviderDialog dialog(m_workspace.get(), std::nullopt);
        dialog.show();
        type(&dialog, QStringLiteral("Local"), QStringLiteral("http://127.0.0.1:18080/"), QString());
        QCOMPARE(dialog.dialect(), QStringLiteral("openai"));
        QTest::mouseClick(dialog.findChild<QPushButton *>(QStringLiteral("saveButton")), Qt::LeftButton);
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        const ProviderConfig *p = m_workspace->config().provider(QStringLiteral("local"));
        QVERIFY(p);
        QCOMPARE(p->baseUrl, QStringLiteral("http://127.0.0.1:18080/v1"));
        QCOMPARE(p->dialect, QStringLiteral("openai"));
    }

    void editShowsPresetAndDialect()
    {
        ProviderConfig existing;
        existing.id = QStringLiteral("gemini");
        existing.name = QStringLiteral("Google Gemini");
        existing.baseUrl = QStringLiteral("https://generativelanguage.googleapis.com/v1beta");
        existing.dialect = QStringLiteral("gemini");
        existing.keyRef = existing.keychainRef();
        ProviderDialog dialog(m_workspace.get(), existing);
        dialog.show();
        auto *presets = dialog.findChild<QComboBox *>(QStringLiteral("presetCombo"));
        QCOMPARE(presets->currentData().toString(), QStringLiteral("gemini"));
        QVERIFY(!presets->isEnabled());
        auto *dialects = dialog.findChild<QComboBox *>(QStringLiteral("dialectCombo"));
        QVERIFY(dialects->isVisible());
        QCOMPARE(dialects->currentData().toString(), QStringLiteral("gemini"));
        QVERIFY(edit(&dialog, "baseUrlEdit")->isEnabled());
        QVERIFY(dialog.findChild<QLabel *>(QStringLiteral("keyLink"))->isVisible());

        // A local server is recognised by its port.
        existing.baseUrl = QStringLiteral("http://localhost:1234/v1");
        existing.dialect = QStringLiteral("openai");
        ProviderDialog local(m_workspace.get(), existing);
        QCOMPARE(local.presetId(), QStringLiteral("lmstudio"));
        QCOMPARE(local.findChild<QComboBox *>(QStringLiteral("dialectCombo"))->count(), 2);
    }

    void providerMessageInEveryDialect()
    {
        QCOMPARE(ModelListFetcher::providerMessage("{\"error\":{\"message\":\"Incorrect API key provided\",\"type\":\"invalid_request_error\"}}"),
                 QStringLiteral("Incorrect API key provided"));
        QCOMPARE(ModelListFetcher::providerMessage("{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key\"}}"),
                 QStringLiteral("invalid x-api-key"));
        QCOMPARE(ModelListFetcher::providerMessage("{\"error\":{\"code\":400,\"message\":\"API key not valid.\",\"status\":\"INVALID_ARGUMENT\"}}"),
                 QStringLiteral("API key not valid."));
        QCOMPARE(ModelListFetcher::providerMessage("{\"error\":{\"code\":403,\"status\":\"PERMISSION_DENIED\"}}"),
                 QStringLiteral("PERMISSION_DENIED"));
        QCOMPARE(ModelListFetcher::providerMessage("[{\"error\":{\"message\":\"wrapped\"}}]"), QStringLiteral("wrapped"));
        QVERIFY(ModelListFetcher::isModelList(QStringLiteral("gemini"), "{\"models\":[]}"));
        QVERIFY(!ModelListFetcher::isModelList(QStringLiteral("openai"), "{\"models\":[]}"));
        QVERIFY(ModelListFetcher::isModelList(QStringLiteral("anthropic"), "{\"data\":[],\"has_more\":false}"));
    }

    // PATCHBAY_SCREENSHOT_DIR=/some/dir saves the dialog as a user sees it, for a look by eye.
    void screenshots()
    {
        const QString dir = qEnvironmentVariable("PATCHBAY_SCREENSHOT_DIR");
        if (dir.isEmpty())
            QSKIP("Set PATCHBAY_SCREENSHOT_DIR to save screenshots.");
        QDir().mkpath(dir);
        for (const char *id : {"", "anthropic", "ollama", "custom", "perplexity"}) {
            ProviderDialog dialog(m_workspace.get(), std::nullopt);
            dialog.show();
            if (*id)
                choose(&dialog, id);
            QVERIFY(QTest::qWaitForWindowExposed(&dialog));
            dialog.adjustSize();
            QVERIFY(dialog.grab().save(QStringLiteral("%1/providerdialog-%2.png").arg(dir, *id ? QLatin1String(id) : QLatin1String("new"))));
        }
    }

private:
    static QLineEdit *edit(ProviderDialog *dialog, const char *name)
    {
        return dialog->findChild<QLineEdit *>(QLatin1String(name));
    }

    // As a user picks it from the Provider list.
    static void choose(ProviderDialog *dialog, const char *presetId)
    {
        auto *presets = dialog->findChild<QComboBox *>(QStringLiteral("presetCombo"));
        const int index = presets->findData(QLatin1String(presetId));
        QVERIFY2(index >= 0, presetId);
        presets->setCurrentIndex(index);
    }

    static void type(ProviderDialog *dialog, const QString &name, const QString &baseUrl, const QString &key)
    {
        QTest::keyClicks(dialog->findChild<QLineEdit *>(QStringLiteral("nameEdit")), name);
        QTest::keyClicks(dialog->findChild<QLineEdit *>(QStringLiteral("baseUrlEdit")), baseUrl);
        QTest::keyClicks(dialog->findChild<QLineEdit *>(QStringLiteral("keyEdit")), key);
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<TestWorkspace> m_workspace;
};

QTEST_MAIN(TestProviderDialog)
#include "tst_providerdialog.moc"
