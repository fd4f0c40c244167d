#pragma once

#include <QWidget>

class QHBoxLayout;
class QLabel;
class QPushButton;

namespace patchbay {

// The centred "nothing here yet" panel a page shows instead of an empty list, so a first-time
// user is told what to do next rather than faced with a blank table.
class EmptyState : public QWidget
{
    Q_OBJECT
public:
    explicit EmptyState(QWidget *parent = nullptr);

    void setIcon(const QIcon &icon);
    void setTitle(const QString &title);
    // Rich text is allowed (e.g. <code> for an address).
    void setText(const QString &text);
    // Shows the one button the panel offers; returns it so the page can connect it.
    QPushButton *setAction(const QString &text);
    // Adds one more button to the row, after those already there, for panels that offer a
    // few equal choices rather than one next step.
    QPushButton *addAction(const QString &text);

private:
    QLabel *m_icon;
    QLabel *m_title;
    QLabel *m_text;
    QPushButton *m_action;
    QHBoxLayout *m_buttonRow;
};

} // namespace patchbay
