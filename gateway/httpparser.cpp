#include "httpparser.h"

#include <array>
#include <string_view>

namespace patchbay {

namespace {

// RFC 9110's tchar, as a table: every header name of every message passes through here.
constexpr std::array<bool, 256> kTokenChars = [] {
    std::array<bool, 256> table{};
    for (int c = 33; c < 127; ++c)
        table[size_t(c)] = true;
    for (char c : std::string_view("()<>@,;:\\\"/[]?={}"))
        table[static_cast<unsigned char>(c)] = false;
    return table;
}();

bool isToken(QByteArrayView s)
{
    if (s.isEmpty())
        return false;
    for (char c : s) {
        if (!kTokenChars[static_cast<unsigned char>(c)])
            return false;
    }
    return true;
}

bool parseVersion(QByteArrayView v, int *minor)
{
    if (v == "HTTP/1.1") {
        *minor = 1;
        return true;
    }
    if (v == "HTTP/1.0") {
        *minor = 0;
        return true;
    }
    return false;
}

} // namespace

HttpParser::HttpParser(Mode mode, qint64 maxHeadBytes, qint64 maxBodyBytes)
    : m_mode(mode)
    , m_maxHeadBytes(maxHeadBytes)
    , m_maxBodyBytes(maxBodyBytes)
{
}

void HttpParser::append(const QByteArray &bytes)
{
    if (m_state == State::Failed)
        return;
    compact();
    m_buffer.append(bytes);
}

void HttpParser::finishInput()
{
    m_inputFinished = true;
}

QByteArray HttpParser::takeBody()
{
    return std::exchange(m_body, {});
}

void HttpParser::compact()
{
    // Drop consumed bytes only once they outweigh the rest, so long streams stay linear.
    if (m_offset > 0 && m_offset >= m_buffer.size() / 2) {
        m_buffer.remove(0, m_offset);
        m_offset = 0;
    }
}

HttpParser::Event HttpParser::fail(Error error, const QString &text)
{
    m_state = State::Failed;
    m_error = error;
    m_errorText = text;
    return Event::Error;
}

bool HttpParser::takeLine(QByteArray *line, qint64 limit, bool *tooLong)
{
    *tooLong = false;
    const qsizetype lf = m_buffer.indexOf('\n', m_offset);
    if (lf < 0) {
        *tooLong = unreadBytes() > limit;
        return false;
    }
    if (lf - m_offset > limit) {
        *tooLong = true;
        return false;
    }
    qsizetype end = lf;
    if (end > m_offset && m_buffer.at(end - 1) == '\r')
        --end;
    *line = m_buffer.mid(m_offset, end - m_offset);
    m_offset = lf + 1;
    return true;
}

HttpParser::Event HttpParser::next()
{
    for (;;) {
        switch (m_state) {
        case State::Failed:
            return Event::Error;
        case State::Done:
            m_state = State::Start;
            m_noBodyExpected = m_mode == Mode::Response ? false : m_noBodyExpected;
            continue;
        case State::Start:
            // Stray empty lines between pipelined requests are allowed (RFC 9112 §2.2).
            while (m_offset < m_buffer.size() && (m_buffer.at(m_offset) == '\r' || m_buffer.at(m_offset) == '\n'))
                ++m_offset;
            if (unreadBytes() == 0) {
                if (m_inputFinished && m_mode == Mode::Response)
                    return fail(Error::Truncated, QStringLiteral("The connection closed before a response arrived."));
                return Event::NeedMore;
            }
            m_request = {};
            m_response = {};
            m_contentLength = -1;
            m_bodyBytes = 0;
            m_state = State::Head;
            continue;
        case State::Head:
            return parseHead();
        case State::FixedBody: {
            if (m_remaining == 0) {
                m_state = State::Done;
                return Event::Done;
            }
            const qint64 n = qMin<qint64>(m_remaining, unreadBytes());
            if (n == 0) {
                if (m_inputFinished)
                    return fail(Error::Truncated, QStringLiteral("The connection closed %1 bytes before the end of the body.").arg(m_remaining));
                return Event::NeedMore;
            }
            m_body.append(m_buffer.constData() + m_offset, n);
            m_offset += n;
            m_remaining -= n;
            return Event::Body;
        }
        case State::ChunkSize: {
            QByteArray line;
            bool tooLong = false;
            if (!takeLine(&line, 1024, &tooLong)) {
                if (tooLong)
                    return fail(Error::Malformed, QStringLiteral("A chunk-size line is too long."));
                if (m_inputFinished)
                    return fail(Error::Truncated, QStringLiteral("The connection closed inside a chunked body."));
                return Event::NeedMore;
            }
            const qsizetype semicolon = line.indexOf(';');
            const QByteArray hex = (semicolon < 0 ? line : line.left(semicolon)).trimmed();
            bool ok = false;
            const qint64 size = hex.size() <= 15 ? hex.toLongLong(&ok, 16) : -1;
            if (!ok || size < 0 || hex.startsWith('-') || hex.startsWith('+'))
                return fail(Error::Malformed, QStringLiteral("A chunk size is not a hexadecimal number."));
            if (size == 0) {
                m_trailerBytes = 0;
                m_state = State::Trailers;
                continue;
            }
            if (m_maxBodyBytes >= 0 && m_bodyBytes + size > m_maxBodyBytes)
                return fail(Error::BodyTooLarge, QStringLiteral("The body is larger than the limit of %1 bytes.").arg(m_maxBodyBytes));
            m_remaining = size;
            m_bodyBytes += size;
            m_state = State::ChunkData;
            continue;
        }
        case State::ChunkData: {
            const qint64 n = qMin<qint64>(m_remaining, unreadBytes());
            if (n == 0) {
                if (m_inputFinished)
                    return fail(Error::Truncated, QStringLiteral("The connection closed inside a chunk."));
                return Event::NeedMore;
            }
            m_body.append(m_buffer.constData() + m_offset, n);
            m_offset += n;
            m_remaining -= n;
            if (m_remaining == 0)
                m_state = State::ChunkDataEnd;
            return Event::Body;
        }
        case State::ChunkDataEnd: {
            QByteArray line;
            bool tooLong = false;
            if (!takeLine(&line, 2, &tooLong)) {
                if (tooLong)
                    return fail(Error::Malformed, QStringLiteral("A chunk is longer than its declared size."));
                if (m_inputFinished)
                    return fail(Error::Truncated, QStringLiteral("The connection closed inside a chunked body."));
                return Event::NeedMore;
            }
            if (!line.isEmpty())
                return fail(Error::Malformed, QStringLiteral("A chunk is longer than its declared size."));
            m_state = State::ChunkSize;
            continue;
        }
        case State::Trailers: {
            QByteArray line;
            bool tooLong = false;
            if (!takeLine(&line, m_maxHeadBytes - m_trailerBytes, &tooLong)) {
                if (tooLong)
                    return fail(Error::HeadTooLarge, QStringLiteral("The trailer fields are too large."));
                if (m_inputFinished)
                    return fail(Error::Truncated, QStringLiteral("The connection closed inside the trailer fields."));
                return Event::NeedMore;
            }
            m_trailerBytes += line.size() + 2;
            if (line.isEmpty()) {
                m_state = State::Done;
                return Event::Done;
            }
            continue; // trailers carry nothing the gateway uses
        }
        case State::UntilClose:
            if (unreadBytes() > 0) {
                m_body.append(m_buffer.constData() + m_offset, unreadBytes());
                m_offset = m_buffer.size();
                return Event::Body;
            }
            if (m_inputFinished) {
                m_state = State::Done;
                return Event::Done;
            }
            return Event::NeedMore;
        }
    }
}

HttpParser::Event HttpParser::parseHead()
{
    const qsizetype searchFrom = m_offset;
    qsizetype end = -1;
    qsizetype endLength = 0;
    for (qsizetype i = m_buffer.indexOf('\n', searchFrom); i >= 0; i = m_buffer.indexOf('\n', i + 1)) {
        if (i + 1 < m_buffer.size() && m_buffer.at(i + 1) == '\n') {
            end = i;
            endLength = 2;
            break;
        }
        if (i + 2 < m_buffer.size() && m_buffer.at(i + 1) == '\r' && m_buffer.at(i + 2) == '\n') {
            end = i;
            endLength = 3;
            break;
        }
        if (i - m_offset > m_maxHeadBytes)
            break;
    }
    if (end < 0 || end - m_offset > m_maxHeadBytes) {
        if (unreadBytes() > m_maxHeadBytes || (end >= 0))
            return fail(Error::HeadTooLarge, QStringLiteral("The header section is larger than the limit of %1 bytes.").arg(m_maxHeadBytes));
        if (m_inputFinished)
            return fail(Error::Truncated, QStringLiteral("The connection closed inside the header section."));
        return Event::NeedMore;
    }
    // Lines are read in place; only the names and values that are kept get their own bytes.
    const QByteArrayView head(m_buffer.constData() + m_offset, end - m_offset);
    m_offset = end + endLength;
    const auto lineAt = [&head](qsizetype from, qsizetype *next) {
        const qsizetype lf = head.indexOf('\n', from);
        const qsizetype stop = lf < 0 ? head.size() : lf;
        *next = lf < 0 ? head.size() : lf + 1;
        QByteArrayView line = head.sliced(from, stop - from);
        return line.endsWith('\r') ? line.chopped(1) : line;
    };

    qsizetype pos = 0;
    const QByteArrayView first = lineAt(0, &pos);
    const bool firstOk = m_mode == Mode::Request ? parseRequestLine(first) : parseStatusLine(first);
    if (!firstOk)
        return fail(Error::Malformed, m_mode == Mode::Request ? QStringLiteral("The request line is malformed.")
                                                              : QStringLiteral("The status line is malformed."));
    HttpHeaders &headers = m_mode == Mode::Request ? m_request.headers : m_response.headers;
    headers.reserve(16);
    while (pos < head.size()) {
        const QByteArrayView line = lineAt(pos, &pos);
        if (line.startsWith(' ') || line.startsWith('\t'))
            return fail(Error::Malformed, QStringLiteral("Folded header lines are not allowed."));
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0 || !isToken(line.first(colon)))
            return fail(Error::Malformed, QStringLiteral("A header line is malformed."));
        headers.add(line.first(colon).toByteArray(), line.sliced(colon + 1).trimmed().toByteArray());
    }
    return startBody();
}

