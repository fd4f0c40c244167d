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

// The prose segments cut further at the blank lines between blocks, where cutting cannot change
// what the blocks mean (not inside a list, a quote, an indented block …). A streaming reply is
// shown this way, a label per block, so each update parses and lays out only the block still
// growing instead of the whole reply; the finished reply is shown whole again.
QList<MarkdownSegment> splitProseBlocks(const QList<MarkdownSegment> &segments);

} // namespace patchbay
