#!/usr/bin/env bash
# Configures and builds Patchbay. Usage: scripts/build.sh <build-dir> [extra cmake options]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$1"
shift
werror=OFF
[ "${CI:-}" = "true" ] && werror=ON # CI treats warnings as errors
cmake -S "$root" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPATCHBAY_WERROR="$werror" "$@" >/dev/null
cmake --build "$dir" -j "$(nproc)"
