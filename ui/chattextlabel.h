#pragma once

#include <QLabel>
#include <QList>

#include <utility>

namespace patchbay {

// The word-wrapped label a message's text and code are shown in, laid out once per width.
// A plain QLabel works its size hints out afresh whenever asked: heightForWidth() lays the whole
// document out twice (at the width asked, then back), sizeHint() and minimumSizeHint() several
// times more, one of them at width 0 (a line per word). The layouts above a streaming reply ask
// again on every update, and for a long Markdown reply that was most of the UI thread's time.
// This one remembers the heights of the last few widths until its text or font changes, and
// answers the size hints without a layout. Painting, selection and links are QLabel's.
class ChatTextLabel : public QLabel
{
    Q_OBJECT
public:
    explicit ChatTextLabel(QWidget *parent = nullptr);

    // Use instead of setText() (which is not virtual): forgets the heights of the old text.
    void setContent(const QString &text, Qt::TextFormat format);

    int heightForWidth(int width) const override;
    // 80 characters wide, and the last height worked out (one line before any).
    QSize sizeHint() const override;
    // A few characters wide: a long word or URL is cut at the label's edge rather than widening
    // the whole view, which would cut every message instead.
    QSize minimumSizeHint() const override;

protected:
    void changeEvent(QEvent *event) override;

private:
    mutable QList<std::pair<int, int>> m_heights; // (width, height), newest last
};

} // namespace patchbay
