#pragma once

#include "conversation.h"

#include <QWidget>

class QHBoxLayout;
class QLabel;

namespace patchbay {

// The images waiting to go with the next message, as thumbnails with a remove button each,
// plus the last refusal ("too big", "not an image"). Hidden while empty.
class AttachmentStrip : public QWidget
{
    Q_OBJECT
public:
    explicit AttachmentStrip(QWidget *parent = nullptr);

    void add(const QList<ConversationAttachment> &attachments);
    void showProblems(const QStringList &problems);
    QList<ConversationAttachment> attachments() const { return m_attachments; }
    QString problem() const;
    void clear();

private:
    void rebuild();

    QList<ConversationAttachment> m_attachments;
    QWidget *m_thumbs;
    QHBoxLayout *m_thumbLayout;
    QLabel *m_problem;
};

} // namespace patchbay
