#!/usr/bin/env bash
# Installs the build tree into a temporary prefix, checks that every file
# the README's install section names is there, that the man page documents
# every flag of --help and that the bash completion loads and completes,
# then builds the C API example against the prefix with pkg-config alone
# (`pkg-config --libs einc` as written: libeinc.so) and runs it, and builds
# a host project with find_package(einc) (einc::einc and einc::rt); runs
# the Python example with the installed package (which finds the installed
# libeinc.so by itself) and with the package pip installs offline.
# Usage: test_install.sh BUILD_DIR SOURCE_DIR [MAN: ON (default) or OFF] [PYTHON SITEDIR]
set -euo pipefail
build=$1 src=$2 man=${3:-ON} python=${4:-} site=${5:-}
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
files="bin/einc include/einc.h include/einc/einc_rt.h lib/libeinc.a lib/libeinc_rt.a
  lib/libeinc.so lib/cmake/einc/einc-config.cmake lib/cmake/einc/einc-config-version.cmake
  lib/pkgconfig/einc.pc share/bash-completion/completions/einc share/doc/einc/LICENSE
  share/doc/einc/LICENSES/GPL-3.0-or-later.txt share/doc/einc/LICENSES/MIT.txt
  share/doc/einc/CHANGELOG.md share/doc/einc/README.md"
[ "$man" = OFF ] || files="$files share/man/man1/einc.1"
[ -z "$python" ] || files="$files $site/einc/__init__.py $site/einc/_install.py"
for f in $files; do
  [ -e "$prefix/$f" ] || { echo "install: missing $f"; exit 1; }
done

if [ "$man" != OFF ]; then
  page=$prefix/share/man/man1/einc.1
  grep -q '^\.TH EINC "1" .* "einc [0-9.]*"' "$page" || { echo "install: einc.1 has no .TH line"; exit 1; }
  text=$(sed 's/\\-/-/g' "$page")
  for f in $("$prefix/bin/einc" --help | grep -oE -- '--[a-z][-a-z]*' | sort -u); do
    grep -qF -- "$f" <<<"$text" || { echo "install: einc.1 does not document $f"; exit 1; }
  done
fi

"$src/tests/install/check_completion.sh" "$prefix/bin/einc" \
  "$prefix/share/bash-completion/completions/einc"

export LD_LIBRARY_PATH=$prefix/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
cc -std=c11 "$src/examples/bmm_api.c" $(pkg-config --cflags --libs einc) -o "$prefix/bmm_api"
"$prefix/bmm_api"

# find_package(einc): a compatible version is found, the next MINOR not
# (while MAJOR is 0 it may break compatibility).
version=$(pkg-config --modversion einc)
"$prefix/bin/einc" 'bij,bjk->bik' -d b=4,i=32,j=64,k=16 -o "$prefix/bmm.o" --header "$prefix/bmm.h" --name bmm
host() {
  cmake -S "$src/tests/install/cmake_host" -B "$prefix/host" -DCMAKE_PREFIX_PATH="$prefix" \
    -DEINC_SOURCE_DIR="$src" -DBMM_OBJECT="$prefix/bmm.o" -DEINC_WANT_VERSION="$1" >"$prefix/host.log" 2>&1
}
next=$(awk -F. '{ print $1 "." $2 + 1 }' <<<"$version")
if host "$next"; then echo "install: find_package(einc $next) accepted einc $version"; exit 1; fi
rm -rf "$prefix/host"
host "$version" || { cat "$prefix/host.log"; echo "install: find_package(einc $version) failed"; exit 1; }
cmake --build "$prefix/host" >"$prefix/host.log" 2>&1 || { cat "$prefix/host.log"; exit 1; }
"$prefix/host/bmm_api"
"$prefix/host/bmm_host"
"$prefix/bin/einc" --version

# Python: the package cmake --install put in the site directory, then the
# one pip builds offline from a copy of python/ (pip builds in place).
[ -n "$python" ] || exit 0
unset EINC_LIBRARY
PYTHONPATH=$prefix/$site PYTHONDONTWRITEBYTECODE=1 "$python" "$src/examples/contract.py"
mkdir -p "$prefix/src/include"
cp -r "$src/python" "$prefix/src/python"
cp "$src/include/einc.h" "$prefix/src/include/"
"$python" -m pip install -q --no-index --no-build-isolation --prefix "$prefix/pip" \
  "$prefix/src/python" >"$prefix/pip.log" 2>&1 || { cat "$prefix/pip.log"; exit 1; }
pkg=$(find "$prefix/pip" -name __init__.py -path '*/einc/*')
[ -n "$pkg" ] || { echo "install: pip installed no einc package"; exit 1; }
EINC_LIBRARY=$prefix/lib/libeinc.so PYTHONPATH=$(dirname "$(dirname "$pkg")") \
  PYTHONDONTWRITEBYTECODE=1 "$python" "$src/examples/contract.py"
