#pragma once

#include <QtGlobal>

namespace patchbay::testing {

// A loopback port with nothing listening on it, for a provider that cannot be reached: one was
// free a moment ago, and a test's own servers take others.
quint16 closedPort();

} // namespace patchbay::testing
