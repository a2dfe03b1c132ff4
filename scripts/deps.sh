#!/usr/bin/env bash
# The Debian 13 packages prism needs to build, run and test, and where they come from.
# Sourced by scripts/run, scripts/test, scripts/bench and scripts/in-root; safe to run on its own.
#
# prism builds against wlroots 0.18. On Debian 13 (or a system whose apt has
# libwlroots-0.18-dev) the packages are installed on the system itself. On older Debian (the
# project's machines and CI are Debian 12) they are installed into a Debian 13 build root
# (scripts/in-root), and the build and the tests run there.
set -euo pipefail

PRISM_BUILD_DEPS=(
  meson ninja-build pkg-config g++ clang-format git python3
  libwlroots-0.18-dev libwayland-dev wayland-protocols libwayland-bin
  libxkbcommon-dev libpixman-1-dev libinput-dev libdrm-dev libseat-dev
  libtomlplusplus-dev nlohmann-json3-dev libgtest-dev libgmock-dev
  libpango1.0-dev libcairo2-dev libexpat1-dev libseccomp-dev
  scdoc
  plasma-wayland-protocols
)
# clang and its libFuzzer runtime: scripts/test builds the virtio-wl fuzzer (tests/fuzz) with
# them.
PRISM_FUZZ_DEPS=(
  clang libclang-rt-dev
)
# Real clients the integration tests (and a person trying prism) use: foot (server-side
# decorations), weston-terminal and gtk3-demo (client-side decorations), and the tools. The
# apps suite (tests/apps) also runs gtk4-demo, FeatherPad (Qt 6, on Wayland through
# qt6-wayland), Firefox ESR and Chromium.
PRISM_TEST_DEPS=(
  foot weston gtk-3-examples wayland-utils wl-clipboard grim wtype xkb-data fonts-dejavu-core
  swaylock waypipe
  gtk-4-examples featherpad qt6-wayland firefox-esr chromium
)

# The peer scripts/bench measures prism against, side by side in one run (bench/).
PRISM_BENCH_DEPS=(
  sway
)

# The marker a build root carries (scripts/in-root writes it).
PRISM_ROOT_MARKER=/etc/prism-build-root

# Succeeds when this system builds prism itself: inside the build root, or where apt knows
# libwlroots-0.18-dev. PRISM_BUILD_ROOT=never forces native, =always forces the build root.
prism_is_native() {
  case "${PRISM_BUILD_ROOT:-auto}" in
    never) return 0 ;;
    always) [ -f "$PRISM_ROOT_MARKER" ]; return ;;
  esac
  [ -f "$PRISM_ROOT_MARKER" ] && return 0
  local id="" version=""
  if [ -r /etc/os-release ]; then
    id=$(. /etc/os-release && echo "${ID:-}")
    version=$(. /etc/os-release && echo "${VERSION_ID:-0}")
  fi
  if [ "$id" = debian ] && [ "${version%%.*}" -ge 13 ] 2>/dev/null; then return 0; fi
  pkg-config --exists 'wlroots-0.18' 2>/dev/null && return 0
  local candidate
  candidate=$(apt-cache policy libwlroots-0.18-dev 2>/dev/null | sed -n 's/^ *Candidate: //p')
  [ -n "$candidate" ] && [ "$candidate" != "(none)" ]
}

prism_all_packages() {
  printf '%s\n' "${PRISM_BUILD_DEPS[@]}" "${PRISM_TEST_DEPS[@]}" "${PRISM_FUZZ_DEPS[@]}" \
    "${PRISM_BENCH_DEPS[@]}"
}

prism_missing_packages() {
  local pkg
  for pkg in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
      printf '%s\n' "$pkg"
    fi
  done
}

# Installs what is missing: on this system when it is native, else into the build root.
prism_install_deps() {
  if ! prism_is_native; then
    "$(dirname "${BASH_SOURCE[0]}")/in-root" true
    return
  fi
  local missing
  mapfile -t missing < <(prism_missing_packages $(prism_all_packages))
  [ "${#missing[@]}" -eq 0 ] && return 0
  echo "prism: installing missing packages: ${missing[*]}" >&2
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then sudo=(sudo); fi
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >&2
}

# Re-runs the calling script inside the build root when this system is not native:
#   prism_enter_build_env "$0" "$@"
prism_enter_build_env() {
  if ! prism_is_native; then
    exec "$(dirname "${BASH_SOURCE[0]}")/in-root" "$@"
  fi
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  prism_install_deps
fi
