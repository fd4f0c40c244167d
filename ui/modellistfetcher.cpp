#include "modellistfetcher.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QUrl>

namespace patchbay {

namespace {

QString hostOf(const QUrl &url)
{
    return url.port() > 0 ? QStringLiteral("%1:%2").arg(url.host()).arg(url.port()) : url.host();
}

QString hintFor(int status)
{
    switch (status) {
    case 401:
    case 403:
        return QStringLiteral(" Check the API key.");
    case 404:
        return QStringLiteral(" Check the base URL; for OpenAI-compatible servers it usually ends in /v1.");
    case 429:
        return QStringLiteral(" The provider is rate-limiting this key; wait a moment and try again.");
    default:
        return status >= 500 ? QStringLiteral(" The provider has a problem of its own; try again later.") : QString();
    }
}

} // namespace

ModelListFetcher::ModelListFetcher(QObject *parent)
    : QObject(parent)
    , m_network(new QNetworkAccessManager(this))
{
}

ModelListFetcher::~ModelListFetcher()
{
    cancel();
}

void ModelListFetcher::fetch(const QString &baseUrl, const QString &key, const QMap<QString, QString> &headers)
{
    cancel();
    QString base = baseUrl.trimmed();
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    const QUrl url(base + QStringLiteral("/models"));
    if (!url.isValid() || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https"))
        || url.host().isEmpty()) {
        Q_EMIT failed(QStringLiteral("\"%1\" is not a web address. Enter one starting with http:// or https://, "
                                     "e.g. https://api.openai.com/v1.")
                          .arg(baseUrl.trimmed()));
        return;
    }
    QNetworkRequest request(url);
    request.setTransferTimeout(m_timeoutMs);
    request.setRawHeader("Accept", "application/json");
    for (auto it = headers.begin(); it != headers.end(); ++it)
        request.setRawHeader(it.key().toUtf8(), it.value().toUtf8());
    if (!key.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + key.toUtf8());
    m_key = key;
    QNetworkReply *reply = m_network->get(request);
    m_reply = reply;
    connect(reply, &QNetworkReply::finished, this, [this, reply] { finish(reply); });
}

void ModelListFetcher::cancel()
{
    if (QNetworkReply *reply = m_reply.data()) {
        m_reply.clear();
        reply->disconnect(this);
        reply->abort();
        reply->deleteLater();
    }
}

void ModelListFetcher::finish(QNetworkReply *reply)
{
    reply->deleteLater();
    if (m_reply != reply)
        return;
    m_reply.clear();

    const QUrl url = reply->request().url();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->readAll();
    QString error;
    if (status == 0) {
        // No HTTP answer at all: the address, the network or TLS is the problem.
        if (reply->error() == QNetworkReply::OperationCanceledError || reply->error() == QNetworkReply::TimeoutError)
            error = QStringLiteral("%1 did not answer within %2 seconds. Check the base URL and your network.")
                        .arg(hostOf(url))
                        .arg(m_timeoutMs / 1000);
        else
            error = QStringLiteral("Could not reach %1: %2. Check the base URL and that the server is running.")
                        .arg(hostOf(url), reply->errorString());
    } else if (status >= 400 || reply->error() != QNetworkReply::NoError) {
        const QString reason = reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString();
        const QString message = providerMessage(body);
        error = QStringLiteral("%1 answered HTTP %2%3").arg(hostOf(url)).arg(status)
                    .arg(reason.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(reason));
        error += message.isEmpty() ? QStringLiteral(".") : QStringLiteral(": %1").arg(message.trimmed());
        if (!error.endsWith(QLatin1Char('.')))
            error += QLatin1Char('.');
        error += hintFor(status);
    } else {
        bool ok = false;
        const QStringList models = parseModels(body, &ok);
        if (ok) {
            Q_EMIT succeeded(models);
            return;
        }
        error = QStringLiteral("%1 answered, but not with a list of models. Check the base URL; for "
                               "OpenAI-compatible servers it usually ends in /v1.")
                    .arg(hostOf(url));
    }
    // Some providers echo what they were sent; the key must never reach the screen.
    if (m_key.size() >= 8)
        error.replace(m_key, QStringLiteral("[key]"));
    Q_EMIT failed(error);
}

QStringList ModelListFetcher::parseModels(const QByteArray &body, bool *ok)
{
    *ok = false;
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    QJsonArray list;
    if (doc.isObject() && doc.object().value(QLatin1String("data")).isArray())
        list = doc.object().value(QLatin1String("data")).toArray();
    else if (doc.isObject() && doc.object().value(QLatin1String("models")).isArray())
        list = doc.object().value(QLatin1String("models")).toArray(); // Ollama's native shape
    else if (doc.isArray())
        list = doc.array();
    else
        return {};
    QStringList models;
    for (const QJsonValue &v : list) {
        QString id;
        if (v.isString())
            id = v.toString();
        else if (v.isObject())
            id = v.toObject().value(QLatin1String("id")).toString(v.toObject().value(QLatin1String("name")).toString());
        if (!id.isEmpty() && !models.contains(id))
            models.append(id);
    }
    models.sort(Qt::CaseInsensitive);
    *ok = true;
    return models;
}

QString ModelListFetcher::providerMessage(const QByteArray &body)
{
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    // Google's OpenAI-compatible endpoint wraps its error in a one-element array.
    const QJsonObject root = doc.isArray() ? doc.array().at(0).toObject() : doc.object();
    const QJsonValue error = root.value(QLatin1String("error"));
    if (error.isObject()) {
        const QString message = error.toObject().value(QLatin1String("message")).toString();
        if (!message.isEmpty())
            return message;
    }
    if (error.isString())
        return error.toString();
    for (const char *key : {"message", "detail"}) {
        const QJsonValue v = root.value(QLatin1String(key));
        if (v.isString() && !v.toString().isEmpty())
            return v.toString();
    }
    return {};
}

} // namespace patchbay
