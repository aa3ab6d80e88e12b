#!/usr/bin/env bash
# Installs the build tree into a temporary prefix, then builds the C API
# example against it with pkg-config alone and runs it.
# Usage: test_install.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1 src=$2
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
for f in bin/einc include/einc.h lib/libeinc.a lib/libeinc_rt.a lib/pkgconfig/einc.pc; do
  [ -e "$prefix/$f" ] || { echo "install: missing $f"; exit 1; }
done
cc -std=c11 "$src/examples/bmm_api.c" $(pkg-config --cflags --libs --static einc) -o "$prefix/bmm_api"
"$prefix/bmm_api"
"$prefix/bin/einc" --version
