#!/usr/bin/python3
"""Chains of small-K steps (the 4-index transform, Tucker projection and
reconstruction) against their peers, 1 thread, with the machine's floor.

Usage (from a build tree):
  EINC_LIBRARY=build/libeinc.so PYTHONPATH=python /usr/bin/python3 bench/chain_peers.py
      [--rounds 3] [--calls 5] [--only four_index,tucker_proj] [--suite FILE]

For each case it times, in one process and alternating round by round:
einc.contract (into a preallocated result), numpy.einsum with the optimal
path (numpy.einsum_path, optimize="optimal"), the hand-written chain of
OpenBLAS matrix products (each step a matmul of the tensor's first axis
against one factor, the result's new axis last, as in
x = x.reshape(n, -1).T @ f), torch.einsum and the same hand chain on
torch.mm when torch imports. --suite FILE takes the cases from a suite
file (perf_suite.txt's format, its dtypes) instead; a case that is no tensor
with one factor per axis has no hand chain ("-"). Each figure is the process's CPU time of one
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

import blas_kernels  # noqa: E402  (bench/, after numpy)
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


def read_suite(path):
    """The cases of a suite file: (name, spec, sizes, dtype) per line."""
    cases = []
    for line in open(path):
        if line.strip() and not line.startswith("#"):
            name, spec, dims, dtype = (f.strip() for f in line.split(";"))
            sizes = {d.split("=")[0]: int(d.split("=")[1]) for d in dims.split(",")}
            cases.append((name, spec, sizes, np.float32 if dtype == "f32" else np.float64))
    return cases


def has_hand_chain(spec):
    """Whether spec is a tensor contracted with one matrix per axis, in
    order, each matrix sharing one label with it (hand_chain's form)."""
    inputs, out = spec.split("->")[0].split(","), spec.split("->")[1]
    if any(len(f) != 2 for f in inputs[1:]) or len(inputs) != len(inputs[0]) + 1:
        return False
    return sorted(inputs[0]) == sorted(f[0] if f[0] in inputs[0] else f[1]
                                       for f in inputs[1:]) and \
        out == "".join(f.replace(a, "") for a in inputs[0]
                       for f in inputs[1:] if a in f)


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
    ap.add_argument("--suite", default="")
    args = ap.parse_args()
    only = set(filter(None, args.only.split(",")))
    rng = np.random.default_rng(0)
    g = [rng.random((2048, 2048)) for _ in range(2)]
    peers = ["einc", "numpy.einsum (optimal path)", "numpy hand chain (OpenBLAS)"]
    if torch is not None:
        peers += ["torch.einsum", "torch hand chain"]
    best, roof = {}, 0.0
    suite = read_suite(args.suite) if args.suite else [c + (np.float64,) for c in CASES]
    cases = [c for c in suite if not only or c[0] in only]
    for _ in range(args.rounds):
        roof = max(roof, 2 * 2048 ** 3 / cpu_ms(lambda: g[0] @ g[1], 2) / 1e6)
        for name, spec, sizes, dtype in cases:
            inputs, out = spec.split("->")[0].split(","), spec.split("->")[1]
            ops = [rng.random(tuple(sizes[c] for c in lab)).astype(dtype) for lab in inputs]
            shape = tuple(sizes[c] for c in out)
            res = np.empty(shape, dtype)
            tol = 1e-9 if dtype == np.float64 else 1e-4
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
                if "hand chain" in peer and not has_hand_chain(spec):
                    continue
                got = fn()
                np.testing.assert_allclose(np.asarray(got), want, rtol=tol,
                                           atol=tol * np.abs(want).max())
                ms = cpu_ms(fn, args.calls)
                best[name, peer] = min(best.get((name, peer), float("inf")), ms)
            best[name, "flops"] = flops
    print(blas_kernels.describe())
    print("OpenBLAS matmul 2048^3 f64: %.1f GFLOP/s (CPU time, best)" % roof)
    print("%-14s %-28s %9s %8s %8s" % ("case", "who", "CPU ms", "GFLOP/s", "x floor"))
    for name, _, _, _ in cases:
        flops = best[name, "flops"]
        floor = flops / roof / 1e6
        print("%-14s %-28s %9.2f %8.1f %8s" % (name, "floor (FLOPs / matmul rate)", floor,
                                               roof, "1.00"))
        for peer in peers:
            if (name, peer) not in best:
                print("%-14s %-28s %9s" % (name, peer, "-"))
                continue
            ms = best[name, peer]
            print("%-14s %-28s %9.2f %8.1f %8.2f" % (name, peer, ms, flops / ms / 1e6,
                                                     ms / floor))


if __name__ == "__main__":
    main()
