#!/bin/sh
# fuzz.sh [SECONDS] - builds the libFuzzer targets with clang in build-fuzz
# (-DEINC_FUZZ=ON) and runs each for SECONDS (default 20).
#
# The seeds in tests/fuzz/corpus_* are read, never written: new inputs go to
# build-fuzz/corpus_*, crashes to build-fuzz/artifacts/. Reproduce one with
#   build-fuzz/tests/fuzz/fuzz_graph_text build-fuzz/artifacts/graph_text-crash-...
# Environment: FUZZ_CC (default clang-19), EINC_FUZZ_BUILD (default build-fuzz).
set -eu
secs=${1:-20}
root=$(cd "$(dirname "$0")/.." && pwd)
build=${EINC_FUZZ_BUILD:-$root/build-fuzz}
CC=${FUZZ_CC:-clang-19} cmake -S "$root" -B "$build" -DEINC_FUZZ=ON >/dev/null
cmake --build "$build" --target fuzz_graph_text fuzz_spec -j "$(nproc)"
mkdir -p "$build/artifacts"
for t in graph spec; do
	name=fuzz_$t
	[ $t = graph ] && name=fuzz_graph_text
	mkdir -p "$build/corpus_$t"
	echo "== $name for ${secs}s"
	"$build/tests/fuzz/$name" -max_total_time="$secs" -print_final_stats=1 \
		-dict="$root/tests/fuzz/$t.dict" -artifact_prefix="$build/artifacts/$t-" \
		"$build/corpus_$t" "$root/tests/fuzz/corpus_$t"
done
