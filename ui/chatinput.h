#pragma once

#include <QPlainTextEdit>

namespace patchbay {

// The message box: Enter sends, Shift+Enter starts a new line.
class ChatInput : public QPlainTextEdit
{
    Q_OBJECT
public:
    explicit ChatInput(QWidget *parent = nullptr);

Q_SIGNALS:
    void submitted();

protected:
    void keyPressEvent(QKeyEvent *event) override;
};

} // namespace patchbay
