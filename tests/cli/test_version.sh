#!/usr/bin/env bash
# einc --version, line by line: einc's version, then the LLVM, ISL and GLPK
# versions the build found (passed in by CMake), LLVM's host triple, and the
# CPU a compilation for "native" names in its header.
# Usage: test_version.sh EINC EINC_VERSION LLVM_VERSION ISL_VERSION GLPK_VERSION TRIPLE
set -euo pipefail
einc=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

"$einc" 'ij,jk->ik' -d i=2,j=3,k=4 -o "$dir/mm.o" --header "$dir/mm.h"
cpu=$(sed -n 's/^ \*   cpu:   //p' "$dir/mm.h")
[ -n "$cpu" ] || { echo "version: the header names no cpu"; exit 1; }

want=$(printf '%s\n' "einc $2" "LLVM version $3" "ISL version $4" "GLPK version $5" \
  "Target: $6" "Default CPU: $cpu")
got=$("$einc" --version)
if [ "$got" != "$want" ]; then
  printf 'version: einc --version printed\n%s\nwant\n%s\n' "$got" "$want"
  exit 1
fi
echo "$got"
