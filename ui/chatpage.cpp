#include "chatpage.h"

#include "chatclient.h"
#include "chatinput.h"
#include "chatmodelpicker.h"
#include "chatsession.h"
#include "chatsettingsdialog.h"
#include "chatview.h"
#include "conversationlist.h"
#include "workspace.h"

#include <QDateTime>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QVBoxLayout>

namespace patchbay {

ChatPage::ChatPage(Workspace *workspace, ChatClient *client, QWidget *parent)
    : QWidget(parent)
    , m_workspace(workspace)
    , m_client(client)
    , m_session(new ChatSession(client, ConversationStore(workspace->database()), this))
    , m_list(new ConversationList(ConversationStore(workspace->database()), this))
    , m_picker(new ChatModelPicker(this))
    , m_settings(new QPushButton(tr("Settings…"), this))
    , m_modelProblem(new QLabel(this))
    , m_view(new ChatView(m_session, this))
    , m_input(new ChatInput(this))
    , m_send(new QPushButton(tr("Send"), this))
{
    // Deleted conversations whose Undo has long expired go for good.
    ConversationStore(workspace->database()).purgeDeleted(QDateTime::currentMSecsSinceEpoch() - 3'600'000);
    m_list->refresh();

    m_settings->setToolTip(tr("System prompt, temperature, max tokens, top p"));
    m_modelProblem->setWordWrap(true);
    m_modelProblem->setStyleSheet(QStringLiteral("color: #cf222e;"));
    m_modelProblem->hide();
    m_send->setObjectName(QStringLiteral("sendButton"));
    m_send->setDefault(true);
    m_send->setMinimumWidth(80);

    auto *top = new QHBoxLayout;
    top->setContentsMargins(16, 10, 16, 6);
    top->addWidget(new QLabel(tr("Model"), this));
    top->addWidget(m_picker, 1);
    top->addWidget(m_settings);
    auto *bottom = new QHBoxLayout;
    bottom->setContentsMargins(16, 6, 16, 12);
    bottom->addWidget(m_input, 1);
    bottom->addWidget(m_send, 0, Qt::AlignBottom);

    auto *right = new QWidget(this);
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->setSpacing(0);
    rightLayout->addLayout(top);
    rightLayout->addWidget(m_modelProblem);
    rightLayout->addWidget(m_view, 1);
    rightLayout->addLayout(bottom);

    auto *splitter = new QSplitter(this);
    splitter->addWidget(m_list);
    splitter->addWidget(right);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({240, 800});
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);

    connect(m_input, &ChatInput::submitted, this, &ChatPage::sendOrStop);
    connect(m_send, &QPushButton::clicked, this, &ChatPage::sendOrStop);
    connect(m_settings, &QPushButton::clicked, this, &ChatPage::editSettings);
    connect(m_picker, &QComboBox::currentTextChanged, this, [this](const QString &model) {
        if (model.trimmed() != m_session->conversation().model)
            m_session->setModel(model.trimmed());
    });
    connect(m_session, &ChatSession::streamingChanged, this, [this](bool streaming) {
        m_send->setText(streaming ? tr("Stop") : tr("Send"));
        m_send->setToolTip(streaming ? tr("Stop the reply; what has arrived is kept") : QString());
    });
    connect(m_session, &ChatSession::conversationSaved, m_list, &ConversationList::select);
    connect(m_list, &ConversationList::opened, this, &ChatPage::openConversation);
    connect(m_list, &ConversationList::newChatRequested, this, &ChatPage::newChat);
    connect(m_list, &ConversationList::deleted, this, [this](qint64 id) {
        if (m_session->conversation().id == id)
            newChat();
    });
    connect(m_view, &ChatView::editRequested, this, [this](int index) {
        m_editIndex = index;
        m_input->setPlainText(m_session->thread().at(index).content);
        m_input->setFocus();
    });
    connect(client, &ChatClient::modelsChanged, this, [this](const QStringList &models) {
        m_modelProblem->hide();
        m_picker->setModels(models);
        if (m_session->conversation().model.isEmpty())
            m_session->setModel(m_picker->model());
    });
    connect(client, &ChatClient::modelsFailed, this, &ChatPage::showModelProblem);
    m_picker->setModels(client->models());
    m_session->startNew(m_picker->model());
}

void ChatPage::showModelProblem(const QString &error)
{
    m_modelProblem->setText(tr("The model list could not be loaded: %1").arg(error));
    m_modelProblem->setContentsMargins(16, 0, 16, 6);
    m_modelProblem->show();
}

void ChatPage::sendOrStop()
{
    if (m_session->isStreaming()) {
        m_session->stop();
        return;
    }
    const QString text = m_input->toPlainText();
    if (text.trimmed().isEmpty())
        return;
    if (m_picker->model().isEmpty()) {
        showModelProblem(tr("pick a model first."));
        return;
    }
    m_session->setModel(m_picker->model());
    if (m_editIndex >= 0 && m_editIndex < m_session->thread().size())
        m_session->editAndResend(std::exchange(m_editIndex, -1), text);
    else
        m_session->send(text);
    // The text now lives in the conversation (a failed reply keeps it there, with Retry).
    m_input->clear();
    m_drafts.remove(m_session->conversation().id);
}

void ChatPage::editSettings()
{
    ChatSettingsDialog dialog(this);
    dialog.setValues(m_session->conversation().systemPrompt, m_session->conversation().params);
    if (dialog.exec() != QDialog::Accepted)
        return;
    m_session->setSystemPrompt(dialog.systemPrompt());
    m_session->setParams(dialog.params());
}

void ChatPage::openConversation(qint64 id)
{
    if (id == m_session->conversation().id)
        return;
    m_drafts.insert(m_session->conversation().id, m_input->toPlainText());
    m_editIndex = -1;
    if (!m_session->load(id))
        return;
    m_picker->setModel(m_session->conversation().model);
    m_input->setPlainText(m_drafts.value(id));
}

void ChatPage::newChat()
{
    m_drafts.insert(m_session->conversation().id, m_input->toPlainText());
    m_editIndex = -1;
    m_session->startNew(m_picker->model());
    m_list->select(0);
    m_input->setPlainText(m_drafts.value(0));
    m_input->setFocus();
}

} // namespace patchbay
