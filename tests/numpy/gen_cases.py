#!/usr/bin/python3
"""gen_cases.py OUT [SEED [COUNT]] - writes the einsum cases of the numpy
cross-check to OUT (COUNT random ones from SEED; a wider sweep by hand).

Every case is a spec, the shapes of its operands and a dtype, and either
"raises" (numpy.einsum refused it, so einc must refuse it too), "diverges"
(numpy accepts it, einc refuses it by design: DIVERGES lists them and why),
or the input data and numpy's result. The first cases are hand-picked numpy
behaviours the front end must match (ellipsis rules, size-1 broadcasting,
diagonals, scalars, implicit output order, errors); the rest are random, from
a fixed seed, so the file is the same on every run with the same numpy.

numpy computes in float64 on the exact input values (f32 inputs are rounded
to float32 first, then widened), together with the same einsum over the
absolute values: the sum of |products| per output element, the scale of the
rounding error of any summation order, which check_numpy.c uses for its
tolerance.

The file is whitespace-separated text, "#" to the end of a line a comment:
    einc-numpy-cases 1
    case ID f32|f64 "SPEC" NOPS
      RANK DIM... (NOPS times)
      raises | diverges
    or
      ok RANK DIM...          the output shape
      VALUE... (per operand, row-major), then the result, then |result|
"""
import sys

import numpy as np

SEED = 20261123
RANDOM_CASES = 320
MAX_POINTS = 20000  # product of all index extents, per random case
LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

