#pragma once

#include "conversation.h"
#include "markdownsegments.h"

#include <QFrame>

class QHBoxLayout;
class QLabel;
class QPushButton;
class QTimer;
class QToolButton;
class QVBoxLayout;

namespace patchbay {

// One message on screen: who said it, its text (Markdown with code blocks for replies), its
// stats, and the actions that apply to it. Streaming updates are coalesced so a fast stream
// re-renders at most every 50 ms, and a streaming reply is shown a block per label so that a
// render parses and lays out only the block still growing (see splitProseBlocks()).
class ChatMessageWidget : public QFrame
{
    Q_OBJECT
public:
    explicit ChatMessageWidget(QWidget *parent = nullptr);

    void setMessage(const ConversationMessage &message);
    const ConversationMessage &message() const { return m_message; }
    // "‹ 2/3 ›" beside the header when the message has sibling branches.
    void setBranches(int current, int count);
    void setLastReply(bool last);

    QString renderedText() const; // what the text labels show, for tests
    static QString statsLine(const ConversationMessage &message);

Q_SIGNALS:
    void retryRequested();
    void regenerateRequested();
    void editRequested();
    void branchRequested(int step); // -1 previous sibling, +1 next

private:
    void render();
    void showSegments(const QList<MarkdownSegment> &segments, bool markdown);
    QWidget *textLabel();
    QWidget *codeBox(const MarkdownSegment &segment);
    void setCodeText(QWidget *box, const MarkdownSegment &segment);
    void showAttachments();

    ConversationMessage m_message;
    QList<MarkdownSegment> m_segments;
    QLabel *m_who;
    QLabel *m_branchLabel;
    QToolButton *m_prevBranch;
    QToolButton *m_nextBranch;
    QToolButton *m_copy;
    QToolButton *m_edit;
    QToolButton *m_regenerate;
    QVBoxLayout *m_body;
    QWidget *m_images = nullptr; // thumbnails of the message's attachments, made when there are some
    QList<ConversationAttachment> m_shownAttachments;
    QList<QWidget *> m_segmentWidgets;
    QLabel *m_stats;
    QFrame *m_errorBox;
    QLabel *m_errorText;
    QPushButton *m_retry;
    QTimer *m_renderTimer;
    bool m_lastReply = false;
    bool m_blocks = false; // a finished reply still shown block by block, until its queued render
    QString m_styledRole; // the role whose style sheet is set
};

} // namespace patchbay