bool HttpParser::parseRequestLine(QByteArrayView line)
{
    // Exactly three parts separated by single spaces.
    const qsizetype sp1 = line.indexOf(' ');
    const qsizetype sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
    if (sp2 < 0 || line.indexOf(' ', sp2 + 1) >= 0)
        return false;
    const QByteArrayView method = line.first(sp1);
    const QByteArrayView target = line.sliced(sp1 + 1, sp2 - sp1 - 1);
    if (!isToken(method) || target.isEmpty())
        return false;
    m_request.method = method.toByteArray();
    m_request.target = target.toByteArray();
    return parseVersion(line.sliced(sp2 + 1), &m_request.versionMinor);
}

bool HttpParser::parseStatusLine(QByteArrayView line)
{
    const qsizetype sp1 = line.indexOf(' ');
    if (sp1 < 0 || !parseVersion(line.first(sp1), &m_response.versionMinor))
        return false;
    const qsizetype sp2 = line.indexOf(' ', sp1 + 1);
    const QByteArrayView code = sp2 < 0 ? line.sliced(sp1 + 1) : line.sliced(sp1 + 1, sp2 - sp1 - 1);
    bool ok = false;
    m_response.status = code.size() == 3 ? code.toInt(&ok) : 0;
    if (!ok || m_response.status < 100)
        return false;
    m_response.reason = sp2 < 0 ? QByteArray() : line.sliced(sp2 + 1).toByteArray();
    return true;
}

