#include "capturesettings.h"

#include "workspace.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QVBoxLayout>

namespace patchbay {

CaptureSettings::CaptureSettings(Workspace *workspace, QWidget *parent)
    : QGroupBox(tr("Request capture"), parent)
    , m_workspace(workspace)
    , m_headers(new QCheckBox(tr("Keep request and response &headers (keys, tokens and cookies are always redacted)"), this))
    , m_bodies(new QCheckBox(tr("Keep request and response &bodies"), this))
    , m_privacy(new QLabel(this))
    , m_capKib(new QSpinBox(this))
    , m_error(new QLabel(this))
{
    setObjectName(QStringLiteral("captureSettings"));
    m_headers->setObjectName(QStringLiteral("captureHeadersCheck"));
    m_bodies->setObjectName(QStringLiteral("captureBodiesCheck"));
    m_privacy->setObjectName(QStringLiteral("captureBodiesNote"));
    m_privacy->setWordWrap(true);
    m_privacy->setText(tr("Bodies may hold private data: prompts, pasted code and documents, and the answers. They "
                          "are stored unencrypted in patchbay.db on this computer, and are kept as long as the request "
                          "is. Off by default."));
    m_privacy->setStyleSheet(QStringLiteral("color: #9a6700;"));
    m_capKib->setObjectName(QStringLiteral("captureCapSpin"));
    m_capKib->setRange(1, int(CaptureConfig::kMaxBodyBytesLimit / 1024));
    m_capKib->setSuffix(tr(" KiB"));
    m_capKib->setKeyboardTracking(false); // one save when the user is done typing, not per digit
    m_capKib->setToolTip(tr("What is beyond this is dropped, and the Requests page says the body was truncated"));
    m_error->setObjectName(QStringLiteral("captureError"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #c62828;"));
    m_error->hide();

    auto *capRow = new QHBoxLayout;
    capRow->setContentsMargins(24, 0, 0, 0);
    capRow->addWidget(new QLabel(tr("Keep at most"), this));
    capRow->addWidget(m_capKib);
    capRow->addWidget(new QLabel(tr("of each body"), this));
    capRow->addStretch();
    auto *privacyRow = new QHBoxLayout;
    privacyRow->setContentsMargins(24, 0, 0, 0);
    privacyRow->addWidget(m_privacy);

    auto *layout = new QVBoxLayout(this);
    auto *about = new QLabel(tr("What the Requests page can show of each call besides usage and cost."), this);
    about->setWordWrap(true);
    layout->addWidget(about);
    layout->addWidget(m_headers);
    layout->addWidget(m_bodies);
    layout->addLayout(privacyRow);
    layout->addLayout(capRow);
    layout->addWidget(m_error);

    connect(m_headers, &QCheckBox::toggled, this, &CaptureSettings::save);
    connect(m_bodies, &QCheckBox::toggled, this, &CaptureSettings::save);
    connect(m_capKib, &QSpinBox::valueChanged, this, &CaptureSettings::save);
    connect(m_workspace, &Workspace::configChanged, this, &CaptureSettings::showConfig);
    showConfig(m_workspace->config());
}

void CaptureSettings::showConfig(const AppConfig &config)
{
    const CaptureConfig &c = config.gateway.capture;
    const QSignalBlocker headers(m_headers);
    const QSignalBlocker bodies(m_bodies);
    const QSignalBlocker cap(m_capKib);
    m_headers->setChecked(c.headers);
    m_bodies->setChecked(c.bodies);
    // A cap set in config.json below 1 KiB shows as 1 KiB; it is only rewritten if changed here.
    m_capKib->setValue(int(qMax<qint64>(1, c.maxBodyBytes / 1024)));
    m_capKib->setEnabled(c.bodies);
}

void CaptureSettings::save()
{
    AppConfig config = m_workspace->config();
    CaptureConfig &c = config.gateway.capture;
    c.headers = m_headers->isChecked();
    c.bodies = m_bodies->isChecked();
    if (m_capKib->value() != int(qMax<qint64>(1, c.maxBodyBytes / 1024)))
        c.maxBodyBytes = qint64(m_capKib->value()) * 1024;
    m_capKib->setEnabled(c.bodies);
    if (c == m_workspace->config().gateway.capture)
        return;
    QString error;
    if (!m_workspace->saveConfig(config, &error)) {
        m_error->setText(tr("Nothing was saved. %1").arg(error));
        m_error->show();
        showConfig(m_workspace->config());
        return;
    }
    m_error->hide();
    Q_EMIT statusMessage(c.bodies ? tr("Saved: new requests keep their bodies, up to %1 KiB each.").arg(c.maxBodyBytes / 1024)
                         : c.headers ? tr("Saved: new requests keep their headers, not their bodies.")
                                     : tr("Saved: new requests keep neither headers nor bodies."));
}

} // namespace patchbay
