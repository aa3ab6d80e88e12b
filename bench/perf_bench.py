#!/usr/bin/python3
"""einc against numpy.einsum(optimize=True) on the performance suite.

Usage:
  /usr/bin/python3 bench/perf_bench.py [SUITE] [--tool build/bench/perf_bench]
                              [--threads 1] [--only gemm,bmm] [--markdown] [--repeat 1]
                              [--scaling]
                              [--peak ../shared/bench/perf/peak.c]

SUITE defaults to ../shared/bench/perf_suite.txt next to the repository
(outside the repository: README.md, Layout; format: name ; spec ; sizes ; dtype [; kind=mem]);
bench/dtype_suite.txt holds the complex and integer cases. DTYPE is any of
einc's (f32, f64, c64, c128, i32, i64). For each case the script
draws the operands (numpy, fixed seed), writes them raw to a temporary
directory, and runs perf_bench (einc's JIT on --threads threads through
EINC_NUM_THREADS), which times the compiled kernel and writes its result back; the result is checked against
numpy (rtol 1e-3 f32 and c64 / 1e-9 f64 and c128, atol scaled by max
|result|; integers exactly). numpy.einsum with optimize=True is then timed
in the same process with the same rule (one warm-up, then runs until 0.5 s
and 3 runs, at most 50), and numpy.matmul too where the spec is a (batched)
matrix product: BLAS's sgemm, dgemm, cgemm, zgemm, or numpy's own loops for
integers. GFLOP/s use the FLOPs of the optimal pairwise path
(numpy.einsum_path, no size limit), as the suite defines them: opt_einsum's
convention, in which a complex multiply-add counts as a real one (it is 4
real ones); the kind=mem cases also get GB/s of compulsory
traffic. --threads (default 1) sets einc's threads and numpy's BLAS threads;
--repeat N times each case N times, einc and numpy alternating, and keeps
the best of each (for a machine that others load). --scaling times einc
alone on 1 thread and on --threads threads, alternating the two --repeat
times per case, and prints the ratio of the best times: the 1 -> N thread
scaling measured in one run.
With --peak, the script first compiles and runs that peak.c (gcc -O3
-march=native -fopenmp) and adds each case's share of the machine's limit
measured there at the same thread count: the zmm FMA peak of the dtype (a
complex one's real flops, 4 per counted flop, against its parts' peak; none
for integers), or for kind=mem the read bandwidth (the write bandwidth for
outer products).
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("suite", nargs="?",
                    default=os.path.join(REPO, "..", "shared", "bench", "perf_suite.txt"))
    ap.add_argument("--tool", default=os.path.join(REPO, "build", "bench", "perf_bench"))
    ap.add_argument("--threads", default="1",
                    help="threads for einc and numpy's BLAS (default 1)")
    ap.add_argument("--peak", default="", help="peak.c to compile and run first")
    ap.add_argument("--only", default="", help="comma-separated case names")
    ap.add_argument("--markdown", action="store_true", help="print a Markdown table")
    ap.add_argument("--repeat", type=int, default=1,
                    help="time einc and numpy this many times each, alternating, keep the best")
    ap.add_argument("--scaling", action="store_true",
                    help="time einc alone on 1 thread and on --threads, alternating, "
                         "and print the ratio")
    return ap.parse_args()


ARGS = parse_args()
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "EINC_NUM_THREADS"):
    os.environ[var] = ARGS.threads
import numpy as np  # noqa: E402  (after the thread variables)

import blas_kernels  # noqa: E402  (bench/, after numpy)

MIN_TIME = 0.5


def parse_suite(path):
    """The suite's cases: name, spec, sizes, dtype, kind."""
    cases = []
    for line in open(path, encoding="utf-8"):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        f = [x.strip() for x in line.split(";")]
        kind = "flop"
        for extra in f[4:]:
            if extra.startswith("kind="):
                kind = extra[5:]
        sizes = {k: int(v) for k, v in (kv.split("=") for kv in f[2].split(","))}
        cases.append(dict(name=f[0], spec=f[1], dims=f[2], sizes=sizes, dtype=f[3], kind=kind))
    return cases


# einc's dtype names as numpy dtypes.
DTYPES = {"f32": np.float32, "f64": np.float64, "c64": np.complex64, "c128": np.complex128,
          "i32": np.int32, "i64": np.int64}

# Specs numpy.matmul computes: a matrix product, batched or not, its labels
# renamed in order of first appearance (canonical_labels).
MATMULS = ("ab,bc->ac", "abc,acd->abd")


def canonical_labels(spec):
    """The spec with its labels renamed a, b, c, ... in order of first
    appearance: zij,zjk->zik and bij,bjk->bik are both abc,acd->abd."""
    names = {}
    for c in spec:
        if c.isalpha() and c not in names:
            names[c] = chr(ord("a") + len(names))
    return "".join(names.get(c, c) for c in spec)


