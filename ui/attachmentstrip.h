#pragma once

#include "conversation.h"

#include <QWidget>

class QHBoxLayout;
class QLabel;

namespace patchbay {

// The images waiting to go with the next message, as thumbnails with a remove button each,
// plus the last refusal ("too big", "not an image") and, while there are images, a warning when
// the chosen model may not take them. Hidden while empty.
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
    // The model the images would go to; a warning shows when it may not take them. The images
    // are still sent: the table behind the warning can be out of date, the provider cannot.
    void setModel(const QString &model);
    QString modelWarning() const; // what the warning says while it is shown, else empty

private:
    void rebuild();
    void updateModelWarning();

    QList<ConversationAttachment> m_attachments;
    QWidget *m_thumbs;
    QHBoxLayout *m_thumbLayout;
    QLabel *m_problem;
    QLabel *m_modelWarning;
    QString m_model;
};

} // namespace patchbay
