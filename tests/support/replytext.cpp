#include "replytext.h"

#include <QRandomGenerator>
#include <QRegularExpression>

namespace patchbay::testing {

const QLatin1String ReplyText::alphanumeric("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");
const QLatin1String ReplyText::hex("0123456789abcdef");
const QLatin1String ReplyText::base64Url("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

int ReplyText::wordCount(const QString &text)
{
    static const QRegularExpression whitespace(QStringLiteral("\\s+"));
    return int(text.split(whitespace, Qt::SkipEmptyParts).size());
}

QStringList ReplyText::splitPieces(const QString &text)
{
    QList<qsizetype> wordStarts;
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (!text.at(i).isSpace() && (i == 0 || text.at(i - 1).isSpace()))
            wordStarts.append(i);
    }
    if (wordStarts.size() <= 1)
        return text.isEmpty() ? QStringList() : QStringList{text};
    const qsizetype pieces = std::min<qsizetype>(3, wordStarts.size());
    QStringList out;
    qsizetype from = 0;
    for (qsizetype piece = 1; piece < pieces; ++piece) {
        // Cut just before the whitespace that precedes a word, so pieces read " next words".
        qsizetype cut = wordStarts.at(piece * wordStarts.size() / pieces);
        while (cut > from && text.at(cut - 1).isSpace())
            --cut;
        out.append(text.mid(from, cut - from));
        from = cut;
    }
    out.append(text.mid(from));
    return out;
}

QStringList ReplyText::splitFragments(const QString &text, int pieces)
{
    const qsizetype count = std::clamp<qsizetype>(pieces, 1, std::max<qsizetype>(1, text.size()));
    QStringList out;
    qsizetype from = 0;
    for (qsizetype piece = 1; piece <= count; ++piece) {
        qsizetype to = piece * text.size() / count;
        // Never cut a surrogate pair: each fragment must be valid UTF-8 on the wire.
        if (to < text.size() && to > from && text.at(to).isLowSurrogate())
            ++to;
        if (to > from)
            out.append(text.mid(from, to - from));
        from = std::max(from, to);
    }
    return out;
}

QString ReplyText::random(int length, QLatin1String alphabet)
{
    QString out;
    out.reserve(length);
    auto *generator = QRandomGenerator::global();
    for (int i = 0; i < length; ++i)
        out.append(QChar(alphabet[generator->bounded(int(alphabet.size()))]));
    return out;
}

} // namespace patchbay::testing
