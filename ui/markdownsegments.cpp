#include "markdownsegments.h"

#include <QStringList>

namespace patchbay {

QList<MarkdownSegment> splitMarkdown(const QString &markdown)
{
    QList<MarkdownSegment> out;
    MarkdownSegment current;
    QString fence; // the opening fence's backticks or tildes while inside a block
    const auto flush = [&] {
        if (current.code || !current.text.trimmed().isEmpty())
            out.append(current);
        current = {};
    };
    for (const QString &line : markdown.split(QLatin1Char('\n'))) {
        const QString trimmed = line.trimmed();
        if (fence.isEmpty()) {
            if (trimmed.startsWith(QLatin1String("```")) || trimmed.startsWith(QLatin1String("~~~"))) {
                flush();
                qsizetype n = 0;
                while (n < trimmed.size() && trimmed.at(n) == trimmed.at(0))
                    ++n;
                fence = trimmed.left(n);
                current.code = true;
                current.language = trimmed.mid(n).trimmed();
                continue;
            }
            current.text += line + QLatin1Char('\n');
        } else {
            if (trimmed.startsWith(fence) && trimmed.mid(fence.size()).trimmed().isEmpty()) {
                if (current.text.endsWith(QLatin1Char('\n')))
                    current.text.chop(1);
                flush();
                fence.clear();
                continue;
            }
            current.text += line + QLatin1Char('\n');
        }
    }
    if (current.code && current.text.endsWith(QLatin1Char('\n')))
        current.text.chop(1);
    flush();
    return out;
}

namespace {

// Whether a block may end at the blank line before `next`. Only a line that can open nothing but a
// new paragraph or heading qualifies: a letter or '#' at the start of the line. Indented lines,
// list markers, quotes, tables and fences may continue the block above; a line whose first
// characters have not arrived yet is not judged at all.
bool startsNewBlock(const QString &next, const QString &block)
{
    if (next.isEmpty() || !(next.at(0).isLetter() || next.at(0) == QLatin1Char('#')))
        return false;
    // An HTML block such as <pre> or <!-- … --> may itself run across blank lines.
    return !block.trimmed().startsWith(QLatin1Char('<'));
}

} // namespace

QList<MarkdownSegment> splitProseBlocks(const QList<MarkdownSegment> &segments)
{
    QList<MarkdownSegment> out;
    for (const MarkdownSegment &segment : segments) {
        if (segment.code) {
            out.append(segment);
            continue;
        }
        const QStringList lines = segment.text.split(QLatin1Char('\n'));
        QString block;
        bool blankSeen = false;
        for (const QString &line : lines) {
            if (line.trimmed().isEmpty()) {
                blankSeen = !block.trimmed().isEmpty();
            } else if (blankSeen && startsNewBlock(line, block)) {
                out.append({false, {}, block});
                block.clear();
                blankSeen = false;
            } else {
                blankSeen = false;
            }
            block += line + QLatin1Char('\n');
        }
        if (!block.trimmed().isEmpty())
            out.append({false, {}, block});
    }
    return out;
}

} // namespace patchbay
