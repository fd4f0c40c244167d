#include "modellistfetcher.h"

#include "dialectnames.h"
#include "modellisting.h"

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

QString baseUrlHint(const QString &dialect)
{
    if (dialect == QLatin1String("openai"))
        return QStringLiteral(" Check the base URL; for OpenAI-compatible servers it usually ends in /v1.");
    return QStringLiteral(" Check the base URL; for the %1 it usually ends in %2.")
        .arg(DialectNames::longName(dialect), DialectNames::versionPath(dialect));
}

QString hintFor(int status, const QString &dialect, const QByteArray &body)
{
    switch (status) {
    case 401:
    case 403:
        return QStringLiteral(" Check the API key.");
    case 404:
        return baseUrlHint(dialect);
    case 429:
        return QStringLiteral(" The provider is rate-limiting this key; wait a moment and try again.");
    default:
        // Google answers a wrong key with 400 and says so only in the details.
        if (status == 400 && body.contains("API_KEY_INVALID"))
            return QStringLiteral(" Check the API key.");
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

void ModelListFetcher::fetch(const ProviderConfig &provider, const QString &key)
{
    cancel();
    const UpstreamRequest upstream = ModelListing::request(provider, key);
    const QUrl &url = upstream.url;
    if (!url.isValid() || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https"))
        || url.host().isEmpty()) {
        Q_EMIT failed(QStringLiteral("\"%1\" is not a web address. Enter one starting with http:// or https://, "
                                     "e.g. https://api.openai.com/v1.")
                          .arg(provider.baseUrl.trimmed()));
        return;
    }
    QNetworkRequest request(url);
    request.setTransferTimeout(m_timeoutMs);
    for (const auto &[name, value] : upstream.headers.items())
        request.setRawHeader(name, value);
    m_key = key;
    m_dialect = provider.dialect;
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
        error += hintFor(status, m_dialect, body);
    } else if (isModelList(m_dialect, body)) {
        QStringList models = ModelListing::read(m_dialect, body);
        models.removeDuplicates();
        models.sort(Qt::CaseInsensitive);
        Q_EMIT succeeded(models);
        return;
    } else {
        error = QStringLiteral("%1 answered, but not with a list of models.").arg(hostOf(url)) + baseUrlHint(m_dialect);
    }
    // Some providers echo what they were sent; the key must never reach the screen.
    if (m_key.size() >= 8)
        error.replace(m_key, QStringLiteral("[key]"));
    Q_EMIT failed(error);
}

bool ModelListFetcher::isModelList(const QString &dialect, const QByteArray &body)
{
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    if (!doc.isObject())
        return false;
    // Gemini leaves "models" out altogether when a key may use none.
    if (dialect == QLatin1String("gemini"))
        return doc.object().value(QLatin1String("models")).isArray() || doc.object().isEmpty();
    return doc.object().value(QLatin1String("data")).isArray();
}

QString ModelListFetcher::providerMessage(const QByteArray &body)
{
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    // Google's OpenAI-compatible endpoint wraps its error in a one-element array.
    const QJsonObject root = doc.isArray() ? doc.array().at(0).toObject() : doc.object();
    const QJsonValue error = root.value(QLatin1String("error"));
    if (error.isObject()) {
        // OpenAI and Anthropic name the kind in "type", Google in "status"; the message says more.
        const QJsonObject e = error.toObject();
        for (const char *key : {"message", "status", "type"}) {
            const QString text = e.value(QLatin1String(key)).toString();
            if (!text.isEmpty())
                return text;
        }
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
