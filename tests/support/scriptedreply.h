#pragma once

#include "fakehttpconnection.h"
#include "fakestep.h"

#include <QByteArray>
#include <QList>
#include <QJsonObject>
#include <QObject>
#include <QTimer>

namespace patchbay::testing {

// Plays one FakeStep as the answer to one chat completion request: delays, errors, the
// plain completion or the SSE stream, stalls and drops. Lives as a child of the
// connection so a client that hangs up ends the script with it.
class ScriptedReply : public QObject
{
    Q_OBJECT
public:
    ScriptedReply(FakeHttpConnection *connection, FakeStep step, QJsonObject request);

    void start();

private:
    void begin();
    void sendPlain();
    void startStream();
    void sendNextEvent();
    QByteArray event(QJsonObject chunk, bool carriesChoice) const;
    HttpHeaders responseHeaders(const QByteArray &contentType) const;
    void done();

    FakeHttpConnection *m_connection;
    FakeStep m_step;
    QJsonObject m_request;
    QString m_model;
    QString m_text;
    QString m_id;
    qint64 m_created = 0;
    QJsonObject m_usage; // empty when usage is not reported

    // Stream state: every SSE event is framed up front; the script only decides when
    // (and whether) each one leaves.
    bool m_includeUsage = false;
    bool m_obfuscate = true;
    QList<QByteArray> m_events; // role, content pieces, finish, usage?, [DONE]
    qsizetype m_next = 0;
    qsizetype m_stallAt = -1;
    qsizetype m_dropAt = -1;
    QTimer m_timer;
};

} // namespace patchbay::testing
