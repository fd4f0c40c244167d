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

} // namespace patchbay
