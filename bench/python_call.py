#!/usr/bin/python3
"""What a call through the Python package costs beside numpy.einsum, on
small operands where the call, not the arithmetic, is the cost.

Usage (from a build tree):
  EINC_LIBRARY=build/libeinc.so PYTHONPATH=python /usr/bin/python3 bench/python_call.py
      [--n 8] [--dtype float64] [--repeat 7]

For SPEC in a few two-operand einsums on n x n operands it times, in one
run and alternating: numpy.einsum(SPEC, a, b), einc.contract(SPEC, a, b)
(a cache hit: compiled by the warm-up call) and a compiled
einc.contract_expression called with (a, b); opt_einsum.contract too when
opt_einsum is installed. Each figure is the best of --repeat rounds of
timeit, in microseconds per call; the ratio column is einc.contract's
time over numpy's.
"""
import argparse
import timeit

import numpy as np

import einc

try:
    import opt_einsum
except ImportError:
    opt_einsum = None

SPECS = ["ij,jk->ik", "ij,ij->", "ij,kj->ikj"]


def best_us(fn, number, repeat):
    """The best of "repeat" rounds of "number" calls of fn, in us per call."""
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number * 1e6


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=8)
    ap.add_argument("--dtype", default="float64")
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    a = rng.random((args.n, args.n)).astype(args.dtype)
    b = rng.random((args.n, args.n)).astype(args.dtype)
    peers = ["numpy.einsum", "einc.contract", "expression"] + ["opt_einsum"] * bool(opt_einsum)
    print("%-12s %s  %s" % ("spec", "  ".join("%14s" % p for p in peers), "contract/numpy"))
    for spec in SPECS:
        expr = einc.contract_expression(spec, a.shape, b.shape, dtype=args.dtype)
        fns = [lambda: np.einsum(spec, a, b), lambda: einc.contract(spec, a, b),
               lambda: expr(a, b)]
        if opt_einsum:
            fns.append(lambda: opt_einsum.contract(spec, a, b))
        for fn in fns:
            np.testing.assert_allclose(fn(), np.einsum(spec, a, b), rtol=1e-5)
        number = 2000
        best = [float("inf")] * len(fns)
        for _ in range(args.repeat):  # alternating, for a machine others load
            best = [min(t, best_us(fn, number, 1)) for t, fn in zip(best, fns)]
        print("%-12s %s  %14.2f" % (spec, "  ".join("%11.2f us" % t for t in best),
                                     best[1] / best[0]))
    print("%dx%d %s; %s" % (args.n, args.n, args.dtype, einc.cache_info()))


if __name__ == "__main__":
    main()
