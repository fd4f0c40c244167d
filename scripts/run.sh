#!/usr/bin/env bash
# Installs what is missing, builds, and launches Patchbay on its defaults: config in
# ~/.config/patchbay, data in ~/.local/share/patchbay, gateway on http://127.0.0.1:7229/v1.
# Arguments go to the app (e.g. --port 8123, --config-dir DIR, --data-dir DIR).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh" "$root/build" -DBUILD_TESTING=OFF
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "No display found. Start Patchbay from a desktop session, or run the headless gateway:" >&2
  echo "  $root/build/app/patchbayd --help" >&2
  exit 1
fi
exec "$root/build/app/patchbay" "$@"