def make_operands(case, rng):
    """Random operands (standard normal, each part of a complex; integers
    in -100 .. 100) and the output shape."""
    dt = np.dtype(DTYPES[case["dtype"]])
    ins, out = case["spec"].split("->")
    ops = []
    for term in ins.split(","):
        shape = tuple(case["sizes"][c] for c in term)
        if dt.kind == "i":
            ops.append(rng.integers(-100, 101, size=shape).astype(dt))
        elif dt.kind == "c":
            ops.append((rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(dt))
        else:
            ops.append(rng.standard_normal(shape).astype(dt))
    return ops, tuple(case["sizes"][c] for c in out)


def opt_flops(spec, ops):
    """FLOPs of the optimal pairwise path with no intermediate-size limit."""
    info = np.einsum_path(spec, *ops, optimize=("optimal", 1e18))[1]
    for ln in info.splitlines():
        if "Optimized FLOP count" in ln:
            return float(ln.split(":")[1])
    raise RuntimeError("no FLOP count")


def compulsory_bytes(case, ops, oshape):
    """Inputs read once plus the output written once (trace: the diagonal only)."""
    if case["spec"] == "ii->":
        return case["sizes"]["i"] * 64 + ops[0].itemsize
    return sum(o.nbytes for o in ops) + int(np.prod(oshape, dtype=np.int64)) * ops[0].itemsize


def timeit(fn):
    """Best and median seconds of repeated calls after one warm-up."""
    fn()
    ts, total = [], 0.0
    while True:
        t0 = time.perf_counter()
        fn()
        t = time.perf_counter() - t0
        ts.append(t)
        total += t
        if t > 5.0 or (total >= MIN_TIME and len(ts) >= 3) or len(ts) >= 50:
            break
    ts.sort()
    return ts[0], ts[len(ts) // 2]


def run_peak(tmp):
    """Compiles and runs peak.c; its best figures at --threads threads:
    {"f32": GFLOP/s, "f64": GFLOP/s, "read": GB/s, "write": GB/s}."""
    exe = os.path.join(tmp, "peak")
    subprocess.run(["gcc", "-O3", "-march=native", "-fopenmp", ARGS.peak, "-o", exe],
                   check=True)
    env = dict(os.environ, OMP_NUM_THREADS=str(os.cpu_count()))
    out = subprocess.run([exe], capture_output=True, text=True, check=True, env=env).stdout
    sys.stderr.write(out)
    peak, want = {}, f"threads={ARGS.threads} "
    for ln in out.splitlines():
        if want not in ln + " ":
            continue
        best = float(ln.split("best")[1].split()[0])
        for key, tag in (("f32", "zmm FP32"), ("f64", "zmm FP64"), ("read", "read "),
                         ("write", "write ")):
            if ln.strip().startswith(tag.strip()) and (tag.endswith(" ") or tag in ln):
                peak[key] = best
    return peak


def write_operands(ops, tmp):
    """Writes the operands raw to tmp/in0.bin, tmp/in1.bin, ... for perf_bench."""
    for k, op in enumerate(ops):
        np.ascontiguousarray(op).tofile(os.path.join(tmp, f"in{k}.bin"))


def run_einc(case, ops, oshape, tmp, threads=None):
    """Runs perf_bench on the operands written to tmp (on "threads" threads,
    default --threads); returns its fields and its result."""
    env = dict(os.environ, EINC_NUM_THREADS=str(threads or ARGS.threads))
    r = subprocess.run([ARGS.tool, case["spec"], case["dims"], case["dtype"], tmp],
                       capture_output=True, text=True, check=False, env=env)
    if r.returncode != 0:
        raise RuntimeError(f"perf_bench failed on {case['name']}: {r.stderr.strip()}")
    fields = dict(kv.split("=") for kv in r.stdout.split())
    out = np.fromfile(os.path.join(tmp, "out.bin"), dtype=ops[0].dtype).reshape(oshape)
    return fields, out


def matches(case, got, want):
    """Whether einc's result "got" is numpy's "want" within the dtype's
    tolerance (integers: equal)."""
    if got.dtype.kind == "i":
        return np.array_equal(got, want)
    tol = 1e-3 if got.real.dtype == np.float32 else 1e-9
    scale = max(1.0, float(np.max(np.abs(want))))
    return np.allclose(got, want, rtol=tol, atol=tol * scale * 10)


def print_row(row):
    """Prints one row of the table (Markdown with --markdown, else tab-separated)."""
    print(("| " + " | ".join(row) + " |") if ARGS.markdown else "\t".join(row), flush=True)


def print_head(head):
    """Prints the table's head row, and with --markdown the rule under it."""
    print_row(head)
    if ARGS.markdown:
        print("|" + "---|" * len(head))


def spec_cell(case):
    """The case's spec as a table cell (code in Markdown)."""
    return f"`{case['spec']}`" if ARGS.markdown else case["spec"]


def scaling_main(cases, rng):
    """--scaling: einc's best time on 1 thread and on --threads threads,
    the two alternating --repeat times per case, and their ratio."""
    n = ARGS.threads
    head = ["case", "spec", "dtype", "einc ms 1 thread", f"einc ms {n} threads",
            "scaling", "check"]
    print_head(head)
    ok_all = True
    with tempfile.TemporaryDirectory() as tmp:
        for case in cases:
            ops, oshape = make_operands(case, rng)
            want = np.einsum(case["spec"], *ops, optimize=True)
            write_operands(ops, tmp)
            best, ok = {}, True
            for _ in range(ARGS.repeat):
                for t in ("1", n):
                    f, got = run_einc(case, ops, oshape, tmp, t)
                    best[t] = min(best.get(t, float("inf")), float(f["ms_best"]))
                    ok = ok and matches(case, got, want)
            ok_all = ok_all and ok
            print_row([case["name"], spec_cell(case), case["dtype"], f"{best['1']:.4g}",
                       f"{best[n]:.4g}", f"{best['1'] / best[n]:.2f}x",
                       "ok" if ok else "MISMATCH"])
    return 0 if ok_all else 1


def main():
    if not os.access(ARGS.tool, os.X_OK):
        sys.exit(f"perf_bench: no tool at {ARGS.tool} (build it, or pass --tool)")
    only = set(filter(None, ARGS.only.split(",")))
    rng = np.random.default_rng(12345)
    cases = [c for c in parse_suite(ARGS.suite) if not only or c["name"] in only]
    if ARGS.scaling:
        return scaling_main(cases, rng)
    head = ["case", "spec", "dtype", "einc ms", "einc GFLOP/s", "numpy ms", "numpy GFLOP/s",
            "einc / numpy time", "numpy matmul ms", "einc / matmul time", "einc GB/s",
            "numpy GB/s", "compile ms", "check"]
    peak = {}
    if ARGS.peak:
        with tempfile.TemporaryDirectory() as tmp:
            peak = run_peak(tmp)
        print(f"peak at {ARGS.threads} thread(s): " +
              ", ".join(f"{k} {v:.1f}" for k, v in sorted(peak.items())) +
              " (GFLOP/s; GB/s)", flush=True)
        head[13:13] = ["einc % peak", "numpy % peak"]
    print(blas_kernels.describe(), flush=True)
    rows = []
    print_head(head)
    with tempfile.TemporaryDirectory() as tmp:
        for case in cases:
            ops, oshape = make_operands(case, rng)
            flops = opt_flops(case["spec"], ops)
            nbytes = compulsory_bytes(case, ops, oshape)
            out = np.empty(oshape, ops[0].dtype)
            fields, got, ems, best = None, None, float("inf"), float("inf")
            mm = float("inf") if canonical_labels(case["spec"]) in MATMULS else None
            write_operands(ops, tmp)
            for _ in range(ARGS.repeat):
                f, g = run_einc(case, ops, oshape, tmp)
                if float(f["ms_best"]) < ems:
                    fields, got, ems = f, g, float(f["ms_best"])
                best = min(best, timeit(lambda: np.einsum(case["spec"], *ops, optimize=True,
                                                          out=out))[0])
                if mm is not None:
                    mm = min(mm, timeit(lambda: np.matmul(*ops, out=out))[0])
            ok = matches(case, got, out)
            mem = case["kind"] == "mem"
            row = [case["name"], spec_cell(case), case["dtype"], f"{ems:.4g}",
                   f"{flops / ems * 1e-6:.2f}",
                   f"{best * 1e3:.4g}", f"{flops / best * 1e-9:.2f}", f"{ems / (best * 1e3):.2f}x",
                   f"{mm * 1e3:.4g}" if mm else "", f"{ems / (mm * 1e3):.2f}x" if mm else "",
                   f"{nbytes / ems * 1e-6:.2f}" if mem else "", f"{nbytes / best * 1e-9:.2f}" if mem else "",
                   fields["compile_ms"], "ok" if ok else "MISMATCH"]
            dt = np.dtype(DTYPES[case["dtype"]])
            if peak:
                share = ["", ""]
                if mem:
                    lim = peak["write" if case["name"] == "outer" else "read"] * 1e9
                    share = [nbytes / (ems * 1e-3) / lim, nbytes / best / lim]
                elif dt.kind != "i":
                    real = 4 if dt.kind == "c" else 1  # real flops per counted flop
                    part = dt.itemsize // (2 if dt.kind == "c" else 1)
                    lim = peak["f32" if part == 4 else "f64"] * 1e9
                    share = [real * flops / (ems * 1e-3) / lim, real * flops / best / lim]
                row[13:13] = [f"{100 * x:.0f}%" if x != "" else "" for x in share]
            rows.append(row)
            print_row(row)
    return 0 if all(r[-1] == "ok" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
