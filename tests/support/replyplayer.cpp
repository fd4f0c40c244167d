#include "replyplayer.h"

namespace patchbay::testing {

ReplyPlayer::ReplyPlayer(FakeHttpConnection *connection, FakeStep step, bool stream)
    : QObject(connection)
    , m_connection(connection)
    , m_step(std::move(step))
    , m_stream(stream)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &ReplyPlayer::sendNextEvent);
}

void ReplyPlayer::start()
{
    if (m_step.headerDelayMs > 0)
        QTimer::singleShot(m_step.headerDelayMs, this, &ReplyPlayer::begin);
    else
        begin();
}

void ReplyPlayer::addEvent(const QByteArray &event, bool content)
{
    if (content)
        m_contentEvents.append(m_events.size());
    m_events.append(event);
}

void ReplyPlayer::markFinish()
{
    m_finishAt = m_events.size();
}

void ReplyPlayer::finish()
{
    m_timer.stop();
    deleteLater();
}

void ReplyPlayer::begin()
{
    if (m_step.dropBeforeHeaders || (!m_stream && m_step.dropAfterChunks >= 0)) {
        m_connection->closeAfterFlush();
        return finish();
    }
    if (!m_stream && m_step.stallAfterChunks >= 0)
        return; // owes the answer until the client gives up
    if (!m_step.rawBody.isEmpty()) {
        m_connection->sendResponse(m_step.status, responseHeaders("application/json"), m_step.rawBody);
        return finish();
    }
    const bool errorInStream = m_stream && m_step.errorAfterChunks >= 0;
    // Every dialect answers a request that fails before the first byte with a plain error,
    // stream or not.
    const int errorStatus = m_step.status != 200 ? m_step.status : m_step.errorAfterChunks >= 0 ? 500 : 200;
    if (errorStatus != 200 && !errorInStream) {
        m_connection->sendResponse(errorStatus, responseHeaders(jsonContentType()), errorBody(errorStatus));
        return finish();
    }
    if (m_stream)
        startStream();
    else
        sendPlain();
}

void ReplyPlayer::startStream()
{
    buildStream();
    if (m_finishAt < 0)
        m_finishAt = m_events.size();
    if (m_step.stallAfterChunks >= 0)
        m_stallAt = positionAfter(m_step.stallAfterChunks);
    if (m_step.dropAfterChunks >= 0)
        m_dropAt = positionAfter(m_step.dropAfterChunks);
    if (m_step.errorAfterChunks >= 0)
        m_errorAt = positionAfter(m_step.errorAfterChunks);
    m_connection->startChunked(200, responseHeaders(streamContentType()));
    sendNextEvent();
}

qsizetype ReplyPlayer::positionAfter(int contentChunks) const
{
    // Just before the next content event, so the framing that opens it (a block start, a
    // ping) has already gone out, as it would from a model that stopped producing.
    return contentChunks < m_contentEvents.size() ? m_contentEvents.at(contentChunks) : m_finishAt;
}

void ReplyPlayer::sendNextEvent()
{
    for (;;) {
        if (m_next == m_stallAt)
            return; // silence, connection open: the client's idle timeout has to act
        if (m_next == m_dropAt) {
            m_connection->closeAfterFlush();
            return finish();
        }
        if (m_next == m_errorAt) {
            m_connection->sendChunk(streamErrorEvent(m_step.status != 200 ? m_step.status : 500));
            m_connection->finishChunked();
            return finish();
        }
        if (m_next == m_events.size()) {
            m_connection->finishChunked();
            return finish();
        }
        m_connection->sendChunk(m_events.at(m_next++));
        if (m_step.chunkIntervalMs > 0) {
            m_timer.start(m_step.chunkIntervalMs);
            return;
        }
    }
}

} // namespace patchbay::testing
