#pragma once

#include "sseparser.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QUrl>

class QNetworkAccessManager;
class QNetworkReply;

namespace patchbay {

// One streamed chat completion from the gateway (OpenAI dialect, SSE), read as it arrives.
// Emits deltas, then exactly one of finished() or failed(), unless stop() came first.
class ChatStream : public QObject
{
    Q_OBJECT
public:
    explicit ChatStream(QNetworkAccessManager *network, QObject *parent = nullptr);
    ~ChatStream() override;

    // url is the gateway's …/v1/chat/completions; body gets stream and stream_options added.
    void start(const QUrl &url, const QString &token, QJsonObject body);
    // Closes the connection (the gateway then aborts the upstream call). Emits nothing more.
    void stop();
    bool isRunning() const { return !m_reply.isNull(); }

    int ttftMs() const { return m_ttftMs; }
    int elapsedMs() const { return m_clock.isValid() ? static_cast<int>(m_clock.elapsed()) : 0; }

    // A sentence for a failed call to the gateway: its own error message when it sent one.
    static QString describeFailure(QNetworkReply *reply, int status, const QByteArray &body, const QString &baseUrl);

Q_SIGNALS:
    void delta(const QString &text);
    void usage(int inputTokens, int outputTokens);
    void finished();
    // status is the HTTP status (0 when the gateway could not be reached).
    void failed(const QString &error, int status);

private:
    void onReadyRead();
    void onFinished();
    void handleEvent(const QByteArray &data);
    void fail(const QString &error, int status);

    QNetworkAccessManager *m_network;
    QPointer<QNetworkReply> m_reply;
    SseParser m_parser;
    QElapsedTimer m_clock;
    QByteArray m_errorBody;
    QString m_baseUrl;
    int m_ttftMs = -1;
    int m_status = 0;
    bool m_done = false;  // [DONE] or a finish_reason arrived
    bool m_ended = false; // finished() or failed() was emitted
};

} // namespace patchbay
