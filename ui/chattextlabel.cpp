#include "chattextlabel.h"

#include <QEvent>

namespace patchbay {

namespace {

// Layouts ask at the label's width, and at the widths it would have with and without the view's
// scroll bar; four covers them.
constexpr qsizetype kRemembered = 4;

} // namespace

ChatTextLabel::ChatTextLabel(QWidget *parent)
    : QLabel(parent)
{
    setWordWrap(true);
}

void ChatTextLabel::setContent(const QString &text, Qt::TextFormat format)
{
    if (format == textFormat() && text == this->text())
        return;
    m_heights.clear();
    setTextFormat(format);
    setText(text);
}

int ChatTextLabel::heightForWidth(int width) const
{
    for (const auto &[w, h] : m_heights) {
        if (w == width)
            return h;
    }
    const int height = QLabel::heightForWidth(width);
    if (m_heights.size() == kRemembered)
        m_heights.removeFirst();
    m_heights.append({width, height});
    return height;
}

QSize ChatTextLabel::sizeHint() const
{
    // Layouts take a word-wrapped label's height from heightForWidth(); this one is only a
    // guess, and must not cost a layout: a label just made is asked at its default width (100
    // pixels), which for a long reply is the most expensive layout of all.
    const int height = m_heights.isEmpty() ? minimumSizeHint().height() : m_heights.constLast().second;
    return {fontMetrics().averageCharWidth() * 80, height};
}

QSize ChatTextLabel::minimumSizeHint() const
{
    const QMargins m = contentsMargins();
    return {fontMetrics().averageCharWidth() * 6 + m.left() + m.right(), fontMetrics().height() + m.top() + m.bottom()};
}

void ChatTextLabel::changeEvent(QEvent *event)
{
    // A style sheet or a font setting anywhere above, new margins, or a screen of another DPI
    // change how the text lays out.
    switch (event->type()) {
    case QEvent::FontChange:
    case QEvent::StyleChange:
    case QEvent::ContentsRectChange:
    case QEvent::ScreenChangeInternal:
        m_heights.clear();
        break;
    default:
        break;
    }
    QLabel::changeEvent(event);
}

} // namespace patchbay
