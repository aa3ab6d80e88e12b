#!/usr/bin/env bash
# What lets the runtime be MIT while the compiler is GPL (LICENSE): no symbol
# of libeinc_rt.a, nor of an object einc generates, belongs to GLPK, ISL,
# GMP or LLVM; every runtime source says MIT; the generated header states
# its terms. Usage: test_runtime_terms.sh EINC LIBEINC_RT SOURCE_DIR
set -euo pipefail
einc=$1 rt=$2 src=$3
fail() { echo "runtime terms: $*"; exit 1; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

# GLPK (glp_, _glp_), ISL (isl_), GMP (__gmp, mpz_, mpq_, mpf_), LLVM's C
# API (LLVM) and its C++ (namespace llvm).
foreign='^(_?glp_|isl_|__gmp|mp[zqf]_|LLVM|_ZN4llvm|_ZNK4llvm)'

# check_symbols FILE: FILE's symbols, defined or not, include none of those.
check_symbols() {
  nm "$1" | awk 'NF >= 2 { print $NF }' > "$dir/syms"
  [ -s "$dir/syms" ] || fail "nm finds no symbol in $1"
  if grep -E "$foreign" "$dir/syms" > "$dir/bad"; then
    fail "$1 references $(sort -u "$dir/bad" | head -5 | tr '\n' ' ')"
  fi
}

check_symbols "$rt"
grep -qx 'einc_rt_parallel_for' "$dir/syms" || fail "$rt does not define einc_rt_parallel_for"

for f in "$src"/runtime/*.[ch]; do
  head -n1 "$f" | grep -qx '/\* SPDX-License-Identifier: MIT \*/' ||
    fail "$f does not start with /* SPDX-License-Identifier: MIT */"
done

# A GETT step and a loop nest, ahead of time.
"$einc" 'bij,bjk->bik' -d b=2,i=16,j=16,k=16 -o "$dir/bmm.o" --header "$dir/bmm.h"
"$einc" 'ij->ji' -d i=9,j=7 -o "$dir/tr.o" --header "$dir/tr.h"
for name in bmm tr; do
  check_symbols "$dir/$name.o"
  grep -q 'carry no obligation from GLPK' "$dir/$name.h" || fail "$name.h states no licence"
done
echo "runtime terms: ok"