# (spec, shapes, why): numpy behaviours the front end must match.
CURATED = [
    ("ij,jk->ik", [(2, 3), (3, 2)], "matmul"),
    ("ij,jk", [(2, 3), (3, 4)], "implicit matmul"),
    ("ba", [(2, 3)], "implicit output is sorted: transpose"),
    ("BA", [(2, 3)], "upper case sorts like ASCII"),
    ("Ab", [(2, 3)], "upper case before lower case"),
    ("Ii->iI", [(2, 2)], "labels are case-sensitive"),
    ("ab->ba", [(1, 2)], "explicit transpose with a size-1 axis"),
    ("ii", [(3, 3)], "implicit trace"),
    ("ii->i", [(3, 3)], "diagonal"),
    ("ii->i", [(1, 1)], "1x1 diagonal"),
    ("iii->i", [(2, 2, 2)], "triple diagonal"),
    ("iij", [(3, 3, 1)], "diagonal with a free size-1 axis"),
    ("iji->ij", [(2, 3, 2)], "diagonal across a middle axis"),
    ("ii", [(1, 3)], "a diagonal does not broadcast"),
    ("ii->", [(2, 1)], "a diagonal does not broadcast"),
    ("i,j", [(2,), (3,)], "implicit outer product"),
    ("i,j,k->kji", [(2,), (3,), (2,)], "outer product, reordered"),
    (",", [(), ()], "product of two scalars"),
    ("i,->i", [(3,), ()], "vector times scalar"),
    (",ij->ij", [(), (2, 3)], "scalar first"),
    ("ij->", [(2, 3)], "sum of everything"),
    ("i,i,i,i,i,i", [(2,)] * 6, "six operands, one index"),
    ("ij,jk->ik", [(2, 1), (3, 4)], "named label broadcast from size 1"),
    ("ij,jk->ik", [(2, 3), (1, 5)], "named label broadcast, other side"),
    ("ij,j->ij", [(2, 1), (3,)], "size-1 axis of an output label"),
    ("ijk,kj->", [(1, 2, 3), (3, 1)], "broadcast on both sides"),
    ("ij,ij->", [(1, 3), (2, 1)], "crosswise broadcast"),
    ("ij,jk->ik", [(2, 3), (4, 5)], "size mismatch"),
    ("i,i->i", [(2,), (3,)], "size mismatch on a batch label"),
    ("...", [(2, 3)], "ellipsis alone"),
    ("...->...", [(3,)], "ellipsis to ellipsis"),
    ("i...->i", [(3,)], "explicit output without '...', no ellipsis dims"),
    ("i...->i", [(3, 2)], "explicit output without '...' but ellipsis dims"),
    ("i...->i", [(3, 1)], "explicit output without '...', size-1 ellipsis dim"),
    ("...i->i", [(2, 3, 4)], "explicit output without '...'"),
    ("...->", [(2, 3)], "'...' summed away is an error"),
    ("...,...->", [(2,), (2,)], "'...' summed away is an error"),
    ("i->...", [(3,)], "'...' in the output only"),
    ("ij->...ij", [(2, 3)], "empty '...' in the output"),
    ("ij->i...j", [(2, 3)], "empty '...' in the middle of the output"),
    ("...,...", [(2, 1), (3,)], "ellipsis broadcasting"),
    ("...,i->...i", [(2,), (3,)], "ellipsis outer product"),
    ("i...,i...->...", [(2, 1), (2, 3)], "ellipsis broadcast after a label"),
    ("...i,...i->...", [(2, 1, 3), (4, 3)], "ellipsis of different ranks"),
    ("...i,...i->...", [(2, 2, 3), (4, 3)], "ellipsis mismatch"),
    ("...i,...i", [(2, 1, 3), (4, 3)], "implicit with ellipsis"),
    ("a...b,...b", [(2, 1, 3), (4, 3)], "implicit: '...' dims come first"),
    ("a...,...a->...", [(3, 2, 1), (5, 3)], "ellipsis in different places"),
    ("...ij,...jk", [(1, 2, 3), (5, 3, 4)], "batched matmul, broadcast batch"),
    ("...ij,...jk", [(2, 3), (5, 3, 4)], "batched matmul, missing batch"),
    ("...ii->...i", [(2, 3, 3)], "batched diagonal"),
    ("...ii->...", [(2, 1, 1)], "batched 1x1 trace"),
    ("i...i", [(3, 2, 3)], "diagonal around an ellipsis"),
    ("ii...", [(3, 3, 2)], "diagonal before an ellipsis"),
    ("ij, jk", [(2, 3), (3, 4)], "a space after the comma"),
    (" ij,jk -> ik ", [(2, 3), (3, 4)], "spaces around everything"),
    ("ij->ii", [(3, 3)], "output label twice"),
    ("ij->k", [(3, 3)], "output label never in an input"),
    ("i->ij", [(2,)], "output label never in an input"),
    ("->i", [(2,)], "rank larger than the subscripts"),
    ("ij", [(2,)], "more subscripts than dims"),
    ("ij", [(2, 3, 4)], "more dims than subscripts"),
    ("i->", [(2,), (2,)], "more operands than the spec names"),
    ("ij->", [(2, 3), (2, 3)], "more operands than the spec names"),
    ("i,i->", [(2,)], "fewer operands than the spec names"),
    ("i.j", [(3, 3)], "a lone '.'"),
    ("i..", [(3,)], "'..' is not '...'"),
    ("ij..", [(2, 3)], "'..' is not '...'"),
    ("....", [(2,)], "four dots"),
    ("...i...", [(3,)], "two ellipses in one operand"),
    ("i$j", [(2, 3)], "a character that is no label"),
    ("ij-", [(2, 3)], "'-' without '>'"),
    ("ij>", [(2, 3)], "'>' without '-'"),
    ("ij->j->", [(2, 3)], "two arrows"),
    ("i->j->k", [(3,)], "two arrows"),
    ("i-j", [(3, 3)], "'-' inside the inputs"),
    ("", [()], "empty spec on a scalar: the scalar itself"),
    ("->", [()], "'->' on a scalar: the scalar itself"),
    (" -> ", [()], "the same with spaces"),
    ("->...", [()], "the same with an empty '...' in the output"),
    ("", [(2,)], "empty spec on a vector: too few subscripts"),
    ("ij,jk->ik", [(2, 0), (0, 3)], "a summed empty axis: zeros"),
    ("ij,jk->ik", [(0, 3), (3, 4)], "an empty output"),
    ("ij->", [(0, 3)], "the sum of nothing"),
    ("i,i->i", [(1,), (0,)], "1 broadcasts against 0"),
    ("i,i->i", [(3,), (0,)], "0 against 3"),
    ("...i->...", [(0, 2, 3)], "an empty batch"),
    ("ii->i", [(0, 0)], "an empty diagonal"),
    ("i,j->ij", [(0,), (3,)], "an empty outer product"),
    ("ij,jk", [(2, 3), (3, 0)], "implicit output, empty"),
]

# (spec, shapes, why): specs numpy accepts and einc refuses on purpose.
DIVERGES = [
]


def einsum_or_none(spec, arrays):
    """numpy's result for "spec" (float64), or None when numpy raises."""
    try:
        return np.einsum(spec, *arrays)
    except Exception:  # numpy raises ValueError, and TypeError for some specs
        return None


def make_data(rng, shapes, dtype):
    """Random inputs of "shapes", exactly representable in "dtype", as float64."""
    arrays = []
    for s in shapes:
        a = rng.uniform(-1.0, 1.0, size=s)
        if dtype == "f32":
            a = a.astype(np.float32)
        arrays.append(np.asarray(a, dtype=np.float64))
    return arrays


