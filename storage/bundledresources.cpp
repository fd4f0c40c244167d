#include "bundledresources.h"

#include <QtGlobal>

// Q_INIT_RESOURCE must be used outside any namespace.
static void registerBundledResources()
{
    Q_INIT_RESOURCE(patchbay_resources);
}

namespace patchbay {

void BundledResources::load()
{
    static const bool loaded = [] {
        registerBundledResources();
        return true;
    }();
    Q_UNUSED(loaded);
}

} // namespace patchbay
