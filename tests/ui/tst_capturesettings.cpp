// The capture settings on the Gateway page against a TestWorkspace: they show config.json's
// gateway.capture, save each change at once, and keep the privacy note beside the bodies box.

#include "capturesettings.h"
#include "configstore.h"
#include "gatewaypage.h"
#include "testworkspace.h"

#include <QCheckBox>
#include <QLabel>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

using namespace patchbay;
using patchbay::testing::TestWorkspace;

class TestCaptureSettings : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<TestWorkspace> m_workspace;
    std::unique_ptr<GatewayPage> m_page;

    template<typename T>
    T *child(const char *name) const
    {
        return m_page->findChild<T *>(QLatin1String(name));
    }

    AppConfig onDisk() const
    {
        AppConfig config;
        QString error;
        if (!ConfigStore(m_workspace->configPath()).load(&config, &error))
            qWarning() << error;
        return config;
    }

private Q_SLOTS:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        m_workspace = std::make_unique<TestWorkspace>(m_dir->path(), QStringLiteral("Patchbay-test-nokeychain"));
        m_page = std::make_unique<GatewayPage>(m_workspace.get());
        m_page->resize(900, 800);
        m_page->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_page.get()));
    }

    void cleanup()
    {
        m_page.reset();
        m_workspace.reset();
        m_dir.reset();
    }

    void showsTheDefaults()
    {
        auto *headers = child<QCheckBox>("captureHeadersCheck");
        auto *bodies = child<QCheckBox>("captureBodiesCheck");
        auto *cap = child<QSpinBox>("captureCapSpin");
        QVERIFY(headers && bodies && cap);
        QVERIFY(headers->isChecked());
        QVERIFY(!bodies->isChecked());
        QCOMPARE(cap->value(), 64);
        QVERIFY(!cap->isEnabled()); // no cap to set while bodies are off
        // The note stands right under the bodies box, visible whether or not it is ticked.
        auto *note = child<QLabel>("captureBodiesNote");
        QVERIFY(note && note->isVisible());
        QVERIFY(note->text().contains(QStringLiteral("private data")));
        QVERIFY(note->mapTo(m_page.get(), QPoint(0, 0)).y() > bodies->mapTo(m_page.get(), QPoint(0, 0)).y());
        QVERIFY(note->mapTo(m_page.get(), QPoint(0, 0)).y() < cap->mapTo(m_page.get(), QPoint(0, 0)).y());
    }

    void eachChangeIsSaved()
    {
        auto *headers = child<QCheckBox>("captureHeadersCheck");
        auto *bodies = child<QCheckBox>("captureBodiesCheck");
        auto *cap = child<QSpinBox>("captureCapSpin");
        QVERIFY(headers && bodies && cap);
        const int before = m_workspace->saves;
        bodies->click();
        QCOMPARE(m_workspace->saves, before + 1);
        QVERIFY(onDisk().gateway.capture.bodies);
        QVERIFY(cap->isEnabled());
        cap->setValue(128);
        QCOMPARE(onDisk().gateway.capture.maxBodyBytes, 128 * 1024);
        headers->click();
        QVERIFY(!onDisk().gateway.capture.headers);
        QCOMPARE(m_workspace->config().gateway.capture, onDisk().gateway.capture);
        QCOMPARE(m_workspace->saves, before + 3);
    }

    void anEditedFileIsShown()
    {
        AppConfig config = m_workspace->config();
        config.gateway.capture.bodies = true;
        config.gateway.capture.maxBodyBytes = 8 * 1024;
        QString error;
        QVERIFY2(m_workspace->saveConfig(config, &error), qPrintable(error));
        const int saves = m_workspace->saves;
        QVERIFY(child<QCheckBox>("captureBodiesCheck")->isChecked());
        QCOMPARE(child<QSpinBox>("captureCapSpin")->value(), 8);
        QCOMPARE(m_workspace->saves, saves); // showing a change does not save it again
    }
};

QTEST_MAIN(TestCaptureSettings)
#include "tst_capturesettings.moc"