def random_case(rng):
    """A random (spec, shapes) within MAX_POINTS points: 1..6 operands over up
    to 6 labels, diagonals, traces, scalars, size-1 broadcasting, ellipsis
    and implicit output in the mix."""
    while True:
        nops = int(rng.choice([1, 1, 2, 2, 2, 3, 3, 4, 5, 6]))
        pool = list(rng.choice(list(LETTERS), int(rng.integers(1, 7)), replace=False))
        size = {l: int(rng.integers(1, 5)) for l in pool}
        ell = [int(rng.integers(1, 4)) for _ in range(int(rng.integers(0, 3)))]
        use_ell = rng.random() < 0.3
        terms, shapes, used, any_ell = [], [], set(), False
        for _ in range(nops):
            rank = int(rng.integers(1 if nops == 1 else 0, 4))
            repeats = rank > len(pool) or rng.random() < 0.3  # diagonals
            subs = [str(l) for l in rng.choice(pool, rank, replace=repeats)]
            dims = [1 if rng.random() < 0.08 else size[l] for l in subs]
            used.update(subs)
            if use_ell and rng.random() < 0.7:
                any_ell = True
                at = int(rng.integers(0, rank + 1))
                tail = ell[len(ell) - int(rng.integers(0, len(ell) + 1)):]
                tail = [1 if rng.random() < 0.25 else d for d in tail]
                subs = subs[:at] + ["..."] + subs[at:]
                dims = dims[:at] + tail + dims[at:]
            terms.append("".join(subs))
            shapes.append(tuple(dims))
        spec = ",".join(terms)
        if rng.random() >= 0.35:
            out = [str(l) for l in rng.permutation(sorted(used))]
            out = out[:int(rng.integers(0, len(out) + 1))]
            if any_ell and rng.random() < 0.9:
                out.insert(int(rng.integers(0, len(out) + 1)), "...")
            spec += "->" + "".join(out)
        points = int(np.prod([size[l] for l in used])) * int(np.prod(ell))
        if points <= MAX_POINTS:
            return spec, shapes


def write_case(f, cid, spec, shapes, dtype, arrays, comment, diverges):
    """Writes one case: header, shapes, then the verdict and the data.
    Returns whether numpy accepted it."""
    f.write("# %s\n" % comment)
    f.write('case %d %s "%s" %d\n' % (cid, dtype, spec, len(shapes)))
    for s in shapes:
        f.write(" ".join(str(x) for x in (len(s),) + tuple(s)) + "\n")
    ref = einsum_or_none(spec, arrays)
    if ref is None or diverges:
        f.write("raises\n" if ref is None else "diverges\n")
        return ref is not None
    ref = np.asarray(ref, dtype=np.float64)
    mag = np.asarray(np.einsum(spec, *[np.abs(a) for a in arrays]), dtype=np.float64)
    f.write(" ".join(str(x) for x in ("ok", ref.ndim) + ref.shape) + "\n")
    for a in arrays + [ref, mag]:
        f.write(" ".join(repr(float(v)) for v in a.ravel()) + "\n")
    return True


def main():
    if not 2 <= len(sys.argv) <= 4:
        sys.exit("usage: gen_cases.py OUT [SEED [COUNT]]")
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else SEED
    count = int(sys.argv[3]) if len(sys.argv) > 3 else RANDOM_CASES
    rng = np.random.default_rng(seed)
    cases = [(s, sh, "curated: " + why, False) for s, sh, why in CURATED]
    cases += [(s, sh, "einc diverges: " + why, True) for s, sh, why in DIVERGES]
    cases += [random_case(rng) + ("random", False) for _ in range(count)]
    mix = dict.fromkeys(["numpy ok", "numpy raises", "f32", "f64", "ellipsis", "implicit",
                         "diagonal", "scalar operand", "4+ operands"], 0)
    with open(sys.argv[1], "w") as f:
        f.write("einc-numpy-cases 1\n")
        for cid, (spec, shapes, why, diverges) in enumerate(cases):
            dtype = ("f32", "f64")[int(rng.integers(0, 2))]
            arrays = make_data(rng, shapes, dtype)
            ok = write_case(f, cid, spec, shapes, dtype, arrays, why, diverges)
            terms = spec.split("->")[0].replace("...", "").split(",")
            for key, hit in [("numpy ok", ok), ("numpy raises", not ok), (dtype, True),
                             ("ellipsis", "..." in spec),
                             ("implicit", "->" not in spec),
                             ("diagonal", any(len(set(t)) < len(t) for t in terms)),
                             ("scalar operand", any(len(s) == 0 for s in shapes)),
                             ("4+ operands", len(shapes) >= 4)]:
                mix[key] += bool(hit)
    print("numpy %s: %d cases (%d curated, %d diverging, %d random); %s" % (
        np.__version__, len(cases), len(CURATED), len(DIVERGES), count,
        ", ".join("%s %d" % kv for kv in mix.items())))


if __name__ == "__main__":
    main()
