#pragma once

#include <QList>
#include <QObject>
#include <QPointer>
#include <QStringList>

#include <functional>

class QNetworkAccessManager;
class QNetworkReply;

namespace patchbay {

class Workspace;

// The workbench as a client of the local gateway: its own access token (kept in the keychain,
// replaced when revoked), the gateway's model list, and the network manager its streams share.
// Its calls go through the gateway like any other program's, so they are routed and recorded.
class ChatClient : public QObject
{
    Q_OBJECT
public:
    using TokenCallback = std::function<void(const QString &token, const QString &error)>;

    explicit ChatClient(Workspace *workspace, QObject *parent = nullptr);

    static QString keychainAccount() { return QStringLiteral("workbench-token"); }
    static QString tokenName() { return QStringLiteral("Patchbay workbench"); }

    Workspace *workspace() const { return m_workspace; }
    QNetworkAccessManager *network() const { return m_network; }
    QString baseUrl() const; // e.g. http://127.0.0.1:7229/v1

    // done(token, "") once a working token is known, or done("", sentence) when none can be had.
    // Runs later, never inside the call; skipped when context is gone by then.
    void withToken(QObject *context, TokenCallback done);
    // After the gateway refused the token (revoked): the next withToken() makes a new one.
    void forgetToken();

    void refreshModels();
    QStringList models() const { return m_models; }

Q_SIGNALS:
    void modelsChanged(const QStringList &models);
    void modelsFailed(const QString &error);
    // A new token is in the database; the gateway has been told to re-read its tokens.
    void tokenCreated();

private:
    struct Waiter
    {
        QPointer<QObject> context;
        TokenCallback done;
    };
    bool isActive(const QString &token) const;
    void resolve(const QString &token, const QString &error);
    void createToken();

    Workspace *m_workspace;
    QNetworkAccessManager *m_network;
    QString m_token;
    bool m_resolving = false;
    QList<Waiter> m_waiters;
    QStringList m_models;
    QPointer<QNetworkReply> m_modelsReply;
};

} // namespace patchbay
