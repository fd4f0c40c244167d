#pragma once

#include <QList>
#include <QScrollArea>

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

    QList<ChatMessageWidget *> messageWidgets() const { return m_widgets; }

Q_SIGNALS:
    void editRequested(int index);

private:
    void rebuild();
    void append(int index);
    void update(int index);
    void updateLastReply();

    ChatSession *m_session;
    QWidget *m_content;
    QVBoxLayout *m_layout;
    QList<ChatMessageWidget *> m_widgets;
    bool m_followEnd = true;
};

} // namespace patchbay
