#include "capturehtml.h"

#include <QCoreApplication>
#include <QFontDatabase>
#include <QJsonDocument>
#include <QLocale>

namespace patchbay {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("CaptureHtml", text);
}

QString note(const QString &text)
{
    return QStringLiteral("<p style='color:gray'>%1</p>").arg(text.toHtmlEscaped());
}

QString monospace(const QString &text)
{
    return QStringLiteral("<pre style=\"font-family:'%1'; white-space:pre-wrap\">%2</pre>")
        .arg(QFontDatabase::systemFont(QFontDatabase::FixedFont).family().toHtmlEscaped(), text.toHtmlEscaped());
}

QString kib(qsizetype bytes)
{
    return QLocale().formattedDataSize(bytes, 0, QLocale::DataSizeIecFormat);
}

QString bodySection(const QString &title, const RequestCapture &c, const QByteArray &body, bool truncated)
{
    QString html = QStringLiteral("<h5>%1</h5>").arg(title.toHtmlEscaped());
    if (!c.bodiesCaptured)
        return html + note(tr("Bodies are not captured. Turn on body capture in %1 (bodies may hold private data).")
                               .arg(CaptureHtml::settingsPath()));
    if (body.isEmpty())
        return html + note(tr("Empty."));
    if (truncated)
        html += note(tr("Truncated at %1: the capture keeps at most that much of each body.").arg(kib(body.size())));
    else if (body.size() > CaptureHtml::kShownBytes)
        html += note(tr("Showing the first %1 of %2.").arg(kib(CaptureHtml::kShownBytes), kib(body.size())));
    return html + monospace(CaptureHtml::bodyText(body));
}

} // namespace

QString CaptureHtml::settingsPath()
{
    return tr("Gateway ▸ Server ▸ Request capture");
}

QString CaptureHtml::bodyText(const QByteArray &body)
{
    const QByteArray shown = body.left(kShownBytes);
    if (shown.size() == body.size()) {
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
        if (error.error == QJsonParseError::NoError && !doc.isNull())
            return QString::fromUtf8(doc.toJson(QJsonDocument::Indented)).trimmed();
    }
    return QString::fromUtf8(shown);
}

QString CaptureHtml::render(const std::optional<RequestCapture> &capture)
{
    if (!capture)
        return note(tr("Nothing was captured for this request: capture was off when it ran. Headers (with credentials "
                       "redacted) are kept by default; bodies only when body capture is on in %1 (bodies may hold "
                       "private data).")
                        .arg(settingsPath()));
    const RequestCapture &c = *capture;
    QString html;
    html += QStringLiteral("<h5>%1</h5>").arg(tr("Request headers").toHtmlEscaped());
    html += c.headersCaptured ? monospace(QString::fromUtf8(c.requestHeaders).trimmed())
                              : note(tr("Headers are not captured. Turn on header capture in %1.").arg(settingsPath()));
    html += bodySection(tr("Request body"), c, c.requestBody, c.requestBodyTruncated);
    html += QStringLiteral("<h5>%1</h5>").arg(tr("Response headers").toHtmlEscaped());
    if (!c.headersCaptured)
        html += note(tr("Headers are not captured."));
    else if (c.responseHeaders.isEmpty())
        html += note(tr("Nothing was sent to the client for this attempt: it was retried, or the client left first."));
    else
        html += monospace(QString::fromUtf8(c.responseHeaders).trimmed());
    html += bodySection(tr("Response body"), c, c.responseBody, c.responseBodyTruncated);
    return html;
}

} // namespace patchbay