HttpParser::Event HttpParser::startBody()
{
    const HttpHeaders &headers = m_mode == Mode::Request ? m_request.headers : m_response.headers;
    if (m_mode == Mode::Response) {
        const int status = m_response.status;
        if (status >= 100 && status < 200) {
            // Interim answers (100 Continue) are not the response; wait for the real one.
            m_state = State::Start;
            return next();
        }
        if (m_noBodyExpected || status == 204 || status == 304) {
            m_contentLength = 0;
            m_remaining = 0;
            m_state = State::FixedBody;
            return Event::Head;
        }
    }
    // The framing headers, without lists: each may come more than once, and must agree.
    QByteArray te;
    QByteArrayView cl;
    bool hasTe = false;
    bool hasCl = false;
    bool clConflict = false;
    for (const auto &item : headers.items()) {
        if (item.first.size() == 17 && item.first.compare("transfer-encoding", Qt::CaseInsensitive) == 0) {
            te += hasTe ? QByteArray(',' + item.second) : item.second;
            hasTe = true;
        } else if (item.first.size() == 14 && item.first.compare("content-length", Qt::CaseInsensitive) == 0) {
            clConflict = clConflict || (hasCl && cl != item.second);
            cl = item.second;
            hasCl = true;
        }
    }
    if (hasTe) {
        // Both framings at once is how requests get smuggled; refuse instead of guessing.
        if (hasCl && m_mode == Mode::Request)
            return fail(Error::Malformed, QStringLiteral("A request may not carry both Content-Length and Transfer-Encoding."));
        const QByteArray joined = te.trimmed().toLower();
        if (joined != "chunked")
            return fail(Error::UnsupportedTransferEncoding,
                        QStringLiteral("Transfer-Encoding \"%1\" is not supported; use chunked.").arg(QString::fromLatin1(joined)));
        m_state = State::ChunkSize;
        return Event::Head;
    }
    if (hasCl) {
        if (clConflict)
            return fail(Error::Malformed, QStringLiteral("The message has conflicting Content-Length headers."));
        bool ok = false;
        const qint64 length = cl.toLongLong(&ok);
        if (!ok || length < 0 || cl.startsWith('+'))
            return fail(Error::Malformed, QStringLiteral("Content-Length is not a number."));
        if (m_maxBodyBytes >= 0 && length > m_maxBodyBytes)
            return fail(Error::BodyTooLarge, QStringLiteral("The body is larger than the limit of %1 bytes.").arg(m_maxBodyBytes));
        m_contentLength = length;
        m_remaining = length;
        m_state = State::FixedBody;
        return Event::Head;
    }
    if (m_mode == Mode::Request) {
        m_contentLength = 0;
        m_remaining = 0;
        m_state = State::FixedBody;
    } else {
        m_state = State::UntilClose;
    }
    return Event::Head;
}

} // namespace patchbay
