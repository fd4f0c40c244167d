#pragma once

#include <QDialog>

namespace patchbay {

// Shows a freshly created access token, the only time it can be seen: Patchbay stores its hash.
class NewTokenDialog : public QDialog
{
    Q_OBJECT
public:
    NewTokenDialog(const QString &name, const QString &token, const QString &baseUrl, QWidget *parent = nullptr);
};

} // namespace patchbay
