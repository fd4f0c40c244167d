#include "chatstream.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>

namespace patchbay {

ChatStream::ChatStream(QNetworkAccessManager *network, QObject *parent)
    : QObject(parent)
    , m_network(network)
{
}

ChatStream::~ChatStream()
{
    stop();
}

void ChatStream::start(const QUrl &url, const QString &token, QJsonObject body)
{
    stop();
    body.insert(QStringLiteral("stream"), true);
    body.insert(QStringLiteral("stream_options"), QJsonObject{{QStringLiteral("include_usage"), true}});
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader("Accept", "text/event-stream");
    request.setRawHeader("Authorization", "Bearer " + token.toUtf8());
    // Resets with every byte, so only a silent stream trips it; the gateway's own first-byte
    // timeout normally answers long before.
    request.setTransferTimeout(180'000);
    m_baseUrl = url.adjusted(QUrl::RemovePath).toString();
    m_parser = {};
    m_errorBody.clear();
    m_ttftMs = -1;
    m_status = 0;
    m_done = false;
    m_ended = false;
    m_clock.start();
    QNetworkReply *reply = m_network->post(request, QJsonDocument(body).toJson(QJsonDocument::Compact));
    m_reply = reply;
    connect(reply, &QNetworkReply::readyRead, this, &ChatStream::onReadyRead);
    connect(reply, &QNetworkReply::finished, this, &ChatStream::onFinished);
}

void ChatStream::stop()
{
    if (!m_reply)
        return;
    QNetworkReply *reply = m_reply;
    m_reply.clear();
    m_ended = true;
    reply->disconnect(this);
    reply->abort();
    reply->deleteLater();
}

void ChatStream::onReadyRead()
{
    QNetworkReply *reply = m_reply;
    if (!reply)
        return;
    m_status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray bytes = reply->readAll();
    if (m_status != 200) {
        m_errorBody += bytes.left(64 * 1024 - m_errorBody.size());
        return;
    }
    for (const SseEvent &event : m_parser.feed(bytes)) {
        handleEvent(event.data);
        if (m_ended)
            return;
    }
}

void ChatStream::handleEvent(const QByteArray &data)
{
    if (data.trimmed() == "[DONE]") {
        m_done = true;
        return;
    }
    const QJsonObject chunk = QJsonDocument::fromJson(data).object();
    if (chunk.contains(QLatin1String("error"))) {
        const QJsonObject error = chunk.value(QLatin1String("error")).toObject();
        QString message = error.value(QLatin1String("message")).toString();
        if (message.isEmpty())
            message = tr("The provider reported an error in the middle of the reply.");
        fail(message, 200);
        return;
    }
    for (const QJsonValue &choice : chunk.value(QLatin1String("choices")).toArray()) {
        const QJsonObject c = choice.toObject();
        const QString text = c.value(QLatin1String("delta")).toObject().value(QLatin1String("content")).toString();
        if (!text.isEmpty()) {
            if (m_ttftMs < 0)
                m_ttftMs = static_cast<int>(m_clock.elapsed());
            Q_EMIT delta(text);
        }
        if (!c.value(QLatin1String("finish_reason")).toString().isEmpty())
            m_done = true;
    }
    const QJsonObject u = chunk.value(QLatin1String("usage")).toObject();
    if (!u.isEmpty())
        Q_EMIT usage(u.value(QLatin1String("prompt_tokens")).toInt(), u.value(QLatin1String("completion_tokens")).toInt());
}

void ChatStream::onFinished()
{
    QNetworkReply *reply = m_reply;
    if (!reply)
        return;
    onReadyRead();
    if (m_ended)
        return;
    m_reply.clear();
    reply->deleteLater();
    m_status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (m_status == 200 && reply->error() == QNetworkReply::NoError) {
        if (m_done) {
            m_ended = true;
            Q_EMIT finished();
        } else {
            fail(tr("The connection to the gateway closed before the reply was complete."), m_status);
        }
        return;
    }
    fail(describeFailure(reply, m_status, m_errorBody, m_baseUrl), m_status);
}

void ChatStream::fail(const QString &error, int status)
{
    if (m_reply) {
        QNetworkReply *reply = m_reply;
        m_reply.clear();
        reply->disconnect(this);
        reply->abort();
        reply->deleteLater();
    }
    m_ended = true;
    Q_EMIT failed(error, status);
}

QString ChatStream::describeFailure(QNetworkReply *reply, int status, const QByteArray &body, const QString &baseUrl)
{
    const QJsonObject error = QJsonDocument::fromJson(body).object().value(QLatin1String("error")).toObject();
    const QString message = error.value(QLatin1String("message")).toString();
    if (status != 0 && !message.isEmpty())
        return message;
    switch (reply->error()) {
    case QNetworkReply::ConnectionRefusedError:
    case QNetworkReply::HostNotFoundError:
        return tr("The gateway is not running at %1. Start it on the Gateway page, then retry.").arg(baseUrl);
    case QNetworkReply::OperationCanceledError:
    case QNetworkReply::TimeoutError:
        return tr("The gateway stopped answering. Check the Requests page for what happened, then retry.");
    default:
        break;
    }
    if (status != 0)
        return tr("The gateway answered with HTTP %1. Check the Requests page for details, then retry.").arg(status);
    return tr("The gateway could not be reached (%1). Check that it is running, then retry.").arg(reply->errorString());
}

} // namespace patchbay
