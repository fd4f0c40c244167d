#pragma once

#include "tokenpolicy.h"

#include <QWidget>

class QLabel;
class QPushButton;
class QTreeWidget;

namespace patchbay {

class Workspace;

// The gateway's client tokens: one per program, created here, shown once, revoked here.
class AccessTokensPanel : public QWidget
{
    Q_OBJECT
public:
    explicit AccessTokensPanel(Workspace *workspace, QWidget *parent = nullptr);

public Q_SLOTS:
    void reload();
    // Ask for a name, then show the new token once. Returns at once.
    void createToken();
    void revokeToken();
    // Opens the selected token's limits (models, rate, budget). Returns at once.
    void editLimits();
    // Stores a token's limits and hands them to the gateway; false with a message box if not.
    bool applyLimits(const QString &name, const TokenPolicy &policy);

Q_SIGNALS:
    void statusMessage(const QString &text);

private:
    void createNamed(const QString &name);
    void updateButtons();
    QString currentName() const;

    Workspace *m_workspace;
    QLabel *m_tokensOff;
    QTreeWidget *m_list;
    QPushButton *m_create;
    QPushButton *m_revoke;
    QPushButton *m_limits;
};

} // namespace patchbay
