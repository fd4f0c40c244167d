#pragma once

#include <QString>

class QWidget;

namespace patchbay {

// The title and one-line explanation at the top of every page, so the pages look alike.
QWidget *createPageHeader(const QString &title, const QString &subtitle, QWidget *parent);

} // namespace patchbay
