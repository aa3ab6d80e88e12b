#!/usr/bin/python3
"""network_bench.py EINC [SIZES...] [-- FLAGS...] - what compiling large
networks costs.

For each family of tests/networks/networks.py (chain of 8x8 matrices, MPS
inner product with bond 4, closed PEPS grid with bond 2, random 3-regular
graph with bonds 2-8 at 10 tensors and 2 beyond, the same graph with bonds
2-8 at every size (randreg8: not in the default FAMILIES), brick-work
circuit amplitude) and each size (default
10 100 300 1000 tensors), runs 'EINC --run -v SPEC -d DIMS' (f32) under
/usr/bin/time and prints one markdown row: the CPU time of the front end
to loop nests ('compiled ... in X ms (C ms CPU)') and of LLVM + JIT
('JIT-compiled in Y ms (C ms CPU)'), what those take on an idle machine
(the compiler is single-threaded); their wall time; the whole process's
wall time (running the kernel once included) and its peak RSS; beside
them numpy.einsum(optimize='greedy') on random f32 operands (planning and
evaluation, in this process), where numpy can: it takes at most 52
labels (a-z, A-Z), so only the smallest networks. FLAGS go to einc (-O0: no LLVM
optimisation, which shows what O3 costs). A case that fails (a refused spec,
an intermediate past 2^61 bytes, the time limit) prints why. A tool, not a
test: run it by hand (docs/bench-networks.md).
"""
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "networks"))
import networks as N  # noqa: E402

LIMIT_S = 300  # per case; the environment's LIMIT_S overrides it, FAMILIES picks families


def network(family, n):
    """The family's network of about n tensors."""
    if family == "chain":
        return N.chain(n, 8)
    if family == "mps":
        return N.mps(n // 2, 4)
    if family == "peps":
        r = int(n ** 0.5)
        while n % r:
            r -= 1
        return N.peps(r, n // r, 2)
    if family == "randreg":
        return N.random_regular(n, 3, [2, 3, 4, 5, 6, 7, 8] if n <= 10 else [2], 1)
    if family == "randreg8":
        return N.random_regular(n, 3, [2, 3, 4, 5, 6, 7, 8], 1)
    q = 10 if n >= 100 else 4
    return N.circuit(q, max(1, (n - 2 * q) * 2 // (3 * q)), 1)


def run(einc, flags, spec, dims):
    """(pipeline CPU ms, JIT CPU ms, compile wall ms, wall s, peak MiB, error or None)."""
    t0 = time.time()
    try:
        r = subprocess.run(["/usr/bin/time", "-f", "peak %M", einc, "--run", "-v"] + flags +
                           [spec, "-d", dims],
                           capture_output=True, text=True, encoding="utf-8", timeout=LIMIT_S)
        err, status = r.stderr, r.returncode
    except subprocess.TimeoutExpired as e:  # what it printed so far: compiled, maybe run
        err = e.stderr.decode("utf-8", "replace") if isinstance(e.stderr, bytes) else e.stderr
        err, status = (err or "") + "\neinc: error: over %d s" % LIMIT_S, -1
    wall = time.time() - t0
    comp = re.search(r"compiled '.*' in ([0-9.]+) ms \(([0-9.]+) ms CPU\)", err, re.S)
    jit = re.search(r"JIT-compiled in ([0-9.]+) ms \(([0-9.]+) ms CPU\)", err)
    peak = re.search(r"peak (\d+)", err)
    why = None
    if status:
        m = re.search(r"error: (.*)", err)
        why = (m.group(1) if m else "exit %d" % status)[:90]
    return (float(comp.group(2)) if comp else None, float(jit.group(2)) if jit else None,
            float(comp.group(1)) + float(jit.group(1)) if comp and jit else None,
            wall, int(peak.group(1)) / 1024 if peak else None, why)


def numpy_time(terms, out, sizes):
    """Seconds numpy.einsum(optimize='greedy') takes on random f32 operands of
    the network, or None where numpy cannot (more than 52 labels)."""
    if len(sizes) > 52:
        return None
    import numpy as np
    rng = np.random.default_rng(1)
    ops = [rng.random([sizes[c] for c in t], dtype=np.float32) for t in terms]
    t0 = time.time()
    np.einsum(N.spec_of(terms, out), *ops, optimize="greedy")
    return time.time() - t0


def main():
    einc, args = sys.argv[1], sys.argv[2:]
    flags = args[args.index("--") + 1:] if "--" in args else []
    sizes = [int(x) for x in (args[:args.index("--")] if "--" in args else args)]
    sizes = sizes or [10, 100, 300, 1000]
    families = os.environ.get("FAMILIES", "chain mps peps randreg circuit").split()
    global LIMIT_S
    LIMIT_S = int(os.environ.get("LIMIT_S", LIMIT_S))
    print("| network | tensors | labels | front end to loops (CPU) | LLVM + JIT (CPU) "
          "| compile (wall) | whole run (wall) | peak RSS | numpy |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    fmt = lambda v, f: "-" if v is None else f % v
    for family in families:
        for n in sizes:
            terms, out, sizes_ = network(family, n)
            comp, jit, compile_wall, wall, peak, why = run(einc, flags, N.spec_of(terms, out),
                                                           N.dims_of(sizes_))
            row = "| %s | %d | %d | %s | %s | %s | %s | %s | %s |" % (
                family, len(terms), len(sizes_), fmt(comp and comp / 1e3, "%.2f s"),
                fmt(jit and jit / 1e3, "%.2f s"), fmt(compile_wall and compile_wall / 1e3, "%.1f s"),
                fmt(wall, "%.1f s"), fmt(peak, "%.0f MiB"),
                fmt(numpy_time(terms, out, sizes_), "%.3f s"))
            print(row + (" %s" % why if why else ""), flush=True)


if __name__ == "__main__":
    main()
