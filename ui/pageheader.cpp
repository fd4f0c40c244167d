#include "pageheader.h"

#include <QLabel>
#include <QVBoxLayout>
#include <QWidget>

namespace patchbay {

QWidget *createPageHeader(const QString &title, const QString &subtitle, QWidget *parent)
{
    auto *header = new QWidget(parent);
    auto *titleLabel = new QLabel(title, header);
    QFont font = titleLabel->font();
    font.setPointSizeF(font.pointSizeF() * 1.5);
    font.setBold(true);
    titleLabel->setFont(font);
    auto *subtitleLabel = new QLabel(subtitle, header);
    subtitleLabel->setWordWrap(true);
    subtitleLabel->setForegroundRole(QPalette::PlaceholderText);

    auto *layout = new QVBoxLayout(header);
    layout->setContentsMargins(0, 0, 0, 4);
    layout->setSpacing(2);
    layout->addWidget(titleLabel);
    layout->addWidget(subtitleLabel);
    return header;
}

} // namespace patchbay
