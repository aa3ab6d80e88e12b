#!/usr/bin/python3
"""check_networks.py RUN_NETWORK - large networks through the C API and the
JIT, checked against numpy.

Each case (networks of 100 tensors and more: a chain, an MPS inner product,
a PEPS grid, a random 3-regular graph, a circuit; and the matrix chains
whose label sizes multiply past int64) is compiled and run by RUN_NETWORK
(run_network.c) on seeded random data, in f32 or f64 (a circuit and an
MPS also in c64 and c128, chains in i32 and i64). numpy then evaluates
the same linear path that einc printed, one np.einsum per pairwise step,
in float64 (complex128; integers in their own dtype, wrapping alike) on
the same input values, once on the values and once on their absolute
values (the scale of any summation order's rounding error); einc's
output must match within TOL x that scale, elementwise (integers
exactly). Each input is scaled so that a closed network's value is about
1 (make_inputs). Exits 77 (ctest: skipped) when numpy is missing.
"""
import os
import re
import subprocess
import sys
import tempfile

try:
    import numpy as np
except ImportError:
    print("SKIPPED: no numpy for %s" % sys.executable)
    sys.exit(77)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import networks as N  # noqa: E402

TOL = {"f32": 1e-4, "f64": 1e-12, "c64": 1e-4, "c128": 1e-12, "i32": 0, "i64": 0}
# each dtype's numpy type, and the one numpy computes the reference in
NP = {"f32": np.float32, "f64": np.float64, "c64": np.complex64, "c128": np.complex128,
      "i32": np.int32, "i64": np.int64}
REF = {"f32": np.float64, "f64": np.float64, "c64": np.complex128, "c128": np.complex128,
       "i32": np.int32, "i64": np.int64}

CASES = [
    ("chain of 100 8x8", N.chain(100, 8), "f32"),
    ("MPS, 50 sites, bond 4", N.mps(50, 4), "f64"),
    ("PEPS 10x10, bond 2", N.peps(10, 10, 2), "f32"),
    ("random 3-regular, 100 tensors", N.random_regular(100, 3, [2, 3], 7), "f64"),
    ("circuit, 10 qubits", N.circuit(10, 8, 3), "f32"),
    ("circuit, 10 qubits", N.circuit(10, 8, 3), "f64"),
    ("chain of 10 64x64", N.chain(10, 64), "f64"),
    ("chain of 62 2x2", N.chain(62, 2), "f32"),
    ("chain of 39 3x3", N.chain(39, 3), "f64"),
    ("chain of 6 1024x1024", N.chain(6, 1024), "f32"),
    ("circuit, 10 qubits", N.circuit(10, 8, 3), "c64"),
    ("MPS, 50 sites, bond 4", N.mps(50, 4), "c128"),
    ("chain of 62 2x2", N.chain(62, 2), "i32"),
    ("chain of 39 3x3", N.chain(39, 3), "i64"),
]


def make_inputs(terms, sizes, dtype, rng):
    """Seeded inputs in [0.5, 1.5] / sqrt(prod(dims)), in "dtype" (as
    float64): mean 1 / sqrt(prod(dims)), so that a closed network's value is
    about 1, far from under- and overflow. Positive, so that the scale of
    the rounding error is the value itself: a wrong result cannot hide
    under a scale that cancellation left far above the value. A complex
    one gets a random phase within +-0.15 (a product of 100 such spreads
    by about 1 radian: both parts of the value are far from 0 and from the
    scale of the moduli); integers are uniform in -3 .. 3."""
    arrays = []
    for t in terms:
        shape = tuple(sizes[c] for c in t)
        if dtype in ("i32", "i64"):
            arrays.append(rng.integers(-3, 4, size=shape).astype(NP[dtype]))
            continue
        a = rng.uniform(0.5, 1.5, size=shape) / np.sqrt(float(np.prod(shape, dtype=np.float64)))
        if dtype in ("c64", "c128"):
            a = a * np.exp(1j * rng.uniform(-0.15, 0.15, size=shape))
        arrays.append(a.astype(NP[dtype]).astype(REF[dtype]))
    return arrays


def contract_path(terms, output, arrays, path):
    """The linear "path" evaluated by np.einsum per pairwise step (labels
    renumbered per step: numpy's sublist form takes at most 52)."""
    ops = list(zip(terms, arrays))
    for i, j in path:
        (ta, a), (tb, b) = ops[i], ops[j]
        ops = [o for k, o in enumerate(ops) if k not in (i, j)]
        rest = set(output).union(*(set(t) for t, _ in ops))
        kept = "".join(c for c in dict.fromkeys(ta + tb) if c in rest)
        num = {c: k for k, c in enumerate(dict.fromkeys(ta + tb))}
        r = np.einsum(a, [num[c] for c in ta], b, [num[c] for c in tb],
                      [num[c] for c in kept])
        ops.append((kept, r))
    (t, r), = ops
    return np.einsum(r, [t.index(c) for c in t], [t.index(c) for c in output])


def check(run_network, name, net, dtype, rng, tmp):
    """Runs one case; returns an error text or None."""
    terms, output, sizes = net
    spec, dims = N.spec_of(terms, output), N.dims_of(sizes)
    arrays = make_inputs(terms, sizes, dtype, rng)
    np_dtype = NP[dtype]
    in_file, out_file = os.path.join(tmp, "in.bin"), os.path.join(tmp, "out.bin")
    with open(in_file, "wb") as f:
        for a in arrays:
            f.write(a.astype(np_dtype).tobytes())
    r = subprocess.run([run_network, spec, dims, dtype, in_file, out_file],
                       capture_output=True, text=True, encoding="utf-8")
    if r.returncode:
        return "run_network failed: " + r.stderr.strip()
    path = [tuple(int(x) for x in m.split(","))
            for m in re.findall(r"\((\d+, \d+)\)", r.stdout)]
    if len(path) != len(terms) - 1:
        return "the linear path has %d steps for %d tensors" % (len(path), len(terms))
    got = np.fromfile(out_file, dtype=np_dtype).astype(REF[dtype])
    ref = contract_path(terms, output, arrays, path).ravel()
    mag = contract_path(terms, output, [np.abs(a) for a in arrays], path).ravel()
    err = np.abs(got - ref)
    worst = float(np.max(err / np.maximum(mag, np.finfo(np.float64).tiny)))
    print("%-32s %s: %d tensors, %d labels, %d steps, %d outputs (max |x| %.3g), "
          "max error / scale %.2e" % (name, dtype, len(terms), len(sizes), len(path),
                                       got.size, float(np.max(np.abs(ref))), worst))
    if got.shape != ref.shape or not np.all(err <= TOL[dtype] * mag):
        return "max error / scale %.3e above %.0e" % (worst, TOL[dtype])
    return None


def main():
    run_network = sys.argv[1]
    rng = np.random.default_rng(20261204)
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, net, dtype in CASES:
            err = check(run_network, name, net, dtype, rng, tmp)
            if err:
                print("FAIL %s %s: %s" % (name, dtype, err))
                bad += 1
    print("%d passed, %d failed" % (len(CASES) - bad, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
