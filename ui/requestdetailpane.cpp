#include "requestdetailpane.h"

#include "capturehtml.h"
#include "usagetiles.h"

#include <QDateTime>
#include <QLocale>

namespace patchbay {

namespace {

QString tokens(qint64 v)
{
    return v < 0 ? RequestDetailPane::tr("unknown") : QLocale().toString(v);
}

QString ms(qint64 v)
{
    return v < 0 ? RequestDetailPane::tr("—") : RequestDetailPane::tr("%1 ms").arg(QLocale().toString(v));
}

QString row(const QString &label, const QString &value)
{
    return QStringLiteral("<tr><td style='padding-right:12px; color:gray'>%1</td><td>%2</td></tr>")
        .arg(label.toHtmlEscaped(), value.toHtmlEscaped());
}

QString outcome(const UsageRecord &r)
{
    if (r.status == 499)
        return RequestDetailPane::tr("499 — the client hung up");
    if (r.error.isEmpty())
        return QString::number(r.status);
    return QStringLiteral("%1 — %2").arg(r.status).arg(r.error);
}

} // namespace

RequestDetailPane::RequestDetailPane(QWidget *parent)
    : QTextBrowser(parent)
{
    setObjectName(QStringLiteral("requestDetail"));
    setOpenLinks(false);
    clearRecord();
}

void RequestDetailPane::clearRecord()
{
    m_record = {};
    m_detail = {}; // a capture may be megabytes
    m_haveDetail = false;
    setHtml(tr("<p style='color:gray'>Select a request to see its timing, attempts, usage, cost, headers and bodies.</p>"));
}

void RequestDetailPane::setRecord(const UsageRecord &record)
{
    m_record = record;
    m_detail = {};
    m_haveDetail = false;
    render();
}

void RequestDetailPane::setDetail(const RequestDetail &detail)
{
    if (detail.requestId != m_record.requestId)
        return;
    m_detail = detail;
    m_haveDetail = true;
    render();
}

void RequestDetailPane::render()
{
    const UsageRecord &r = m_record;
    QString html = QStringLiteral("<h3>%1</h3>").arg(r.requestId.toHtmlEscaped());
    html += QStringLiteral("<table>");
    html += row(tr("Started"), QDateTime::fromMSecsSinceEpoch(r.startedAtMs).toLocalTime().toString(Qt::ISODateWithMs));
    html += row(tr("Client"), r.client.isEmpty() ? tr("(no token)") : r.client);
    html += row(tr("Endpoint"), r.endpoint + (r.stream ? tr(" (stream)") : QString()));
    html += row(tr("Model"), r.requestedModel == r.upstreamModel || r.upstreamModel.isEmpty()
                                 ? r.requestedModel
                                 : QStringLiteral("%1 → %2").arg(r.requestedModel, r.upstreamModel));
    html += row(tr("Provider"), r.provider.isEmpty() ? tr("(none reached)") : r.provider);
    html += row(tr("Status"), outcome(r));
    html += QStringLiteral("</table><h4>%1</h4><table>").arg(tr("Timing"));
    // The ledger has no separate queue time: the time to the provider's first byte includes it.
    html += row(tr("First byte from provider"), ms(r.ttfbMs));
    html += row(tr("First token to client"), ms(r.ttftMs));
    html += row(tr("Total"), ms(r.latencyMs));
    html += QStringLiteral("</table><h4>%1</h4><table>").arg(tr("Usage"));
    html += row(tr("Input tokens"), tokens(r.inputTokens));
    html += row(tr("  of which cache reads"), tokens(r.cacheReadTokens));
    html += row(tr("  cache writes"), tokens(r.cacheWriteTokens));
    html += row(tr("Output tokens"), tokens(r.outputTokens));
    html += row(tr("  of which reasoning"), tokens(r.reasoningTokens));
    html += row(tr("Counted by"), r.usageSource == QLatin1String("provider")    ? tr("the provider's own report")
                                  : r.usageSource == QLatin1String("estimated") ? tr("an estimate from the text")
                                                                                : tr("nobody (no usage reported)"));
    html += QStringLiteral("</table><h4>%1</h4><table>").arg(tr("Cost"));
    html += row(tr("Cost"), r.costUsd ? formatUsd(*r.costUsd) : tr("unknown: no price for this model"));
    html += row(tr("Price catalog"), r.catalogVersion.isEmpty() ? tr("—") : r.catalogVersion);
    html += QStringLiteral("</table><h4>%1</h4>").arg(tr("Attempts"));
    if (!m_haveDetail) {
        html += tr("<p style='color:gray'>Reading…</p>");
    } else if (!m_detail.error.isEmpty()) {
        html += QStringLiteral("<p>%1</p>").arg(m_detail.error.toHtmlEscaped());
    } else if (m_detail.chain.size() <= 1) {
        html += tr("<p>One attempt; no retry or fallback.</p>");
    } else {
        html += QStringLiteral("<table><tr><th align=left>#</th><th align=left>%1</th><th align=left>%2</th>"
                               "<th align=left>%3</th><th align=left>%4</th></tr>")
                    .arg(tr("Provider / model"), tr("Status"), tr("Time"), tr("Cost"));
        for (const UsageRecord &a : m_detail.chain) {
            const bool self = a.requestId == r.requestId;
            html += QStringLiteral("<tr%1><td>%2</td><td>%3</td><td>%4</td><td>%5</td><td>%6</td></tr>")
                        .arg(self ? QStringLiteral(" style='font-weight:bold'") : QString())
                        .arg(a.attempt)
                        .arg((a.provider + QLatin1Char('/') + a.upstreamModel).toHtmlEscaped(), outcome(a).toHtmlEscaped(),
                             ms(a.latencyMs), a.costUsd ? formatUsd(*a.costUsd) : tr("—"));
        }
        html += QStringLiteral("</table>");
    }
    html += QStringLiteral("<h4>%1</h4>").arg(tr("Headers and bodies"));
    if (!m_haveDetail)
        html += tr("<p style='color:gray'>Reading…</p>");
    else if (!m_detail.captureError.isEmpty())
        html += QStringLiteral("<p>%1</p>").arg(m_detail.captureError.toHtmlEscaped());
    else
        html += CaptureHtml::render(m_detail.capture);
    setHtml(html);
}

} // namespace patchbay
