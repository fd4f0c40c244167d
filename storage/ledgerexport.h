#pragma once

#include <QByteArray>
#include <QSqlDatabase>
#include <QString>

#include <optional>

namespace patchbay {

// Writes the ledger rows of a time range to a file for people and spreadsheets: CSV (RFC 4180,
// a header row, CRLF) or a JSON array of LedgerJson objects. Rows stream from the database to
// the file one at a time, and the file only appears once it is complete.
class LedgerExport
{
public:
    enum class Format { Csv, Json };
    // From the file name: .csv or .json (any case); nothing for other names.
    static std::optional<Format> formatFor(const QString &path);

    // Rows with fromMs <= started_at < toMs, oldest first. Replaces path if it exists. The row
    // count, or -1 with a sentence in *error (and no file written).
    static qint64 write(const QSqlDatabase &db, const QString &path, Format format, qint64 fromMs, qint64 toMs,
                        QString *error);

    // One CSV field: quoted, with quotes doubled, when it holds a comma, quote or line break.
    static QByteArray csvField(const QString &value);
};

} // namespace patchbay
