"""Random einsums through einc.contract against numpy.einsum, from fixed
seeds: specs over up to 52 labels with repeats, implicit outputs, '...'
broadcast against size-1 dimensions, scalars, size-0 and size-1
dimensions; every dtype, mixed ones promoted as numpy does, dtype=;
operands as views (Fortran order, permuted, reversed, stepped,
broadcast), the sublist form, a strided out=, threads and optimize=.
Specs numpy rejects (a wrong size or rank, an unknown output label, a
repeated output label, a missing operand) must raise ValueError or
TypeError."""
import numpy as np
import pytest

import einc

pytestmark = pytest.mark.filterwarnings("ignore:Casting complex values to real")
LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
DTYPES = ["float32", "float64", "complex64", "complex128", "int32", "int64",
          "int8", "uint8", "int16", "uint16", "uint32", "uint64", "bool", "float16"]


def random_spec(rng):
    """(inputs, output, shapes): each input a list of labels or '...',
    output None (implicit) or such a list."""
    nlabels = int(rng.integers(1, 9)) if rng.random() < 0.9 else int(rng.integers(9, 53))
    pool = list(rng.permutation(list(LETTERS))[:nlabels])
    size = {l: int(rng.choice([0, 1, 1, 2, 3, 4, 5] if nlabels <= 8 else [1, 2] if k < 12 else [1]))
            for k, l in enumerate(pool)}  # numpy.einsum loops over every label at once
    ell = [int(rng.integers(1, 4)) for _ in range(int(rng.integers(0, 4)))] \
        if rng.random() < 0.25 else None
    inputs, shapes = [], []
    for _ in range(int(rng.integers(1, 6))):
        labels = [pool[int(rng.integers(nlabels))]
                  for _ in range(int(rng.integers(0, 5 if nlabels <= 8 else 12)))]
        shape = [size[l] for l in labels]
        if ell is not None and rng.random() < 0.8:
            at, rank = int(rng.integers(0, len(labels) + 1)), int(rng.integers(0, len(ell) + 1))
            dims = [d if rng.random() < 0.7 else 1 for d in ell[len(ell) - rank:]]
            labels, shape = labels[:at] + ["..."] + labels[at:], shape[:at] + dims + shape[at:]
        inputs.append(labels)
        shapes.append(shape)
    output = None
    if rng.random() < 0.7:
        used = sorted({l for labels in inputs for l in labels if l != "..."})
        output = [l for l in rng.permutation(used) if rng.random() < 0.5] if used else []
        if any("..." in labels for labels in inputs) and rng.random() < 0.8:
            output.insert(int(rng.integers(0, len(output) + 1)), "...")
    return inputs, output, shapes


def broken(rng, inputs, output, shapes):
    """One of the mistakes numpy rejects, made to the spec or the shapes."""
    kind = int(rng.integers(0, 4))
    if kind == 0 and any(shapes):
        shapes[next(k for k, s in enumerate(shapes) if s)][0] += 1
    elif kind == 1:
        shapes[0].append(2)
    elif kind == 2 and output:
        output = output + [output[0]]
    elif kind == 2:
        output = (output or []) + [next(l for l in LETTERS if not any(l in x for x in inputs))]
    else:
        shapes.append([2])
    return output


