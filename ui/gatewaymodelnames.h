#pragma once

#include "appconfig.h"

namespace patchbay {

// Every name a client may ask the gateway for: "provider/model" for each configured model,
// then the aliases. For pickers; the gateway also accepts names not listed.
QStringList gatewayModelNames(const AppConfig &config);

} // namespace patchbay
