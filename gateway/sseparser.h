#pragma once

#include <QByteArray>
#include <QList>

namespace patchbay {

// One server-sent event, with the bytes it came as so a relay can pass it on unchanged.
struct SseEvent
{
    QByteArray raw;   // the event's lines and its closing blank line, exactly as received
    QByteArray event; // the "event:" field, empty for the default "message"
    QByteArray data;  // the "data:" lines joined by '\n'
};

// Splits a text/event-stream into whole events as bytes arrive in any split
// (lines may end in LF, CRLF or CR).
class SseParser
{
public:
    QList<SseEvent> feed(const QByteArray &bytes);
    // Bytes of an event that has not ended yet.
    qsizetype pendingBytes() const { return m_buffer.size(); }

private:
    QByteArray m_buffer;
    qsizetype m_scanFrom = 0;
};

} // namespace patchbay
