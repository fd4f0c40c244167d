#!/usr/bin/env bash
# Idle memory of the desktop program `patchbay` (issue 8's "idle GUI under 120 MB"), run the way a
# user runs it: on an X display (a private Xvfb), in a D-Bus session with an unlocked keychain
# (gnome-keyring), its gateway serving a provider. Called by run.sh; runs alone too. See README.md.
#
#   bench/guimemory.sh [--results FILE] [--stub-port PORT] [--no-pages] [--idle S] [--sample S]
#                      [--no-install] [--keep] [--build-only] [--missing-packages]
#
# Every process it starts is stopped by its PID when it exits; its gateway listens on 127.0.0.1.
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
RESULTS=""
STUB_PORT=""
PAGES=1
IDLE=10      # seconds between the window showing and the first sample
SAMPLE=5     # seconds of samples, one every 0.25 s
INSTALL=1
KEEP=0
BUILD_ONLY=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --results) RESULTS="${2:?--results needs a file}"; shift ;;
    --stub-port) STUB_PORT="${2:?--stub-port needs a port}"; shift ;;
    --no-pages) PAGES=0 ;;
    --idle) IDLE="${2:?--idle needs seconds}"; shift ;;
    --sample) SAMPLE="${2:?--sample needs seconds}"; shift ;;
    --no-install) INSTALL=0 ;;
    --keep) KEEP=1 ;;
    --build-only) BUILD_ONLY=1 ;;
    --missing-packages) MISSING_ONLY=1 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "guimemory.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

