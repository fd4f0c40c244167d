#pragma once

#include "captureconfig.h"
#include "httpmessage.h"
#include "requestcapture.h"

#include <QByteArray>
#include <QList>

#include <memory>

namespace patchbay {

// Gathers what the capture settings keep of one call while it runs: the client's request head
// (redacted) and body, and what the gateway sent back. Made only when capture is on, so a call
// without capture pays for nothing here. Provider keys and the client's access token are
// scrubbed from everything kept, wherever they stand, before it leaves for the ledger.
class CallCapture
{
public:
    // keys: every configured provider key; a secret shorter than 8 bytes is not scrubbed, since
    // replacing so short a string everywhere would mangle the bodies.
    CallCapture(const CaptureConfig &config, const HttpRequestHead &head, const QByteArray &body, QList<QByteArray> keys);
    Q_DISABLE_COPY_MOVE(CallCapture) // m_token points into m_authorization

    // The gateway answered with this status and these headers; contentLength < 0 for a stream.
    void responded(int status, const HttpHeaders &headers, qint64 contentLength);
    // Response body bytes as they went to the client: a whole answer, or each stream chunk.
    void sent(const QByteArray &bytes)
    {
        if (m_config.bodies)
            keepResponse(bytes);
    }
    // What was kept so far, as one attempt's capture. The response side starts over, for the
    // next attempt of a retried call; the request side stays.
    std::shared_ptr<const RequestCapture> take();

private:
    void keepResponse(const QByteArray &bytes);
    void scrub(QByteArray *bytes) const;
    // Scrubs, then cuts at the cap. over: bytes were dropped before they reached *body.
    void finishBody(QByteArray *body, bool over, bool *truncated) const;

    CaptureConfig m_config;
    QList<QByteArray> m_keys;
    QByteArray m_authorization; // the header holding the client's token, which m_token points into
    QByteArrayView m_token;
    // The cap plus the longest secret: a secret across the cap is still whole when scrubbed.
    qsizetype m_keep = 0;
    QByteArray m_requestHead;
    QByteArray m_requestBody;
    bool m_requestTruncated = false;
    QByteArray m_responseHead;
    QByteArray m_responseBody;
    bool m_responseOver = false;
};

} // namespace patchbay
