#include "chatinput.h"

#include <QKeyEvent>

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

} // namespace patchbay
