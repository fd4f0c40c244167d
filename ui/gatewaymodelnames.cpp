#include "gatewaymodelnames.h"

namespace patchbay {

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
