// The provider editor where no keychain answers: a key must then be saved nowhere, and the
// user told why. Runs with a D-Bus address that leads nowhere (see CMakeLists.txt).

#include "providerdialog.h"
#include "testworkspace.h"

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

private:
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
