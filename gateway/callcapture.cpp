#include "callcapture.h"

#include "headerredaction.h"

#include <string_view>

namespace patchbay {

namespace {

constexpr qsizetype kMinSecret = 8;

// The library's substring search (memchr and memcmp underneath) is several times faster here
// than QByteArray's rolling hash, and this runs over every captured head.
bool holds(const QByteArray &bytes, QByteArrayView secret)
{
    return std::string_view(bytes.constData(), size_t(bytes.size()))
               .find(std::string_view(secret.data(), size_t(secret.size())))
        != std::string_view::npos;
}

} // namespace

CallCapture::CallCapture(const CaptureConfig &config, const HttpRequestHead &head, const QByteArray &body,
                         QList<QByteArray> keys)
    : m_config(config)
    , m_keys(std::move(keys))
{
    // The token as the gateway reads it (see GatewayServer::admit), found without a copy.
    m_authorization = head.headers.value("authorization");
    QByteArrayView token = QByteArrayView(m_authorization).trimmed();
    if (token.size() > 7 && qstrnicmp(token.data(), 7, "bearer ", 7) == 0) {
        token = token.sliced(7).trimmed();
    } else {
        m_authorization = head.headers.value("x-api-key");
        token = QByteArrayView(m_authorization).trimmed();
    }
    if (token.size() >= kMinSecret)
        m_token = token;

    qsizetype longest = m_token.size();
    for (const QByteArray &key : std::as_const(m_keys))
        longest = qMax(longest, key.size());
    m_keep = m_config.maxBodyBytes + longest;

    if (m_config.headers) {
        m_requestHead = HeaderRedaction::requestHead(head);
        scrub(&m_requestHead);
    }
    if (m_config.bodies) {
        // left() shares a body that fits instead of copying it.
        m_requestBody = body.left(m_keep);
        finishBody(&m_requestBody, body.size() > m_keep, &m_requestTruncated);
    }
}

void CallCapture::responded(int status, const HttpHeaders &headers, qint64 contentLength)
{
    if (m_config.headers)
        m_responseHead = HeaderRedaction::responseHead(status, headers, contentLength);
}

void CallCapture::keepResponse(const QByteArray &bytes)
{
    const qsizetype room = m_keep - m_responseBody.size();
    if (bytes.size() > room)
        m_responseOver = true;
    if (room <= 0)
        return;
    if (m_responseBody.isEmpty())
        m_responseBody = bytes.left(room); // a plain answer that fits is shared, not copied
    else
        m_responseBody += QByteArrayView(bytes).first(qMin(room, bytes.size()));
}

std::shared_ptr<const RequestCapture> CallCapture::take()
{
    auto c = std::make_shared<RequestCapture>();
    c->headersCaptured = m_config.headers;
    c->requestHeaders = m_requestHead;
    c->responseHeaders = std::exchange(m_responseHead, {});
    c->bodiesCaptured = m_config.bodies;
    c->requestBody = m_requestBody;
    c->requestBodyTruncated = m_requestTruncated;
    if (m_config.bodies) {
        c->responseBody = std::exchange(m_responseBody, {});
        finishBody(&c->responseBody, std::exchange(m_responseOver, false), &c->responseBodyTruncated);
    }
    return c;
}

void CallCapture::scrub(QByteArray *bytes) const
{
    // Some providers echo the key they were sent, and a client may paste anything into a prompt.
    for (const QByteArray &key : m_keys) {
        if (key.size() >= kMinSecret && holds(*bytes, key))
            bytes->replace(key, HeaderRedaction::kRedacted.toByteArray());
    }
    if (!m_token.isEmpty() && holds(*bytes, m_token))
        bytes->replace(m_token, HeaderRedaction::kRedacted);
}

void CallCapture::finishBody(QByteArray *body, bool over, bool *truncated) const
{
    scrub(body);
    *truncated = over || body->size() > m_config.maxBodyBytes;
    if (body->size() > m_config.maxBodyBytes)
        body->truncate(m_config.maxBodyBytes);
}

} // namespace patchbay
