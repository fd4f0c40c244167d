#include "secretstore.h"

#include <QEventLoop>
#include <QPointer>
#include <qt6keychain/keychain.h>

namespace patchbay {

namespace {

QString describe(QKeychain::Error code, const QString &detail, const QString &account)
{
    switch (code) {
    case QKeychain::NoBackendAvailable:
    case QKeychain::OtherError:
        return QStringLiteral("The system keychain is not available (%1). Start a Secret Service such as "
                              "gnome-keyring or KWallet and unlock it, or for patchbayd give the provider the "
                              "key reference \"env:VARIABLE\" instead.")
            .arg(detail.isEmpty() ? QStringLiteral("no Secret Service answered") : detail);
    case QKeychain::AccessDenied:
        return QStringLiteral("The keychain refused access to the key for %1 (%2). Unlock the keychain and try again.")
            .arg(account, detail);
    case QKeychain::EntryNotFound:
        return QStringLiteral("The keychain holds no key for %1. Enter the key on the Providers page.").arg(account);
    default:
        return QStringLiteral("The keychain failed for %1: %2").arg(account, detail);
    }
}

template <typename Job>
void run(Job *job, const QString &account, QObject *context, SecretStore::Callback done)
{
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(account);
    QPointer<QObject> guard(context);
    const bool hasContext = context != nullptr;
    QObject::connect(job, &QKeychain::Job::finished, job, [job, account, guard, hasContext, done = std::move(done)] {
        if (hasContext && !guard)
            return;
        SecretResult result;
        result.ok = job->error() == QKeychain::NoError;
        result.notFound = job->error() == QKeychain::EntryNotFound;
        if (!result.ok)
            result.error = describe(job->error(), job->errorString(), account);
        if constexpr (std::is_same_v<Job, QKeychain::ReadPasswordJob>) {
            if (result.ok)
                result.secret = job->textData();
        }
        done(result);
    });
    job->start();
}

SecretResult wait(const std::function<void(SecretStore::Callback)> &start)
{
    QEventLoop loop;
    SecretResult out;
    bool finished = false;
    start([&](const SecretResult &r) {
        out = r;
        finished = true;
        loop.quit();
    });
    if (!finished)
        loop.exec();
    return out;
}

} // namespace

SecretStore::SecretStore(QString service, QObject *parent)
    : QObject(parent)
    , m_service(std::move(service))
{
}

void SecretStore::read(const QString &account, QObject *context, Callback done)
{
    run(new QKeychain::ReadPasswordJob(m_service, this), account, context, std::move(done));
}

void SecretStore::write(const QString &account, const QString &secret, QObject *context, Callback done)
{
    auto *job = new QKeychain::WritePasswordJob(m_service, this);
    job->setTextData(secret);
    run(job, account, context, std::move(done));
}

void SecretStore::remove(const QString &account, QObject *context, Callback done)
{
    run(new QKeychain::DeletePasswordJob(m_service, this), account, context, std::move(done));
}

SecretResult SecretStore::readNow(const QString &account)
{
    return wait([&](Callback cb) { read(account, nullptr, std::move(cb)); });
}

SecretResult SecretStore::writeNow(const QString &account, const QString &secret)
{
    return wait([&](Callback cb) { write(account, secret, nullptr, std::move(cb)); });
}

SecretResult SecretStore::removeNow(const QString &account)
{
    return wait([&](Callback cb) { remove(account, nullptr, std::move(cb)); });
}

} // namespace patchbay
