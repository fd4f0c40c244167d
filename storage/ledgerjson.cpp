#include "ledgerjson.h"

#include <QDateTime>
#include <QJsonValue>

namespace patchbay {

namespace {

QJsonValue optional(qint64 v)
{
    return v < 0 ? QJsonValue(QJsonValue::Null) : QJsonValue(v);
}

qint64 optional(const QJsonValue &v)
{
    return v.isDouble() ? v.toInteger(-1) : -1;
}

// Headers and bodies that were not captured are null, as in request_captures.
QJsonValue headerText(bool captured, const QByteArray &lines)
{
    return captured ? QJsonValue(QString::fromUtf8(lines)) : QJsonValue(QJsonValue::Null);
}

QJsonValue bodyBase64(bool captured, const QByteArray &body)
{
    return captured ? QJsonValue(QString::fromLatin1(body.toBase64())) : QJsonValue(QJsonValue::Null);
}

QJsonObject captureToJson(const RequestCapture &c)
{
    return {{QStringLiteral("request_headers"), headerText(c.headersCaptured, c.requestHeaders)},
            {QStringLiteral("response_headers"), headerText(c.headersCaptured, c.responseHeaders)},
            {QStringLiteral("request_body"), bodyBase64(c.bodiesCaptured, c.requestBody)},
            {QStringLiteral("response_body"), bodyBase64(c.bodiesCaptured, c.responseBody)},
            {QStringLiteral("request_body_truncated"), c.requestBodyTruncated},
            {QStringLiteral("response_body_truncated"), c.responseBodyTruncated}};
}

RequestCapture captureFromJson(const QJsonObject &o)
{
    const auto bytes = [&o](const char *key) { return o.value(QLatin1String(key)).toString().toUtf8(); };
    RequestCapture c;
    c.headersCaptured = o.value(QLatin1String("request_headers")).isString();
    c.requestHeaders = bytes("request_headers");
    c.responseHeaders = bytes("response_headers");
    c.bodiesCaptured = o.value(QLatin1String("request_body")).isString();
    c.requestBody = QByteArray::fromBase64(bytes("request_body"));
    c.responseBody = QByteArray::fromBase64(bytes("response_body"));
    c.requestBodyTruncated = o.value(QLatin1String("request_body_truncated")).toBool();
    c.responseBodyTruncated = o.value(QLatin1String("response_body_truncated")).toBool();
    return c;
}

} // namespace

QStringList LedgerJson::fieldNames()
{
    return {QStringLiteral("request_id"),        QStringLiteral("started_at"),      QStringLiteral("started_at_ms"),
            QStringLiteral("client"),            QStringLiteral("endpoint"),        QStringLiteral("provider"),
            QStringLiteral("requested_model"),   QStringLiteral("upstream_model"),  QStringLiteral("stream"),
            QStringLiteral("status"),            QStringLiteral("error"),           QStringLiteral("input_tokens"),
            QStringLiteral("output_tokens"),     QStringLiteral("cache_read_tokens"), QStringLiteral("cache_write_tokens"),
            QStringLiteral("reasoning_tokens"),  QStringLiteral("usage_source"),    QStringLiteral("cost_usd"),
            QStringLiteral("catalog_version"),   QStringLiteral("latency_ms"),      QStringLiteral("ttfb_ms"),
            QStringLiteral("ttft_ms"),           QStringLiteral("attempt"),         QStringLiteral("retry_of")};
}

QJsonObject LedgerJson::toJson(const UsageRecord &r)
{
    return {{QStringLiteral("request_id"), r.requestId},
            {QStringLiteral("started_at"), QDateTime::fromMSecsSinceEpoch(r.startedAtMs, Qt::UTC).toString(Qt::ISODateWithMs)},
            {QStringLiteral("started_at_ms"), r.startedAtMs},
            {QStringLiteral("client"), r.client},
            {QStringLiteral("endpoint"), r.endpoint},
            {QStringLiteral("provider"), r.provider},
            {QStringLiteral("requested_model"), r.requestedModel},
            {QStringLiteral("upstream_model"), r.upstreamModel},
            {QStringLiteral("stream"), r.stream},
            {QStringLiteral("status"), r.status},
            {QStringLiteral("error"), r.error},
            {QStringLiteral("input_tokens"), optional(r.inputTokens)},
            {QStringLiteral("output_tokens"), optional(r.outputTokens)},
            {QStringLiteral("cache_read_tokens"), optional(r.cacheReadTokens)},
            {QStringLiteral("cache_write_tokens"), optional(r.cacheWriteTokens)},
            {QStringLiteral("reasoning_tokens"), optional(r.reasoningTokens)},
            {QStringLiteral("usage_source"), r.usageSource},
            {QStringLiteral("cost_usd"), r.costUsd ? QJsonValue(*r.costUsd) : QJsonValue(QJsonValue::Null)},
            {QStringLiteral("catalog_version"), r.catalogVersion},
            {QStringLiteral("latency_ms"), r.latencyMs},
            {QStringLiteral("ttfb_ms"), optional(r.ttfbMs)},
            {QStringLiteral("ttft_ms"), optional(r.ttftMs)},
            {QStringLiteral("attempt"), r.attempt},
            {QStringLiteral("retry_of"), r.retryOf}};
}

QJsonObject LedgerJson::toSpillJson(const UsageRecord &r)
{
    QJsonObject o = toJson(r);
    if (r.capture)
        o.insert(QStringLiteral("capture"), captureToJson(*r.capture));
    return o;
}

bool LedgerJson::fromJson(const QJsonObject &o, UsageRecord *out, QString *error)
{
    const auto text = [&o](const char *key) { return o.value(QLatin1String(key)).toString(); };
    const auto number = [&o](const char *key) { return optional(o.value(QLatin1String(key))); };
    UsageRecord r;
    r.requestId = text("request_id");
    const QJsonValue started = o.value(QLatin1String("started_at_ms"));
    if (r.requestId.isEmpty() || !started.isDouble()) {
        *error = QStringLiteral("A ledger row needs request_id and started_at_ms.");
        return false;
    }
    r.startedAtMs = started.toInteger();
    r.client = text("client");
    r.endpoint = text("endpoint");
    r.provider = text("provider");
    r.requestedModel = text("requested_model");
    r.upstreamModel = text("upstream_model");
    r.stream = o.value(QLatin1String("stream")).toBool();
    r.status = o.value(QLatin1String("status")).toInt();
    r.error = text("error");
    r.inputTokens = number("input_tokens");
    r.outputTokens = number("output_tokens");
    r.cacheReadTokens = number("cache_read_tokens");
    r.cacheWriteTokens = number("cache_write_tokens");
    r.reasoningTokens = number("reasoning_tokens");
    r.usageSource = text("usage_source");
    const QJsonValue cost = o.value(QLatin1String("cost_usd"));
    if (cost.isDouble())
        r.costUsd = cost.toDouble();
    r.catalogVersion = text("catalog_version");
    r.latencyMs = o.value(QLatin1String("latency_ms")).toInteger();
    r.ttfbMs = number("ttfb_ms");
    r.ttftMs = number("ttft_ms");
    r.attempt = o.value(QLatin1String("attempt")).toInt(1);
    r.retryOf = text("retry_of");
    if (const QJsonValue capture = o.value(QLatin1String("capture")); capture.isObject())
        r.capture = std::make_shared<const RequestCapture>(captureFromJson(capture.toObject()));
    *out = r;
    return true;
}

} // namespace patchbay
