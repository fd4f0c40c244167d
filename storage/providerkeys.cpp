#include "providerkeys.h"

#include "secretstore.h"

#include <memory>

namespace patchbay {

void ProviderKeys::resolve(const QList<ProviderConfig> &providers, SecretStore *secrets, QObject *context, Callback done)
{
    struct Pending
    {
        Result result;
        int outstanding = 1; // released after the loop, so done runs once
        Callback done;
        void release()
        {
            if (--outstanding == 0)
                done(result);
        }
    };
    auto pending = std::make_shared<Pending>();
    pending->done = std::move(done);

    for (const ProviderConfig &p : providers) {
        if (p.keyRef.startsWith(QLatin1String("env:"))) {
            const QString variable = p.keyRef.mid(4);
            const QString value = qEnvironmentVariable(variable.toLocal8Bit().constData());
            if (value.isEmpty())
                pending->result.problems.append(
                    QStringLiteral("Provider \"%1\" takes its key from the environment variable %2, which is not set. "
                                   "Set it before starting Patchbay.").arg(p.name, variable));
            else
                pending->result.keys.insert(p.id, value);
        } else if (p.keyRef.startsWith(QLatin1String("keychain:"))) {
            const QString account = p.keyRef.mid(9);
            ++pending->outstanding;
            secrets->read(account, context, [pending, p](const SecretResult &r) {
                if (r.ok)
                    pending->result.keys.insert(p.id, r.secret);
                else
                    pending->result.problems.append(
                        QStringLiteral("No key for provider \"%1\": %2").arg(p.name, r.error));
                pending->release();
            });
        }
    }
    pending->release();
}

} // namespace patchbay
