#pragma once

#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;

namespace patchbay {

class AccessTokensPanel;
class CodeBlock;
class Workspace;
struct GatewayStatus;

// Whether the gateway runs, where programs reach it, and the tokens they use.
class GatewayPage : public QWidget
{
    Q_OBJECT
public:
    explicit GatewayPage(Workspace *workspace, QWidget *parent = nullptr);

Q_SIGNALS:
    void statusMessage(const QString &text);

private:
    void showStatus(const GatewayStatus &status);

    Workspace *m_workspace;
    QLabel *m_dot;
    QLabel *m_state;
    QLabel *m_error;
    QLineEdit *m_url;
    QPushButton *m_copy;
    CodeBlock *m_howTo;
    AccessTokensPanel *m_tokens;
};

} // namespace patchbay
