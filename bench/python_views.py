#!/usr/bin/python3
"""What a transposed view costs beside its contiguous twin, through the
Python package, on the performance suite's GEMM-like cases.

Usage (from a build tree):
  EINC_LIBRARY=build/libeinc.so PYTHONPATH=python /usr/bin/python3 bench/python_views.py
      [SUITE] [--only gemm,bmm] [--repeat 5] [--threads 1] [--markdown]

SUITE defaults to ../shared/bench/perf_suite.txt next to the repository;
its kind=mem cases are left out. For each case and each operand k it
makes transposed views of operand k: "inKT", the same values stored with
the axes in reverse order, viewed back in the spec's order (numpy's x.T
of a contiguous x.T), and for operands of 3 axes or more "inKS", stored
with the last two axes swapped (a batch of transposed matrices), so
that the kernel reads them at strides other than row-major. It times
einc.contract on the contiguous operands and with operand k as the
view, alternating, each the best of --repeat calls after a warm-up call
that compiles (each layout is its own kernel), and prints milliseconds
(of the process's CPU time with one thread, the default: time other
processes take the core is not counted; of wall time with more) and
view/contiguous. The results are checked against each other.
"""
import argparse
import os
import time

import numpy as np

import einc

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DTYPES = {"f32": np.float32, "f64": np.float64, "c64": np.complex64, "c128": np.complex128}


def parse_suite(path):
    """The suite's compute cases: (name, spec, sizes, dtype)."""
    cases = []
    for line in open(path):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        fields = [f.strip() for f in line.split(";")]
        if "kind=mem" in fields[4:]:
            continue
        sizes = dict((k, int(v)) for k, v in (kv.split("=") for kv in fields[2].split(",")))
        cases.append((fields[0], fields[1], sizes, DTYPES[fields[3]]))
    return cases


def random_operand(rng, shape, dtype):
    """Uniform values in [0, 1) of "shape", both parts where "dtype" is complex."""
    x = rng.random(shape)
    if np.issubdtype(dtype, np.complexfloating):
        x = x + 1j * rng.random(shape)
    return x.astype(dtype)


def transposed_views(x):
    """(name, view) pairs of "x"'s values: T, its axes in reverse order in
    memory; S (3 axes or more), its last two axes swapped."""
    views = [("T", np.ascontiguousarray(x.T).T)]
    if x.ndim >= 3:
        views.append(("S", np.ascontiguousarray(x.swapaxes(-1, -2)).swapaxes(-1, -2)))
    return views


def best_ms(fn, repeat, clock):
    """The best of "repeat" calls of fn, in milliseconds of "clock"."""
    best = float("inf")
    for _ in range(repeat):
        start = clock()
        fn()
        best = min(best, clock() - start)
    return best * 1e3


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("suite", nargs="?",
                    default=os.path.join(REPO, "..", "shared", "bench", "perf_suite.txt"))
    ap.add_argument("--only", default="", help="comma-separated case names")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--markdown", action="store_true")
    args = ap.parse_args()
    only = set(filter(None, args.only.split(",")))
    # one thread: the process's CPU time, which does not count the time
    # other processes hold the core (the machine is shared); else wall time
    clock = time.process_time if args.threads == 1 else time.perf_counter
    rng = np.random.default_rng(0)
    row = "| %s | %s | %s | %s | %s |" if args.markdown else "%-18s %-6s %12s %12s %8s"
    print(row % ("case", "view", "contiguous", "view", "ratio"))
    if args.markdown:
        print("|---|---|---:|---:|---:|")
    for name, spec, sizes, dtype in parse_suite(args.suite):
        if only and name not in only:
            continue
        inputs = spec.split("->")[0].split(",")
        ops = [random_operand(rng, tuple(sizes[c] for c in lab), dtype) for lab in inputs]
        for k in range(len(ops)):
            for how, view in transposed_views(ops[k]):
                views = ops[:k] + [view] + ops[k + 1:]
                fns = [lambda: einc.contract(spec, *ops, threads=args.threads),
                       lambda: einc.contract(spec, *views, threads=args.threads)]
                want = fns[0]()
                np.testing.assert_allclose(fns[1](), want, atol=1e-3,
                                           rtol=1e-3 if np.finfo(dtype).bits == 32 else 1e-9)
                best = [float("inf")] * 2
                for _ in range(args.repeat):  # alternating, for a machine others load
                    best = [min(t, best_ms(fn, 1, clock)) for t, fn in zip(best, fns)]
                ms = ("%.2f ms" % best[0], "%.2f ms" % best[1])
                print(row % (name, "in%d%s" % (k, how), ms[0], ms[1],
                             "%.2f" % (best[1] / best[0])))


if __name__ == "__main__":
    main()
