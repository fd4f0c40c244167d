#pragma once

#include <QMap>
#include <QObject>
#include <QPointer>
#include <QStringList>

class QNetworkAccessManager;
class QNetworkReply;

namespace patchbay {

// Asks an OpenAI-compatible provider which models it serves (GET {baseUrl}/models), for the
// provider editor's Test button. This is off the gateway's request path, so the convenience of
// QNetworkAccessManager costs nothing that matters here.
class ModelListFetcher : public QObject
{
    Q_OBJECT
public:
    explicit ModelListFetcher(QObject *parent = nullptr);
    ~ModelListFetcher() override;

    // Starts a fetch, cancelling one still running. key may be empty (servers without auth).
    // Answers with exactly one of succeeded() or failed().
    void fetch(const QString &baseUrl, const QString &key, const QMap<QString, QString> &headers = {});
    void cancel();
    bool isRunning() const { return !m_reply.isNull(); }
    void setTimeoutMs(int ms) { m_timeoutMs = ms; }

    // The model ids in an OpenAI-style list ({"data":[{"id":…}]}), sorted; false in *ok when
    // the body is not such a list.
    static QStringList parseModels(const QByteArray &body, bool *ok);
    // The provider's own explanation ({"error":{"message":…}} and common variants), or "".
    static QString providerMessage(const QByteArray &body);

Q_SIGNALS:
    void succeeded(const QStringList &models);
    // A sentence that says what went wrong and what to check.
    void failed(const QString &error);

private:
    void finish(QNetworkReply *reply);

    QNetworkAccessManager *m_network;
    QPointer<QNetworkReply> m_reply;
    QString m_key;
    int m_timeoutMs = 15'000;
};

} // namespace patchbay
