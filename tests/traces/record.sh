#!/usr/bin/env bash
# Re-records every trace in tests/traces/, each against a fresh headless prism configured as the
# replay test configures it (default prism.toml, headless 1024x768, one VM "work").
#
#   tests/traces/record.sh [BUILD_DIR]        (default: build-sanitize)
#
# PRISM_RECORD_ONLY="vm-foot vm-clipboard" re-records only the traces named.
#
# Review the diff before committing: a changed event means prism's behaviour changed.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=$(cd "$root/${1:-build-sanitize}" && pwd)
out="$root/tests/traces"
prism="$build/compositor/prism"
trace="$build/tools/trace/prism-trace"
ninja -C "$build" compositor/prism tools/trace/prism-trace tests/clients/hostile-client >/dev/null

# Leak reports from clients' or prism's sanitizers are not what is being recorded here.
export ASAN_OPTIONS=detect_leaks=0
config_note="headless 1024x768, default prism.toml, vm work (colour #3465a4)"

runtime="" prism_pid=""
start_prism() {
  runtime=$(mktemp -d /tmp/prism-record-XXXXXX)
  mkdir -p "$runtime/config/vms"
  printf '[headless]\nwidth = 1024\nheight = 768\n' >"$runtime/config/prism.toml"
  printf 'name = "work"\ncolour = "#3465a4"\n' >"$runtime/config/vms/work.toml"
  env -u WAYLAND_DISPLAY -u DISPLAY -u WAYLAND_SOCKET XDG_RUNTIME_DIR="$runtime" \
    WLR_BACKENDS=headless WLR_RENDERER=pixman WLR_LIBINPUT_NO_DEVICES=1 \
    "$prism" --config "$runtime/config" >"$runtime/prism.log" 2>&1 &
  prism_pid=$!
  for _ in $(seq 100); do
    grep -q 'control: PRISM_SOCKET=' "$runtime/prism.log" && return 0
    sleep 0.1
  done
  echo "record.sh: prism did not start:" >&2
  cat "$runtime/prism.log" >&2
  exit 1
}

stop_prism() {
  [ -n "$prism_pid" ] || return 0
  kill "$prism_pid" 2>/dev/null || true
  wait "$prism_pid" || true
  rm -rf "$runtime"
  prism_pid=""
}
trap stop_prism EXIT

# record NAME SOCKET [prism-trace record options] -- COMMAND...
#   SOCKET is "vm work" or "host".
record() {
  local name=$1 socket=$2 display
  shift 2
  if [ -n "${PRISM_RECORD_ONLY:-}" ] && [[ " $PRISM_RECORD_ONLY " != *" $name "* ]]; then
    return 0
  fi
  start_prism
  if [ "$socket" = host ]; then
    display="$runtime/$(sed -n 's/^host: WAYLAND_DISPLAY=\([^ ]*\).*/\1/p' "$runtime/prism.log")"
  else
    display="$runtime/wayland-vm-${socket#vm }"
  fi
  echo "== $name" >&2
  local status=0
  XDG_RUNTIME_DIR="$runtime" WAYLAND_DISPLAY="$display" "$trace" record \
    -o "$out/$name.trace" --header "socket: $socket" --header "vms: work" \
    --header "config: $config_note" "$@" >/dev/null || status=$?
  stop_prism
  return "$status"
}

# Some clients race the compositor: wl-copy 2.1 commits a buffer before acking a configure
# that wlroots sends from an idle callback, and is disconnected when the configure comes late.
# A trace of that run is useless, so try again.
record_retry() {
  local attempt
  for attempt in 1 2 3 4 5; do
    if record "$@"; then
      return 0
    fi
    echo "record.sh: $1: the client failed (attempt $attempt); recording again" >&2
  done
  echo "record.sh: $1: gave up" >&2
  return 1
}

