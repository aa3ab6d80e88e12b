#!/bin/sh
# thread_scaling.sh - einc's thread scaling on a many-core machine, against
# numpy.einsum(optimize=True) at the same thread counts (docs/bench-threads.md).
#
# Two steps, so that the machine that runs the benchmark needs only gcc, python3
# and numpy (no LLVM, no ISL):
#
#   1. here, with einc built:
#        sh bench/thread_scaling.sh build bench-out [CPU ...]
#      compiles every case below ahead of time, once per target CPU (default:
#      sapphirerapids x86-64-v4 x86-64-v3), into bench-out/CPU/CASE.o + .h, and
#      copies libeinc_rt.a, bench/aot_time.c, bench/thread_scaling_np.py, this
#      script and ../shared/bench/perf/peak.c (if present; outside the
#      repository: README.md, Layout) into bench-out/.
#   2. there, in a copy of the repository that contains bench-out/:
#        sh bench/thread_scaling.sh run bench-out RESULTS_DIR [THREADS ...]
#      picks the CPU set from /proc/cpuinfo (sapphirerapids when the machine has
#      AMX and AVX512-FP16, else x86-64-v4 with AVX-512F, else x86-64-v3), links
#      each case with gcc, checks its output against numpy once (at the largest
#      thread count), then times einc (EINC_NUM_THREADS=T) and numpy (BLAS threads
#      = T) for T in THREADS (default 1 2 4 8 16), writing RESULTS_DIR/results.txt,
#      RESULTS_DIR/table.md and RESULTS_DIR/machine.txt. Environment: ROUNDS
#      (sweeps, default 1; a point's figure is its best round), MIN_S (seconds
#      per point, default 0.5), SKIP_PEAK (skip peak.c), PYTHON (default python3).
set -eu

# name ; spec ; sizes ; dtype  (sizes from ../shared/bench/perf_suite.txt, gemm
# also at 2048^3 so that 16 threads have work enough)
CASES='gemm;ik,kj->ij;i=2048,k=2048,j=2048;f32
gemm_f64;ik,kj->ij;i=2048,k=2048,j=2048;f64
gemm1k;ik,kj->ij;i=1024,k=1024,j=1024;f32
bmm;bij,bjk->bik;b=64,i=256,j=256,k=256;f32
attn_scores;bhqd,bhkd->bhqk;b=4,h=16,q=512,k=512,d=64;f32
tc_abcd_dbef;abcd,dbef->acef;a=48,b=16,c=48,d=16,e=48,f=48;f32
ttm;ijk,lk->ijl;i=256,j=256,k=256,l=64;f32
mttkrp;ijk,jr,kr->ir;i=256,j=256,k=256,r=32;f32
chain3;ij,jk,kl->il;i=4096,j=256,k=4096,l=256;f32'

MIN_S=${MIN_S:-0.5}
PY=${PYTHON:-python3}

cmd=${1:-}
dir=${2:-bench-out}

