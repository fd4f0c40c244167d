// Drives the Providers page the way a user does, against a real config file, a real SQLite
// database and the real system keychain (a private gnome-keyring in CI).

#include "appconfig.h"
#include "fakeprovider.h"
#include "providerdialog.h"
#include "providerspage.h"
#include "secretstore.h"
#include "testworkspace.h"

#include <QComboBox>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace patchbay;
using patchbay::testing::TestWorkspace;

namespace {

template <typename T>
T *child(QObject *parent, const char *name)
{
    T *found = parent->findChild<T *>(QLatin1String(name));
    if (!found)
        qWarning("no child %s", name);
    return found;
}

} // namespace

class TestProvidersPage : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void cleanupTestCase();

    void showsWelcomeWhenEmpty();
    void addStoresKeyInKeychainOnly();
    void editWithBlankKeyKeepsKey();
    void removeDeletesConfigAndKey();
    void testButtonFillsModels();
    void testButtonShowsProviderError();
    void testButtonUsesStoredKeyOnEdit();
    void splitModels();
    void welcomeOffersPresets();
    void anthropicPresetSavesDialect();
    void testButtonNormalisesBaseUrl();
    void testButtonSpeaksAnthropic();
    void testButtonSpeaksGemini();

private:
    ProviderDialog *openAddDialog();
    ProviderDialog *openPresetDialog(const QString &presetId);
    void fill(ProviderDialog *dialog, const QString &name, const QString &baseUrl, const QString &key,
              const QString &models);
    void addProvider(const QString &name, const QString &key);
    QJsonObject configOnDisk() const;

    // A service name of our own, so the test never touches the user's real Patchbay keys.
    QString m_service = QStringLiteral("Patchbay-test-%1").arg(QRandomGenerator::global()->generate(), 8, 16, QLatin1Char('0'));
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<TestWorkspace> m_workspace;
    std::unique_ptr<ProvidersPage> m_page;
};

void TestProvidersPage::initTestCase()
{
    SecretStore probe(m_service);
    const SecretResult written = probe.writeNow(QStringLiteral("probe"), QStringLiteral("probe"));
    if (!written.ok) {
        if (qEnvironmentVariable("PATCHBAY_ALLOW_NO_KEYCHAIN") == QLatin1String("1"))
            QSKIP(qPrintable(QStringLiteral("No keychain reachable (PATCHBAY_ALLOW_NO_KEYCHAIN=1): ") + written.error));
        QFAIL(qPrintable(QStringLiteral("These tests need a Secret Service; run them under dbus-run-session with an "
                                        "unlocked gnome-keyring, or set PATCHBAY_ALLOW_NO_KEYCHAIN=1 to skip. ")
                         + written.error));
    }
    probe.removeNow(QStringLiteral("probe"));
}

void TestProvidersPage::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_workspace = std::make_unique<TestWorkspace>(m_dir->path(), m_service);
    m_page = std::make_unique<ProvidersPage>(m_workspace.get());
    m_page->resize(900, 600);
    m_page->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_page.get()));
}

void TestProvidersPage::cleanup()
{
    if (m_workspace) {
        for (const ProviderConfig &p : m_workspace->config().providers)
            m_workspace->secrets()->removeNow(p.id);
    }
    m_page.reset();
    m_workspace.reset();
    m_dir.reset();
}

void TestProvidersPage::cleanupTestCase()
{
}

ProviderDialog *TestProvidersPage::openAddDialog()
{
    auto *add = m_page->findChild<QPushButton *>(m_workspace->config().providers.isEmpty() ? QStringLiteral("emptyAddButton")
                                                                                            : QStringLiteral("addButton"));
    if (!add || !add->isVisible() || !add->isEnabled())
        return nullptr;
    QTest::mouseClick(add, Qt::LeftButton);
    ProviderDialog *dialog = nullptr;
    const bool shown = QTest::qWaitFor([&] { return (dialog = m_page->findChild<ProviderDialog *>()) && dialog->isVisible(); }, 5000);
    return shown ? dialog : nullptr;
}

ProviderDialog *TestProvidersPage::openPresetDialog(const QString &presetId)
{
    ProviderDialog *dialog = openAddDialog();
    if (!dialog)
        return nullptr;
    auto *presets = child<QComboBox>(dialog, "presetCombo");
    presets->setCurrentIndex(presets->findData(presetId));
    return dialog->presetId() == presetId ? dialog : nullptr;
}

