#include "chatview.h"

#include "chatmessagewidget.h"
#include "chatsession.h"

#include <QScrollBar>
#include <QVBoxLayout>

namespace patchbay {

ChatView::ChatView(ChatSession *session, QWidget *parent)
    : QScrollArea(parent)
    , m_session(session)
    , m_content(new QWidget(this))
    , m_layout(new QVBoxLayout(m_content))
{
    setObjectName(QStringLiteral("chatView"));
    setWidgetResizable(true);
    setFrameShape(QFrame::NoFrame);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_layout->setContentsMargins(16, 12, 16, 12);
    m_layout->setSpacing(8);
    m_layout->addStretch(1);
    setWidget(m_content);

    connect(verticalScrollBar(), &QScrollBar::valueChanged, this, [this](int value) {
        m_followEnd = value >= verticalScrollBar()->maximum() - 24;
    });
    connect(verticalScrollBar(), &QScrollBar::rangeChanged, this, [this](int, int max) {
        if (m_followEnd)
            verticalScrollBar()->setValue(max);
    });
    connect(session, &ChatSession::reset, this, &ChatView::rebuild);
    connect(session, &ChatSession::appended, this, &ChatView::append);
    connect(session, &ChatSession::changed, this, &ChatView::update);
    rebuild();
}

void ChatView::rebuild()
{
    for (ChatMessageWidget *w : std::as_const(m_widgets))
        w->deleteLater();
    m_widgets.clear();
    m_followEnd = true;
    for (int i = 0; i < m_session->thread().size(); ++i)
        append(i);
}

void ChatView::append(int index)
{
    auto *w = new ChatMessageWidget(m_content);
    const ConversationMessage &m = m_session->thread().at(index);
    w->setMessage(m);
    const QList<qint64> siblings = m_session->siblings(index);
    w->setBranches(static_cast<int>(siblings.indexOf(m.id)), static_cast<int>(siblings.size()));
    connect(w, &ChatMessageWidget::retryRequested, m_session, &ChatSession::retry);
    connect(w, &ChatMessageWidget::regenerateRequested, m_session, &ChatSession::regenerate);
    connect(w, &ChatMessageWidget::editRequested, this, [this, w] {
        Q_EMIT editRequested(static_cast<int>(m_widgets.indexOf(w)));
    });
    connect(w, &ChatMessageWidget::branchRequested, this, [this, w](int step) {
        const int at = static_cast<int>(m_widgets.indexOf(w));
        const QList<qint64> ids = m_session->siblings(at);
        const qsizetype next = ids.indexOf(w->message().id) + step;
        if (next >= 0 && next < ids.size())
            m_session->switchBranch(ids.at(next));
    });
    m_layout->insertWidget(m_layout->count() - 1, w);
    m_widgets.append(w);
    updateLastReply();
}

void ChatView::update(int index)
{
    if (index < 0 || index >= m_widgets.size())
        return;
    m_widgets.at(index)->setMessage(m_session->thread().at(index));
    if (index == m_widgets.size() - 1)
        updateLastReply();
}

void ChatView::updateLastReply()
{
    for (int i = 0; i < m_widgets.size(); ++i) {
        const bool last = i == m_widgets.size() - 1 && m_session->thread().at(i).role == QLatin1String("assistant");
        m_widgets.at(i)->setLastReply(last);
    }
}

} // namespace patchbay
