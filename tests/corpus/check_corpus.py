#!/usr/bin/python3
"""check_corpus.py EINC CAPI_PATHS CORPUS REF [STRIDE] - the public path
corpus end to end (every STRIDE-th problem only, when given: the sanitizer
build's share).

Runs every problem of CORPUS through the CLI (einc --print-path=json SPEC
-d DIMS) and through the C API (CAPI_PATHS CORPUS prints "ID<TAB>PATH" per
problem, from einc_compile_text and einc_program_dump), re-scores each
linear path with the scorer below, written for this test and sharing no
code with einc, and compares the score with REF (reference_public.tsv):
at or below the best exact reference (dp, optimal) where one finished,
else within 1.05x of the best known. einc's linear path is numpy's form,
pairwise steps only, so the exact references it is held to are those whose
path is pairwise too (pub-059's dp path sums an index alone first: einc
runs such a step as well, but its linear path does not show it). The two doors must print the same
path, and the JSON's flops (total and per step) must be the scorer's.
Exits 77 (ctest: skipped) when CORPUS or REF is absent.

The scorer is opt_einsum's opt_cost: a pairwise step over operands with
index sets A and B keeps the indices of A|B that the output or another
operand still holds; it costs prod(sizes of A|B), doubled when it sums an
index away. A single-operand step "(k,)" costs prod(sizes) * (1 + [sums]).
"""
import json
import os
import re
import subprocess
import sys

EXACT = ("dp", "optimal")
SLACK = 1.05


def read_corpus(path):
    """[(id, spec, dims)] in file order."""
    probs, pid = [], None
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("# pub-") or re.match(r"# \S+ \S+ \S+$", line):
                pid = line.split()[1]
            elif line and not line.startswith("#") and ";" in line and pid:
                spec, dims = (x.strip() for x in line.split(";", 1))
                probs.append((pid, spec, dims))
                pid = None
    return probs


def read_ref(path):
    """{id: (best exact or None, best known)} over rows with status ok."""
    best, exact = {}, {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            col = line.rstrip("\n").split("\t")
            if line.startswith("#") or col[0] == "id" or len(col) < 8 or col[6] != "ok":
                continue
            cost = int(col[7])
            best[col[0]] = min(cost, best.get(col[0], cost))
            pairwise = col[3] == "1" or all(":" in step for step in col[11].split(","))
            if col[5] in EXACT and pairwise:
                exact[col[0]] = min(cost, exact.get(col[0], cost))
    return {k: (exact.get(k), v) for k, v in best.items()}


def score(spec, dims, path):
    """opt_einsum's opt_cost of the linear path "path" for "spec"."""
    size = {}
    for item in dims.split(","):
        label, value = item.split("=")
        size[label] = int(value)
    inputs, output = spec.split("->") if "->" in spec else (spec, None)
    ops = [set(t) for t in inputs.split(",")]
    if output is None:
        count = {}
        for t in inputs.split(","):
            for c in t:
                count[c] = count.get(c, 0) + 1
        output = "".join(sorted(c for c, n in count.items() if n == 1))
    out = set(output)

    def prod(s):
        p = 1
        for c in s:
            p *= size[c]
        return p

    total = 0
    for step in path:
        taken = [ops[k] for k in step]
        ops = [o for k, o in enumerate(ops) if k not in step]
        rest = set(out).union(*ops)
        both = set().union(*taken)
        kept = both & rest
        if len(step) == 1:  # a single-operand step
            total += prod(both) * (1 + bool(both - kept))
        else:
            total += prod(both) * (2 if both - kept else 1)
        ops.append(kept)
    assert len(ops) == 1, "the path leaves %d operands" % len(ops)
    return total


def parse_path(text):
    """"[(0, 1), (0, 1)]" -> [(0, 1), (0, 1)]."""
    return [tuple(int(x) for x in m.split(",") if x.strip())
            for m in re.findall(r"\(([^)]*)\)", text)]


def main():
    einc, capi, corpus, ref_file = sys.argv[1:5]
    stride = int(sys.argv[5]) if len(sys.argv) > 5 else 1
    if not (os.path.exists(corpus) and os.path.exists(ref_file)):
        print("SKIPPED: %s or %s is absent (shared/ beside the source tree)" % (corpus, ref_file))
        return 77
    probs, ref = read_corpus(corpus)[::stride], read_ref(ref_file)
    api = {}
    run = subprocess.run([capi, corpus, str(stride)], capture_output=True, text=True,
                         encoding="utf-8")
    for line in run.stdout.splitlines():
        pid, text = line.split("\t", 1)
        api[pid] = text
    bad = 0
    for pid, spec, dims in probs:
        r = subprocess.run([einc, "--print-path=json", spec, "-d", dims],
                           capture_output=True, text=True, encoding="utf-8")
        if r.returncode != 0:
            print("%s: einc failed (%d): %s" % (pid, r.returncode, r.stderr.strip()))
            bad += 1
            continue
        doc = json.loads(r.stdout)
        path = [tuple(step) for step in doc["linear_path"]]
        text = "[%s]" % ", ".join("(%s)" % ", ".join(map(str, s) if len(s) > 1 else
                                                     ("%d," % s[0],)) for s in path)
        cost = score(spec, dims, path)
        if doc["flops"] != cost or sum(s["flops"] for s in doc["steps"]) != cost:
            print("%s: the JSON says %d flops (steps: %d), the scorer %d" %
                  (pid, doc["flops"], sum(s["flops"] for s in doc["steps"]), cost))
            bad += 1
            continue
        exact, best = ref[pid]
        limit, what = (exact, "the best exact reference") if exact else \
                      (best * SLACK, "1.05x the best known")
        verdict = "ok" if cost <= limit else "FAIL"
        if api.get(pid) != text:
            verdict = "FAIL (the C API printed %r)" % api.get(pid)
        bad += verdict != "ok"
        print("%s %-5s cost %d, %s %d, ratio to best known %.4f" %
              (pid, verdict, cost, what, limit, cost / best))
    if run.returncode != 0:
        print("C API paths exited %d: %s" % (run.returncode, run.stderr.strip()))
        bad += 1
    print("%d passed, %d failed" % (len(probs) - bad, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
