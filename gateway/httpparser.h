#pragma once

#include "httpmessage.h"

#include <QByteArray>
#include <QString>

namespace patchbay {

// An incremental HTTP/1.1 parser for both sides of the gateway: requests from clients and
// responses from providers. Bytes go in as they arrive, in any split; events come out one at
// a time, so a server can stop after one request (pipelining) and a proxy can relay a body
// while it is still arriving. Limits are enforced before the bytes are kept.
class HttpParser
{
public:
    enum class Mode { Request, Response };
    enum class Event {
        NeedMore, // give it more bytes (or finishInput())
        Head,     // requestHead()/responseHead() is ready
        Body,     // takeBody() holds decoded body bytes
        Done,     // the message is complete; the next call starts the next one
        Error     // error()/errorText(); the connection cannot be used further
    };
    enum class Error { None, HeadTooLarge, BodyTooLarge, Malformed, UnsupportedTransferEncoding, Truncated };

    explicit HttpParser(Mode mode, qint64 maxHeadBytes = 64 * 1024, qint64 maxBodyBytes = -1);

    void append(const QByteArray &bytes);
    // The peer closed its side. Ends a read-until-close response; anything else mid-message
    // becomes Truncated.
    void finishInput();
    // For responses to HEAD requests, which carry framing headers but no body.
    void expectNoBody() { m_noBodyExpected = true; }

    Event next();

    const HttpRequestHead &requestHead() const { return m_request; }
    const HttpResponseHead &responseHead() const { return m_response; }
    QByteArray takeBody();
    // -1 when the message says nothing (chunked or read-until-close).
    qint64 contentLength() const { return m_contentLength; }

    Error error() const { return m_error; }
    QString errorText() const { return m_errorText; }
    // Some bytes of a message have come but not all of it.
    bool midMessage() const { return m_state != State::Start || unreadBytes() > 0; }
    qsizetype unreadBytes() const { return m_buffer.size() - m_offset; }

private:
    enum class State { Start, Head, FixedBody, ChunkSize, ChunkData, ChunkDataEnd, Trailers, UntilClose, Done, Failed };

    Event fail(Error error, const QString &text);
    Event parseHead();
    bool parseRequestLine(QByteArrayView line);
    bool parseStatusLine(QByteArrayView line);
    Event startBody();
    // One line ending in LF (CR optional) from the buffer, without the ending; false if none yet.
    bool takeLine(QByteArray *line, qint64 limit, bool *tooLong);
    void compact();

    Mode m_mode;
    qint64 m_maxHeadBytes;
    qint64 m_maxBodyBytes;
    QByteArray m_buffer;
    qsizetype m_offset = 0;
    State m_state = State::Start;
    bool m_inputFinished = false;
    bool m_noBodyExpected = false;
    HttpRequestHead m_request;
    HttpResponseHead m_response;
    QByteArray m_body;
    qint64 m_contentLength = -1;
    qint64 m_remaining = 0;
    qint64 m_bodyBytes = 0;
    qint64 m_trailerBytes = 0;
    Error m_error = Error::None;
    QString m_errorText;
};

} // namespace patchbay
