#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# install-deps.sh: install the Debian 12 packages that edgekern's tests, benchmarks and demo need, and nothing
# else. Fast path: when every package is already installed (dpkg), it does nothing and needs no root.
# Usage (as root on a fresh machine): scripts/install-deps.sh
set -euo pipefail

packages=(
  # build
  cmake ninja-build g++ ccache
  # format check (scripts/check-format.sh)
  clang-format-14
  # host-clang preset: clang 14 with ASan/UBSan runtimes
  clang-14 libclang-rt-14-dev
  # library and test dependencies
  libxsimd-dev doctest-dev libbenchmark-dev
  # aarch64 cross build, run under qemu-user
  g++-aarch64-linux-gnu qemu-user
  # bare-metal Cortex-M: compiler, newlib, libstdc++, run under qemu-system-arm
  gcc-arm-none-eabi libnewlib-arm-none-eabi libstdc++-arm-none-eabi-newlib qemu-system-arm
  # golden-vector generators (tools/) and examples' image I/O
  python3-numpy python3-sklearn libstb-dev
  # peer libraries the benchmarks compare against when present
  libdnnl-dev libxnnpack-dev libpthreadpool-dev libarmadillo-dev
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    exec sudo -n -- "$0" "$@"
  fi
  echo "install-deps: missing packages and not root: run as root: $0" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt_install() { apt-get install -y --no-install-recommends "${missing[@]}"; }
# Refresh the package index only when there is none yet, or when installing from the current one fails.
if ! compgen -G "/var/lib/apt/lists/*_Packages*" >/dev/null; then
  apt-get update
fi
if ! apt_install; then
  apt-get update
  apt_install
fi
echo "install-deps: done"
