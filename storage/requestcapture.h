#pragma once

#include <QByteArray>

#include <memory>

namespace patchbay {

// What the gateway kept of one call beyond usage, when capture is on: headers with their
// secrets redacted and, only if body capture is switched on, the bodies up to a size cap.
// Stored in request_captures, beside the lean requests row; never exported.
struct RequestCapture
{
    bool headersCaptured = false;
    QByteArray requestHeaders;  // the request line, then "Name: value" lines
    QByteArray responseHeaders; // the status line and headers sent to the client; empty if none were
    bool bodiesCaptured = false;
    QByteArray requestBody;  // as the client sent it, cut at the cap
    QByteArray responseBody; // as sent to the client (a stream's SSE bytes), cut at the cap
    bool requestBodyTruncated = false;
    bool responseBodyTruncated = false;

    // Roughly what it holds in memory, for the ledger's bound on what waits to be written.
    qsizetype byteSize() const
    {
        return requestHeaders.size() + responseHeaders.size() + requestBody.size() + responseBody.size();
    }
    bool operator==(const RequestCapture &) const = default;
};

// A record's capture. Shared, so copying a record (the ledger's queue, signals, retries) never
// copies bodies, and a record without one costs a null pointer. Compares by value.
class CaptureRef
{
public:
    CaptureRef() = default;
    CaptureRef(std::shared_ptr<const RequestCapture> capture) // NOLINT: converts on purpose
        : m_capture(std::move(capture))
    {
    }

    const RequestCapture *get() const { return m_capture.get(); }
    const RequestCapture *operator->() const { return m_capture.get(); }
    const RequestCapture &operator*() const { return *m_capture; }
    explicit operator bool() const { return m_capture != nullptr; }
    void reset() { m_capture.reset(); }

    bool operator==(const CaptureRef &other) const
    {
        return m_capture == other.m_capture || (m_capture && other.m_capture && *m_capture == *other.m_capture);
    }

private:
    std::shared_ptr<const RequestCapture> m_capture;
};

} // namespace patchbay
