#pragma once

#include <QFrame>
#include <QStringList>

class QLabel;

namespace patchbay {

// A coloured strip across the top of the window for problems the user must act on (a locked
// keychain means no provider works), hidden while there is nothing to say.
class NoticeBanner : public QFrame
{
    Q_OBJECT
public:
    explicit NoticeBanner(QWidget *parent = nullptr);

    // One sentence each; an empty list hides the banner.
    void setMessages(const QStringList &messages);
    QStringList messages() const { return m_messages; }

private:
    QLabel *m_icon;
    QLabel *m_text;
    QStringList m_messages;
};

} // namespace patchbay