log() { printf '[bench gui %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# ---------------------------------------------------------------- tools
missing_packages() { # the Debian packages this script needs that are not installed
  local m=()
  command -v Xvfb >/dev/null || m+=(xvfb)
  command -v xdotool >/dev/null || m+=(xdotool)
  command -v xwd >/dev/null || m+=(x11-apps)
  { command -v dbus-run-session >/dev/null && command -v dbus-send >/dev/null; } || m+=(dbus)
  command -v gnome-keyring-daemon >/dev/null || m+=(gnome-keyring)
  command -v ss >/dev/null || m+=(iproute2)
  command -v python3 >/dev/null || m+=(python3)
  echo "${m[*]}"
}
if [[ ${MISSING_ONLY:-0} == 1 ]]; then missing_packages; exit 0; fi
read -r -a need_apt <<<"$(missing_packages)"
if [[ ${#need_apt[@]} -gt 0 ]]; then
  [[ $INSTALL == 1 ]] || die "missing: ${need_apt[*]} (run without --no-install, or install them)"
  log "installing ${need_apt[*]} with apt-get"
  SUDO=""; [[ $(id -u) == 0 ]] || SUDO="sudo"
  $SUDO apt-get update -qq
  # RUNLEVEL=1 keeps the packages' own services from starting.
  $SUDO env DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# ---------------------------------------------------------------- processes, stopped by PID
# (The traps are set before the build, so a TERM during it waits for the compiler, as in run.sh.)
PIDS=()
WORK="$(mktemp -d /tmp/patchbay-bench-gui.XXXXXX)"
stop_pid() {
  local pid=$1
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}
cleanup() {
  local rc=$? pid
  set +e
  [[ -n "${NAP_PID:-}" ]] && kill "$NAP_PID" 2>/dev/null
  # The program was exec'd by dbus-run-session's child; the others are read from their files.
  for f in app keyring dbus-daemon; do
    [[ -s "$WORK/$f.pid" ]] && PIDS+=("$(cat "$WORK/$f.pid")")
  done
  for ((i=${#PIDS[@]}-1; i>=0; i--)); do stop_pid "${PIDS[$i]}"; done
  wait 2>/dev/null
  if [[ ($KEEP == 1 || $rc != 0) && -n "$(ls -A "$WORK" 2>/dev/null)" ]]; then log "logs kept in $WORK"; else rm -rf "$WORK"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- the program: built unless given
BUILD="$ROOT/build-bench-gui"
if [[ -n "${PATCHBAY_GUI_BIN:-}" ]]; then
  [[ -x "$PATCHBAY_GUI_BIN" ]] || die "PATCHBAY_GUI_BIN=$PATCHBAY_GUI_BIN is not an executable"
  GUI_BIN="$PATCHBAY_GUI_BIN"
else
  GUI_BIN="$BUILD/app/patchbay"
  log "building patchbay (Release, GUI, no tests) in build-bench-gui/"
  mkdir -p "$BUILD"
  if [[ ! -f "$BUILD/CMakeCache.txt" ]]; then
    cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPATCHBAY_GUI=ON -DBUILD_TESTING=OFF \
      >"$BUILD/bench-configure.log" 2>&1 || { cat "$BUILD/bench-configure.log" >&2; die "cmake configure failed"; }
  fi
  # Ninja does nothing when the tree has not changed since the last build.
  cmake --build "$BUILD" -j2 --target patchbay >"$BUILD/bench-build.log" 2>&1 \
    || { tail -30 "$BUILD/bench-build.log" >&2; die "building patchbay failed (see build-bench-gui/bench-build.log)"; }
fi
[[ $BUILD_ONLY == 0 ]] || exit 0

free_ports() { # n -> n free ports of 127.0.0.1 below the ephemeral range
  python3 "$(dirname "${BASH_SOURCE[0]}")/freeports.py" "$1"
}
# Sleeps in the background, so that a TERM (from run.sh's cleanup) is handled at once.
NAP_PID=""
nap() { sleep "$1" & NAP_PID=$!; wait "$NAP_PID"; NAP_PID=""; }
listens() { # pid port -> true when that process listens on 127.0.0.1:port (not someone else)
  ss -Hltnp "sport = :$2" 2>/dev/null | grep -q "pid=$1,"
}
wait_listen() { # pid port seconds
  local deadline=$((SECONDS + $3))
  until listens "$1" "$2"; do
    kill -0 "$1" 2>/dev/null && [[ $SECONDS -lt $deadline ]] || return 1
    nap 0.1
  done
}

# ---------------------------------------------------------------- the stub provider (unless run.sh's)
read -r P_GUI P_STUB_OWN < <(free_ports 2)
if [[ -z "$STUB_PORT" ]]; then
  command -v c++ >/dev/null || die "c++ is missing (apt-get install g++), or pass --stub-port"
  STUB="$ROOT/build-bench/bench-tools/benchstub"
  if [[ ! -x "$STUB" || "$BENCH/stub/benchstub.cpp" -nt "$STUB" ]]; then
    log "building benchstub"
    mkdir -p "$(dirname "$STUB")"
    c++ -std=c++20 -O2 -Wall -o "$STUB" "$BENCH/stub/benchstub.cpp"
  fi
  # A free port can be taken by another program before the stub binds it: then another one.
  for attempt in 1 2 3; do
    [[ $attempt == 1 ]] || read -r P_STUB_OWN < <(free_ports 1)
    STUB_PORT="$P_STUB_OWN"
    "$STUB" --port "$STUB_PORT" >>"$WORK/stub.log" 2>&1 &
    STUB_PID=$!; PIDS+=("$STUB_PID")
    wait_listen "$STUB_PID" "$STUB_PORT" 10 && break
    STUB_PORT=""
  done
  [[ -n "$STUB_PORT" ]] || die "the stub did not start (see $WORK/stub.log)"
fi

# ---------------------------------------------------------------- X server, D-Bus, keychain, program
# Xvfb picks a free display number itself and writes it to fd 3 (-displayfd), so two runs or a
# real X server on the machine never collide.
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp -noreset 3>"$WORK/display" >"$WORK/xvfb.log" 2>&1 &
PIDS+=("$!")
XVFB_PID=$!
for _ in $(seq 1 100); do [[ -s "$WORK/display" ]] && break; kill -0 "$XVFB_PID" 2>/dev/null || break; sleep 0.1; done
[[ -s "$WORK/display" ]] || die "Xvfb did not start (see $WORK/xvfb.log)"
export DISPLAY=":$(tr -dc 0-9 <"$WORK/display")"

# A fresh user: home, XDG folders and runtime folder of its own, so nothing of yours is read or
# written (your keyring included).
U="$WORK/user"
mkdir -p "$U/home" "$U/config/patchbay" "$U/data/patchbay" "$U/cache" "$U/runtime"
chmod 700 "$U/runtime"
cat >"$U/config/patchbay/config.json" <<EOF
{"providers":[{"id":"stub","name":"Stub","base_url":"http://127.0.0.1:$STUB_PORT/v1","key":"env:STUB_KEY","models":["bench-model"]}],
 "gateway":{"bind_address":"127.0.0.1","require_tokens":true}}
EOF
export HOME="$U/home" XDG_CONFIG_HOME="$U/config" XDG_DATA_HOME="$U/data" XDG_CACHE_HOME="$U/cache" \
  XDG_RUNTIME_DIR="$U/runtime" QT_QPA_PLATFORM=xcb STUB_KEY="${STUB_KEY:-sk-bench-stub-key}"
unset WAYLAND_DISPLAY DBUS_SESSION_BUS_ADDRESS SSH_AUTH_SOCK GNOME_KEYRING_CONTROL QT_QPA_PLATFORMTHEME 2>/dev/null || true

# dbus-run-session's child starts gnome-keyring (a fresh login keyring, unlocked with a password
# on stdin, as a desktop's PAM login does), waits until it owns org.freedesktop.secrets (else the
# bus would start a locked one on the first call), then becomes the program (exec), so the PID it
# writes is the program's.
dbus-run-session -- bash -c '
  W=$1; shift
  printf pt | gnome-keyring-daemon --foreground --unlock --components=secrets >"$W/keyring.log" 2>&1 &
  echo $! >"$W/keyring.pid"
  for _ in $(seq 1 100); do
    if dbus-send --session --print-reply --dest=org.freedesktop.DBus / org.freedesktop.DBus.NameHasOwner \
         string:org.freedesktop.secrets 2>/dev/null | grep -q "boolean true"; then
      date +%s.%N >"$W/app.t0"
      echo $$ >"$W/app.pid"
      exec "$@"
    fi
    sleep 0.1
  done
  echo "gnome-keyring-daemon did not take org.freedesktop.secrets within 10 s" >&2
  exit 3
' guimemory "$WORK" "$GUI_BIN" --config-dir "$U/config/patchbay" --data-dir "$U/data/patchbay" --port "$P_GUI" \
  >"$WORK/patchbay.log" 2>&1 &
DRS_PID=$!
PIDS+=("$DRS_PID")
for _ in $(seq 1 50); do pgrep -P "$DRS_PID" -x dbus-daemon >"$WORK/dbus-daemon.pid" && break; sleep 0.1; done

for _ in $(seq 1 150); do [[ -s "$WORK/app.pid" ]] && break; kill -0 "$DRS_PID" 2>/dev/null || break; sleep 0.1; done
[[ -s "$WORK/app.pid" ]] \
  || die "the D-Bus session or the keychain did not start (see $WORK/patchbay.log and $WORK/keyring.log)"
APP=$(cat "$WORK/app.pid")

# The main window is mapped (there is no window manager, so mapped means on screen; a window
# "Patchbay could not start" has another title) ...
WID=""
deadline=$((SECONDS + 60))
while [[ -z "$WID" ]]; do
  kill -0 "$APP" 2>/dev/null || { tail -20 "$WORK/patchbay.log" >&2; die "patchbay exited (see $WORK/patchbay.log)"; }
  [[ $SECONDS -lt $deadline ]] || die "the window did not show within 60 s (see $WORK/patchbay.log)"
  WID="$(xdotool search --onlyvisible --name '^Patchbay$' 2>/dev/null | head -1 || true)"
  [[ -n "$WID" ]] || nap 0.1
done
GUI_SHOWN=$(python3 -c "import sys, time; print(f'{time.time() - float(open(sys.argv[1]).read()):.2f}')" "$WORK/app.t0")
# ... and its gateway answers.
wait_listen "$APP" "$P_GUI" 30 || die "the gateway inside patchbay did not listen on $P_GUI (see $WORK/patchbay.log)"
kill -0 "$APP" 2>/dev/null || die "patchbay exited (see $WORK/patchbay.log)"
log "patchbay (PID $APP) showed its window after ${GUI_SHOWN} s on $DISPLAY, gateway on 127.0.0.1:$P_GUI; idling ${IDLE} s"

# ---------------------------------------------------------------- measuring
TICK=$(getconf CLK_TCK)
cpu_ticks() { local rest; rest="$(sed 's/^.*) //' "/proc/$1/stat")"; set -- $rest; echo $(( ${12} + ${13} )); }
mem() { # pid -> "rss_kb pss_kb uss_kb"
  local rss pss uss
  rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$1/status")
  read -r pss uss < <(awk '/^Pss:/ {p = $2} /^Private_(Clean|Dirty):/ {u += $2} END {print p + 0, u + 0}' "/proc/$1/smaps_rollup")
  echo "$rss $pss $uss"
}
sample() { # seconds file -> one "rss pss uss" line every 0.25 s
  local n i
  n=$(awk -v s="$1" 'BEGIN { print int(s * 4 + 0.5) }')
  : >"$2"
  for ((i = 0; i < n; i++)); do
    kill -0 "$APP" 2>/dev/null || die "patchbay exited while measured (see $WORK/patchbay.log)"
    mem "$APP" >>"$2"
    nap 0.25
  done
}
summary() { # file -> JSON members: medians and maxima of the samples
  python3 - "$1" <<'EOF'
import statistics, sys
rows = [list(map(int, l.split())) for l in open(sys.argv[1]) if l.strip()]
cols = list(zip(*rows))
out = {"samples": len(rows)}
for i, name in enumerate(("rss", "pss", "uss")):
    out[f"{name}_median_kb"] = int(statistics.median(cols[i]))
    out[f"{name}_max_kb"] = max(cols[i])
print(",".join(f'"{k}":{v}' for k, v in out.items()))
EOF
}
emit() { # json line -> the results file (or stdout)
  if [[ -n "$RESULTS" ]]; then echo "$1" >>"$RESULTS"; else echo "$1"; fi
}

VERSION="$(QT_QPA_PLATFORM=offscreen "$GUI_BIN" --version 2>/dev/null | awk '{print $NF}' || true)"
nap "$IDLE"
c0=$(cpu_ticks "$APP")
sample "$SAMPLE" "$WORK/idle.samples"
c1=$(cpu_ticks "$APP")
IDLE_JSON="$(summary "$WORK/idle.samples")"
emit "{\"kind\":\"gui_idle\",\"target\":\"gui\",\"version\":\"$VERSION\",\"binary\":\"$GUI_BIN\",\"shown_after_s\":$GUI_SHOWN,\"idle_s\":$IDLE,\"sample_s\":$SAMPLE,\"cpu_ticks\":$((c1 - c0)),\"tick_hz\":$TICK,\"threads\":$(awk '/^Threads:/ {print $2}' "/proc/$APP/status"),$IDLE_JSON}"
log "idle: $(echo "$IDLE_JSON" | tr -d '"')"

# Each main page once, through the View menu's shortcuts (Ctrl+1..6): there is no window manager,
# so the window gets the keyboard focus directly and the keys go in through XTEST. A page counts
# as opened when the window's picture changed (xwd).
if [[ $PAGES == 1 ]]; then
  shot() { # name -> a checksum of the window's picture (kept as WORK/<name>.xwd with --keep)
    if [[ $KEEP == 1 ]]; then xwd -silent -id "$WID" -out "$WORK/$1.xwd" 2>/dev/null; md5sum <"$WORK/$1.xwd" | cut -d' ' -f1
    else xwd -silent -id "$WID" 2>/dev/null | md5sum | cut -d' ' -f1; fi
  }
  xdotool windowfocus --sync "$WID" 2>/dev/null || xdotool windowfocus "$WID" || true
  sleep 0.5
  i=0
  for page in 2:Compare 3:Providers 4:Gateway 5:Requests 6:Usage 1:Chat; do
    key=${page%%:*} name=${page#*:}
    before="$(shot "before-$name")"
    xdotool key --clearmodifiers "ctrl+$key"
    nap 2
    after="$(shot "$name")"
    changed=false; [[ -n "$before" && "$before" != "$after" ]] && changed=true
    sample 1 "$WORK/page.samples"
    j="$(summary "$WORK/page.samples")"
    emit "{\"kind\":\"gui_page\",\"target\":\"gui\",\"order\":$i,\"page\":\"$name\",\"shown\":$changed,$j}"
    log "page $name (ctrl+$key): shown=$changed $(echo "$j" | tr -d '"' | grep -o 'rss_median_kb:[0-9]*')"
    i=$((i + 1))
  done
  nap 5
  sample 2 "$WORK/after.samples"
  j="$(summary "$WORK/after.samples")"
  emit "{\"kind\":\"gui_after_pages\",\"target\":\"gui\",$j}"
  log "idle again after every page: $(echo "$j" | tr -d '"')"
fi
