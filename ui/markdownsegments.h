#pragma once

#include <QList>
#include <QString>

namespace patchbay {

// A reply split at its fenced code blocks, so each block can be shown in its own monospaced
// box with a Copy button while the prose around it is rendered as Markdown.
struct MarkdownSegment
{
    bool code = false;
    QString language; // the fence's info string, for code
    QString text;

    bool operator==(const MarkdownSegment &) const = default;
};

// An unclosed fence (a reply still streaming) runs to the end as code.
QList<MarkdownSegment> splitMarkdown(const QString &markdown);

} // namespace patchbay
