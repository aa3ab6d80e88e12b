#!/usr/bin/env python3
"""numpy side of bench/thread_scaling.sh.

  thread_scaling_np.py time CASES MIN_SECONDS
      time numpy.einsum(spec, *ops, optimize=True, out=preallocated) for every case
      of CASES (lines "name;spec;dims;dtype;flop"); BLAS threads come from the
      environment (OPENBLAS_NUM_THREADS / OMP_NUM_THREADS / MKL_NUM_THREADS, set
      by the caller before Python starts). Prints one line per case.
  thread_scaling_np.py check CASES NAME DIR
      compare DIR/out.bin (einc's output) with numpy on DIR/in*.bin: every
      element within 1e-4 (f32) / 1e-10 (f64) of its sum of |products|.
  thread_scaling_np.py info
      numpy version and BLAS configuration.
  thread_scaling_np.py table CASES RESULTS
      markdown tables from the lines the other modes and aot_time printed.
"""
import os
import sys
import time

import numpy as np


def read_cases(path):
    cases = []
    for line in open(path):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, spec, dims, dtype, flop = [f.strip() for f in line.split(";")]
        d = {kv.split("=")[0]: int(kv.split("=")[1]) for kv in dims.split(",")}
        cases.append((name, spec, d, np.float32 if dtype == "f32" else np.float64,
                      float(flop)))
    return cases


def shapes(spec, d):
    ins, out = spec.split("->")
    return [tuple(d[c] for c in t) for t in ins.split(",")], tuple(d[c] for c in out)


def time_cases(path, min_s):
    rng = np.random.default_rng(1)
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "default")
    for name, spec, d, dt, flop in read_cases(path):
        ins, outs = shapes(spec, d)
        ops = [rng.uniform(-1, 1, s).astype(dt) for s in ins]
        out = np.empty(outs, dtype=dt)
        for _ in range(2):
            np.einsum(spec, *ops, optimize=True, out=out)
        ts = []
        start = time.perf_counter()
        while len(ts) < 3 or (time.perf_counter() - start < min_s and len(ts) < 1000):
            t0 = time.perf_counter()
            np.einsum(spec, *ops, optimize=True, out=out)
            ts.append(time.perf_counter() - t0)
        ts.sort()
        print(f"numpy {name} threads={threads} reps={len(ts)} best_ms={ts[0]*1e3:.4f} "
              f"median_ms={ts[len(ts)//2]*1e3:.4f} gflops={flop/ts[0]*1e-9:.2f}",
              flush=True)


def check(path, name, dirname):
    case = [c for c in read_cases(path) if c[0] == name][0]
    _, spec, d, dt, _ = case
    ins, outs = shapes(spec, d)
    ops = [np.fromfile(os.path.join(dirname, f"in{i}.bin"), dtype=dt).reshape(s)
           for i, s in enumerate(ins)]
    got = np.fromfile(os.path.join(dirname, "out.bin"), dtype=dt).reshape(outs)
    ref = np.einsum(spec, *[o.astype(np.float64) for o in ops], optimize=True)
    mag = np.einsum(spec, *[np.abs(o.astype(np.float64)) for o in ops], optimize=True)
    tol = 1e-4 if dt == np.float32 else 1e-10
    err = np.abs(got.astype(np.float64) - ref)
    ratio = float(np.max(err / (mag + 1e-300)))
    ok = bool(np.all(err <= tol * mag + 1e-30)) and bool(np.all(np.isfinite(got)))
    print(f"check {name}: {'ok' if ok else 'FAIL'} max|err|/sum|products| = {ratio:.3g} "
          f"(tol {tol:g}), max|err| = {float(err.max()):.3g}", flush=True)
    return 0 if ok else 1


def info():
    print("numpy", np.__version__)
    try:
        np.show_config()
    except Exception as e:  # noqa: BLE001
        print("show_config failed:", e)
    try:
        from threadpoolctl import threadpool_info
        for i in threadpool_info():
            print(i)
    except ImportError:
        print("threadpoolctl: not installed")


def table(path, results):
    res = {}
    for line in open(results):
        f = line.split()
        if len(f) < 3 or f[0] not in ("einc", "numpy"):
            continue
        kv = dict(x.split("=", 1) for x in f[2:] if "=" in x)
        res.setdefault((f[0], f[1], kv["threads"]), []).append(float(kv["gflops"]))
    spread = {k: (min(v), len(v)) for k, v in res.items()}
    res = {k: max(v) for k, v in res.items()}
    names = [c[0] for c in read_cases(path)]
    threads = sorted({k[2] for k in res}, key=lambda t: int(t) if t.isdigit() else 0)
    print("einc GFLOP/s (speedup over einc at 1 thread) | numpy GFLOP/s, per thread count\n")
    print("| case | " + " | ".join(f"{t} thr" for t in threads) + " |")
    print("|---|" + "---|" * len(threads))
    for n in names:
        base = res.get(("einc", n, threads[0]))
        cells = []
        for t in threads:
            e = res.get(("einc", n, t))
            p = res.get(("numpy", n, t))
            es = f"{e:.0f} ({e / base:.2f}x)" if e and base else "-"
            cells.append(f"{es} \\| {p:.0f}" if p else es)
        print(f"| {n} | " + " | ".join(cells) + " |")
    print()
    print("Best round per point; in brackets the worst round's GFLOP/s when there were several.\n")
    print("| case | threads | einc GFLOP/s | einc speedup | numpy GFLOP/s | numpy speedup | numpy time / einc time |")
    print("|---|---|---|---|---|---|---|")
    for n in names:
        eb, pb = res.get(("einc", n, threads[0])), res.get(("numpy", n, threads[0]))
        for t in threads:
            e, p = res.get(("einc", n, t)), res.get(("numpy", n, t))
            def g(tool, v):
                lo, cnt = spread.get((tool, n, t), (v, 1))
                return f"{v:.1f}" + (f" [{lo:.0f}]" if cnt > 1 else "")
            print(f"| {n} | {t} | {g('einc', e)} | {e / eb:.2f}x | {g('numpy', p)} | {p / pb:.2f}x | {e / p:.2f} |"
                  if e and p and eb and pb else f"| {n} | {t} | {e} | - | {p} | - | - |")


if __name__ == "__main__":
    if sys.argv[1] == "time":
        time_cases(sys.argv[2], float(sys.argv[3]))
    elif sys.argv[1] == "check":
        sys.exit(check(sys.argv[2], sys.argv[3], sys.argv[4]))
    elif sys.argv[1] == "table":
        table(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "info":
        info()
