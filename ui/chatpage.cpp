#include "chatpage.h"

#include "attachmentimages.h"
#include "attachmentstrip.h"
#include "chatclient.h"
#include "chatinput.h"
#include "chatmodelpicker.h"
#include "chatsession.h"
#include "chatsettingsdialog.h"
#include "chatview.h"
#include "conversationlist.h"
#include "presetmenu.h"
#include "workspace.h"

#include <QDateTime>
#include <QFileDialog>
#include <QInputDialog>
#include <QMessageBox>
#include <QToolButton>
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
    , m_presetButton(new QToolButton(this))
    , m_presetMenu(new PresetMenu(ChatPresetStore(workspace->database()), this))
    , m_attach(new QToolButton(this))
    , m_attachments(new AttachmentStrip(this))
    , m_modelProblem(new QLabel(this))
    , m_view(new ChatView(m_session, this))
    , m_input(new ChatInput(this))
    , m_send(new QPushButton(tr("Send"), this))
{
    // Deleted conversations whose Undo has long expired go for good.
    ConversationStore(workspace->database()).purgeDeleted(QDateTime::currentMSecsSinceEpoch() - 3'600'000);
    m_list->refresh();

    m_settings->setToolTip(tr("System prompt, temperature, max tokens, top p"));
    m_presetButton->setText(tr("Presets"));
    m_presetButton->setObjectName(QStringLiteral("presetButton"));
    m_presetButton->setToolTip(tr("Start a chat from a saved model, system prompt and parameters, or save the current ones"));
    m_presetButton->setMenu(m_presetMenu);
    m_presetButton->setPopupMode(QToolButton::InstantPopup);
    m_attach->setText(tr("Image…"));
    m_attach->setObjectName(QStringLiteral("attachImage"));
    m_attach->setToolTip(tr("Attach images for models that take them (you can also paste or drop them into the "
                            "message box); up to %1 each").arg(AttachmentImages::sizeText(AttachmentImages::kMaxBytes)));
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
    top->addWidget(m_presetButton);
    auto *bottom = new QHBoxLayout;
    bottom->setContentsMargins(16, 6, 16, 12);
    bottom->addWidget(m_attach, 0, Qt::AlignBottom);
    bottom->addWidget(m_input, 1);
    bottom->addWidget(m_send, 0, Qt::AlignBottom);

    auto *right = new QWidget(this);
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->setSpacing(0);
    rightLayout->addLayout(top);
    rightLayout->addWidget(m_modelProblem);
    rightLayout->addWidget(m_view, 1);
    rightLayout->addWidget(m_attachments);
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
    connect(m_attach, &QToolButton::clicked, this, &ChatPage::chooseFiles);
    connect(m_input, &ChatInput::attachmentsOffered, this,
            [this](const QList<ConversationAttachment> &attachments, const QStringList &problems) {
                m_attachments->add(attachments);
                m_attachments->showProblems(problems);
            });
    connect(m_presetMenu, &PresetMenu::presetChosen, this, &ChatPage::applyPreset);
    connect(m_presetMenu, &PresetMenu::saveRequested, this, &ChatPage::askPresetName);
    connect(m_picker, &QComboBox::currentTextChanged, this, [this](const QString &model) {
        m_attachments->setModel(model);
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
        // setModels() may change the text with signals blocked.
        m_attachments->setModel(m_picker->model());
        if (m_session->conversation().model.isEmpty())
            m_session->setModel(m_picker->model());
    });
    connect(client, &ChatClient::modelsFailed, this, &ChatPage::showModelProblem);
    m_picker->setModels(client->models());
    m_attachments->setModel(m_picker->model());
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
    const QList<ConversationAttachment> attachments = m_attachments->attachments();
    if (text.trimmed().isEmpty() && attachments.isEmpty())
        return;
    if (m_picker->model().isEmpty()) {
        showModelProblem(tr("pick a model first."));
        return;
    }
    m_session->setModel(m_picker->model());
    if (m_editIndex >= 0 && m_editIndex < m_session->thread().size())
        m_session->editAndResend(std::exchange(m_editIndex, -1), text);
    else
        m_session->send(text, attachments);
    // The text now lives in the conversation (a failed reply keeps it there, with Retry).
    m_input->clear();
    m_attachments->clear();
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

void ChatPage::chooseFiles()
{
    const QStringList paths = QFileDialog::getOpenFileNames(this, tr("Attach images"), {},
                                                            tr("Images (*.png *.jpg *.jpeg *.gif *.webp)"));
    attachFiles(paths);
}

void ChatPage::attachFiles(const QStringList &paths)
{
    QList<ConversationAttachment> added;
    QStringList problems;
    for (const QString &path : paths) {
        QString error;
        if (std::optional<ConversationAttachment> a = AttachmentImages::fromFile(path, &error))
            added.append(*a);
        else
            problems.append(error);
    }
    m_attachments->add(added);
    m_attachments->showProblems(problems);
}

void ChatPage::applyPreset(const ChatPreset &preset)
{
    if (m_session->isStreaming() || !m_session->thread().isEmpty())
        newChat();
    if (!preset.model.isEmpty()) {
        m_picker->setModel(preset.model);
        m_session->setModel(preset.model);
    }
    m_session->setSystemPrompt(preset.systemPrompt);
    m_session->setParams(preset.params);
}

bool ChatPage::saveAsPreset(const QString &name, QString *error)
{
    ChatPreset preset;
    preset.name = name;
    preset.model = m_picker->model();
    preset.systemPrompt = m_session->conversation().systemPrompt;
    preset.params = m_session->conversation().params;
    return m_presetMenu->store().save(preset, error) != 0;
}

void ChatPage::askPresetName()
{
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("Save preset"),
                                               tr("Name for the current model, system prompt and parameters"),
                                               QLineEdit::Normal, {}, &ok);
    if (!ok || name.trimmed().isEmpty())
        return;
    if (m_presetMenu->store().find(name.trimmed())
        && QMessageBox::question(this, tr("Save preset"), tr("Replace the preset “%1”?").arg(name.trimmed()))
               != QMessageBox::Yes)
        return;
    QString error;
    if (!saveAsPreset(name, &error))
        QMessageBox::warning(this, tr("Save preset"), error);
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
    // It may come from elsewhere (Compare, an import) and not be listed yet.
    m_list->select(id);
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
