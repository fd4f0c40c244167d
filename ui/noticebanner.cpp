#include "noticebanner.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QStyle>

namespace patchbay {

NoticeBanner::NoticeBanner(QWidget *parent)
    : QFrame(parent)
    , m_icon(new QLabel(this))
    , m_text(new QLabel(this))
{
    setObjectName(QStringLiteral("noticeBanner"));
    // Fixed colours rather than the palette: a warning must look like one in light and dark themes.
    setStyleSheet(QStringLiteral("#noticeBanner { background: #fff4ce; border: 1px solid #e0c060; border-radius: 4px; }"
                                 "#noticeBanner QLabel { color: #4a3b00; }"));
    m_icon->setPixmap(style()->standardIcon(QStyle::SP_MessageBoxWarning).pixmap(24, 24));
    m_icon->setAlignment(Qt::AlignTop);
    m_text->setWordWrap(true);
    m_text->setTextFormat(Qt::RichText);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_text->setObjectName(QStringLiteral("noticeText"));

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(10, 8, 10, 8);
    layout->setSpacing(10);
    layout->addWidget(m_icon, 0, Qt::AlignTop);
    layout->addWidget(m_text, 1);
    hide();
}

void NoticeBanner::setMessages(const QStringList &messages)
{
    m_messages = messages;
    QStringList escaped;
    for (const QString &m : messages)
        escaped.append(m.toHtmlEscaped());
    m_text->setText(escaped.join(QStringLiteral("<br>")));
    setVisible(!messages.isEmpty());
}

} // namespace patchbay
