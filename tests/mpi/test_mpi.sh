#!/usr/bin/env bash
# test_mpi.sh EINC_MPI MPIEXEC PYTHON: einc-mpi under mpirun with 1 to 4
# ranks (more ranks than slices included): results checked against the
# unsliced kernel (--check) and, from .npy files, against numpy.einsum;
# the same bits on every run for a fixed rank count; bad input and a
# failing rank end every rank with a clear error, within a timeout.
set -u
mpi=$1 mpiexec=$2 py=$3
fails=0 passes=0
dir=$(mktemp -d /tmp/19-mpi.XXXXXX)
trap 'rm -rf "$dir"' EXIT
# as root (CI) Open MPI must be told; shared memory and self only
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1
# run NP ARGS...: einc-mpi on NP ranks, bounded in time ($limit seconds:
# long enough for a loaded machine, short beside the suite's 900)
limit=120
run() {
  local np=$1; shift
  timeout "$limit" "$mpiexec" --oversubscribe --bind-to none --mca btl self,vader -np "$np" \
    "$mpi" --threads 1 "$@"
}
ok() { passes=$((passes + 1)); }
bad() { printf 'FAIL: %s\n' "$*"; fails=$((fails + 1)); }

# expect_ok NP PATTERN ARGS...: exit 0 and stdout matching PATTERN
expect_ok() {
  local np=$1 pat=$2; shift 2
  local out
  if out=$(run "$np" "$@" 2>&1) && printf '%s\n' "$out" | grep -Eq "$pat"; then ok; else
    bad "-np $np $*: want $pat, got: $out"; fi
}

# expect_err NP STATUS MESSAGE ARGS...: exit STATUS (a nonzero one from
# mpirun when it is "fail") and MESSAGE once on stderr
expect_err() {
  local np=$1 want=$2 msg=$3; shift 3
  local err rc
  err=$(run "$np" "$@" 2>&1 >/dev/null); rc=$?
  local count; count=$(printf '%s\n' "$err" | grep -cF -- "$msg")
  if [ "$rc" = 124 ]; then bad "-np $np $*: timed out (a hang)"
  elif { [ "$want" = fail ] && [ "$rc" = 0 ]; } || { [ "$want" != fail ] && [ "$rc" != "$want" ]; }; then
    bad "-np $np $*: want status $want, got $rc: $err"
  elif [ "$count" != 1 ]; then bad "-np $np $*: want '$msg' once on stderr, got: $err"
  else ok; fi
}

checked='^check: .*: ok$'
for np in 1 2 3 4; do
  expect_ok $np "$checked" --check 'ij,jk,kl->il' -d i=9,j=10,k=11,l=7 --target-slices 6
  expect_ok $np "$checked" --check -t f64 'ij,jk,kl->il' -d i=9,j=10,k=11,l=7 --slice=j,l
  # 3 slices: with 4 ranks one has none
  expect_ok $np "slices: 3 over $np ranks" --check 'ij,jk->ik' -d i=5,j=3,k=4 --slice=j
  # output labels alone: the parts gathered (MPI_Gatherv, MPI_Allgatherv)
  expect_ok $np "$checked" --check 'ij,jk->ik' -d i=5,j=3,k=4 --slice=i
  expect_ok $np "$checked" --check --allreduce 'ij,jk->ik' -d i=5,j=3,k=4 --slice=i,k
  expect_ok $np "$checked" --check --allreduce 'ij,jk,kl->il' -d i=9,j=10,k=11,l=7 --slice=i,k
  # complex and integer dtypes: summed labels (MPI_Reduce) and output ones
  # alone (gathered), by their MPI datatypes
  for t in c64 c128 i32 i64; do
    expect_ok $np "$checked" --check -t $t 'ij,jk,kl->il' -d i=9,j=10,k=11,l=7 --slice=j,l
    expect_ok $np "$checked" --check --allreduce -t $t 'ij,jk->ik' -d i=5,j=3,k=4 --slice=i
  done
done
# a PEPS amplitude of the corpus, sliced for 1/64 of its largest intermediate
corpus=$(dirname "$0")/../../../shared/bench/corpus_public.txt
if [ -f "$corpus" ]; then
  # its slicing search re-solves subtrees (1.4 s of CPU a rank in a
  # release build, 20 s under ASan; 0.9 s since the memo of DPs): two
  # ranks at a load of 16 took more than 120 s
  line=$(grep -A1 '^# pub-026 ' "$corpus" | tail -n1)
  limit=400 expect_ok 2 "$checked" --check "${line%% ; *}" -d "${line##* ; }" --target-size 64
else
  echo "mpi: corpus case skipped: no $corpus"
fi

