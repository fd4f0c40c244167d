#pragma once

#include "tokenpolicy.h"

#include <QDialog>

class QDoubleSpinBox;
class QLineEdit;
class QListWidget;
class QSpinBox;

namespace patchbay {

// What one client token may do: which models, how many requests and tokens a minute, and how
// many dollars a day and a month. Only edits the policy; the caller stores it.
class TokenLimitsDialog : public QDialog
{
    Q_OBJECT
public:
    // knownModels: the gateway's names to tick (providers' models and aliases).
    TokenLimitsDialog(const QString &tokenName, const TokenPolicy &policy, const QStringList &knownModels,
                      QWidget *parent = nullptr);

    TokenPolicy policy() const;

    // "No limit" for an unset value, else the value; for the token list's summary.
    static QString summary(const TokenPolicy &policy);

private:
    QListWidget *m_models;
    QLineEdit *m_otherModels;
    QSpinBox *m_requests;
    QSpinBox *m_tokens;
    QDoubleSpinBox *m_day;
    QDoubleSpinBox *m_month;
};

} // namespace patchbay
