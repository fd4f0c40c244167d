#include "sseparser.h"

namespace patchbay {

namespace {

// Position just past the blank line that ends the first event, or -1.
qsizetype eventEnd(const QByteArray &b, qsizetype from)
{
    for (qsizetype i = from; i < b.size(); ++i) {
        const char c = b.at(i);
        if (c != '\n' && c != '\r')
            continue;
        // A line ended at i; the event ends if the next line is empty.
        qsizetype next = i + 1;
        if (c == '\r' && next < b.size() && b.at(next) == '\n')
            ++next;
        if (next >= b.size())
            return -1;
        const char d = b.at(next);
        if (d == '\n')
            return next + 1;
        if (d == '\r') {
            if (next + 1 < b.size())
                return b.at(next + 1) == '\n' ? next + 2 : next + 1;
            return -1; // a lone CR at the end may still become CRLF
        }
        i = next - 1;
    }
    return -1;
}

SseEvent parseEvent(const QByteArray &raw)
{
    SseEvent e;
    e.raw = raw;
    QByteArray normalized = raw;
    normalized.replace("\r\n", "\n");
    normalized.replace('\r', '\n');
    bool firstData = true;
    for (const QByteArray &line : normalized.split('\n')) {
        if (line.isEmpty() || line.startsWith(':'))
            continue;
        const qsizetype colon = line.indexOf(':');
        const QByteArray field = colon < 0 ? line : line.left(colon);
        QByteArray value = colon < 0 ? QByteArray() : line.mid(colon + 1);
        if (value.startsWith(' '))
            value.remove(0, 1);
        if (field == "data") {
            if (!firstData)
                e.data += '\n';
            e.data += value;
            firstData = false;
        } else if (field == "event") {
            e.event = value;
        }
    }
    return e;
}

} // namespace

QList<SseEvent> SseParser::feed(const QByteArray &bytes)
{
    QList<SseEvent> out;
    m_buffer.append(bytes);
    qsizetype start = 0;
    qsizetype scan = m_scanFrom;
    for (;;) {
        const qsizetype end = eventEnd(m_buffer, qMax(start, scan));
        if (end < 0)
            break;
        out.append(parseEvent(m_buffer.mid(start, end - start)));
        start = end;
        scan = end;
    }
    m_buffer.remove(0, start);
    // Resume the search near the end; two bytes back covers a split CRLF.
    m_scanFrom = qMax<qsizetype>(0, m_buffer.size() - 3);
    return out;
}

} // namespace patchbay
