#pragma once

namespace patchbay {

// The files compiled into Patchbay (":/patchbay/…": provider presets, icons). They live in a
// static library, where nothing would pull their registration in unless asked; call load()
// before the first use. Safe to call many times.
class BundledResources
{
public:
    static void load();
};

} // namespace patchbay
