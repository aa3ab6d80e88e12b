#!/bin/sh
# fuzz.sh [SECONDS] - builds the libFuzzer targets with clang in build-fuzz
# (-DEINC_FUZZ=ON) and runs each for SECONDS (default 20): graph text,
# specs, tree text, plan text (einc_plan_svg), DAG text, numeric options.
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
targets="graph_text spec tree_text plan_svg dag_text numarg"
# shellcheck disable=SC2086 # one word per target
cmake --build "$build" -j "$(nproc)" --target $(for t in $targets; do printf 'fuzz_%s ' "$t"; done)
mkdir -p "$build/artifacts"
for t in $targets; do
	seeds=${t%_text}
	seeds=${seeds%_svg}
	mkdir -p "$build/corpus_$seeds"
	dict=
	[ -f "$root/tests/fuzz/$seeds.dict" ] && dict=-dict=$root/tests/fuzz/$seeds.dict
	echo "== fuzz_$t for ${secs}s"
	# shellcheck disable=SC2086 # $dict is empty or one word
	"$build/tests/fuzz/fuzz_$t" -max_total_time="$secs" -print_final_stats=1 $dict \
		-artifact_prefix="$build/artifacts/$t-" \
		"$build/corpus_$seeds" "$root/tests/fuzz/corpus_$seeds"
done
