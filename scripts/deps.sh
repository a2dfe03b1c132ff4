#!/usr/bin/env bash
# Installs the Debian 12 packages prism needs to build, run and test, if any are missing.
# Sourced by scripts/run and scripts/test; safe to run on its own.
set -euo pipefail

PRISM_BUILD_DEPS=(
  meson ninja-build pkg-config g++ clang-format
  libwlroots-dev libwayland-dev wayland-protocols libwayland-bin
  libxkbcommon-dev libpixman-1-dev libinput-dev libdrm-dev libseat-dev
  libtomlplusplus-dev nlohmann-json3-dev libgtest-dev libgmock-dev
  libpango1.0-dev libcairo2-dev libexpat1-dev libseccomp-dev
)
# clang and its libFuzzer runtime: scripts/test builds the virtio-wl fuzzer (tests/fuzz) with
# them; installed only by `prism_install_deps --fuzz` (scripts/test).
PRISM_FUZZ_DEPS=(
  clang libclang-rt-14-dev
)
# Real clients the integration tests (and a person trying prism) use.
PRISM_TEST_DEPS=(
  foot weston wayland-utils wl-clipboard grim wtype xkb-data
)

prism_missing_packages() {
  local pkg
  for pkg in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
      printf '%s\n' "$pkg"
    fi
  done
}

prism_install_deps() {
  local missing wanted=("${PRISM_BUILD_DEPS[@]}" "${PRISM_TEST_DEPS[@]}")
  if [ "${1:-}" = "--fuzz" ]; then wanted+=("${PRISM_FUZZ_DEPS[@]}"); fi
  mapfile -t missing < <(prism_missing_packages "${wanted[@]}")
  [ "${#missing[@]}" -eq 0 ] && return 0
  echo "prism: installing missing packages: ${missing[*]}" >&2
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then sudo=(sudo); fi
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >&2
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  prism_install_deps "$@"
fi