void TestProvidersPage::fill(ProviderDialog *dialog, const QString &name, const QString &baseUrl, const QString &key,
                             const QString &models)
{
    QTest::keyClicks(child<QLineEdit>(dialog, "nameEdit"), name);
    QTest::keyClicks(child<QLineEdit>(dialog, "baseUrlEdit"), baseUrl);
    QTest::keyClicks(child<QLineEdit>(dialog, "keyEdit"), key);
    // keyClicks cannot type '\n'; a user presses Return.
    auto *modelsEdit = child<QPlainTextEdit>(dialog, "modelsEdit");
    const QStringList lines = models.split(QLatin1Char('\n'));
    for (qsizetype i = 0; i < lines.size(); ++i) {
        if (i > 0)
            QTest::keyClick(modelsEdit, Qt::Key_Return);
        QTest::keyClicks(modelsEdit, lines.at(i));
    }
}

void TestProvidersPage::addProvider(const QString &name, const QString &key)
{
    QPointer<ProviderDialog> dialog = openAddDialog();
    QVERIFY(dialog);
    fill(dialog, name, QStringLiteral("https://api.example.com/v1"), key, QStringLiteral("gpt-4o, gpt-4o-mini"));
    QTest::mouseClick(child<QPushButton>(dialog, "saveButton"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(dialog.isNull(), 10000);
}

QJsonObject TestProvidersPage::configOnDisk() const
{
    QFile file(m_workspace->configPath());
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

void TestProvidersPage::showsWelcomeWhenEmpty()
{
    auto *welcome = child<QWidget>(m_page.get(), "providersEmptyState");
    QVERIFY(welcome);
    QVERIFY(welcome->isVisible());
    QVERIFY(child<QLabel>(welcome, "emptyText")->text().contains(QLatin1String("http://localhost:11434/v1")));
    QVERIFY(!child<QTreeWidget>(m_page.get(), "providerList")->isVisible());
}

void TestProvidersPage::addStoresKeyInKeychainOnly()
{
    const QString key = QStringLiteral("sk-test-VerySecret-0123456789abcdef");
    QPointer<ProviderDialog> dialog = openAddDialog();
    QVERIFY(dialog);
    QVERIFY(!child<QPushButton>(dialog, "saveButton")->isEnabled()); // nothing typed yet
    fill(dialog, QStringLiteral("My OpenAI"), QStringLiteral("https://api.openai.com/v1"), key,
         QStringLiteral("gpt-4o, gpt-4o-mini\no3"));
    QCOMPARE(child<QLineEdit>(dialog, "keyEdit")->echoMode(), QLineEdit::Password);
    QTest::mouseClick(child<QPushButton>(dialog, "saveButton"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(dialog.isNull(), 10000);

    // On disk: the provider, referring to the keychain, and no trace of the key.
    QFile file(m_workspace->configPath());
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray raw = file.readAll();
    QVERIFY2(!raw.contains(key.toUtf8()), "the key leaked into config.json");
    QVERIFY(!raw.contains("VerySecret"));
    const QJsonArray providers = QJsonDocument::fromJson(raw).object().value(QLatin1String("providers")).toArray();
    QCOMPARE(providers.size(), 1);
    const QJsonObject p = providers.first().toObject();
    QCOMPARE(p.value(QLatin1String("id")).toString(), QStringLiteral("my-openai"));
    QCOMPARE(p.value(QLatin1String("name")).toString(), QStringLiteral("My OpenAI"));
    QCOMPARE(p.value(QLatin1String("key")).toString(), QStringLiteral("keychain:my-openai"));
    QCOMPARE(p.value(QLatin1String("base_url")).toString(), QStringLiteral("https://api.openai.com/v1"));
    QCOMPARE(p.value(QLatin1String("models")).toArray(),
             QJsonArray({QStringLiteral("gpt-4o"), QStringLiteral("gpt-4o-mini"), QStringLiteral("o3")}));

    // In the keychain, under the provider's id.
    const SecretResult stored = m_workspace->secrets()->readNow(QStringLiteral("my-openai"));
    QVERIFY2(stored.ok, qPrintable(stored.error));
    QCOMPARE(stored.secret, key);

    // On screen: the list replaced the welcome panel.
    auto *list = child<QTreeWidget>(m_page.get(), "providerList");
    QTRY_VERIFY(list->isVisible());
    QCOMPARE(list->topLevelItemCount(), 1);
    QCOMPARE(list->topLevelItem(0)->text(0), QStringLiteral("My OpenAI"));
    QCOMPARE(list->topLevelItem(0)->text(1), QStringLiteral("my-openai"));
    QVERIFY(!child<QWidget>(m_page.get(), "providersEmptyState")->isVisible());
    QVERIFY(child<QPushButton>(m_page.get(), "editButton")->isEnabled());
}

void TestProvidersPage::editWithBlankKeyKeepsKey()
{
    const QString key = QStringLiteral("sk-keep-me-0123456789");
    addProvider(QStringLiteral("Groq"), key);
    auto *list = child<QTreeWidget>(m_page.get(), "providerList");
    QTRY_COMPARE(list->topLevelItemCount(), 1);
    list->setCurrentItem(list->topLevelItem(0));
    QTest::mouseClick(child<QPushButton>(m_page.get(), "editButton"), Qt::LeftButton);
    QPointer<ProviderDialog> dialog;
    QTRY_VERIFY((dialog = m_page->findChild<ProviderDialog *>()) && dialog->isVisible());
    QVERIFY(child<QLineEdit>(dialog, "keyEdit")->text().isEmpty()); // the key is never shown again
    QCOMPARE(child<QLineEdit>(dialog, "nameEdit")->text(), QStringLiteral("Groq"));
    auto *models = child<QPlainTextEdit>(dialog, "modelsEdit");
    models->clear();
    QTest::keyClicks(models, QStringLiteral("llama-3.3-70b"));
    QTest::mouseClick(child<QPushButton>(dialog, "saveButton"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(dialog.isNull(), 10000);

    const ProviderConfig *p = m_workspace->config().provider(QStringLiteral("groq"));
    QVERIFY(p);
    QCOMPARE(p->models, QStringList{QStringLiteral("llama-3.3-70b")});
    QCOMPARE(p->keyRef, QStringLiteral("keychain:groq"));
    QCOMPARE(m_workspace->secrets()->readNow(QStringLiteral("groq")).secret, key);
}

void TestProvidersPage::removeDeletesConfigAndKey()
{
    addProvider(QStringLiteral("Mistral"), QStringLiteral("sk-remove-me-0123456789"));
    auto *list = child<QTreeWidget>(m_page.get(), "providerList");
    QTRY_COMPARE(list->topLevelItemCount(), 1);
    list->setCurrentItem(list->topLevelItem(0));
    QTest::mouseClick(child<QPushButton>(m_page.get(), "removeButton"), Qt::LeftButton);
    QPointer<QMessageBox> box;
    QTRY_VERIFY((box = m_page->findChild<QMessageBox *>(QStringLiteral("removeConfirmation"))) && box->isVisible());
    QTest::mouseClick(child<QPushButton>(box, "confirmRemoveButton"), Qt::LeftButton);

    QTRY_VERIFY(m_workspace->config().providers.isEmpty());
    QVERIFY(configOnDisk().value(QLatin1String("providers")).toArray().isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(m_workspace->secrets()->readNow(QStringLiteral("mistral")).notFound, 10000);
    QTRY_VERIFY(child<QWidget>(m_page.get(), "providersEmptyState")->isVisible());
}

void TestProvidersPage::testButtonFillsModels()
{
    testing::FakeProvider fake;
    QVERIFY(fake.listen());
    fake.setExpectedKey(QStringLiteral("sk-right-key-0123456789"));
    fake.setModels({QStringLiteral("zeta-large"), QStringLiteral("alpha-small")});

    QPointer<ProviderDialog> dialog = openAddDialog();
    QVERIFY(dialog);
    fill(dialog, QStringLiteral("Local"), fake.baseUrl(), QStringLiteral("sk-right-key-0123456789"), QString());
    QTest::mouseClick(child<QPushButton>(dialog, "testButton"), Qt::LeftButton);

    auto *models = child<QPlainTextEdit>(dialog, "modelsEdit");
    QTRY_COMPARE_WITH_TIMEOUT(models->toPlainText(), QStringLiteral("alpha-small\nzeta-large"), 10000);
    auto *status = child<QLabel>(dialog, "statusLabel");
    QVERIFY(status->isVisible());
    QVERIFY2(status->text().contains(QLatin1String("2 models")), qPrintable(status->text()));
    QVERIFY(child<QPushButton>(dialog, "testButton")->isEnabled());
    dialog->reject();
}

void TestProvidersPage::testButtonShowsProviderError()
{
    testing::FakeProvider fake;
    QVERIFY(fake.listen());
    fake.setExpectedKey(QStringLiteral("sk-right-key-0123456789"));

    QPointer<ProviderDialog> dialog = openAddDialog();
    QVERIFY(dialog);
    const QString wrong = QStringLiteral("sk-wrong-key-9876543210");
    fill(dialog, QStringLiteral("Local"), fake.baseUrl(), wrong, QStringLiteral("keep-me"));
    QTest::mouseClick(child<QPushButton>(dialog, "testButton"), Qt::LeftButton);

    auto *status = child<QLabel>(dialog, "statusLabel");
    QTRY_VERIFY_WITH_TIMEOUT(!status->text().startsWith(QLatin1String("Asking")), 10000); // the port in "Asking …" may hold these digits
    QVERIFY2(status->text().contains(QLatin1String("401")), qPrintable(status->text()));
    const QString text = status->text();
    QVERIFY2(text.contains(QLatin1String("Incorrect API key provided")), qPrintable(text)); // the provider's own words
    QVERIFY2(text.contains(QLatin1String("Check the API key")), qPrintable(text));
    QVERIFY2(!text.contains(wrong), "the key was shown on screen");
    QCOMPARE(child<QPlainTextEdit>(dialog, "modelsEdit")->toPlainText(), QStringLiteral("keep-me"));
    dialog->reject();
}

void TestProvidersPage::testButtonUsesStoredKeyOnEdit()
{
    testing::FakeProvider fake;
    QVERIFY(fake.listen());
    const QString key = QStringLiteral("sk-stored-key-0123456789");
    fake.setExpectedKey(key);
    fake.setModels({QStringLiteral("only-model")});

    QPointer<ProviderDialog> add = openAddDialog();
    QVERIFY(add);
    fill(add, QStringLiteral("Fake"), fake.baseUrl(), key, QStringLiteral("x"));
    QTest::mouseClick(child<QPushButton>(add, "saveButton"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(add.isNull(), 10000);

    auto *list = child<QTreeWidget>(m_page.get(), "providerList");
    QTRY_COMPARE(list->topLevelItemCount(), 1);
    list->setCurrentItem(list->topLevelItem(0));
    m_page->editProvider();
    QPointer<ProviderDialog> dialog;
    QTRY_VERIFY((dialog = m_page->findChild<ProviderDialog *>()) && dialog->isVisible());
    QTest::mouseClick(child<QPushButton>(dialog, "testButton"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(child<QPlainTextEdit>(dialog, "modelsEdit")->toPlainText(), QStringLiteral("only-model"),
                              10000);
    dialog->reject();
}

void TestProvidersPage::splitModels()
{
    QCOMPARE(ProviderDialog::splitModels(QStringLiteral(" gpt-4o ,gpt-4o-mini\n\n o3 \r\ngpt-4o,")),
             QStringList({QStringLiteral("gpt-4o"), QStringLiteral("gpt-4o-mini"), QStringLiteral("o3")}));
    QVERIFY(ProviderDialog::splitModels(QStringLiteral(" , \n")).isEmpty());
}

void TestProvidersPage::welcomeOffersPresets()
{
    auto *welcome = child<QWidget>(m_page.get(), "providersEmptyState");
    for (const char *name : {"emptyPreset_openai", "emptyPreset_anthropic", "emptyPreset_gemini", "emptyPreset_ollama",
                             "emptyAddButton"})
        QVERIFY2(child<QPushButton>(welcome, name) && child<QPushButton>(welcome, name)->isVisible(), name);
    QCOMPARE(child<QPushButton>(welcome, "emptyPreset_ollama")->text(), QStringLiteral("Ollama"));

    QTest::mouseClick(child<QPushButton>(welcome, "emptyPreset_gemini"), Qt::LeftButton);
    QPointer<ProviderDialog> dialog;
    QTRY_VERIFY((dialog = m_page->findChild<ProviderDialog *>()) && dialog->isVisible());
    QCOMPARE(dialog->presetId(), QStringLiteral("gemini"));
    QCOMPARE(dialog->dialect(), QStringLiteral("gemini"));
    QCOMPARE(child<QLineEdit>(dialog, "baseUrlEdit")->text(), QStringLiteral("https://generativelanguage.googleapis.com/v1beta"));
    dialog->reject();
    QTRY_VERIFY(dialog.isNull());

    // "Other…" starts from a server of the user's own.
    QTest::mouseClick(child<QPushButton>(welcome, "emptyAddButton"), Qt::LeftButton);
    QTRY_VERIFY((dialog = m_page->findChild<ProviderDialog *>()) && dialog->isVisible());
    QCOMPARE(dialog->presetId(), QStringLiteral("custom"));
    QVERIFY(child<QComboBox>(dialog, "dialectCombo")->isVisible());
    dialog->reject();
}

void TestProvidersPage::anthropicPresetSavesDialect()
{
    const QString key = QStringLiteral("test-anthropic-key-0123");
    QPointer<ProviderDialog> dialog = openPresetDialog(QStringLiteral("anthropic"));
    QVERIFY(dialog);
    QCOMPARE(child<QLineEdit>(dialog, "nameEdit")->text(), QStringLiteral("Anthropic"));
    QCOMPARE(child<QLineEdit>(dialog, "baseUrlEdit")->text(), QStringLiteral("https://api.anthropic.com/v1"));
    QCOMPARE(dialog->dialect(), QStringLiteral("anthropic"));
    QVERIFY(!child<QPlainTextEdit>(dialog, "modelsEdit")->toPlainText().isEmpty()); // the offline list
    QTest::keyClicks(child<QLineEdit>(dialog, "keyEdit"), key);
    QTest::mouseClick(child<QPushButton>(dialog, "saveButton"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(dialog.isNull(), 10000);

    const QJsonArray providers = configOnDisk().value(QLatin1String("providers")).toArray();
    QCOMPARE(providers.size(), 1);
    const QJsonObject p = providers.first().toObject();
    QCOMPARE(p.value(QLatin1String("id")).toString(), QStringLiteral("anthropic"));
    QCOMPARE(p.value(QLatin1String("dialect")).toString(), QStringLiteral("anthropic"));
    QCOMPARE(p.value(QLatin1String("key")).toString(), QStringLiteral("keychain:anthropic"));
    QCOMPARE(p.value(QLatin1String("base_url")).toString(), QStringLiteral("https://api.anthropic.com/v1"));
    QCOMPARE(m_workspace->secrets()->readNow(QStringLiteral("anthropic")).secret, key);

    auto *list = child<QTreeWidget>(m_page.get(), "providerList");
    QTRY_COMPARE(list->topLevelItemCount(), 1);
    QCOMPARE(list->topLevelItem(0)->text(2), QStringLiteral("Anthropic"));
}

void TestProvidersPage::testButtonNormalisesBaseUrl()
{
    testing::FakeProvider fake;
    QVERIFY(fake.listen());
    fake.setModels({QStringLiteral("local-model")});

    QPointer<ProviderDialog> dialog = openAddDialog();
    QVERIFY(dialog);
    // As pasted from a server's start-up message: no /v1, a trailing slash.
    const QString typed = QStringLiteral("http://127.0.0.1:%1/").arg(fake.port());
    fill(dialog, QStringLiteral("Local"), typed, QString(), QString());
    QTest::mouseClick(child<QPushButton>(dialog, "testButton"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(child<QPlainTextEdit>(dialog, "modelsEdit")->toPlainText(), QStringLiteral("local-model"),
                              10000);
    QCOMPARE(child<QLineEdit>(dialog, "baseUrlEdit")->text(), fake.baseUrl());
    QTest::mouseClick(child<QPushButton>(dialog, "saveButton"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(dialog.isNull(), 10000);

    const QJsonObject p = configOnDisk().value(QLatin1String("providers")).toArray().first().toObject();
    QCOMPARE(p.value(QLatin1String("base_url")).toString(), fake.baseUrl());
    QCOMPARE(p.value(QLatin1String("dialect")).toString(), QStringLiteral("openai"));
    QCOMPARE(child<QTreeWidget>(m_page.get(), "providerList")->topLevelItem(0)->text(2), QStringLiteral("OpenAI-compatible"));
}

void TestProvidersPage::testButtonSpeaksAnthropic()
{
    testing::FakeProvider fake;
    QVERIFY(fake.listen());
    const QString key = QStringLiteral("sk-ant-right-0123456789");
    fake.setExpectedKey(key);
    fake.setModels({QStringLiteral("claude-sonnet-4-6"), QStringLiteral("claude-haiku-4-5")});

    QPointer<ProviderDialog> dialog = openPresetDialog(QStringLiteral("anthropic"));
    QVERIFY(dialog);
    auto *baseUrl = child<QLineEdit>(dialog, "baseUrlEdit");
    baseUrl->clear();
    QTest::keyClicks(baseUrl, fake.baseUrl());
    auto *keyEdit = child<QLineEdit>(dialog, "keyEdit");
    const QString wrong = QStringLiteral("sk-ant-wrong-9876543210");
    QTest::keyClicks(keyEdit, wrong);
    auto *status = child<QLabel>(dialog, "statusLabel");
    auto *models = child<QPlainTextEdit>(dialog, "modelsEdit");
    const QString offline = models->toPlainText();

    // Anthropic's own error shape, read for its message.
    QTest::mouseClick(child<QPushButton>(dialog, "testButton"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!status->text().startsWith(QLatin1String("Asking")), 10000); // the port in "Asking …" may hold these digits
    QVERIFY2(status->text().contains(QLatin1String("401")), qPrintable(status->text()));
    QVERIFY2(status->text().contains(QLatin1String("invalid x-api-key")), qPrintable(status->text()));
    QVERIFY2(status->text().contains(QLatin1String("Check the API key")), qPrintable(status->text()));
    QVERIFY(!status->text().contains(wrong));
    QCOMPARE(models->toPlainText(), offline);

    keyEdit->clear();
    QTest::keyClicks(keyEdit, key);
    QTest::mouseClick(child<QPushButton>(dialog, "testButton"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(models->toPlainText(), QStringLiteral("claude-haiku-4-5\nclaude-sonnet-4-6"), 10000);
    const testing::ReceivedRequest last = fake.requests().last();
    QCOMPARE(last.method, QByteArray("GET"));
    QCOMPARE(last.path, QByteArray("/v1/models"));
    QCOMPARE(last.header("x-api-key"), key.toUtf8());
    QVERIFY(!last.header("anthropic-version").isEmpty());
    QVERIFY(!last.hasHeader("authorization"));
    dialog->reject();
}

void TestProvidersPage::testButtonSpeaksGemini()
{
    testing::FakeProvider fake;
    QVERIFY(fake.listen());
    const QString key = QStringLiteral("AIza-right-0123456789");
    fake.setExpectedKey(key);
    fake.setModels({QStringLiteral("gemini-2.5-flash"), QStringLiteral("gemini-2.5-pro")});

    QPointer<ProviderDialog> dialog = openPresetDialog(QStringLiteral("gemini"));
    QVERIFY(dialog);
    auto *baseUrl = child<QLineEdit>(dialog, "baseUrlEdit");
    baseUrl->clear();
    QTest::keyClicks(baseUrl, fake.geminiBaseUrl());
    auto *keyEdit = child<QLineEdit>(dialog, "keyEdit");
    QTest::keyClicks(keyEdit, QStringLiteral("AIza-wrong-9876543210"));
    auto *status = child<QLabel>(dialog, "statusLabel");

    // Google answers a wrong key with 400 and its own error shape.
    QTest::mouseClick(child<QPushButton>(dialog, "testButton"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!status->text().startsWith(QLatin1String("Asking")), 10000); // the port in "Asking …" may hold these digits
    QVERIFY2(status->text().contains(QLatin1String("400")), qPrintable(status->text()));
    QVERIFY2(status->text().contains(QLatin1String("API key not valid")), qPrintable(status->text()));
    QVERIFY2(status->text().contains(QLatin1String("Check the API key")), qPrintable(status->text()));

    keyEdit->clear();
    QTest::keyClicks(keyEdit, key);
    QTest::mouseClick(child<QPushButton>(dialog, "testButton"), Qt::LeftButton);
    auto *models = child<QPlainTextEdit>(dialog, "modelsEdit");
    QTRY_COMPARE_WITH_TIMEOUT(models->toPlainText(), QStringLiteral("gemini-2.5-flash\ngemini-2.5-pro"), 10000);
    const testing::ReceivedRequest last = fake.requests().last();
    QCOMPARE(last.header("x-goog-api-key"), key.toUtf8());
    QVERIFY(!last.path.contains("key=")); // never in the URL
    QCOMPARE(fake.keysInUrl(), 0);
    dialog->reject();
}

QTEST_MAIN(TestProvidersPage)
#include "tst_providerspage.moc"
