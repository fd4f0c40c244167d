#pragma once

#include <QLatin1String>
#include <QString>
#include <QStringList>

namespace patchbay::testing {

// Text helpers every dialect of the fake shares: its stand-in token count, how a reply is
// cut into stream pieces, and the random parts of ids.
class ReplyText
{
public:
    // Whitespace-separated words: the fake's token count, the same in every dialect.
    static int wordCount(const QString &text);
    // Up to 3 pieces cut at word starts, so that joining them gives back `text` exactly.
    static QStringList splitPieces(const QString &text);
    // Up to `pieces` runs of roughly equal length, for text without word breaks (JSON
    // arguments); joining them gives back `text` exactly.
    static QStringList splitFragments(const QString &text, int pieces = 3);

    static QString random(int length, QLatin1String alphabet);
    static const QLatin1String alphanumeric;
    static const QLatin1String hex;
    static const QLatin1String base64Url;
};

} // namespace patchbay::testing
