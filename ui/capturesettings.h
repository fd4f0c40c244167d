#pragma once

#include <QGroupBox>

class QCheckBox;
class QLabel;
class QSpinBox;

namespace patchbay {

class Workspace;
struct AppConfig;

// The Gateway page's say over gateway.capture: whether headers (always redacted) and bodies
// are kept for the Requests page, and how much of each body. A change is saved at once and
// reaches the gateway without a restart.
class CaptureSettings : public QGroupBox
{
    Q_OBJECT
public:
    explicit CaptureSettings(Workspace *workspace, QWidget *parent = nullptr);

Q_SIGNALS:
    void statusMessage(const QString &text);

private:
    void showConfig(const AppConfig &config);
    void save();

    Workspace *m_workspace;
    QCheckBox *m_headers;
    QCheckBox *m_bodies;
    QLabel *m_privacy;
    QSpinBox *m_capKib;
    QLabel *m_error;
};

} // namespace patchbay
