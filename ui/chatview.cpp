#include "chatview.h"

#include "chatmessagewidget.h"
#include "chatsession.h"

#include <QPushButton>
#include <QScrollBar>
#include <QVBoxLayout>

namespace patchbay {

ChatView::ChatView(ChatSession *session, QWidget *parent)
    : QScrollArea(parent)
    , m_session(session)
    , m_content(new QWidget(this))
    , m_layout(new QVBoxLayout(m_content))
    , m_earlier(new QPushButton(m_content))
{
    setObjectName(QStringLiteral("chatView"));
    setWidgetResizable(true);
    setFrameShape(QFrame::NoFrame);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_layout->setContentsMargins(16, 12, 16, 12);
    m_layout->setSpacing(8);
    m_earlier->setObjectName(QStringLiteral("showEarlier"));
    m_earlier->setFlat(true);
    m_earlier->hide();
    connect(m_earlier, &QPushButton::clicked, this, [this] { showEarlier(); });
    m_layout->addWidget(m_earlier, 0, Qt::AlignHCenter);
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
    for (ChatMessageWidget *w : std::as_const(m_widgets)) {
        // Out of the layout at once; deleted later because the click that led here may have
        // come from one of them.
        m_layout->removeWidget(w);
        w->hide();
        w->deleteLater();
    }
    m_widgets.clear();
    m_followEnd = true;
    const int count = static_cast<int>(m_session->thread().size());
    m_first = std::max(0, count - kPage);
    for (int i = m_first; i < count; ++i) {
        ChatMessageWidget *w = makeWidget(i);
        m_layout->insertWidget(m_layout->count() - 1, w);
        m_widgets.append(w);
    }
    // One pass for the "last reply" marks at the end, not one per message.
    updateLastReply();
    updateEarlierButton();
}

void ChatView::showEarlier(int count)
{
    const int from = std::max(0, m_first - count);
    // Inserted right below the button, oldest first, keeping what is on screen in place.
    for (int i = m_first - 1; i >= from; --i) {
        ChatMessageWidget *w = makeWidget(i);
        m_layout->insertWidget(1, w);
        m_widgets.prepend(w);
    }
    m_first = from;
    m_followEnd = false;
    updateEarlierButton();
}

void ChatView::updateEarlierButton()
{
    m_earlier->setVisible(m_first > 0);
    m_earlier->setText(tr("Show earlier messages (%1 more)").arg(m_first));
}

void ChatView::append(int index)
{
    ChatMessageWidget *w = makeWidget(index);
    m_layout->insertWidget(m_layout->count() - 1, w);
    m_widgets.append(w);
    updateLastReply();
}

ChatMessageWidget *ChatView::makeWidget(int index)
{
    auto *w = new ChatMessageWidget(m_content);
    const ConversationMessage &m = m_session->thread().at(index);
    w->setMessage(m);
    const QList<qint64> siblings = m_session->siblings(index);
    w->setBranches(static_cast<int>(siblings.indexOf(m.id)), static_cast<int>(siblings.size()));
    connect(w, &ChatMessageWidget::retryRequested, m_session, &ChatSession::retry);
    connect(w, &ChatMessageWidget::regenerateRequested, m_session, &ChatSession::regenerate);
    connect(w, &ChatMessageWidget::editRequested, this, [this, w] {
        Q_EMIT editRequested(m_first + static_cast<int>(m_widgets.indexOf(w)));
    });
    connect(w, &ChatMessageWidget::branchRequested, this, [this, w](int step) {
        const int at = m_first + static_cast<int>(m_widgets.indexOf(w));
        const QList<qint64> ids = m_session->siblings(at);
        const qsizetype next = ids.indexOf(w->message().id) + step;
        if (next >= 0 && next < ids.size())
            m_session->switchBranch(ids.at(next));
    });
    return w;
}

void ChatView::update(int index)
{
    const int at = index - m_first;
    if (at < 0 || at >= m_widgets.size())
        return;
    m_widgets.at(at)->setMessage(m_session->thread().at(index));
    if (at == m_widgets.size() - 1)
        updateLastReply();
}

void ChatView::updateLastReply()
{
    for (int i = 0; i < m_widgets.size(); ++i) {
        const bool last = i == m_widgets.size() - 1
                          && m_session->thread().at(m_first + i).role == QLatin1String("assistant");
        m_widgets.at(i)->setLastReply(last);
    }
}

} // namespace patchbay
