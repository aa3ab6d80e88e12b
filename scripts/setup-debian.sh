#!/usr/bin/env bash
# Installs the Debian 12 packages einc builds and tests with, when missing
# (OpenBLAS: numpy's BLAS, the peer the benchmarks set einc beside), and
# the packages named as arguments (.ci/run adds python3-torch, so that the
# Python package's torch tests run rather than skip).
# As root it runs apt-get; otherwise it prints the exact line to run.
set -euo pipefail

packages=(build-essential cmake pkg-config help2man llvm-19-dev libisl-dev libglpk-dev
          libgmp-dev libcmocka-dev python3-numpy python3-pytest python3-pip
          python3-setuptools python3-wheel clang-19 libclang-rt-19-dev openmpi-bin
          libopenmpi-dev libopenblas0-pthread "$@")

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

line="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "einc: missing Debian packages; run as root:" >&2
  echo "  apt-get update && $line" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
$line
