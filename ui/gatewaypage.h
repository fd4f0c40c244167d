#pragma once

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTabWidget;

namespace patchbay {

class AccessTokensPanel;
class NoticeBanner;
class RoutingEditor;
class SnippetsPanel;
class Workspace;
struct AppConfig;
struct GatewayStatus;

// Whether the gateway runs, where it listens and what it keeps of each call, the tokens
// programs use, how model names are routed, and how to call it: one tab each.
class GatewayPage : public QWidget
{
    Q_OBJECT
public:
    explicit GatewayPage(Workspace *workspace, QWidget *parent = nullptr);

public Q_SLOTS:
    // Saves the address and port chosen on the Server tab; the gateway then listens there.
    void applyBind();

Q_SIGNALS:
    void statusMessage(const QString &text);

private:
    void showStatus(const GatewayStatus &status);
    void showBind(const AppConfig &config);
    QString chosenAddress() const;
    void updateBindWarning();
    void updateSnippets();

    Workspace *m_workspace;
    QTabWidget *m_tabs;
    QLabel *m_dot;
    QLabel *m_state;
    QLabel *m_error;
    QLineEdit *m_url;
    QPushButton *m_copy;
    QComboBox *m_bind;
    QLineEdit *m_address;
    QSpinBox *m_port;
    NoticeBanner *m_bindWarning;
    QLabel *m_bindError;
    AccessTokensPanel *m_tokens;
    RoutingEditor *m_routing;
    SnippetsPanel *m_snippets;
};

} // namespace patchbay
