#!/bin/sh
# kernel_ab.sh - alternating A/B rounds of kernel_cpu builds (a tool, not a
# test; docs/bench-kernels.md, "Products in the micro-kernel").
#
#   bench/kernel_ab.sh ROUNDS SUITE_FILE NAME[,NAME...] DTYPE_OVERRIDE BIN...
#
# For each case NAME of SUITE_FILE (perf_suite.txt's format: name ; spec ;
# dims ; dtype; DTYPE_OVERRIDE "-" keeps the suite's), runs each kernel_cpu
# binary BIN once per round, the binaries in turn (each a build against
# another library), and prints per binary the best of the rounds and its
# ratio to the first binary's.
set -eu
rounds=$1 suite=$2 names=$3 dt=$4
shift 4
for name in $(echo "$names" | tr , ' '); do
	line=$(grep "^$name *;" "$suite")
	spec=$(echo "$line" | cut -d';' -f2 | tr -d ' ')
	dims=$(echo "$line" | cut -d';' -f3 | tr -d ' ')
	dtype=$(echo "$line" | cut -d';' -f4 | tr -d ' ')
	[ "$dt" = - ] || dtype=$dt
	bests=""
	for r in $(seq "$rounds"); do
		i=0
		for bin in "$@"; do
			t=$("$bin" "$spec" "$dims" "$dtype" | sed 's/cpu_ms=//')
			bests="$bests $i:$t"
			i=$((i + 1))
		done
	done
	echo "$bests" | tr ' ' '\n' | awk -F: -v name="$name" -v dtype="$dtype" '
		NF == 2 { if (!($1 in b) || $2 < b[$1]) b[$1] = $2; n = $1 > n ? $1 : n }
		END { printf "%s %s", name, dtype
		      for (i = 0; i <= n; i++) printf " %.3f (%.3f)", b[i], b[i] / b[0]
		      printf "\n" }'
done
