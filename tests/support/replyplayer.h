#pragma once

#include "fakehttpconnection.h"
#include "fakestep.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QTimer>

namespace patchbay::testing {

// Plays the timing of one FakeStep — header delay, drops, stalls, pacing, in-stream errors —
// for one answer, the same way in every dialect. Subclasses supply the dialect's bytes: the
// plain answer, the error body and the stream's events. Lives as a child of the connection
// so a client that hangs up ends the script with it.
class ReplyPlayer : public QObject
{
    Q_OBJECT
public:
    void start();

protected:
    ReplyPlayer(FakeHttpConnection *connection, FakeStep step, bool stream);

    virtual void sendPlain() = 0; // the whole 200 answer; calls finish()
    virtual QByteArray errorBody(int status) const = 0;
    virtual QByteArray streamErrorEvent(int status) const = 0;
    virtual HttpHeaders responseHeaders(const QByteArray &contentType) const = 0;
    virtual QByteArray jsonContentType() const { return "application/json"; }
    virtual QByteArray streamContentType() const = 0;
    // Frames every event up front with addEvent() and markFinish(); the player only
    // decides when (and whether) each one leaves.
    virtual void buildStream() = 0;

    // `content`: the event carries reply content and counts for the *AfterChunks fields.
    void addEvent(const QByteArray &event, bool content = false);
    // Events added from now on close the answer: a count of content chunks at or above
    // the number sent stalls, drops or errors here. Without it, that point is the end.
    void markFinish();
    void finish();

    FakeHttpConnection *connection() const { return m_connection; }
    const FakeStep &step() const { return m_step; }
    bool isStream() const { return m_stream; }

private:
    void begin();
    void startStream();
    void sendNextEvent();
    qsizetype positionAfter(int contentChunks) const;

    FakeHttpConnection *m_connection;
    FakeStep m_step;
    bool m_stream = false;
    QList<QByteArray> m_events;
    QList<qsizetype> m_contentEvents; // indices into m_events
    qsizetype m_finishAt = -1;
    qsizetype m_next = 0;
    qsizetype m_stallAt = -1;
    qsizetype m_dropAt = -1;
    qsizetype m_errorAt = -1;
    QTimer m_timer;
};

} // namespace patchbay::testing
