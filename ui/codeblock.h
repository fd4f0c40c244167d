#pragma once

#include <QFrame>

class QLabel;
class QPushButton;

namespace patchbay {

// A few lines of shell for the user to paste, in a fixed-width box with a Copy button.
class CodeBlock : public QFrame
{
    Q_OBJECT
public:
    explicit CodeBlock(QWidget *parent = nullptr);

    void setCode(const QString &code);
    QString code() const { return m_code; }

private:
    QString m_code;
    QLabel *m_text;
    QPushButton *m_copy;
};

} // namespace patchbay
