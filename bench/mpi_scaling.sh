#!/usr/bin/env bash
# mpi_scaling.sh BUILD [ROUNDS [BIND]]: einc-mpi's scaling from 1 to 2 ranks (one
# thread each) beside the 2-vs-1 scaling of ../shared/bench/perf/peak.c's
# widest FP32 FMA loop (zmm where the CPU has AVX-512, else ymm), measured in the same run, alternating (rounds of:
# summed 1 rank, 2 ranks, gathered 1 rank, 2 ranks, peak), every round
# printed with its own ratio to peak.c's scaling; then the best of ROUNDS
# (default 3) and the median of the rounds' ratios (a round's runs share
# the machine's load); then each case's output with j=1, to price the
# combine alone. Two cases, both 16 slices of a 768^3 GEMM
# (14.5 GFLOP in all):
#   summed   xij,xjk->ik sliced on x (a summed label): the combine is an
#            MPI_Reduce of the 2.4 MB output: the compute-bound case;
#   gathered xij,jk->xik sliced on x (an output label): the combine is an
#            MPI_Gatherv of half the 37.7 MB output and its placing.
# BIND is mpirun's --bind-to (default none; core pins each rank to a core).
# A tool, not a test: docs/slicing.md quotes it. The times are einc-mpi's
# own "time:" line: the slowest rank's slices and the combine, not the
# compile each rank does first.
set -eu
build=$1 rounds=${2:-3} bind=${3:-none}
here=$(cd "$(dirname "$0")" && pwd)
peak_src=$here/../../shared/bench/perf/peak.c
peak=$(mktemp /tmp/19-peak.XXXXXX)
trap 'rm -f "$peak" "$peak.c"' EXIT
# peak.c also times AVX-512 loops, which neither compile nor run on a CPU
# without AVX-512 (znver3): there its zmm FMA loops are left out and its
# read loop is made AVX2 (its figures are not used here), and the ymm FP32
# FMA loop is the one read below; on an AVX-512 CPU peak.c runs as it is
# and its zmm FP32 loop is read.
if grep -qw avx512f /proc/cpuinfo; then
  cp "$peak_src" "$peak.c"
  loop='zmm FP32 (AVX-512)'
else
  sed -e '/fma_zmm_p[sd]/d' -e 's/__m512d/__m256d/; s/_mm512_\(setzero\|add\|load\)_pd/_mm256_\1_pd/g' \
      -e 's/_mm512_reduce_add_pd(s\[0\])/s[0][0]/' "$peak_src" >"$peak.c"
  loop='ymm FP32 (AVX2)'
fi
gcc -O3 -march=native -fopenmp "$peak.c" -o "$peak"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
specs=('xij,xjk->ik' 'xij,jk->xik') names=(summed gathered)
mpi() { # mpi NP CASE [J]: the time line's milliseconds
  mpirun --oversubscribe --bind-to "$bind" --mca btl self,vader -np "$1" \
    "$build/einc-mpi" --threads 1 "${specs[$2]}" -d "x=16,i=768,j=${3:-768},k=768" --slice=x |
    sed -n 's/^time: \([0-9.]*\) ms.*/\1/p'
}
least() { printf '%s\n' "$@" | grep . | sort -g | head -n1; }
most() { printf '%s\n' "$@" | grep . | sort -g | tail -n1; }
declare -a b1=('' '') b2=('' '') r=('' '')
p1= p2=
for _ in $(seq "$rounds"); do
  line=round:
  declare -a t1 t2
  for c in 0 1; do
    t1[$c]=$(mpi 1 "$c") t2[$c]=$(mpi 2 "$c")
    b1[$c]=$(least "${b1[$c]}" "${t1[$c]}") b2[$c]=$(least "${b2[$c]}" "${t2[$c]}")
    line="$line ${names[$c]} 1 rank ${t1[$c]} ms, 2 ranks ${t2[$c]} ms;"
  done
  out=$("$peak" 20000000 1024 2>/dev/null | grep -F "$loop")
  f1=$(printf '%s\n' "$out" | sed -n 's/.*threads=1 *best *\([0-9.]*\).*/\1/p')
  f2=$(printf '%s\n' "$out" | sed -n 's/.*threads=2 *best *\([0-9.]*\).*/\1/p')
  p1=$(most "$p1" "$f1") p2=$(most "$p2" "$f2")
  for c in 0 1; do
    r[$c]="${r[$c]} $(awk -v a="${t1[$c]}" -v b="${t2[$c]}" -v f="$f1" -v g="$f2" \
      'BEGIN { printf "%.3f", (a / b) / (g / f) }')"
  done
  echo "$line peak FMA 1 thread $f1, 2 threads $f2 GFLOP/s; / peak scaling: summed" \
    "${r[0]##* }, gathered ${r[1]##* }"
done
# the combine alone: each case's output with j=1, where the slices do
# almost no work; best of ROUNDS
for c in 0 1; do
  g1= g2=
  for _ in $(seq "$rounds"); do
    g1=$(least "$g1" "$(mpi 1 "$c" 1)") g2=$(least "$g2" "$(mpi 2 "$c" 1)")
  done
  echo "${names[$c]}, the same output with j=1 (no work to speak of): 1 rank $g1 ms, 2 ranks $g2 ms"
done
for c in 0 1; do
  med=$(printf '%s\n' ${r[$c]} | sort -g | awk '{ v[NR] = $1 } END {
    print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
  awk -v t1="${b1[$c]}" -v t2="${b2[$c]}" -v p1="$p1" -v p2="$p2" -v n="${names[$c]}" \
      -v s="${specs[$c]}" -v med="$med" 'BEGIN {
    printf "einc-mpi %s %s: best 1 rank %.1f ms, 2 ranks %.1f ms: %.2fx (%.1f GFLOP/s on 2); ",
      n, s, t1, t2, t1 / t2, 14.496 / (t2 / 1000)
    printf "/ best peak scaling: %.2f; median of the rounds: %.2f\n", (t1 / t2) / (p2 / p1), med }'
done
awk -v p1="$p1" -v p2="$p2" -v loop="$loop" 'BEGIN {
  printf "peak.c %s FMA: 1 thread %.1f, 2 threads %.1f GFLOP/s: %.2fx\n", loop, p1, p2, p2 / p1 }'
