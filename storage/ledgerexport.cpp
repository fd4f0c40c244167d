#include "ledgerexport.h"

#include "ledgerjson.h"
#include "ledgerquery.h"

#include <QJsonDocument>
#include <QJsonValue>
#include <QLocale>
#include <QSaveFile>

#include <cmath>

namespace patchbay {

namespace {

QByteArray csvValue(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        return {}; // unknown stays empty, never 0
    case QJsonValue::Bool:
        return v.toBool() ? QByteArrayLiteral("true") : QByteArrayLiteral("false");
    case QJsonValue::Double: {
        const double d = v.toDouble();
        // Token counts and times print as integers, costs with the fewest digits that read back exactly.
        if (std::trunc(d) == d && std::fabs(d) < 9.0e15)
            return QByteArray::number(v.toInteger());
        return QByteArray::number(d, 'g', QLocale::FloatingPointShortest);
    }
    case QJsonValue::String:
        return LedgerExport::csvField(v.toString());
    case QJsonValue::Array:
    case QJsonValue::Object:
        break;
    }
    return {};
}

} // namespace

std::optional<LedgerExport::Format> LedgerExport::formatFor(const QString &path)
{
    if (path.endsWith(QLatin1String(".csv"), Qt::CaseInsensitive))
        return Format::Csv;
    if (path.endsWith(QLatin1String(".json"), Qt::CaseInsensitive))
        return Format::Json;
    return std::nullopt;
}

QByteArray LedgerExport::csvField(const QString &value)
{
    QByteArray out = value.toUtf8();
    if (!out.contains(',') && !out.contains('"') && !out.contains('\n') && !out.contains('\r'))
        return out;
    out.replace('"', QByteArrayLiteral("\"\""));
    return '"' + out + '"';
}

qint64 LedgerExport::write(const QSqlDatabase &db, const QString &path, Format format, qint64 fromMs, qint64 toMs,
                           QString *error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        *error = QStringLiteral("Could not write %1: %2").arg(path, file.errorString());
        return -1;
    }
    const QStringList fields = LedgerJson::fieldNames();
    if (format == Format::Csv) {
        QByteArray header;
        for (const QString &f : fields)
            header += (header.isEmpty() ? "" : ",") + f.toUtf8();
        file.write(header + "\r\n");
    } else {
        file.write("[");
    }
    qint64 rows = 0;
    QByteArray line;
    const bool ok = LedgerQuery(db).forEach(
        fromMs, toMs,
        [&](const UsageRecord &r) {
            const QJsonObject o = LedgerJson::toJson(r);
            line.clear();
            if (format == Format::Csv) {
                for (qsizetype i = 0; i < fields.size(); ++i) {
                    if (i > 0)
                        line += ',';
                    line += csvValue(o.value(fields.at(i)));
                }
                line += "\r\n";
            } else {
                line += rows == 0 ? "\n" : ",\n";
                line += QJsonDocument(o).toJson(QJsonDocument::Compact);
            }
            ++rows;
            return file.write(line) == line.size();
        },
        error);
    if (!ok)
        return -1;
    if (format == Format::Json)
        file.write(rows == 0 ? "]\n" : "\n]\n");
    // Like the database it comes from: who called which model, and when, is the user's business.
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    if (file.error() != QFileDevice::NoError || !file.commit()) {
        *error = QStringLiteral("Could not write %1: %2").arg(path, file.errorString());
        return -1;
    }
    return rows;
}

} // namespace patchbay
