#include "chatmessagewidget.h"

#include "attachmentimages.h"
#include "chatrenderqueue.h"
#include "chattextlabel.h"

#include <QApplication>
#include <QClipboard>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

namespace patchbay {

namespace {

QToolButton *smallButton(const QString &text, const QString &tip, QWidget *parent)
{
    auto *b = new QToolButton(parent);
    b->setText(text);
    b->setToolTip(tip);
    b->setAutoRaise(true);
    b->setCursor(Qt::PointingHandCursor);
    return b;
}

QString seconds(int ms)
{
    return QStringLiteral("%1 s").arg(QLocale().toString(ms / 1000.0, 'f', 2));
}

} // namespace

ChatMessageWidget::ChatMessageWidget(QWidget *parent)
    : QFrame(parent)
    , m_who(new QLabel(this))
    , m_branchLabel(new QLabel(this))
    , m_prevBranch(smallButton(QStringLiteral("‹"), tr("Previous version"), this))
    , m_nextBranch(smallButton(QStringLiteral("›"), tr("Next version"), this))
    , m_copy(smallButton(tr("Copy"), tr("Copy the whole message as Markdown"), this))
    , m_edit(smallButton(tr("Edit"), tr("Edit this message and send it again; the old version stays reachable"), this))
    , m_regenerate(smallButton(tr("Regenerate"), tr("Ask again; the old reply stays reachable"), this))
    , m_body(new QVBoxLayout)
    , m_stats(new QLabel(this))
    , m_errorBox(new QFrame(this))
    , m_errorText(new QLabel(m_errorBox))
    , m_retry(new QPushButton(tr("Retry"), m_errorBox))
    , m_renderTimer(new QTimer(this))
{
    setObjectName(QStringLiteral("chatMessage"));
    setFrameShape(QFrame::NoFrame);
    QFont whoFont = m_who->font();
    whoFont.setBold(true);
    m_who->setFont(whoFont);
    m_stats->setObjectName(QStringLiteral("chatStats"));
    m_stats->setWordWrap(true); // a narrow compare column must not be widened by it
    m_stats->setStyleSheet(QStringLiteral("color: palette(mid);"));
    m_branchLabel->setStyleSheet(QStringLiteral("color: palette(mid);"));

    auto *header = new QHBoxLayout;
    header->setSpacing(4);
    header->addWidget(m_who);
    header->addWidget(m_prevBranch);
    header->addWidget(m_branchLabel);
    header->addWidget(m_nextBranch);
    header->addStretch(1);
    header->addWidget(m_edit);
    header->addWidget(m_regenerate);
    header->addWidget(m_copy);

    m_errorBox->setObjectName(QStringLiteral("chatError"));
    m_errorBox->setStyleSheet(QStringLiteral("#chatError { background: rgba(207, 34, 46, 0.08); border: 1px solid "
                                             "rgba(207, 34, 46, 0.5); border-radius: 6px; }"));
    m_errorText->setWordWrap(true);
    m_errorText->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *errorLayout = new QHBoxLayout(m_errorBox);
    errorLayout->addWidget(m_errorText, 1);
    errorLayout->addWidget(m_retry, 0, Qt::AlignTop);

    m_body->setSpacing(6);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(14, 10, 14, 10);
    layout->setSpacing(4);
    layout->addLayout(header);
    layout->addLayout(m_body);
    layout->addWidget(m_errorBox);
    layout->addWidget(m_stats);

    m_renderTimer->setSingleShot(true);
    m_renderTimer->setInterval(50);
    connect(m_renderTimer, &QTimer::timeout, this, &ChatMessageWidget::render);
    connect(m_copy, &QToolButton::clicked, this, [this] { QApplication::clipboard()->setText(m_message.content); });
    connect(m_retry, &QPushButton::clicked, this, &ChatMessageWidget::retryRequested);
    connect(m_regenerate, &QToolButton::clicked, this, &ChatMessageWidget::regenerateRequested);
    connect(m_edit, &QToolButton::clicked, this, &ChatMessageWidget::editRequested);
    connect(m_prevBranch, &QToolButton::clicked, this, [this] { Q_EMIT branchRequested(-1); });
    connect(m_nextBranch, &QToolButton::clicked, this, [this] { Q_EMIT branchRequested(1); });
    setBranches(0, 1);
}

void ChatMessageWidget::setMessage(const ConversationMessage &message)
{
    const bool streaming = message.status == ConversationMessage::Status::Streaming;
    const bool wasStreaming = m_message.status == ConversationMessage::Status::Streaming;
    m_message = message;
    // While text pours in, render on a short timer; anything else shows at once.
    if (streaming && wasStreaming && m_message.id != 0) {
        if (!m_renderTimer->isActive())
            m_renderTimer->start();
        return;
    }
    m_renderTimer->stop();
    if (wasStreaming && !streaming) {
        // Just finished: the rest of the text at once, still block by block (so only the last
        // block changes), then whole, as it looks when opened again, on a pass of its own.
        m_blocks = true;
        render();
        ChatRenderQueue::post(this, [this] {
            m_blocks = false;
            render();
        });
        return;
    }
    render();
}

void ChatMessageWidget::setBranches(int current, int count)
{
    const bool show = count > 1;
    m_prevBranch->setVisible(show);
    m_nextBranch->setVisible(show);
    m_branchLabel->setVisible(show);
    m_branchLabel->setText(QStringLiteral("%1/%2").arg(current + 1).arg(count));
    m_prevBranch->setEnabled(current > 0);
    m_nextBranch->setEnabled(current + 1 < count);
}

void ChatMessageWidget::setLastReply(bool last)
{
    // Called for every message whenever one is added: only a change is worth a render.
    if (last == m_lastReply)
        return;
    m_lastReply = last;
    render();
}

void ChatMessageWidget::showAttachments()
{
    if (m_message.attachments == m_shownAttachments)
        return;
    m_shownAttachments = m_message.attachments;
    delete m_images;
    m_images = nullptr;
    if (m_shownAttachments.isEmpty())
        return;
    m_images = new QWidget(this);
    auto *row = new QHBoxLayout(m_images);
    row->setContentsMargins(0, 0, 0, 0);
    row->setSpacing(6);
    for (const ConversationAttachment &a : std::as_const(m_shownAttachments)) {
        auto *thumb = new QLabel(m_images);
        thumb->setObjectName(QStringLiteral("attachmentThumbnail"));
        const QPixmap pixmap = AttachmentImages::thumbnail(a, 160);
        if (pixmap.isNull())
            thumb->setText(a.name);
        else
            thumb->setPixmap(pixmap);
        thumb->setToolTip(QStringLiteral("%1 (%2)").arg(a.name, AttachmentImages::sizeText(a.data.size())));
        row->addWidget(thumb);
    }
    row->addStretch(1);
    m_body->insertWidget(0, m_images);
}

QString ChatMessageWidget::statsLine(const ConversationMessage &m)
{
    QStringList parts;
    if (!m.model.isEmpty())
        parts << m.model;
    if (m.inputTokens || m.outputTokens)
        parts << tr("%1 in · %2 out tokens").arg(m.inputTokens.value_or(0)).arg(m.outputTokens.value_or(0));
    if (m.costUsd)
        parts << QStringLiteral("$%1").arg(QString::number(*m.costUsd, 'f', *m.costUsd < 0.01 ? 5 : 3));
    if (m.ttftMs)
        parts << tr("first token %1").arg(seconds(*m.ttftMs));
    if (m.totalMs)
        parts << tr("total %1").arg(seconds(*m.totalMs));
    if (m.status == ConversationMessage::Status::Stopped)
        parts << tr("stopped");
    return parts.join(QStringLiteral("  ·  "));
}

QWidget *ChatMessageWidget::textLabel()
{
    auto *label = new ChatTextLabel(this);
    label->setObjectName(QStringLiteral("messageText"));
    label->setTextInteractionFlags(Qt::TextBrowserInteraction);
    label->setOpenExternalLinks(true);
    return label;
}

QWidget *ChatMessageWidget::codeBox(const MarkdownSegment &segment)
{
    auto *box = new QFrame(this);
    box->setObjectName(QStringLiteral("codeBlock"));
    box->setStyleSheet(QStringLiteral("#codeBlock { background: palette(alternate-base); border: 1px solid palette(midlight); "
                                      "border-radius: 6px; }"));
    auto *language = new QLabel(box);
    language->setObjectName(QStringLiteral("codeLanguage"));
    language->setStyleSheet(QStringLiteral("color: palette(mid);"));
    auto *copy = smallButton(tr("Copy"), tr("Copy this code"), box);
    copy->setObjectName(QStringLiteral("copyCode"));
    auto *code = new ChatTextLabel(box);
    code->setObjectName(QStringLiteral("codeText"));
    code->setTextFormat(Qt::PlainText);
    code->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    code->setTextInteractionFlags(Qt::TextSelectableByMouse);
    connect(copy, &QToolButton::clicked, code, [code] { QApplication::clipboard()->setText(code->text()); });
    auto *top = new QHBoxLayout;
    top->addWidget(language);
    top->addStretch(1);
    top->addWidget(copy);
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(10, 4, 10, 8);
    layout->setSpacing(2);
    layout->addLayout(top);
    layout->addWidget(code);
    setCodeText(box, segment);
    return box;
}

void ChatMessageWidget::setCodeText(QWidget *box, const MarkdownSegment &segment)
{
    box->findChild<ChatTextLabel *>(QStringLiteral("codeText"))->setContent(segment.text, Qt::PlainText);
    box->findChild<QLabel *>(QStringLiteral("codeLanguage"))->setText(segment.language.isEmpty() ? tr("code") : segment.language);
}

// Widgets are kept where the kind of segment stays: while streaming, all but the last block or
// two; when a finished reply is shown whole, each run of prose blocks becomes its first label and
// the code boxes stay. Only what changed is set again.
void ChatMessageWidget::showSegments(const QList<MarkdownSegment> &segments, bool markdown)
{
    QList<QWidget *> widgets;
    QList<bool> fresh;
    qsizetype j = 0;
    const auto drop = [&] {
        QWidget *w = m_segmentWidgets.at(j++);
        m_body->removeWidget(w);
        w->hide();
        w->deleteLater();
    };
    for (qsizetype i = 0; i < segments.size(); ++i) {
        const MarkdownSegment &s = segments.at(i);
        while (j < m_segments.size() && m_segments.at(j).code != s.code)
            drop();
        if (j < m_segments.size()) {
            widgets.append(m_segmentWidgets.at(j));
            fresh.append(s != m_segments.at(j));
            ++j;
        } else {
            QWidget *w = s.code ? codeBox(s) : textLabel();
            const int after = widgets.isEmpty() ? (m_images ? m_body->indexOf(m_images) : -1) : m_body->indexOf(widgets.last());
            m_body->insertWidget(after + 1, w);
            widgets.append(w);
            fresh.append(!s.code); // a code box is made with its text
        }
        // The last prose of a run takes the place of the old prose blocks after it.
        if (!s.code && (i + 1 == segments.size() || segments.at(i + 1).code)) {
            while (j < m_segments.size() && !m_segments.at(j).code)
                drop();
        }
    }
    while (j < m_segments.size())
        drop();
    m_segmentWidgets = widgets;
    for (qsizetype i = 0; i < segments.size(); ++i) {
        if (!fresh.at(i))
            continue; // unchanged: no parse, no layout
        const MarkdownSegment &s = segments.at(i);
        if (s.code) {
            setCodeText(widgets.at(i), s);
        } else {
            // What the user typed is shown as typed; replies are Markdown.
            static_cast<ChatTextLabel *>(widgets.at(i))->setContent(s.text.trimmed(), markdown ? Qt::MarkdownText : Qt::PlainText);
        }
    }
    m_segments = segments;
}

void ChatMessageWidget::render()
{
    const ConversationMessage &m = m_message;
    const bool assistant = m.role == QLatin1String("assistant");
    const bool streaming = m.status == ConversationMessage::Status::Streaming;
    m_who->setText(assistant ? tr("Assistant") : tr("You"));
    // A style sheet re-polishes the widget and all its children: set it once, not per render
    // (per render it was most of a streaming reply's cost).
    if (m_styledRole != m.role) {
        m_styledRole = m.role;
        setStyleSheet(assistant ? QString()
                                : QStringLiteral("#chatMessage { background: palette(alternate-base); border-radius: 8px; }"));
    }
    m_copy->setVisible(!streaming && !m.content.isEmpty());
    m_edit->setVisible(!assistant);
    m_regenerate->setVisible(assistant && m_lastReply && !streaming);

    QList<MarkdownSegment> segments;
    if (assistant) {
        segments = splitMarkdown(m.content);
        // Block by block while it grows, so an update re-renders only the last block.
        if (streaming || m_blocks)
            segments = splitProseBlocks(segments);
        if (streaming && segments.isEmpty())
            segments.append({false, {}, tr("…")});
    } else {
        segments.append({false, {}, m.content});
    }
    showSegments(segments, assistant);
    showAttachments();

    m_errorBox->setVisible(m.status == ConversationMessage::Status::Error);
    m_errorText->setText(m.error);
    m_retry->setVisible(m_lastReply);
    const QString stats = assistant && !streaming ? statsLine(m) : QString();
    m_stats->setText(stats);
    m_stats->setVisible(!stats.isEmpty());
}

QString ChatMessageWidget::renderedText() const
{
    QStringList out;
    for (QWidget *w : m_segmentWidgets) {
        if (auto *label = qobject_cast<QLabel *>(w))
            out << label->text();
        else if (auto *code = w->findChild<QLabel *>(QStringLiteral("codeText")))
            out << code->text();
    }
    return out.join(QLatin1Char('\n'));
}

} // namespace patchbay
