#!/usr/bin/env bash
# mpi_scaling.sh BUILD [ROUNDS]: einc-mpi's scaling from 1 to 2 ranks (one
# thread each) on a compute-bound sliced einsum, beside the 2-vs-1 scaling
# of ../shared/bench/perf/peak.c's AVX2 FP32 FMA loop, measured in the same
# run, alternating (rounds of: 1 rank, 2 ranks, peak); best of ROUNDS
# (default 3); then the same output with j=1, to price the gather alone.
# A tool, not a test: docs/slicing.md quotes it. The times are einc-mpi's
# own "time:" line: the slowest rank's slices and the combine, not the
# compile each rank does first.
set -eu
build=$1 rounds=${2:-3}
here=$(cd "$(dirname "$0")" && pwd)
peak_src=$here/../../shared/bench/perf/peak.c
peak=$(mktemp /tmp/19-peak.XXXXXX)
trap 'rm -f "$peak" "$peak.c"' EXIT
# peak.c also times AVX-512 loops, which neither compile nor run on a CPU
# without AVX-512 (znver3): its zmm FMA loops are left out and its read
# loop is made AVX2 (its figures are not used here); the ymm FMA loops,
# the ones read below, are peak.c's own.
sed -e '/fma_zmm_p[sd]/d' -e 's/__m512d/__m256d/; s/_mm512_\(setzero\|add\|load\)_pd/_mm256_\1_pd/g' \
    -e 's/_mm512_reduce_add_pd(s\[0\])/s[0][0]/' "$peak_src" >"$peak.c"
gcc -O3 -march=native -fopenmp "$peak.c" -o "$peak"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# 16 slices, each a 768^3 GEMM (14.5 GFLOP in all); the output sliced
spec='xij,jk->xik' dims=x=16,i=768,j=768,k=768
mpi() { # mpi NP [DIMS]: the time line's milliseconds
  mpirun --oversubscribe --bind-to none --mca btl self,vader -np "$1" \
    "$build/einc-mpi" --threads 1 "$spec" -d "${2:-$dims}" --slice=x | sed -n 's/^time: \([0-9.]*\) ms.*/\1/p'
}
best1= best2= p1= p2=
for _ in $(seq "$rounds"); do
  t1=$(mpi 1) t2=$(mpi 2)
  out=$("$peak" 20000000 1024 2>/dev/null | grep 'ymm FP32 (AVX2)')
  f1=$(printf '%s\n' "$out" | sed -n 's/.*threads=1 *best *\([0-9.]*\).*/\1/p')
  f2=$(printf '%s\n' "$out" | sed -n 's/.*threads=2 *best *\([0-9.]*\).*/\1/p')
  echo "round: 1 rank $t1 ms, 2 ranks $t2 ms; peak FMA 1 thread $f1, 2 threads $f2 GFLOP/s"
  best1=$(printf '%s\n%s\n' "$best1" "$t1" | grep . | sort -g | head -n1)
  best2=$(printf '%s\n%s\n' "$best2" "$t2" | grep . | sort -g | head -n1)
  p1=$(printf '%s\n%s\n' "$p1" "$f1" | grep . | sort -g | tail -n1)
  p2=$(printf '%s\n%s\n' "$p2" "$f2" | grep . | sort -g | tail -n1)
done
# the combine alone: the same output (16 x 768 x 768 floats, half of it
# gathered from rank 1: 18.9 MB) with j=1, where the slices do almost no
# work; best of ROUNDS
g1= g2=
for _ in $(seq "$rounds"); do
  g1=$(printf '%s\n%s\n' "$g1" "$(mpi 1 x=16,i=768,j=1,k=768)" | grep . | sort -g | head -n1)
  g2=$(printf '%s\n%s\n' "$g2" "$(mpi 2 x=16,i=768,j=1,k=768)" | grep . | sort -g | head -n1)
done
echo "the same output with j=1 (no work to speak of): 1 rank $g1 ms, 2 ranks $g2 ms (the gather's share)"
awk -v t1="$best1" -v t2="$best2" -v p1="$p1" -v p2="$p2" 'BEGIN {
  s = t1 / t2; q = p2 / p1
  printf "einc-mpi %s: 1 rank %.1f ms, 2 ranks %.1f ms: %.2fx (%.1f GFLOP/s on 2)\n",
    "xij,jk->xik", t1, t2, s, 14.496 / (t2 / 1000)
  printf "peak.c AVX2 FP32 FMA: 1 thread %.1f, 2 threads %.1f GFLOP/s: %.2fx\n", p1, p2, q
  printf "einc-mpi scaling / peak scaling: %.2f\n", s / q }'
