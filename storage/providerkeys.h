#pragma once

#include "appconfig.h"

#include <QHash>
#include <QObject>
#include <QStringList>

#include <functional>

namespace patchbay {

class SecretStore;

// Turns the providers' key references ("keychain:<id>", "env:VAR") into the keys themselves,
// for the gateway's memory only.
class ProviderKeys
{
public:
    struct Result
    {
        QHash<QString, QString> keys; // provider id → key
        QStringList problems;         // one sentence per provider whose key could not be had
    };
    using Callback = std::function<void(const Result &)>;

    // Asynchronous: keychain reads go through D-Bus. done runs in context's thread.
    static void resolve(const QList<ProviderConfig> &providers, SecretStore *secrets, QObject *context, Callback done);
};

} // namespace patchbay
