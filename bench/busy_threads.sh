#!/bin/sh
# busy_threads.sh [SUITE ...] - einc at 1 and 2 threads on a busy machine:
# a CPU-bound competitor pinned to CPU 0 runs throughout, and every case of
# the suites (default: ../shared/bench/perf_suite.txt, or $EINC_SHARED's,
# bench/shapes_suite.txt and an 8-matrix 64 x 64 chain) is timed by build/bench/perf_bench with
# EINC_NUM_THREADS=1 and =2. Prints the median milliseconds side by side and
# their ratio (the target: 2 threads take at most 1.2 x the time of 1).
# Inputs are uniform in [-1, 1) (numpy under /usr/bin/python3).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
bench=${EINC_BUILD:-$root/build}/bench/perf_bench
shared=${EINC_SHARED:-$root/../shared}
[ -d "$shared" ] || shared=$root/../../shared # from a worktree in wt/
[ $# -gt 0 ] || set -- "$shared/bench/perf_suite.txt" "$root/bench/shapes_suite.txt"
dir=$(mktemp -d)
taskset -c 0 sh -c 'while :; do :; done' &
competitor=$!
trap 'kill $competitor; rm -rf "$dir"' EXIT
chain='chain8_64 ; ab,bc,cd,de,ef,fg,gh,hi->ai ; a=64,b=64,c=64,d=64,e=64,f=64,g=64,h=64,i=64 ; f32'
printf '%-18s %10s %10s %7s\n' case '1 thread' '2 threads' ratio
{ cat "$@"; echo; echo "$chain"; } | grep -v '^#' | grep ';' |
while IFS=';' read -r name spec dims dtype _; do
	name=$(echo $name) spec=$(echo $spec) dims=$(echo $dims) dtype=$(echo $dtype)
	/usr/bin/python3 - "$spec" "$dims" "$dtype" "$dir" <<'PY'
import sys, numpy as np
spec, dims, dtype, out = sys.argv[1:]
size = dict((k, int(v)) for k, v in (d.split("=") for d in dims.split(",")))
rng = np.random.default_rng(1)
for n, op in enumerate(spec.split("->")[0].split(",")):
    a = rng.uniform(-1, 1, [size[c] for c in op]).astype(np.float32 if dtype == "f32" else np.float64)
    a.tofile(f"{out}/in{n}.bin")
PY
	t1=$(EINC_NUM_THREADS=1 "$bench" "$spec" "$dims" "$dtype" "$dir" | sed -n 's/.*ms_median=\([0-9.]*\).*/\1/p')
	t2=$(EINC_NUM_THREADS=2 "$bench" "$spec" "$dims" "$dtype" "$dir" | sed -n 's/.*ms_median=\([0-9.]*\).*/\1/p')
	awk -v n="$name" -v a="$t1" -v b="$t2" 'BEGIN { printf "%-18s %10.3f %10.3f %7.2f\n", n, a, b, b / a }'
	rm -f "$dir"/*.bin
done
