#!/usr/bin/env bash
# Installs the build tree into a temporary prefix, checks that every file
# the README's install section names is there, that the man page documents
# every flag of --help and that the bash completion loads and completes,
# then builds the C API example against the prefix with pkg-config alone
# and runs it.
# Usage: test_install.sh BUILD_DIR SOURCE_DIR [MAN: ON (default) or OFF]
set -euo pipefail
build=$1 src=$2 man=${3:-ON}
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
files="bin/einc include/einc.h include/einc/einc_rt.h lib/libeinc.a lib/libeinc_rt.a
  lib/pkgconfig/einc.pc share/bash-completion/completions/einc share/doc/einc/LICENSE
  share/doc/einc/LICENSES/GPL-3.0-or-later.txt share/doc/einc/LICENSES/MIT.txt
  share/doc/einc/CHANGELOG.md share/doc/einc/README.md"
[ "$man" = OFF ] || files="$files share/man/man1/einc.1"
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

cc -std=c11 "$src/examples/bmm_api.c" $(pkg-config --cflags --libs --static einc) -o "$prefix/bmm_api"
"$prefix/bmm_api"
"$prefix/bin/einc" --version