# einc --run's code options pass through: -O, -march, --max-intermediate,
# and --budget (slicing chosen over the unsliced plan's spills, which the
# check runs)
cyc7='ab,bc,cd,de,ef,fg,ga->'; d7=a=64,b=16,c=64,d=64,e=2,f=2,g=32
expect_ok 2 "$checked" --check -O1 -march=x86-64-v3 'ij,jk,kl->il' -d i=9,j=10,k=11,l=7 --slice=j
expect_ok 2 "$checked" --check -O0 -mcpu=x86-64 --max-intermediate 128 --slice=e "$cyc7" -d $d7
expect_ok 2 "slices: 2 over 2 ranks" --check --budget 640 --slice=auto "$cyc7" -d $d7
expect_ok 2 "$checked" --check --budget 640 --slice=auto "$cyc7" -d $d7

# the same bits on every run with 3 ranks
run 3 'ij,jk,kl->il' -d i=30,j=40,k=50,l=20 --target-slices 7 --out "$dir/a.npy" >/dev/null
run 3 'ij,jk,kl->il' -d i=30,j=40,k=50,l=20 --target-slices 7 --out "$dir/b.npy" >/dev/null
if cmp -s "$dir/a.npy" "$dir/b.npy"; then ok; else bad "two runs on 3 ranks differ"; fi

# .npy in and out against numpy.einsum, every dtype (integers large
# enough to wrap around, as numpy's do)
for dt in float32 float64 complex64 complex128 int32 int64; do
  "$py" - "$dir" "$dt" <<'PY'
import sys, numpy as np
d, dt = sys.argv[1], sys.argv[2]
r = np.random.default_rng(5)
for name, shape in (("x", (6, 7)), ("y", (7, 8, 5)), ("z", (5, 9))):
    if dt.startswith("int"):
        a = r.integers(-2**24, 2**24, shape)  # a product of three is 2^72
    else:
        a = r.standard_normal(shape)
        if dt.startswith("complex"):
            a = a + 1j * r.standard_normal(shape)
    np.save(f"{d}/{name}.npy", a.astype(dt))
PY
  case $dt in float32) t=f32 ;; float64) t=f64 ;; complex64) t=c64 ;; complex128) t=c128 ;;
    int32) t=i32 ;; int64) t=i64 ;; esac
  for np_ in 1 3; do
    rm -f "$dir/o.npy"
    run $np_ -t $t 'ij,jkl,lm->ikm' -d i=6,j=7,k=8,l=5,m=9 --slice=j,k --in "$dir/x.npy" \
      --in "$dir/y.npy" --in "$dir/z.npy" --out "$dir/o.npy" >/dev/null
    if "$py" - "$dir" "$dt" <<'PY'
import sys, numpy as np
d, dt = sys.argv[1], sys.argv[2]
x, y, z, o = (np.load(f"{d}/{n}.npy") for n in ("x", "y", "z", "o"))
want = np.einsum("ij,jkl,lm->ikm", x, y, z)
tol = {"float32": 1e-4, "complex64": 1e-4, "float64": 1e-10, "complex128": 1e-10}.get(dt, 0)
ok = o.dtype == np.dtype(dt) and o.shape == want.shape
if dt.startswith("int"):  # exact, and the true sums do overflow the dtype
    exact = np.einsum("ij,jkl,lm->ikm", *(a.astype(float) for a in (x, y, z)))
    ok = ok and (o == want).all() and np.abs(exact).max() >= 2.0 ** (8 * o.itemsize - 1)
else:
    ok = ok and np.abs(o - want).max() <= tol * np.abs(want).max()
sys.exit(0 if ok else 1)
PY
    then ok; else bad "$dt on $np_ ranks: the .npy result differs from numpy.einsum"; fi
  done
done

# the run's buffers on huge pages (einc-mpi's output buffers, taken before
# the timed run, and the slices' part buffer of einc_kernel_run_slices):
# 16 slices of a 768x768 output, summed (2.4 MB) and gathered (37.7 MB),
# on one rank take under a quarter of one output's 4 KiB pages in page
# faults more than the same run of an 8x8 output (each took one fault a
# page of every buffer, 3 to 4 outputs' worth, where this VM's hypervisor
# takes each fault: 2026-12-05, 20 us a fault). Where the kernel gives
# no transparent huge pages, or under the sanitizers (whose allocator and
# shadow memory take 4 KiB pages of their own), there is nothing to check.
faults() { # faults ARGS...: the minor page faults of an einc-mpi run on one rank
  "$py" -c 'import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_minflt)' \
    timeout "$limit" "$mpiexec" --bind-to none --mca btl self,vader -np 1 "$mpi" --threads 1 "$@"
}
if [ -n "${EINC_SANITIZED:-}" ]; then
  echo "mpi: page-fault case skipped: a sanitizer build"
elif grep -qE '\[(always|madvise)\]' /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null; then
  for spec in 'xij,xjk->ik' 'xij,jk->xik'; do
    small=$(faults "$spec" -d x=16,i=8,j=1,k=8 --slice=x)
    big=$(faults "$spec" -d x=16,i=768,j=1,k=768 --slice=x)
    case $spec in *'->ik') pages=576 ;; *) pages=9216 ;; esac
    if [ -n "$small" ] && [ -n "$big" ] && [ $((big - small)) -lt $((pages / 4)) ]; then ok; else
      bad "$spec on one rank: $big page faults, $small for an 8x8 output (want under $((pages / 4)) more)"
    fi
  done
