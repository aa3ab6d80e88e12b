#!/usr/bin/python3
"""Chains of small-K steps (the 4-index transform, Tucker projection and
reconstruction) against their peers, 1 thread, with the machine's floor.

Usage (from a build tree):
  EINC_LIBRARY=build/libeinc.so PYTHONPATH=python /usr/bin/python3 bench/chain_peers.py
      [--rounds 3] [--calls 5] [--only four_index,tucker_proj]

For each case it times, in one process and alternating round by round:
einc.contract (into a preallocated result), numpy.einsum with the optimal
path (numpy.einsum_path, optimize="optimal"), the hand-written chain of
OpenBLAS matrix products (each step a matmul of the tensor's first axis
against one factor, the result's new axis last, as in
x = x.reshape(n, -1).T @ f), torch.einsum and the same hand chain on
torch.mm when torch imports. Each figure is the process's CPU time of one
call (time other processes take the core is not counted), the best of
--calls calls and of --rounds rounds. The floor is the case's FLOPs (the
optimal path's) at the rate of a 2048^3 matmul on OpenBLAS in the same
round (its best), the most a GEMM on this core reaches; peak.c's FMA
loops are not used (wall clock, AVX-512). The results are checked against
numpy's.
"""
import argparse
import os
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
import numpy as np  # noqa: E402

import einc  # noqa: E402

try:
    import torch  # noqa: E402
    torch.set_num_threads(1)
except ImportError:
    torch = None

D4 = dict(p=48, q=48, r=48, s=48, i=48, j=48, k=48, l=48)
DT = dict(i=192, j=192, k=192, a=48, b=48, c=48)
CASES = [("four_index", "pqrs,pi,qj,rk,sl->ijkl", D4),
         ("tucker_proj", "ijk,ia,jb,kc->abc", DT),
         ("tucker_recon", "abc,ia,jb,kc->ijk", DT)]


def hand_chain(spec, ops, matmul, transpose):
    """The spec's chain as matrix products: the tensor's axes in order,
    each contracted with the factor that holds it (its new label last)."""
    inputs = spec.split("->")[0].split(",")
    size = {c: n for lab, x in zip(inputs, ops) for c, n in zip(lab, x.shape)}
    x, labels = ops[0], inputs[0]
    for a in inputs[0]:
        f = next(k for k in range(1, len(inputs)) if a in inputs[k])
        m = ops[f] if inputs[f][0] == a else transpose(ops[f])
        x = matmul(transpose(x.reshape(size[a], -1)), m)
        labels = labels[1:] + inputs[f].replace(a, "")
    assert labels == spec.split("->")[1], labels
    return x


def cpu_ms(fn, calls):
    """The best of "calls" calls of fn after one, in CPU milliseconds."""
    fn()
    best = float("inf")
    for _ in range(calls):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best * 1e3


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--calls", type=int, default=5)
    ap.add_argument("--only", default="")
    args = ap.parse_args()
    only = set(filter(None, args.only.split(",")))
    rng = np.random.default_rng(0)
    g = [rng.random((2048, 2048)) for _ in range(2)]
    peers = ["einc", "numpy.einsum (optimal path)", "numpy hand chain (OpenBLAS)"]
    if torch is not None:
        peers += ["torch.einsum", "torch hand chain"]
    best, roof = {}, 0.0
    cases = [c for c in CASES if not only or c[0] in only]
    for _ in range(args.rounds):
        roof = max(roof, 2 * 2048 ** 3 / cpu_ms(lambda: g[0] @ g[1], 2) / 1e6)
        for name, spec, sizes in cases:
            inputs, out = spec.split("->")[0].split(","), spec.split("->")[1]
            ops = [rng.random(tuple(sizes[c] for c in lab)) for lab in inputs]
            shape = tuple(sizes[c] for c in out)
            res = np.empty(shape)
            path, info = np.einsum_path(spec, *ops, optimize="optimal")
            flops = float(info.split("Optimized FLOP count:")[1].split()[0])
            want = np.einsum(spec, *ops, optimize=path)
            fns = [lambda: einc.contract(spec, *ops, out=res, threads=1),
                   lambda: np.einsum(spec, *ops, optimize=path),
                   lambda: hand_chain(spec, ops, np.matmul, np.transpose).reshape(shape)]
            if torch is not None:
                tops = [torch.from_numpy(x) for x in ops]
                fns += [lambda: torch.einsum(spec, *tops),
                        lambda: hand_chain(spec, tops, torch.mm, torch.t).reshape(shape)]
            for peer, fn in zip(peers, fns):
                got = fn()
                np.testing.assert_allclose(np.asarray(got), want, rtol=1e-9,
                                           atol=1e-9 * np.abs(want).max())
                ms = cpu_ms(fn, args.calls)
                best[name, peer] = min(best.get((name, peer), float("inf")), ms)
            best[name, "flops"] = flops
    print("OpenBLAS matmul 2048^3 f64: %.1f GFLOP/s (CPU time, best)" % roof)
    print("%-14s %-28s %9s %8s %8s" % ("case", "who", "CPU ms", "GFLOP/s", "x floor"))
    for name, spec, _ in cases:
        flops = best[name, "flops"]
        floor = flops / roof / 1e6
        print("%-14s %-28s %9.2f %8.1f %8s" % (name, "floor (FLOPs / matmul rate)", floor,
                                               roof, "1.00"))
        for peer in peers:
            ms = best[name, peer]
            print("%-14s %-28s %9.2f %8.1f %8.2f" % (name, peer, ms, flops / ms / 1e6,
                                                     ms / floor))


if __name__ == "__main__":
    main()