def operand(rng, shape, dtype):
    """Random values of "shape" and "dtype", laid out as a random view."""
    dt = np.dtype(dtype)
    if dt.kind in "iu":
        a = rng.integers(0 if dt.kind == "u" else -5, 6, size=shape).astype(dt)
    elif dt.kind == "b":
        a = rng.random(shape) < 0.5
    else:
        a = rng.random(shape) * 2 - 1
        a = (a + 1j * rng.random(shape) if dt.kind == "c" else a).astype(dt)
    kind = rng.random()
    if a.ndim == 0 or kind < 0.5:
        return a
    if kind < 0.6:
        return np.asfortranarray(a)
    if kind < 0.7:
        axes = rng.permutation(a.ndim)
        return np.transpose(np.ascontiguousarray(np.transpose(a, axes)), np.argsort(axes))
    if kind < 0.8:
        flip = tuple(slice(None, None, -1) if rng.random() < 0.5 else slice(None)
                     for _ in range(a.ndim))
        return a[flip].copy()[flip]
    if kind < 0.9:
        steps = [int(rng.integers(1, 4)) for _ in range(a.ndim)]
        at = tuple(slice(0, d * s, s) for d, s in zip(a.shape, steps))
        big = np.zeros(tuple(max(d, 1) * s for d, s in zip(a.shape, steps)), a.dtype)
        big[at] = a
        return big[at]
    axis = int(rng.integers(a.ndim))
    return np.broadcast_to(np.take(a, [0], axis=axis), a.shape) if a.shape[axis] else a


def expect_same(got, want, absolute):
    """einc's "got" is numpy's "want": shape, dtype, integers exactly,
    floats within the dtype's rounding of "absolute" (the einsum of the
    operands' absolute values)."""
    assert isinstance(got, np.ndarray)
    assert got.shape == want.shape and got.dtype == want.dtype
    if got.dtype.kind in "iub":
        np.testing.assert_array_equal(got, want)
        return
    eps = {2: 2e-3, 4: 1.2e-7, 8: 2.3e-16}[got.dtype.itemsize // (2 if got.dtype.kind == "c" else 1)]
    err = np.abs(got.astype(np.complex128) - want.astype(np.complex128))
    assert np.all(err <= 64 * eps * (absolute + np.abs(want.astype(np.complex128))) + 1e-30)


def labels_of(labels):
    """One operand's labels in numpy's sublist form."""
    return [Ellipsis if l == "..." else LETTERS.index(l) for l in labels]


@pytest.mark.parametrize("first", range(0, 300, 50))
def test_random_einsums_match_numpy(first):
    for seed in range(first, first + 50):
        rng = np.random.default_rng(seed)
        inputs, output, shapes = random_spec(rng)
        if rng.random() < 0.12:
            output = broken(rng, inputs, output, shapes)
        spec = ",".join("".join(x) for x in inputs) + ("" if output is None
                                                      else "->" + "".join(output))
        mixed = rng.random() < 0.2 and all(shapes)  # numpy 1.x promotes 0-d ones by value
        dtypes = (rng.choice(DTYPES, len(shapes)) if mixed
                  else [DTYPES[int(rng.integers(len(DTYPES)))]] * len(shapes))
        arrays = [operand(rng, s, d) for s, d in zip(shapes, dtypes)]
        kw = {"dtype": DTYPES[int(rng.integers(6))], "casting": "unsafe"} \
            if rng.random() < 0.15 else {}
        if rng.random() < 0.2 and len(inputs) == len(arrays):
            args = [x for a, labels in zip(arrays, inputs) for x in (a, labels_of(labels))]
            args += [] if output is None else [labels_of(output)]
        else:
            args = [spec] + arrays
        options = {"threads": [1, 2, 16][seed % 3],
                   "optimize": ["auto", "optimal", "greedy", False][seed % 4]}
        what = "seed %d: %r %s %s %s" % (seed, spec, [a.shape for a in arrays], dtypes, kw)
        try:
            want = np.einsum(*args, **kw)
        except (ValueError, TypeError):
            with pytest.raises((ValueError, TypeError)):
                einc.contract(*args, **kw, **options)
            continue
        want = np.asarray(want, kw.get("dtype"))  # numpy's view of an operand keeps its dtype
        out = None
        if rng.random() < 0.2 and want.ndim:
            out = np.zeros(want.shape + (2,), want.dtype)[..., 1]
        got = einc.contract(*args, out=out, **kw, **options)
        assert out is None or got is out, what
        absolute = np.abs(np.einsum(*[np.abs(x) if isinstance(x, np.ndarray) else x
                                      for x in args]))
        try:
            expect_same(got, want, absolute)
        except AssertionError as e:
            raise AssertionError(what) from e
