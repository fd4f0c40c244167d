#pragma once

#include "appconfig.h"

namespace patchbay {

class Workspace;

// Saves config through the workspace after the checks config.json gets when it is read
// (an alias naming an unknown provider, tokens switched off on a public address, …), so the
// page refuses what the next start would refuse. False with that sentence in *error.
bool saveCheckedConfig(Workspace *workspace, const AppConfig &config, QString *error);

// Every name a client may ask the gateway for: "provider/model" for each configured model,
// then the aliases. For pickers; the gateway also accepts names not listed.
QStringList gatewayModelNames(const AppConfig &config);

} // namespace patchbay
