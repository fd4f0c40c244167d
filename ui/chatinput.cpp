#include "chatinput.h"

#include "attachmentimages.h"

#include <QKeyEvent>
#include <QMimeData>

namespace patchbay {

ChatInput::ChatInput(QWidget *parent)
    : QPlainTextEdit(parent)
{
    setObjectName(QStringLiteral("chatInput"));
    setPlaceholderText(tr("Message (Enter to send, Shift+Enter for a new line)"));
    setTabChangesFocus(true);
    setFixedHeight(76);
}

void ChatInput::keyPressEvent(QKeyEvent *event)
{
    const bool enter = event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter;
    if (enter && !(event->modifiers() & Qt::ShiftModifier)) {
        Q_EMIT submitted();
        return;
    }
    QPlainTextEdit::keyPressEvent(event);
}

bool ChatInput::canInsertFromMimeData(const QMimeData *source) const
{
    return AttachmentImages::canTake(source) || QPlainTextEdit::canInsertFromMimeData(source);
}

void ChatInput::insertFromMimeData(const QMimeData *source)
{
    if (!AttachmentImages::canTake(source)) {
        QPlainTextEdit::insertFromMimeData(source);
        return;
    }
    QStringList problems;
    const QList<ConversationAttachment> attachments = AttachmentImages::fromMimeData(source, &problems);
    Q_EMIT attachmentsOffered(attachments, problems);
}

} // namespace patchbay
