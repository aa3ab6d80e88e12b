#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: install the dependencies, build
# einc, compile an example einsum and run it from a host program.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup-debian.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j"$(nproc)"

echo "== the graph IR of a batched matrix product"
build/einc --dump=graph 'bij,bjk->bik' -d b=2,i=3,j=4,k=5
echo "== a host program compiles it through the C API and runs it"
build/examples/bmm_api
