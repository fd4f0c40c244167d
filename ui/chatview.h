#pragma once

#include <QList>
#include <QScrollArea>

class QPushButton;
class QVBoxLayout;

namespace patchbay {

class ChatMessageWidget;
class ChatSession;

// The messages of a ChatSession, top to bottom, following the end while a reply streams
// unless the user has scrolled up to read.
class ChatView : public QScrollArea
{
    Q_OBJECT
public:
    explicit ChatView(ChatSession *session, QWidget *parent = nullptr);

    // The widgets on screen: the last messages of the thread, from firstShown() on.
    QList<ChatMessageWidget *> messageWidgets() const { return m_widgets; }
    int firstShown() const { return m_first; }
    // Shows up to count more of the older messages above the ones on screen.
    void showEarlier(int count = kPage);

    // A long conversation opens with only its end made into widgets; building all of them
    // is what made opening 1,000 messages take seconds.
    static constexpr int kPage = 60;

Q_SIGNALS:
    void editRequested(int index);

private:
    void rebuild();
    void append(int index);
    ChatMessageWidget *makeWidget(int index);
    void updateEarlierButton();
    void update(int index);
    void updateLastReply();

    ChatSession *m_session;
    QWidget *m_content;
    QVBoxLayout *m_layout;
    QPushButton *m_earlier;
    QList<ChatMessageWidget *> m_widgets; // m_widgets[i] shows thread()[m_first + i]
    int m_first = 0;
    bool m_followEnd = true;
};

} // namespace patchbay
