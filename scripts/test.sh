#!/usr/bin/env bash
# Installs what is missing, builds Patchbay twice (headless, then with the GUI), and runs
# every test: unit, widget (offscreen), keychain (a private D-Bus session with its own
# unlocked gnome-keyring, so your own keyring is never touched) and end to end (Node.js
# with the official SDKs against patchbayd and the fake provider).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/install-deps.sh"

# The headless build proves gateway/ and storage/ need no Qt Widgets.
"$root/scripts/build.sh" "$root/build-headless" -DPATCHBAY_GUI=OFF
"$root/scripts/build.sh" "$root/build"

sandbox="$(mktemp -d)"
trap 'rm -rf "$sandbox"' EXIT
mkdir -p "$sandbox/data" "$sandbox/runtime"
chmod 700 "$sandbox/runtime"
export PATCHBAY_TEST_SANDBOX="$sandbox"
export XDG_DATA_HOME="$sandbox/data" XDG_RUNTIME_DIR="$sandbox/runtime" QT_QPA_PLATFORM=offscreen
dbus-run-session -- bash -c '
  set -euo pipefail
  # Creates and unlocks a fresh login keyring in the sandbox, for this session only.
  eval "$(printf "patchbay-tests" | gnome-keyring-daemon --unlock --components=secrets)"
  export GNOME_KEYRING_CONTROL SSH_AUTH_SOCK 2>/dev/null || true
  ctest --test-dir "$0/build" --output-on-failure --timeout 300 -j 2
' "$root" 2> >(grep -v "Failed to set fd limit" >&2)
