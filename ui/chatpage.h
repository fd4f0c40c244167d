#pragma once

#include "conversation.h"

#include <QHash>
#include <QWidget>

class QLabel;
class QPushButton;
class QToolButton;

namespace patchbay {

class AttachmentStrip;
class ChatClient;
struct ChatPreset;
class PresetMenu;
class ChatInput;
class ChatModelPicker;
class ChatSession;
class ChatView;
class ConversationList;
class Workspace;

// The chat workbench: conversations on the left, the open one on the right with its model,
// settings, messages and the message box. Talks to models through the local gateway.
class ChatPage : public QWidget
{
    Q_OBJECT
public:
    ChatPage(Workspace *workspace, ChatClient *client, QWidget *parent = nullptr);

    ChatSession *session() const { return m_session; }
    ChatInput *input() const { return m_input; }
    ChatModelPicker *modelPicker() const { return m_picker; }
    ChatView *view() const { return m_view; }
    ConversationList *conversations() const { return m_list; }
    QPushButton *sendButton() const { return m_send; }
    AttachmentStrip *attachments() const { return m_attachments; }
    PresetMenu *presets() const { return m_presetMenu; }

    void openConversation(qint64 id);
    void newChat();
    // Files from the picker (or a test): added to the next message, refusals shown under it.
    void attachFiles(const QStringList &paths);
    // A chat with the preset's model, system prompt and parameters: the open one while it is
    // still empty, otherwise a new one.
    void applyPreset(const ChatPreset &preset);
    // Saves the open conversation's model, system prompt and parameters under name.
    bool saveAsPreset(const QString &name, QString *error);

private:
    void sendOrStop();
    void editSettings();
    void chooseFiles();
    void askPresetName();
    void showModelProblem(const QString &error);

    Workspace *m_workspace;
    ChatClient *m_client;
    ChatSession *m_session;
    ConversationList *m_list;
    ChatModelPicker *m_picker;
    QPushButton *m_settings;
    QToolButton *m_presetButton;
    PresetMenu *m_presetMenu;
    QToolButton *m_attach;
    AttachmentStrip *m_attachments;
    QLabel *m_modelProblem;
    ChatView *m_view;
    ChatInput *m_input;
    QPushButton *m_send;
    QHash<qint64, QString> m_drafts; // what was typed but not sent, per conversation
    int m_editIndex = -1;            // the user message being edited, or -1
};

} // namespace patchbay
