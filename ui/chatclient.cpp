#include "chatclient.h"

#include "accesstokenstore.h"
#include "chatstream.h"
#include "secretstore.h"
#include "workspace.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSet>
#include <QTimer>

namespace patchbay {

ChatClient::ChatClient(Workspace *workspace, QObject *parent)
    : QObject(parent)
    , m_workspace(workspace)
    , m_network(new QNetworkAccessManager(this))
{
    connect(workspace, &Workspace::gatewayStatusChanged, this, [this](const GatewayStatus &status) {
        if (status.state == GatewayStatus::State::Running)
            refreshModels();
    });
    connect(workspace, &Workspace::configChanged, this, [this] { refreshModels(); });
}

QString ChatClient::baseUrl() const
{
    QString url = m_workspace->gatewayStatus().baseUrl;
    while (url.endsWith(QLatin1Char('/')))
        url.chop(1);
    return url;
}

bool ChatClient::isActive(const QString &token) const
{
    // One indexed read of a handful of rows: cheap enough to repeat before every call, and it
    // notices a revoke from the Gateway page before the gateway refuses us.
    return !token.isEmpty() && m_workspace->tokens().activeHashes().contains(AccessTokenStore::hash(token.toUtf8()));
}

void ChatClient::withToken(QObject *context, TokenCallback done)
{
    m_waiters.append({context, std::move(done)});
    if (m_resolving)
        return;
    if (isActive(m_token)) {
        // Still asynchronous, so callers see one behaviour whatever the cache holds.
        QTimer::singleShot(0, this, [this] { resolve(m_token, {}); });
        m_resolving = true;
        return;
    }
    m_resolving = true;
    m_workspace->secrets()->read(keychainAccount(), this, [this](const SecretResult &result) {
        if (result.ok && isActive(result.secret)) {
            m_token = result.secret;
            resolve(m_token, {});
            return;
        }
        if (!result.ok && !result.notFound) {
            resolve({}, tr("The workbench cannot read its access token from the keychain (%1). Unlock the "
                           "keychain, then retry.").arg(result.error));
            return;
        }
        createToken();
    });
}

void ChatClient::createToken()
{
    AccessTokenStore tokens = m_workspace->tokens();
    QSet<QString> taken;
    for (const AccessTokenInfo &info : tokens.list())
        taken.insert(info.name);
    // Names are unique even after a revoke, so a replacement gets a number.
    QString name = tokenName();
    for (int n = 2; taken.contains(name); ++n)
        name = QStringLiteral("%1 %2").arg(tokenName()).arg(n);
    QString error;
    const QString token = tokens.create(name, &error);
    if (token.isEmpty()) {
        resolve({}, tr("The workbench could not create its access token: %1").arg(error));
        return;
    }
    m_workspace->secrets()->write(keychainAccount(), token, this, [this, name, token](const SecretResult &result) {
        if (!result.ok) {
            // A token nobody can use again would only clutter the list.
            m_workspace->tokens().revoke(name, nullptr);
            resolve({}, tr("The workbench could not keep its access token in the keychain (%1). Unlock the "
                           "keychain, then retry.").arg(result.error));
            return;
        }
        m_token = token;
        m_workspace->reloadTokens();
        Q_EMIT tokenCreated();
        resolve(m_token, {});
    });
}

void ChatClient::resolve(const QString &token, const QString &error)
{
    m_resolving = false;
    const QList<Waiter> waiters = std::exchange(m_waiters, {});
    for (const Waiter &w : waiters) {
        if (w.context)
            w.done(token, error);
    }
}

void ChatClient::forgetToken()
{
    m_token.clear();
}

void ChatClient::refreshModels()
{
    withToken(this, [this](const QString &token, const QString &error) {
        if (token.isEmpty()) {
            Q_EMIT modelsFailed(error);
            return;
        }
        if (m_modelsReply)
            m_modelsReply->abort();
        QNetworkRequest request(QUrl(baseUrl() + QStringLiteral("/models")));
        request.setRawHeader("Authorization", "Bearer " + token.toUtf8());
        request.setTransferTimeout(15'000);
        QNetworkReply *reply = m_network->get(request);
        m_modelsReply = reply;
        connect(reply, &QNetworkReply::finished, this, [this, reply] {
            reply->deleteLater();
            if (reply->error() == QNetworkReply::OperationCanceledError)
                return;
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            const QByteArray body = reply->readAll();
            if (status == 401)
                forgetToken();
            if (status != 200) {
                Q_EMIT modelsFailed(ChatStream::describeFailure(reply, status, body, baseUrl()));
                return;
            }
            QStringList ids;
            for (const QJsonValue &m : QJsonDocument::fromJson(body).object().value(QLatin1String("data")).toArray())
                ids << m.toObject().value(QLatin1String("id")).toString();
            ids.removeAll(QString());
            m_models = ids;
            Q_EMIT modelsChanged(m_models);
        });
    });
}

} // namespace patchbay
