#pragma once

#include "appconfig.h"

#include <QObject>
#include <QPointer>
#include <QStringList>

class QNetworkAccessManager;
class QNetworkReply;

namespace patchbay {

// Asks a provider which models it serves, in its own dialect (ModelListing: GET {base}/models
// with the dialect's auth headers), for the provider editor's Test button. This is off the
// gateway's request path, so the convenience of QNetworkAccessManager costs nothing that
// matters here.
class ModelListFetcher : public QObject
{
    Q_OBJECT
public:
    explicit ModelListFetcher(QObject *parent = nullptr);
    ~ModelListFetcher() override;

    // Starts a fetch, cancelling one still running. key may be empty (servers without auth).
    // Answers with exactly one of succeeded() or failed().
    void fetch(const ProviderConfig &provider, const QString &key);
    void cancel();
    bool isRunning() const { return !m_reply.isNull(); }
    void setTimeoutMs(int ms) { m_timeoutMs = ms; }

    // True when body is a model list in the dialect's shape, even an empty one.
    static bool isModelList(const QString &dialect, const QByteArray &body);
    // The provider's own explanation, whichever dialect's error shape it came in
    // ({"error":{"message"}} for OpenAI, Anthropic and Gemini alike, and common variants), or "".
    static QString providerMessage(const QByteArray &body);

Q_SIGNALS:
    // The provider's models, sorted for reading.
    void succeeded(const QStringList &models);
    // A sentence that says what went wrong and what to check.
    void failed(const QString &error);

private:
    void finish(QNetworkReply *reply);

    QNetworkAccessManager *m_network;
    QPointer<QNetworkReply> m_reply;
    QString m_key;
    QString m_dialect;
    int m_timeoutMs = 15'000;
};

} // namespace patchbay
