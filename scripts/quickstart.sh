#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: install the dependencies, build
# einc, compile an example einsum to an object file plus header, link it into
# a host program and run it; then the same from Python (examples/contract.py
# under Debian's /usr/bin/python3, which has numpy).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup-debian.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j"$(nproc)"

out=build/quickstart
mkdir -p "$out"
echo "== compile 'bij,bjk->bik' to $out/bmm.o + $out/bmm.h"
build/einc 'bij,bjk->bik' -d b=4,i=32,j=64,k=16 -o "$out/bmm.o" --header "$out/bmm.h" --name bmm
echo "== link it into examples/bmm_host.c with libeinc_rt.a and run it"
cc -std=c11 -O2 -I"$out" examples/bmm_host.c "$out/bmm.o" build/libeinc_rt.a -lm -o "$out/bmm_host"
"$out/bmm_host"
echo "== the same through the C API (examples/bmm_api.c)"
build/examples/bmm_api
echo "== from Python: einc.contract and einc.contract_expression (examples/contract.py)"
EINC_LIBRARY=build/libeinc.so PYTHONPATH=python PYTHONDONTWRITEBYTECODE=1 /usr/bin/python3 examples/contract.py
