#!/usr/bin/env bash
# The shared library's interface: its SONAME follows CHANGELOG.md's rule
# (libeinc.so.MAJOR, the file libeinc.so.MAJOR.MINOR.PATCH), and the
# symbols it exports are exactly the functions include/einc.h marks
# EINC_API: nothing of the compiler's insides, the runtime, LLVM, ISL or
# GLPK. Usage: test_shared_symbols.sh LIBEINC_SO SOURCE_DIR
set -euo pipefail
so=$1 src=$2
fail() { echo "shared symbols: $*"; exit 1; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

version() { sed -n "s/^#define EINC_VERSION_$1 \([0-9]*\)$/\1/p" "$src/include/einc.h"; }
major=$(version MAJOR) minor=$(version MINOR) patch=$(version PATCH)
want=libeinc.so.$major
soname=$(objdump -p "$so" | awk '$1 == "SONAME" { print $2 }')
[ "$soname" = "$want" ] || fail "SONAME is '$soname', CHANGELOG.md's rule says $want"
file=$(basename "$(readlink -f "$so")")
[ "$file" = "$want.$minor.$patch" ] ||
  fail "the library's file is '$file', CHANGELOG.md's rule says $want.$minor.$patch"

sed -n 's/^EINC_API .*[ *]\(einc_[a-z0-9_]*\)(.*/\1/p' "$src/include/einc.h" | sort > "$dir/declared"
nm -D --defined-only "$so" | awk '$2 ~ /^[TDBRVW]$/ { print $3 }' |
  grep -vxE '__bss_start|_edata|_end' | sort > "$dir/exported"  # the linker's own markers aside
[ -s "$dir/declared" ] || fail "no EINC_API declaration found in einc.h"
diff -u "$dir/declared" "$dir/exported" > "$dir/diff" ||
  fail "exports differ from einc.h's EINC_API functions (- declared, + exported):
$(grep '^[-+][a-z_]' "$dir/diff" | head -20)"
echo "shared symbols: $soname exports the $(wc -l < "$dir/declared") functions of einc.h"
