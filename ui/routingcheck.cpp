#include "routingcheck.h"

#include "workspace.h"

namespace patchbay {

bool saveCheckedConfig(Workspace *workspace, const AppConfig &config, QString *error)
{
    // ConfigStore::save writes what it is given; only reading validates. Reading our own
    // output back is exactly the check the next start would make.
    AppConfig reread;
    if (!AppConfig::fromJson(config.toJson(), &reread, error))
        return false;
    return workspace->saveConfig(config, error);
}

QStringList gatewayModelNames(const AppConfig &config)
{
    QStringList names;
    for (const ProviderConfig &p : config.providers) {
        for (const QString &m : p.models)
            names << p.id + QLatin1Char('/') + m;
    }
    for (const AliasConfig &a : config.routing.aliases)
        names << a.name;
    names.removeDuplicates();
    return names;
}

} // namespace patchbay