else
  echo "mpi: page-fault case skipped: no transparent huge pages"
fi

# bad input: once, from one rank, every rank stopped
expect_err 2 1 "no such label in the spec" 'ij,jk->ik' -d i=2,j=3,k=4 --slice=q
expect_err 3 1 "no slicing reaches a target size of 2 bytes" 'ij,jk->ik' -d i=2,j=3,k=4 --target-size 2
expect_err 2 1 "cannot open '$dir/none.npy'" 'ij,jk->ik' -d i=2,j=3,k=4 --slice=j --in "$dir/none.npy" --in "$dir/none.npy"
expect_err 2 1 "operand 0 of the spec is float32 of shape (2, 3)" 'ij,jk->ik' -d i=2,j=3,k=4 --slice=j --in "$dir/x.npy" --in "$dir/x.npy"
# the last files written are int64: not a c64 operand, even of its shape
expect_err 2 1 "'$dir/x.npy' is a int64 array of shape (6, 7); operand 0 of the spec is complex64 of shape (6, 7)" -t c64 'ij,jk->ik' -d i=6,j=7,k=4 --slice=j --in "$dir/x.npy" --in "$dir/x.npy"
expect_err 1 2 "no SPEC given" -d i=2
# .npy files einc-mpi does not read: named, with what they hold
"$py" -c 'import sys, numpy as np
d = sys.argv[1]
np.save(d + "/be.npy", np.ones((2, 3), ">f8"))
np.save(d + "/fo.npy", np.asfortranarray(np.ones((2, 3))))
np.save(d + "/st.npy", np.zeros(3, [("a", "<f8"), ("b", "<i4")]))
open(d + "/v9.npy", "wb").write(b"\x93NUMPY\x09\x00")
open(d + "/v1.npy", "wb").write(b"\x93NUMPY\x01\x00\x10")' "$dir"
for bad in "be|'$dir/be.npy' holds dtype '>f8' (expected '<f4'" "fo|'$dir/fo.npy' is in Fortran order" \
    "st|'$dir/st.npy' holds dtype [('a', '<f8'), ('b', '<i4')] (expected" \
    "v9|'$dir/v9.npy' is of .npy version 9 (expected 1, 2 or 3)" \
    "v1|the .npy header of '$dir/v1.npy' is cut short"; do
  f=$dir/${bad%%|*}.npy
  expect_err 2 1 "${bad#*|}" -t f64 'ij,jk->ik' -d i=2,j=3,k=4 --slice=j --in "$f" --in "$f"
done
expect_err 2 2 "unknown optimization level '-O7'" -O7 'ij,jk->ik' -d i=2,j=3,k=4
expect_err 2 2 "expected -march=CPU or -mcpu=CPU" -mtune=znver3 'ij,jk->ik' -d i=2,j=3,k=4
expect_err 2 1 "unknown CPU 'nocpu'" -march=nocpu 'ij,jk->ik' -d i=2,j=3,k=4 --slice=j
expect_err 2 2 "--budget" --budget=-1 'ij,jk->ik' -d i=2,j=3,k=4
# the flags einc-mpi shares with einc read their values the same way
# (tools/compile_flags.c): same messages, --threads 0 is the default
expect_err 2 2 "unknown method 'bogus' for --path (expected auto, exact, greedy, refine or ltr)" --path=bogus 'ij,jk->ik' -d i=2,j=3,k=4
expect_err 2 2 "--max-overhead: '0.5' is not a ratio of at least 1 (expected a number as 1.5)" --max-overhead 0.5 'ij,jk->ik' -d i=2,j=3,k=4
expect_err 2 2 "unknown dtype 'f16' (expected" -t f16 'ij,jk->ik' -d i=2,j=3,k=4
expect_err 2 2 "--threads: 1025 is out of range: a thread count is an integer from 0 to 1024" --threads 1025 'ij,jk->ik' -d i=2,j=3,k=4
expect_ok 2 "$checked" --check --threads 0 --path=greedy 'ij,jk->ik' -d i=5,j=3,k=4 --slice=j
expect_err 2 1 "the budget is 64" --budget 64 'ij,jk,kl->il' -d i=20,j=30,k=40,l=20 --slice=j
expect_err 2 1 "within max_intermediate" --max-intermediate 2 'ij,jk,kl->il' -d i=9,j=10,k=11,l=7 --slice=j
# a failing rank: the others stop too, nobody hangs
expect_err 3 fail "einc-mpi: rank 1: error: run: slices" 'ij,jk->ik' -d i=4,j=6,k=5 --slice=j --fail-rank 1

echo "mpi: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
