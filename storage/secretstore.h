#pragma once

#include <QObject>
#include <QString>

#include <functional>

namespace patchbay {

struct SecretResult
{
    bool ok = false;
    bool notFound = false; // the keychain works but holds no entry for this account
    QString secret;
    QString error; // a sentence for the user when !ok
};

// Provider keys in the operating system's keychain (Secret Service, macOS Keychain, Windows
// Credential Manager) through QtKeychain, with its plaintext fallback off. Nothing else in
// Patchbay ever stores a key.
class SecretStore : public QObject
{
    Q_OBJECT
public:
    using Callback = std::function<void(const SecretResult &)>;

    explicit SecretStore(QString service = QStringLiteral("Patchbay"), QObject *parent = nullptr);

    // Each call finishes asynchronously; the callback runs in this object's thread unless
    // context has been destroyed by then.
    void read(const QString &account, QObject *context, Callback done);
    void write(const QString &account, const QString &secret, QObject *context, Callback done);
    void remove(const QString &account, QObject *context, Callback done);

    // The same, waiting in a local event loop: for start-up of patchbayd and for tests.
    SecretResult readNow(const QString &account);
    SecretResult writeNow(const QString &account, const QString &secret);
    SecretResult removeNow(const QString &account);

private:
    QString m_service;
};

} // namespace patchbay