record vm-wayland-info "vm work" -- wayland-info
record host-wayland-info host -- wayland-info
record vm-weston-simple-shm "vm work" --duration 1.5 -- weston-simple-shm
record host-weston-simple-shm host --duration 1.5 -- weston-simple-shm
record vm-foot "vm work" -- foot sh -c 'echo hello; sleep 1'
record_retry vm-clipboard "vm work" -- sh -c 'wl-copy --paste-once "hello from work" && wl-paste -n'
record_retry vm-primary-selection "vm work" -- \
  sh -c 'wl-copy --primary --paste-once "primary in work" && wl-paste --primary -n'
# GTK 3, GTK 4 and Qt 6 applications with a window (client-side decorations for GTK, Qt's
# wayland plugin), each with a new empty home so that no saved settings change what it does.
record vm-gtk3-demo "vm work" --duration 3 -- \
  sh -c 'HOME=$(mktemp -d) XDG_CONFIG_HOME= GDK_BACKEND=wayland exec gtk3-demo'
record vm-gtk4-demo "vm work" --duration 4 -- \
  sh -c 'HOME=$(mktemp -d) XDG_CONFIG_HOME= GDK_BACKEND=wayland GSK_RENDERER=cairo exec gtk4-demo'
record vm-featherpad "vm work" --duration 3 -- \
  sh -c 'HOME=$(mktemp -d) XDG_CONFIG_HOME= QT_QPA_PLATFORM=wayland exec featherpad'
# From the build directory, so that the trace's header does not name this machine's paths.
(cd "$build" && record vm-commit-then-disconnect "vm work" --duration 1 -- \
  ./tests/clients/hostile-client --title "commit then go")

# Hand-made from two recordings: a VM client asks for the registry, then binds
# zwlr_screencopy_manager_v1 by the name the host sees it under. No real client does this,
# so it is assembled here; the expected protocol error is what libwayland sends.
name=$(sed -n 's/^wl_registry@2.global(\([0-9]*\), "zwlr_screencopy_manager_v1".*/\1/p' \
  "$out/host-wayland-info.trace")
{
  echo "# prism-trace: 1"
  echo "# command: none: assembled by tests/traces/record.sh from vm-wayland-info.trace"
  echo "# socket: vm work"
  echo "# vms: work"
  echo "# config: $config_note"
  sed -n '/^-> wl_display@1.get_registry/,/^wl_display@1.delete_id(3)$/p' \
    "$out/vm-wayland-info.trace"
  echo "-> wl_registry@2.bind($name, \"zwlr_screencopy_manager_v1\", 3, new id [unknown]@4)"
  echo "wl_display@1.error(wl_registry@2, 0, \"invalid global zwlr_screencopy_manager_v1 ($name)\")"
  echo "-> disconnect"
} >"$out/vm-bind-screencopy.trace"
# A recording stops at any moment: when it stops right after a commit, the frame callback of
# that commit is answered at the next output frame, which a replay's closing roundtrip does not
# wait for. Those last events may come or not.
for name in vm-weston-simple-shm host-weston-simple-shm vm-gtk3-demo vm-gtk4-demo vm-featherpad; do
  # Only a trace recorded in this run (annotating one twice would mark its lines twice).
  if [ -n "${PRISM_RECORD_ONLY:-}" ] && [[ " $PRISM_RECORD_ONLY " != *" $name "* ]]; then
    continue
  fi
  awk '{ lines[NR] = $0; if ($0 ~ /^-> wl_surface@[0-9]+\.commit\(\)$/) last = NR }
       END {
         for (i = 1; i <= NR; i++) {
           line = lines[i]
           if (i > last && line ~ /^(wl_callback@[0-9]+\.done|wl_display@1\.delete_id)\(/) {
             line = line " # optional"
           }
           print line
         }
       }' "$out/$name.trace" >"$out/$name.trace.new"
  mv "$out/$name.trace.new" "$out/$name.trace"
done
"$trace" check "$out"/*.trace
echo "record.sh: recorded $(ls "$out"/*.trace | wc -l) traces in $out" >&2
