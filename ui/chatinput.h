#pragma once

#include "conversation.h"

#include <QPlainTextEdit>

namespace patchbay {

// The message box: Enter sends, Shift+Enter starts a new line. Pasted or dropped images (and
// image files) become attachments instead of text.
class ChatInput : public QPlainTextEdit
{
    Q_OBJECT
public:
    explicit ChatInput(QWidget *parent = nullptr);

Q_SIGNALS:
    void submitted();
    // What a paste or drop brought, and a sentence for each file refused.
    void attachmentsOffered(const QList<patchbay::ConversationAttachment> &attachments, const QStringList &problems);

protected:
    void keyPressEvent(QKeyEvent *event) override;
    bool canInsertFromMimeData(const QMimeData *source) const override;
    void insertFromMimeData(const QMimeData *source) override;
};

} // namespace patchbay
