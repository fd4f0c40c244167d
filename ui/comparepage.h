#pragma once

#include <QList>
#include <QWidget>

class QComboBox;
class QPushButton;
class QSplitter;

namespace patchbay {

class ChatClient;
class ChatInput;
class ChatModelPicker;
class ChatSession;
class ChatView;
class Workspace;

// One prompt to 2–4 models side by side. Each column is a ChatSession of its own (saved as a
// normal conversation, so any column can be continued alone from the Chat page); follow-ups
// go to every column, and each streams independently.
class ComparePage : public QWidget
{
    Q_OBJECT
public:
    ComparePage(Workspace *workspace, ChatClient *client, QWidget *parent = nullptr);

    struct Column
    {
        QWidget *widget = nullptr;
        ChatModelPicker *picker = nullptr;
        ChatSession *session = nullptr;
        ChatView *view = nullptr;
        QPushButton *continueAlone = nullptr; // opens this column's conversation on the Chat page
    };
    void setColumnCount(int count);
    QList<Column> columns() const { return m_columns; }
    ChatInput *input() const { return m_input; }
    QPushButton *sendButton() const { return m_send; }
    void newComparison();

Q_SIGNALS:
    // The user wants to go on with one column's conversation as a normal chat.
    void continueAlone(qint64 conversationId);

private:
    void sendOrStop();
    void updateSendButton();
    bool anyStreaming() const;

    Workspace *m_workspace;
    ChatClient *m_client;
    QComboBox *m_count;
    QSplitter *m_splitter;
    QList<Column> m_columns;
    ChatInput *m_input;
    QPushButton *m_send;
    QString m_group;
};

} // namespace patchbay
