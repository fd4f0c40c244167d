#include "comparepage.h"

#include "chatclient.h"
#include "chatinput.h"
#include "chatmodelpicker.h"
#include "chatsession.h"
#include "chatview.h"
#include "workspace.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QUuid>
#include <QVBoxLayout>

namespace patchbay {

ComparePage::ComparePage(Workspace *workspace, ChatClient *client, QWidget *parent)
    : QWidget(parent)
    , m_workspace(workspace)
    , m_client(client)
    , m_count(new QComboBox(this))
    , m_splitter(new QSplitter(this))
    , m_input(new ChatInput(this))
    , m_send(new QPushButton(tr("Send to all"), this))
{
    for (int n = 2; n <= 4; ++n)
        m_count->addItem(tr("%1 models").arg(n), n);
    auto *fresh = new QPushButton(tr("New comparison"), this);
    auto *top = new QHBoxLayout;
    top->setContentsMargins(16, 10, 16, 6);
    top->addWidget(new QLabel(tr("Compare"), this));
    top->addWidget(m_count);
    top->addStretch(1);
    top->addWidget(fresh);
    m_splitter->setChildrenCollapsible(false);
    m_send->setObjectName(QStringLiteral("sendButton"));
    m_send->setMinimumWidth(100);
    auto *bottom = new QHBoxLayout;
    bottom->setContentsMargins(16, 6, 16, 12);
    bottom->addWidget(m_input, 1);
    bottom->addWidget(m_send, 0, Qt::AlignBottom);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addLayout(top);
    layout->addWidget(m_splitter, 1);
    layout->addLayout(bottom);

    connect(m_count, &QComboBox::currentIndexChanged, this, [this] { setColumnCount(m_count->currentData().toInt()); });
    connect(fresh, &QPushButton::clicked, this, &ComparePage::newComparison);
    connect(m_input, &ChatInput::submitted, this, &ComparePage::sendOrStop);
    connect(m_send, &QPushButton::clicked, this, &ComparePage::sendOrStop);
    connect(client, &ChatClient::modelsChanged, this, [this](const QStringList &models) {
        for (int i = 0; i < m_columns.size(); ++i) {
            const bool unset = m_columns.at(i).picker->model().isEmpty();
            m_columns.at(i).picker->setModels(models);
            // Different models per column by default: that is the point of comparing.
            if (unset && i < models.size())
                m_columns.at(i).picker->setModel(models.at(i));
        }
    });
    newComparison();
    setColumnCount(2);
}

void ComparePage::setColumnCount(int count)
{
    count = std::clamp(count, 2, 4);
    m_count->blockSignals(true);
    m_count->setCurrentIndex(count - 2);
    m_count->blockSignals(false);
    while (m_columns.size() > count) {
        Column c = m_columns.takeLast();
        c.session->stop();
        c.widget->deleteLater();
    }
    const QStringList models = m_client->models();
    while (m_columns.size() < count) {
        Column c;
        c.widget = new QWidget(m_splitter);
        c.picker = new ChatModelPicker(c.widget);
        c.session = new ChatSession(m_client, ConversationStore(m_workspace->database()), c.widget);
        c.session->setCompareGroup(m_group);
        c.view = new ChatView(c.session, c.widget);
        c.continueAlone = new QPushButton(tr("Continue alone"), c.widget);
        c.continueAlone->setObjectName(QStringLiteral("continueAlone"));
        c.continueAlone->setToolTip(tr("Open this column's conversation on the Chat page and go on with this model only"));
        c.continueAlone->setEnabled(false);
        c.picker->setModels(models);
        if (m_columns.size() < models.size())
            c.picker->setModel(models.at(m_columns.size()));
        auto *layout = new QVBoxLayout(c.widget);
        layout->setContentsMargins(4, 0, 4, 0);
        auto *header = new QHBoxLayout;
        header->addWidget(c.picker, 1);
        header->addWidget(c.continueAlone);
        layout->addLayout(header);
        layout->addWidget(c.view, 1);
        m_splitter->addWidget(c.widget);
        connect(c.session, &ChatSession::streamingChanged, this, &ComparePage::updateSendButton);
        // Only once the column has a saved conversation, and not while it is still streaming.
        auto enable = [session = c.session, button = c.continueAlone] {
            button->setEnabled(session->conversation().id != 0 && !session->isStreaming());
        };
        connect(c.session, &ChatSession::streamingChanged, c.continueAlone, enable);
        connect(c.session, &ChatSession::reset, c.continueAlone, enable);
        connect(c.continueAlone, &QPushButton::clicked, this, [this, session = c.session] {
            if (session->conversation().id)
                Q_EMIT continueAlone(session->conversation().id);
        });
        m_columns.append(c);
    }
    QList<int> sizes;
    for (int i = 0; i < count; ++i)
        sizes << 1000;
    m_splitter->setSizes(sizes);
}

void ComparePage::newComparison()
{
    m_group = QUuid::createUuid().toString(QUuid::WithoutBraces);
    for (const Column &c : std::as_const(m_columns)) {
        c.session->startNew(c.picker->model());
        c.session->setCompareGroup(m_group);
    }
}

bool ComparePage::anyStreaming() const
{
    for (const Column &c : m_columns) {
        if (c.session->isStreaming())
            return true;
    }
    return false;
}

void ComparePage::updateSendButton()
{
    m_send->setText(anyStreaming() ? tr("Stop all") : tr("Send to all"));
}

void ComparePage::sendOrStop()
{
    if (anyStreaming()) {
        for (const Column &c : std::as_const(m_columns))
            c.session->stop();
        return;
    }
    const QString text = m_input->toPlainText();
    if (text.trimmed().isEmpty())
        return;
    bool sent = false;
    for (const Column &c : std::as_const(m_columns)) {
        if (c.picker->model().isEmpty())
            continue;
        c.session->setModel(c.picker->model());
        c.session->setTitleSuffix(c.picker->model());
        c.session->send(text);
        sent = true;
    }
    if (sent)
        m_input->clear();
}

} // namespace patchbay