case "$cmd" in
build)
	shift 2 || shift $#
	cpus=${*:-"sapphirerapids x86-64-v4 x86-64-v3"}
	EINC=${EINC:-build/einc}
	RT=${RT:-build/libeinc_rt.a}
	mkdir -p "$dir"
	: >"$dir/cases.txt"
	echo "$CASES" | while IFS=';' read -r name spec dims dtype; do
		# FLOPs: numpy.einsum_path's optimized count (2 per multiply-add)
		flop=$($PY -c "
import numpy as np, sys
spec, dims = sys.argv[1], sys.argv[2]
d = {kv.split('=')[0]: int(kv.split('=')[1]) for kv in dims.split(',')}
ops = [np.empty([d[c] for c in t], np.float32) for t in spec.split('->')[0].split(',')]
print([l for l in np.einsum_path(spec, *ops, optimize='optimal')[1].splitlines()
       if 'Optimized FLOP' in l][0].split(':')[1].strip())" "$spec" "$dims")
		flop=$($PY -c "print(int(float('$flop')))")
		echo "$name;$spec;$dims;$dtype;$flop" >>"$dir/cases.txt"
		for cpu in $cpus; do
			mkdir -p "$dir/$cpu"
			"$EINC" "$spec" -d "$dims" -t "$dtype" -mcpu="$cpu" --name kernel \
				-o "$dir/$cpu/$name.o" --header "$dir/$cpu/$name.h"
		done
	done
	cp "$RT" "$dir/libeinc_rt.a"
	cp bench/aot_time.c bench/thread_scaling_np.py "$0" "$dir/"
	if [ -f ../shared/bench/perf/peak.c ]; then cp ../shared/bench/perf/peak.c "$dir/"; fi
	git rev-parse HEAD >"$dir/commit.txt" 2>/dev/null || true
	echo "built $(wc -l <"$dir/cases.txt") cases for: $cpus in $dir"
	;;
run)
	res=${3:?usage: thread_scaling.sh run DIR RESULTS_DIR [THREADS ...]}
	shift 3
	threads=${*:-"1 2 4 8 16"}
	mkdir -p "$res"
	flags=$(grep -m1 '^flags' /proc/cpuinfo)
	if echo "$flags" | grep -qw amx_tile && echo "$flags" | grep -qw avx512_fp16 \
		&& [ -d "$dir/sapphirerapids" ]; then cpu=sapphirerapids
	elif echo "$flags" | grep -qw avx512f && [ -d "$dir/x86-64-v4" ]; then cpu=x86-64-v4
	else cpu=x86-64-v3; fi
	{
		echo "date: $(date -u)"
		echo "einc commit: $(cat "$dir/commit.txt" 2>/dev/null || echo ?)"
		echo "einc -mcpu: $cpu"
		grep -m1 'model name' /proc/cpuinfo
		echo "nproc: $(nproc)"
		lscpu 2>/dev/null || true
		echo "avx512 flags: $(grep -o 'avx512[a-z0-9_]*' /proc/cpuinfo | sort -u | tr '\n' ' ')"
		echo "amx flags: $(grep -o 'amx[a-z0-9_]*' /proc/cpuinfo | sort -u | tr '\n' ' ')"
		echo "THP: $(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null)"
		gcc --version | head -1
		ldd --version | head -1
		$PY "$dir/thread_scaling_np.py" info
	} >"$res/machine.txt" 2>&1
	if [ -z "${SKIP_PEAK:-}" ] && [ -f "$dir/peak.c" ] && gcc -O3 -march=native -fopenmp "$dir/peak.c" -o /tmp/einc_peak 2>"$res/peak.err"; then
		/tmp/einc_peak >"$res/peak.txt" 2>&1 || true
	fi
	bin=/tmp/einc_aot_bin
	mkdir -p "$bin"
	: >"$res/results.txt"
	maxt=$(echo $threads | tr ' ' '\n' | sort -n | tail -1)
	while IFS=';' read -r name spec dims dtype flop; do
		elem=float
		[ "$dtype" = f64 ] && elem=double
		gcc -O2 -DELEM=$elem -include "$dir/$cpu/$name.h" "$dir/aot_time.c" \
			"$dir/$cpu/$name.o" "$dir/libeinc_rt.a" -lpthread -lm -o "$bin/$name"
		mkdir -p "/tmp/einc_dump/$name"
		EINC_NUM_THREADS=$maxt "$bin/$name" "$flop" 0 "/tmp/einc_dump/$name" >/dev/null
		$PY "$dir/thread_scaling_np.py" check "$dir/cases.txt" "$name" "/tmp/einc_dump/$name" \
			| tee -a "$res/results.txt" || echo "check $name: FAIL (exit status)" >>"$res/results.txt"
		rm -rf "/tmp/einc_dump/$name"
	done <"$dir/cases.txt"
	# ROUNDS sweeps over the thread counts, every other one in reverse order;
	# the tables take each point's best round and show the spread
	rounds=${ROUNDS:-1}
	rev=$(echo $threads | tr ' ' '\n' | sort -rn | tr '\n' ' ')
	fwd=$(echo $threads | tr ' ' '\n' | sort -n | tr '\n' ' ')
	r=1
	while [ "$r" -le "$rounds" ]; do
		order=$fwd
		[ $((r % 2)) -eq 0 ] && order=$rev
		for t in $order; do
			while IFS=';' read -r name spec dims dtype flop; do
				printf 'einc %s ' "$name" >>"$res/results.txt"
				EINC_NUM_THREADS=$t "$bin/$name" "$flop" "$MIN_S" >>"$res/results.txt"
			done <"$dir/cases.txt"
			OPENBLAS_NUM_THREADS=$t OMP_NUM_THREADS=$t MKL_NUM_THREADS=$t \
				$PY "$dir/thread_scaling_np.py" time "$dir/cases.txt" "$MIN_S" >>"$res/results.txt"
			echo "round $r threads $t done"
		done
		r=$((r + 1))
	done
	$PY "$dir/thread_scaling_np.py" table "$dir/cases.txt" "$res/results.txt" >"$res/table.md"
	cat "$res/table.md"
	;;
*)
	echo "usage: thread_scaling.sh build DIR [CPU ...] | run DIR RESULTS_DIR [THREADS ...]" >&2
	exit 2
	;;
esac
