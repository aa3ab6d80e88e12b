"""The package's own tests: every result against numpy.einsum."""
import os
import re
import shutil
import subprocess
import threading
import time

import numpy as np
import pytest

import einc

RNG = np.random.default_rng(17)


def rand(*shape, dtype=np.float64):
    """Random values in [-1, 1) of "shape" and "dtype"."""
    return (RNG.random(shape) * 2 - 1).astype(dtype)


def close(got, want):
    """Asserts einc's "got" equals numpy's "want" to the dtype's precision."""
    tol = 2e-5 if got.dtype == np.float32 else 1e-12
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("spec,shapes", [
    ("bij,bjk->bik", [(3, 4, 5), (3, 5, 6)]),
    ("ij,jk,kl->il", [(4, 5), (5, 6), (6, 3)]),
    ("ii->i", [(5, 5)]),
    ("...ij,...jk", [(2, 1, 3, 4), (5, 4, 2)]),
    ("i,i->", [(7,), (7,)]),
    ("ij->ji", [(9, 7)]),
    (",ij->ij", [(), (2, 3)]),
])
def test_contract_matches_numpy(spec, shapes, dtype):
    ops = [rand(*s, dtype=dtype) for s in shapes]
    got = einc.contract(spec, *ops)
    assert got.dtype == dtype
    close(got, np.einsum(spec, *ops))


def test_sublist_form():
    a, b = rand(3, 4), rand(4, 5)
    close(einc.contract(a, [0, 1], b, [1, 2]), np.einsum(a, [0, 1], b, [1, 2]))
    close(einc.contract(a, [0, 1], b, [1, 2], [2, 0]), np.einsum("ij,jk->ki", a, b))
    close(einc.contract(a, [Ellipsis, 1], [Ellipsis]), a.sum(axis=1))


def test_sublist_labels_and_memory_limit_checked():
    """Sublist labels that are not integers (floats, bools) raise numpy's
    TypeError; a memory_limit that is not a count raises einc's
    ValueError naming it."""
    a = rand(3, 4)
    for labels in ([0.0, 1.0], [True, False], [0, "a"]):
        with pytest.raises(TypeError, match="sublist labels"):
            einc.contract(a, labels)
    close(einc.contract(a, [np.int64(0), np.int32(1)], [1]), a.sum(axis=0))
    with pytest.raises(ValueError, match="memory_limit"):
        einc.contract("ij,jk", a, a.T, memory_limit="small")


def test_spec_with_nul_and_shapes_beyond_int64_raise():
    """A NUL in the spec (which ended the C string: 'ij\\0k' ran as 'ij')
    raises with a caret under it; a shape beyond int64 (2**64 became a
    size of 0) or of non-integers raises instead of wrapping or
    truncating."""
    a = rand(2, 3)
    for spec, col in (("ij\0", 3), ("i\0j", 2)):
        with pytest.raises(ValueError, match=r"spec:1:%d: error: parse: character U\+0000" % col):
            einc.contract(spec, a)
    with pytest.raises(ValueError, match="U\\+0000"):
        einc.contract_path("ij->\0", (2, 3), shapes=True)
    for shape in ((2**64, 1), (2**63, 1)):
        with pytest.raises(ValueError, match="beyond 2\\^63-1"):
            einc.contract_path("ij", shape, shapes=True)
        with pytest.raises(ValueError, match="beyond 2\\^63-1"):
            einc.contract_expression("ij", shape)
    for shape in ((2, 2.5), "ab", 5):
        with pytest.raises(TypeError, match="shape of operand 0"):
            einc.contract_expression("ij->", shape)


def test_spec_with_lone_surrogate_raises_with_caret():
    """A lone surrogate (a str no UTF-8 can hold, which raised
    UnicodeEncodeError) raises einc's parse error with a caret under
    it, from contract, contract_path and contract_expression."""
    a = rand(2, 3)
    for spec, col in (("i\ud800->i", 2), ("ab\udfff", 3)):
        with pytest.raises(ValueError, match=r"spec:1:%d: error: parse: invalid UTF-8" % col):
            einc.contract(spec, a)
    with pytest.raises(ValueError, match="invalid UTF-8"):
        einc.contract_path("ij->\udc80", (2, 3), shapes=True)
    with pytest.raises(ValueError, match="invalid UTF-8"):
        einc.contract_expression("\ud83dj", (2, 3))


def test_dtype_converts_and_defaults():
    a, b = rand(3, 4, dtype=np.float32), rand(4, 2, dtype=np.float32)
    assert einc.contract("ij,jk", a, b).dtype == np.float32
    got = einc.contract("ij,jk", a, b, dtype=np.float64)
    assert got.dtype == np.float64
    close(got, a.astype(np.float64) @ b.astype(np.float64))
    close(einc.contract("ij,jk", np.arange(6).reshape(2, 3), np.ones((3, 2)), dtype="f8"),
          np.arange(6.).reshape(2, 3) @ np.ones((3, 2)))
    scale = einc.contract_expression(",i->i", (), (3,))  # a 0-d operand stays 0-d
    close(scale(np.float32(3), [1, 2, 3]), np.array([3., 6., 9.]))


def test_cache_hits_and_keys():
    einc.clear_cache()
    a, b = rand(4, 4), rand(4, 4)
    einc.contract("ij,jk->ik", a, b)
    assert einc.cache_info()[:3] == (0, 1, 1)
    close(einc.contract("ij,jk->ik", b, a), b @ a)
    assert einc.cache_info()[:3] == (1, 1, 1)
    einc.contract("ij,jk->ik", a.astype(np.float32), b.astype(np.float32))  # dtype
    einc.contract("ij,jk->ik", rand(4, 3), rand(3, 4))                      # shapes
    einc.contract("ij,jk->ik", a, b, optimize="greedy")                     # options
    einc.contract("ij,jk->ik", a, b, threads=1)
    assert einc.cache_info()[:3] == (1, 5, 5)
    einc.clear_cache()
    assert einc.cache_info()[:3] == (0, 0, 0)


def test_expression_compiled_once():
    a, b = rand(5, 6), rand(6, 7)
    expr = einc.contract_expression("ij,jk->ik", a.shape, b.shape)
    for _ in range(3):
        a, b = rand(5, 6), rand(6, 7)
        close(expr(a, b), a @ b)
    assert expr.path == [(0, 1)]
    with pytest.raises(ValueError, match="compiled for"):
        expr(rand(6, 5), b)


def test_constants_folded_once():
    x, w1, w2 = rand(3, 4), rand(4, 5), rand(5, 2)
    want_w = w1 @ w2
    expr = einc.contract_expression("ij,jk,kl->il", x.shape, w1, w2, constants=[1, 2])
    assert expr.spec == "ij,jl->il"  # w1 w2 (4x2), smaller than both, folded once
    w1[...] = 0  # the expression holds its own result
    for _ in range(2):
        x = rand(3, 4)
        close(expr(x), x @ want_w)


def at_line_offset(shape, dtype, off):
    """An uninitialised C-order array of "shape" and "dtype" whose first
    element lies "off" bytes past a 64-byte cache line."""
    size = int(np.prod(shape)) * np.dtype(dtype).itemsize
    buf = np.empty(size + 128, np.uint8)
    skip = (-buf.ctypes.data) % 64 + off
    return buf[skip:skip + size].view(dtype).reshape(shape)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("spec,dims", [
    ("ik,kj->ij", dict(i=37, k=29, j=533)),              # one K block, partial tiles
    ("bik,bkj->bij", dict(b=3, i=13, k=300, j=517)),     # a batch, two K blocks
    ("abc,ia,jb,kc->ijk", dict(a=5, b=6, c=7, i=9, j=10, k=300)),  # a chain
])
def test_operands_and_out_off_a_line(spec, dims, dtype):
    """Operands and out anywhere past a cache line (numpy's large arrays lie
    16 bytes past one; C's rows are then turned, runtime/gett.c): numpy's
    result, the same bytes at every offset and thread count."""
    ins, res = spec.split("->")[0].split(","), spec.split("->")[1]
    src = [rand(*[dims[c] for c in lab], dtype=dtype) for lab in ins]
    want = np.einsum(spec, *[x.astype(np.float64) for x in src]).astype(dtype)
    first = None
    for off in (0, 4, 16, 40) if dtype == np.float32 else (0, 8, 16, 40):
        ops = [at_line_offset(x.shape, dtype, off) for x in src]
        for o, x in zip(ops, src):
            o[...] = x
        for threads in (1, 2, 16):
            out = at_line_offset(want.shape, dtype, off)
            einc.contract(spec, *ops, out=out, threads=threads)
            if first is None:
                close(out, want)
                first = out.tobytes()
            assert out.tobytes() == first


def test_constants_kept_when_folding_grows():
    u, v, x = rand(6), rand(7), rand(6, 7)
    expr = einc.contract_expression("i,j,ij->", u, v, x.shape, constants=[0, 1])
    assert expr.spec == "i,j,ij->"  # u v would be a 6x7 outer product
    close(expr(x), np.einsum("i,j,ij->", u, v, x))


def test_out_written():
    a, b = rand(4, 5), rand(5, 3)
    out = np.empty((4, 3))
    assert einc.contract("ij,jk->ik", a, b, out=out) is out
    close(out, a @ b)
    out_t = np.empty((3, 4)).T  # not contiguous
    assert einc.contract("ij,jk->ik", a, b, out=out_t) is out_t
    close(out_t, a @ b)
    out32 = np.empty((4, 3), np.float32)
    with pytest.raises(TypeError):  # numpy's casting='safe' keeps float64 from float32
        einc.contract("ij,jk->ik", a, b, out=out32)
    einc.contract("ij,jk->ik", a, b, out=out32, casting="same_kind")
    close(out32, (a @ b).astype(np.float32))
    sq = rand(4, 4)
    want = sq @ sq
    einc.contract("ij,jk->ik", sq, sq, out=sq)  # out overlaps the inputs
    close(sq, want)
    with pytest.raises(ValueError):
        einc.contract("ij,jk->ik", a, b, out=np.empty((3, 4)))


@pytest.mark.parametrize("view", ["transposed", "sliced", "negative", "broadcast"])
def test_views(view):
    base = rand(8, 6)
    a = {"transposed": base.T, "sliced": base[1:7:2, ::2].T,
         "negative": base[::-1, ::-2].T,
         "broadcast": np.broadcast_to(rand(6, 1), (6, 8))}[view]
    b = rand(a.shape[1], 5)
    close(einc.contract("ij,jk->ik", a, b), np.einsum("ij,jk->ik", a, b))
    close(einc.contract("ij,jk->ki", b.T, a.T), np.einsum("ij,jk->ki", b.T, a.T))


def compiled(spec, shapes):
    """The expressions einc.contract compiled for "spec" and "shapes": the
    kernel cache's entries (keyed by spec, shapes, operand strides, output
    strides, dtype and options)."""
    return [e for k, e in einc._contract.cache._map.items() if k[:2] == (spec, shapes)]


def element_strides(a):
    """The strides of "a" in elements."""
    return tuple(s // a.itemsize for s in a.strides)


def access(name, labels, strides):
    """An access as the loops dump prints it: in0[i + 6*j]."""
    terms = [l if s == 1 else "%d*%s" % (s, l) for l, s in zip(labels, strides) if s]
    return "%s[%s]" % (name, " + ".join(terms) or "0")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("view", ["transposed", "sliced", "negative", "broadcast"])
def test_views_read_in_place(view, dtype):
    """A view is not copied: the kernel is compiled for its strides (a copy
    would be dense and compile a dense kernel), and reads them."""
    base = rand(8, 6, dtype=dtype)
    a = {"transposed": base.T, "sliced": base[1:7:2, ::2].T,
         "negative": base[::-1, ::-2].T,
         "broadcast": np.broadcast_to(rand(6, 1, dtype=dtype), (6, 8))}[view]
    b = rand(a.shape[1], 5, dtype=dtype)
    einc.clear_cache()
    close(einc.contract("ij,jk->ik", a, b), np.einsum("ij,jk->ik", a, b))
    [expr] = compiled("ij,jk->ik", (a.shape, b.shape))
    assert expr.strides == (element_strides(a), None)
    assert access("in0", "ij", expr.strides[0]) in expr.dump("loops")
    einc.contract("ij,jk->ik", a, b)
    assert einc.cache_info().hits == 1  # same strides: a hit
    einc.contract("ij,jk->ik", np.ascontiguousarray(a), b)
    assert einc.cache_info().misses == 2  # other strides: another kernel


def test_expression_reads_views_in_place():
    """contract_expression: a view runs on a kernel compiled for its
    layout (cached), beside a folded constant."""
    w1, w2 = rand(6, 7), rand(7, 3)
    expr = einc.contract_expression("ij,jk,kl->il", (5, 6), w1, w2, constants=[1, 2])
    x = rand(6, 5).T
    einc.clear_cache()
    close(expr(x), x @ w1 @ w2)
    [variant] = [e for k, e in einc._contract.cache._map.items() if k[2] is not None]
    assert variant.strides[0] == element_strides(x)
    close(expr(x), x @ w1 @ w2)
    assert einc.cache_info().hits == 1


def test_expression_refuses_operands_it_would_truncate():
    """contract_expression computes one dtype (float64 by default): an
    operand numpy's rule 'same_kind' does not let become it (a complex
    one, its imaginary part dropped; a float one of an integer
    expression) raises TypeError, dense, viewed or through a wider
    dtype; narrower ones of the same kind are converted."""
    a, b = rand(3, 4) + 1j * rand(3, 4), rand(4, 2)
    expr = einc.contract_expression("ij,jk->ik", a.shape, b.shape)
    for x in (a, a.T.copy().T, a.astype(np.complex64)):
        with pytest.raises(TypeError, match="operand 0 is complex"):
            expr(x, b)
    close(expr(a.real.astype(np.float32), b), a.real.astype(np.float32) @ b)
    close(expr(np.ones((3, 4), np.int16), b), np.ones((3, 4)) @ b)
    small = einc.contract_expression("ij,jk->ik", a.shape, b.shape, dtype=np.int8)
    with pytest.raises(TypeError, match="operand 1 is float64"):
        small(np.ones((3, 4), np.int8), b)
    close(einc.contract_expression("ij,jk->ik", a.shape, b.shape, dtype=np.complex128)(a, b),
          np.einsum("ij,jk->ik", a, b))


def test_strides_of_part_elements_copied():
    """A record field whose stride is no whole number of its elements, or
    whose elements are not aligned: copied."""
    rec = np.zeros(7, dtype=[("a", "f8"), ("b", "f4")])
    rec["a"] = rand(7)
    field = rec["a"]
    assert field.strides == (12,)
    close(einc.contract("i,i->", field, field), np.dot(field, field))
    rec = np.zeros(7, dtype=[("b", "f4"), ("a", "f8"), ("c", "f4")])
    rec["a"] = rand(7)
    field = rec["a"]  # 2 elements apart, but 4 bytes off its alignment
    assert field.strides == (16,) and not field.flags.aligned
    close(einc.contract("i,i->", field, field), np.dot(field, field))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("spec,shapes,k", [
    ("ijk,jr,kr->ir", [(40, 24, 20), (24, 8), (20, 8)], 0),  # M of unit stride: A in place (f32)
    ("ijk,jr,kr->ir", [(250, 24, 20), (24, 8), (20, 8)], 0),  # f64: packed a whole M at a time
    ("ijk,jr,kr->ir", [(37, 24, 20), (24, 32), (20, 32)], 0),  # 2 vectors: 8-row blocks (AVX-512)
    ("ijk,lk->ijl", [(12, 30, 40), (9, 40)], 0),             # M of unit stride, K one stride
    ("bi,ioj,bj->bo", [(20, 16), (16, 24, 20), (20, 20)], 2),  # a product's factor: copied
    ("ijk,jr,kr->ir", [(40, 24, 20), (24, 8), (20, 8)], 1),  # a product's factor: copied
    ("bi,ioj,bj->bo", [(260, 16), (16, 24, 20), (260, 20)], 1),  # beside a product: in place
    ("ij,jk->ik", [(2100, 250), (250, 70)], 0),  # M of unit stride, K 8 KiB apart: packed
    ("ij,jk->ik", [(300, 250), (250, 40)], 0),   # in place, K in one block
])
def test_transposed_operands_of_gemm_like_steps(spec, shapes, k, dtype):
    """An operand with its axes reversed, on a GEMM-like step: the result
    is numpy's and the same bits on 1, 2 and 16 threads; a factor of a
    product the step packs is copied dense by a step of its own; the
    operand beside such a product is read in place, K in its order."""
    ops = [rand(*s, dtype=dtype) for s in shapes]
    ops[k] = np.ascontiguousarray(ops[k].T).T
    einc.clear_cache()
    got = [einc.contract(spec, *ops, threads=t) for t in (1, 2, 16)]
    close(got[0], np.einsum(spec, *ops))
    assert all(np.array_equal(got[0], g) for g in got[1:])
    operand = spec.split("->")[0].split(",")[k]
    if operand in ("bj", "jr", "ioj"):
        [expr] = [e for key, e in einc._contract.cache._map.items() if key[-1] == 1]
        loops = expr.dump("loops")
        assert (" = in%d[" % k in loops) == (operand != "ioj")
        assert operand != "ioj" or "k(j, i) a=in0 fused=a" in loops


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("spec,shapes,k,copied", [
    ("bij,bjk->bik", [(3, 20, 30), (3, 30, 300)], 0, False),  # M of unit stride
    ("bij,bjk->bik", [(3, 260, 30), (3, 30, 40)], 1, False),  # K of unit stride
    ("ijk,jl->ilk", [(8, 30, 10), (30, 260)], 0, False),      # K of unit stride, M in order
    ("ijk,jl->ilk", [(4, 40, 64), (40, 50)], 0, False),       # B's panels of 32 rows transposed
    ("ijk,lk->ijl", [(5, 32, 40), (40, 40)], 0, False),       # M in blocks of j's run (AVX-512)
    ("bi,ioj,bj->bo", [(260, 16), (16, 24, 20), (260, 20)], 1, False),  # N of unit stride
    ("bij,bjk->bik", [(3, 20, 30), (3, 30, 300)], None, True),  # axes reversed: batch unit
])
def test_swapped_operands_of_gemm_like_steps(spec, shapes, k, copied, dtype):
    """An operand with its last two axes swapped in memory (None: A's
    axes reversed), read many times by a GEMM-like step: numpy's result,
    the same bits on 1, 2 and 16 threads, and read where it lies unless
    its unit stride runs along a batch index."""
    ops = [rand(*s, dtype=dtype) for s in shapes]
    if k is None:
        k, ops[0] = 0, np.ascontiguousarray(ops[0].T).T
    else:
        ops[k] = np.ascontiguousarray(ops[k].swapaxes(-1, -2)).swapaxes(-1, -2)
    einc.clear_cache()
    got = [einc.contract(spec, *ops, threads=t) for t in (1, 2, 16)]
    close(got[0], np.einsum(spec, *ops))
    assert all(np.array_equal(got[0], g) for g in got[1:])
    [expr] = [e for key, e in einc._contract.cache._map.items() if key[-1] == 1]
    assert (" = in%d[" % k in expr.dump("loops")) == copied


def test_view_strides_in_the_loops():
    a, b = rand(37, 53).T, rand(53, 29)[::-1]
    einc.clear_cache()
    close(einc.contract("ji,jk->ik", a, b), a.T @ b)
    [expr] = compiled("ji,jk->ik", (a.shape, b.shape))
    assert "in0[j + 53*i] * in1[-29*j + k]" in expr.dump("loops")


@pytest.mark.parametrize("spec,shapes", [
    ("ij,jk->ik", [(40, 50), (50, 30)]),   # GEMM-like
    ("ij,jk->ik", [(3, 4), (4, 5)]),       # a plain nest, summed
    ("ijk->ki", [(5, 6, 7)]),              # a plain nest, summed
    ("ij->ji", [(9, 7)]),                  # a transpose
])
def test_out_view_written_in_place(spec, shapes):
    """A strided out (every other row, columns reversed and every other
    one) is written in place, and nothing beside it."""
    ops = [rand(*s) for s in shapes]
    want = np.einsum(spec, *ops)
    big = np.full((2 * want.shape[0], 2 * want.shape[1]), 7.0)
    out = big[1::2, ::-2]
    einc.clear_cache()
    assert einc.contract(spec, *ops, out=out) is out
    close(out, want)
    beside = np.ones(big.shape, bool)
    beside[1::2, ::-2] = False
    assert (big[beside] == 7.0).all()
    [expr] = compiled(spec, tuple(shapes))  # one compile: no dense-out variant first
    assert expr.out_strides == element_strides(out)
    assert einc.cache_info()[:2] == (0, 1)
    out[...] = 0
    einc.contract(spec, *ops, out=out)
    close(out, want)
    assert einc.cache_info()[:2] == (1, 1)


def test_out_view_of_a_wrong_shape():
    """A strided out of the wrong shape or rank: ValueError naming it."""
    a, b = rand(4, 5), rand(5, 3)
    with pytest.raises(ValueError, match=r"out has shape \(3, 4\), the result \(4, 3\)"):
        einc.contract("ij,jk->ik", a, b, out=np.empty((4, 3)).T)
    with pytest.raises(ValueError, match=r"out has shape \(4, 2, 3\), the result \(4, 3\)"):
        einc.contract("ij,jk->ik", a, b, out=np.empty((3, 2, 4)).T)


def test_out_view_of_another_dtype_or_overlapping():
    a, b = rand(6, 4), rand(4, 5)
    out = np.zeros((5, 6), np.float32).T  # float32: through a temporary
    einc.contract("ij,jk->ik", a, b, out=out, casting="same_kind")
    close(out, (a @ b).astype(np.float32))
    sq = rand(6, 6)
    view = sq.T
    want = view @ view
    einc.contract("ij,jk->ik", view, view, out=view)  # overlaps: through a temporary
    close(view, want)


def test_out_whose_elements_overlap_is_written_through_a_copy():
    """An out whose elements share memory (as_strided windows: out[i, j]
    and out[i + 1, j - 1] are one element) cannot be written in place;
    it gets the result copied in, each element holding one of the values
    written there (numpy 1.24 accumulates into it: sums of several)."""
    a, b = rand(5, 40), rand(40, 5)
    want = a @ b
    buf = np.zeros(9)
    out = np.lib.stride_tricks.as_strided(buf, (5, 5), (8, 8))
    assert einc.contract("ij,jk->ik", a, b, out=out) is out
    for d in range(9):
        assert any(np.isclose(buf[d], want[i, d - i]) for i in range(5) if 0 <= d - i < 5)


class DLPackOnly:
    """An array reachable through the DLPack protocol alone."""

    def __init__(self, a):
        self._a = a

    def __dlpack__(self, stream=None):
        return self._a.__dlpack__()

    def __dlpack_device__(self):
        return self._a.__dlpack_device__()


def test_dlpack_and_buffers_without_copies():
    a, b = rand(6, 4), rand(4, 5)
    wrapped = DLPackOnly(a)
    assert np.shares_memory(einc._layout.as_array(wrapped), a)
    close(einc.contract("ij,jk->ik", wrapped, b), a @ b)
    mv = memoryview(b)
    assert np.shares_memory(einc._layout.as_array(mv), b)
    close(einc.contract("ij,jk->ik", a, mv), a @ b)


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "complex64"])
@pytest.mark.parametrize("view", ["contiguous", "transposed", "sliced", "expanded", "permuted"])
def test_torch_tensors_read_in_place(view, dtype):
    """torch CPU tensors, views included, are read where they lie (DLPack):
    the kernel is compiled for the tensor's own strides, and the result
    equals numpy's on copies of the values."""
    torch = pytest.importorskip("torch")
    base = torch.from_numpy(rand(6, 8, 4) * 10).to(getattr(torch, dtype))
    t = {"contiguous": base[0], "transposed": base[1].t(), "sliced": base[:, ::2, 1],
         "expanded": base[2, :1].expand(8, 4), "permuted": base.permute(2, 0, 1)[:, :, 3]}[view]
    w = torch.from_numpy(rand(t.shape[1], 3) * 10).to(t.dtype)
    arr = einc._layout.as_array(t)
    assert arr.ctypes.data == t.data_ptr()  # no copy: the tensor's own memory
    assert element_strides(arr) == tuple(t.stride())
    einc.clear_cache()
    got = einc.contract("ij,jk->ik", t, w)
    want = np.einsum("ij,jk->ik", t.numpy().copy(), w.numpy())
    assert got.dtype == want.dtype
    if dtype == "int64":
        np.testing.assert_array_equal(got, want)
    else:
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-4)
    [expr] = compiled("ij,jk->ik", (tuple(t.shape), tuple(w.shape)))
    assert expr.strides == (None if t.is_contiguous() else (tuple(t.stride()), None))


def test_torch_tensors_dlpack_refuses():
    """A tensor that requires grad, or has its conjugate bit set:
    NotImplementedError with torch's reason, not a wrong answer."""
    torch = pytest.importorskip("torch")
    a = torch.rand(3, 4, dtype=torch.float64, requires_grad=True)
    with pytest.raises(NotImplementedError, match="require gradient"):
        einc.contract("ij->i", a)
    close(einc.contract("ij->i", a.detach()), a.detach().numpy().sum(axis=1))
    c = torch.rand(3, dtype=torch.complex128).conj()
    with pytest.raises(NotImplementedError, match="conjugate bit"):
        einc.contract("i->", c)


def test_torch_bool_tensors_through_the_array_protocol():
    """A torch bool tensor, which DLPack cannot carry, is read through
    numpy's array protocol (in place) and gives numpy.einsum's result."""
    torch = pytest.importorskip("torch")
    t = torch.tensor([[True, False, True], [False, False, True]])
    want = np.einsum("ij,jk->ik", t.numpy(), t.numpy().T)
    got = einc.contract("ij,jk->ik", t, t.t())
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)
    assert np.shares_memory(einc._layout.as_array(t), t.numpy())


def test_read_only_memmaps_and_subclasses_read_in_place(tmp_path):
    """An ndarray subclass that DLPack will not export because it is
    read-only (np.load(..., mmap_mode='r'), a read-only np.matrix) is read
    through numpy's array protocol, in place; it raised
    NotImplementedError."""
    a = rand(3, 4)
    np.save(tmp_path / "a.npy", a)
    m = np.load(tmp_path / "a.npy", mmap_mode="r")
    close(einc.contract("ij,kj->ik", m, m), a @ a.T)
    assert np.shares_memory(einc._layout.as_array(m), m)
    r = a.view(np.matrix)
    r.flags.writeable = False
    close(einc.contract("ij->j", r), a.sum(axis=0))


def test_gil_released_while_a_kernel_runs():
    """The main thread keeps running Python while another thread's kernels
    run: its loop ticks (every millisecond or so) inside the middle half of
    a call. A kernel holding the GIL would allow none there; the best of
    three calls, so that the scheduler pausing the main thread on a loaded
    machine (other tests beside it) fails nothing."""
    a, b = rand(1100, 1100), rand(1100, 1100)
    expr = einc.contract_expression("ij,jk->ik", a.shape, b.shape, threads=1)
    expr(a, b)
    spans = []

    def work():
        for _ in range(3):
            start = time.perf_counter()
            expr(a, b)
            spans.append((start, time.perf_counter()))

    t = threading.Thread(target=work)
    t.start()
    ticks, last = [], 0.0
    while t.is_alive():
        now = time.perf_counter()
        if now - last >= 1e-3:
            ticks.append(now)
            last = now
    t.join()
    inside = [sum(s + (e - s) / 4 < x < e - (e - s) / 4 for x in ticks) for s, e in spans]
    assert max(inside) >= 5, (inside, spans)


def test_errors_carry_the_message():
    with pytest.raises(ValueError) as e:
        einc.contract("ij,jk.->ik", rand(2, 3), rand(3, 4))
    msg = str(e.value)
    assert "parse" in msg and "ij,jk.->ik" in msg and msg.splitlines()[-1].strip() == "^"
    assert isinstance(e.value, einc.Error)
    with pytest.raises(ValueError, match="bind"):
        einc.contract("ij,jk->ik", rand(2, 3), rand(4, 5))
    with pytest.raises(NotImplementedError, match="float128"):
        einc.contract("ij->ji", np.arange(6, dtype=np.longdouble).reshape(2, 3))
    with pytest.raises(TypeError, match="cannot be cast from float64 to float32"):
        einc.contract("ij,jk", rand(2, 2), rand(2, 2), dtype=np.float32)
    with pytest.raises(ValueError, match="casting"):
        einc.contract("ij,jk", rand(2, 2), rand(2, 2), casting="blah")
    with pytest.raises(ValueError, match="order"):
        einc.contract("ij,jk", rand(2, 2), rand(2, 2), order="X")
    with pytest.raises(NotImplementedError, match="two operands at a time"):
        einc.contract("ij,jk,kl", rand(2, 2), rand(2, 2), rand(2, 2), optimize=[(0, 1, 2)])
    with pytest.raises(ValueError, match="optimize"):
        einc.contract("ij,jk", rand(2, 2), rand(2, 2), optimize="fastest")
    with pytest.raises(MemoryError, match="budget"):
        einc.contract("ij,jk,kl->il", rand(30, 30), rand(30, 30), rand(30, 30), budget=64)


@pytest.mark.parametrize("path", [[(1, 2), (0, 1)], ["einsum_path", (0, 2), (0, 1)],
                                  [(0, 1), (0, 1)]])
def test_explicit_path(path):
    a, b, c = rand(3, 4), rand(4, 5), rand(5, 6)
    close(einc.contract("ij,jk,kl->il", a, b, c, optimize=path), a @ b @ c)
    got, _ = einc.contract_path("ij,jk,kl->il", a, b, c, optimize=path)
    assert got == [p for p in path if p != "einsum_path"]
    for error in (ValueError, RuntimeError):  # numpy.einsum raises RuntimeError
        with pytest.raises(error, match="uncontracted"):
            einc.contract("ij,jk,kl->il", a, b, c, optimize=path[:-1])


def test_budget_spills_and_memory_limit():
    a, b, c = rand(20, 30), rand(30, 40), rand(40, 10)
    want = a @ b @ c
    close(einc.contract("ij,jk,kl->il", a, b, c, memory_limit="max_input"), want)
    close(einc.contract("ij,jk,kl->il", a, b, c, budget=8 * 900), want)


def test_counts_beyond_their_fields_clamp_not_wrap():
    """budget=, threads= and memory_limit= beyond what einc_options holds
    mean as much as it holds (they wrapped around: 2**64 + 8 bytes was a
    budget of 8, 2**31 threads a negative count); values that are no
    whole number of zero or more raise ValueError naming the option."""
    a, b, c = rand(20, 30), rand(30, 40), rand(40, 10)
    want = a @ b @ c
    close(einc.contract("ij,jk,kl->il", a, b, c, budget=2**64 + 8), want)
    close(einc.contract("ij,jk,kl->il", a, b, c, memory_limit=2**64 + 1), want)
    close(einc.contract("ij,jk,kl->il", a, b, c, threads=2**31), want)
    close(einc.contract("ij,jk,kl->il", a, b, c, threads=2**32 + 1), want)
    for name, value in (("budget", "x"), ("budget", -8), ("threads", float("nan")),
                        ("memory_limit", -5)):
        with pytest.raises(ValueError, match=name):
            einc.contract("ij,jk,kl->il", a, b, c, **{name: value})


def _step_sizes(spec, shapes, path):
    """The element count of each step's result when the linear path
    "path" (numpy's form) runs on operands of "shapes"."""
    ins, out = spec.split("->")
    terms = ins.split(",")
    size = {l: n for t, s in zip(terms, shapes) for l, n in zip(t, s)}
    sizes = []
    for step in path:
        taken = [terms.pop(k) for k in sorted(step, reverse=True)]
        rest = set(out).union(*terms)
        kept = "".join(sorted(set("".join(taken)) & rest))
        terms.append(kept)
        sizes.append(int(np.prod([size[l] for l in kept], dtype=np.int64)))
    return sizes


def _largest(report):
    """The "Largest intermediate" figure of a numpy or einc path report."""
    line = next(l for l in report.splitlines() if "Largest intermediate" in l)
    return float(line.split(":")[1].split()[0])


# (spec, shapes, memory_limit): a pairwise path keeps every intermediate
# within the limit, the output above it: numpy.einsum_path (optimal and
# greedy) and opt_einsum take pairwise paths, never bounding the output.
LIMIT_SPARES_OUTPUT = [
    ("i,j->ij", [(4,), (5,)], 5),
    ("ij,jk,kl->il", [(100, 2), (2, 100), (100, 2)], 4),
    ("i,ij,jk->ik", [(50,), (50, 2), (2, 50)], 100),
    ("ab,bc,cd,de->ae", [(30, 2), (2, 30), (30, 2), (2, 30)], 60),
]


@pytest.mark.parametrize("spec,shapes,limit", LIMIT_SPARES_OUTPUT)
@pytest.mark.parametrize("optimize", ["auto", "optimal", "greedy", "refine"])
def test_memory_limit_bounds_intermediates_not_output(spec, shapes, limit, optimize):
    """memory_limit bounds the intermediates, not the output, as in
    numpy.einsum_path and opt_einsum: where numpy finds a pairwise path
    within the limit, einc finds one as long, its intermediates within the
    limit, the same largest intermediate (the output, in both reports),
    and numpy's result."""
    ops = [rand(*s) for s in shapes]
    for method in ("optimal", "greedy"):
        npath, nreport = np.einsum_path(spec, *ops, optimize=(method, limit))
        npath = npath[1:]
        assert all(len(step) == 2 for step in npath)
        assert max(_step_sizes(spec, shapes, npath)[:-1], default=0) <= limit
    path, report = einc.contract_path(spec, *ops, optimize=optimize, memory_limit=limit)
    assert len(path) == len(npath)
    assert max(_step_sizes(spec, shapes, path)[:-1], default=0) <= limit
    assert _largest(report) == _largest(nreport)
    close(einc.contract(spec, *ops, optimize=optimize, memory_limit=limit),
          np.einsum(spec, *ops))


@pytest.mark.parametrize("optimize", ["auto", "optimal", "greedy", "refine"])
def test_memory_limit_without_pairwise_path_names_one(optimize):
    """Where no pairwise path keeps the intermediates within the limit,
    numpy and opt_einsum contract the remaining operands in one step; einc
    runs two operands per step, so it raises MemoryError saying so and
    naming a limit that works, and that limit works."""
    spec, shapes = "ab,bc,cd->ad", [(8, 8), (8, 8), (8, 8)]
    ops = [rand(*s) for s in shapes]
    npath, _ = np.einsum_path(spec, *ops, optimize=("greedy", 32))
    assert npath[1:] == [(0, 1, 2)]
    with pytest.raises(MemoryError, match="two operands per step") as err:
        einc.contract(spec, *ops, optimize=optimize, memory_limit=32)
    works = int(str(err.value).split("a limit of ")[1].split()[0])
    assert works == 64
    path, _ = einc.contract_path(spec, *ops, optimize=optimize, memory_limit=works)
    assert max(_step_sizes(spec, shapes, path)[:-1]) <= works
    close(einc.contract(spec, *ops, optimize=optimize, memory_limit=works),
          np.einsum(spec, *ops))


def test_memory_limit_left_to_right_and_empty():
    """optimize=False (left to right) honours the limit too, naming the
    limit its order needs; -1 is opt_einsum's "no limit"; with an axis of
    size 0 no step runs and no intermediate is made: any limit holds."""
    spec = "ij,jk,kl->il"
    ops = [rand(100, 2), rand(2, 100), rand(100, 2)]
    with pytest.raises(MemoryError, match="a limit of 10000 elements works"):
        einc.contract(spec, *ops, optimize=False, memory_limit=9999)
    for limit in (10000, -1):
        close(einc.contract(spec, *ops, optimize=False, memory_limit=limit),
              np.einsum(spec, *ops))
    empty = [rand(100, 0), rand(0, 100), rand(100, 2)]
    for optimize in ("auto", False):
        close(einc.contract(spec, *empty, optimize=optimize, memory_limit=1),
              np.einsum(spec, *empty))


def test_memory_limit_max_input_counts_output():
    """'max_input' is opt_einsum's: the largest of the operands and the
    output (numpy.einsum_path's default limit), so an intermediate larger
    than every operand (iab: 200 elements) but not than the output fits,
    and the path is numpy's length."""
    spec, shapes = "ia,ib,ic->abc", [(2, 10), (2, 10), (2, 10)]
    ops = [rand(*s) for s in shapes]
    npath, _ = np.einsum_path(spec, *ops, optimize="greedy")
    path, _ = einc.contract_path(spec, *ops, memory_limit="max_input")
    assert len(path) == len(npath[1:]) == 2
    close(einc.contract(spec, *ops, memory_limit="max_input"), np.einsum(spec, *ops))


@pytest.mark.parametrize("spec,shapes", [
    ("ia,ib,ic->abc", [(2, 10), (2, 10), (2, 10)]),
    ("...ia,...ib,...ic", [(1, 2, 10), (3, 2, 10), (2, 10)]),  # '...' broadcast, implicit
    ("ia,ib,ic,i->abc", [(2, 10), (2, 10), (1, 10), (1,)]),    # labels of extent 1 broadcast
])
def test_memory_limit_max_input_compiles_once(spec, shapes, monkeypatch):
    """'max_input' counts the output from the spec and the shapes, as
    numpy broadcasts them, without a first compile to learn its shape:
    one Expression per cache miss, and the path is the one under that
    count given as a number."""
    ops = [rand(*s) for s in shapes]
    limit = max([op.size for op in ops] + [np.einsum(spec, *ops).size])
    built = []

    class Counted(einc._contract.Expression):
        def __init__(self, *args, **kwargs):
            built.append(args[0])
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(einc._contract, "Expression", Counted)
    einc.clear_cache()
    close(einc.contract(spec, *ops, memory_limit="max_input"), np.einsum(spec, *ops))
    assert einc.cache_info()[:2] == (0, 1) and built == [spec]
    path, _ = einc.contract_path(spec, *ops, memory_limit="max_input")
    assert path == einc.contract_path(spec, *ops, memory_limit=limit)[0]


@pytest.mark.parametrize("spec,shapes", [
    ("ij,jk->ik", [(2, 3), (3, 4)]),
    ("ba,cb", [(3, 2), (4, 3)]),                            # implicit: sorted
    ("ij,ij->ij", [(1, 3), (2, 3)]),                        # extent 1 broadcasts
    ("ik,kj->ij", [(2, 1), (7, 3)]),
    ("...ij,...jk->...ik", [(2, 1, 3, 4), (5, 4, 6)]),      # '...' right-aligned
    ("...ij,...jk", [(2, 1, 3, 4), (5, 4, 6)]),
    ("i...->...", [(4, 5, 6)]),
    ("...,...", [(3,), (2, 1)]),
    ("ii->i", [(3, 3)]),
    ("ij->", [(3, 4)]),
    (",i", [(), (3,)]),
    ("ij,jk->ik", [(0, 3), (3, 4)]),                        # empty axis
])
def test_output_shape_is_numpys(spec, shapes):
    """The output's shape, from einc's front end without compiling
    (einc_output_shape), is numpy.einsum's; memory_limit='max_input'
    counts its elements."""
    want = np.einsum(spec, *[np.ones(s) for s in shapes]).shape
    assert einc._spec.output_shape(spec, shapes) == want
    assert einc._spec.output_size(spec, shapes) == int(np.prod(want, dtype=np.int64))


@pytest.mark.parametrize("spec,shapes,message", [
    ("ij,jk->ik", [(2, 3), (4, 5)], "label 'j' is 4 in operand 1 but 3 in operand 0\n"
                                    "  ij,jk->ik\n     ^"),
    ("ij,j%->ik", [(2, 3), (3, 4)], "'%' is not a label"),
    ("ij,jk", [(2, 3)], "the spec has 2 operands but 1 shape is given"),
    ("ij->k", [(2, 3)], "output label 'k' appears in no input\n  ij->k\n      ^"),
])
def test_output_shape_of_a_bad_spec_raises(spec, shapes, message):
    """A spec and shapes that do not fit raise numpy's ValueError with the
    front end's message, as the compile does, also for 'max_input'."""
    with pytest.raises(ValueError):
        np.einsum(spec, *[np.ones(s) for s in shapes])
    with pytest.raises(ValueError, match=re.escape(message)):
        einc._spec.output_shape(spec, shapes)
    with pytest.raises(ValueError, match=re.escape(message)):
        einc.contract(spec, *[np.ones(s) for s in shapes], memory_limit="max_input")


def test_threads_share_an_expression():
    expr = einc.contract_expression("bij,bjk->bik", (4, 32, 16), (4, 16, 24))
    errors = []

    def work(seed):
        rng = np.random.default_rng(seed)
        try:
            for _ in range(20):
                a, b = rng.random((4, 32, 16)), rng.random((4, 16, 24))
                close(expr(a, b), a @ b)
                c = rng.random((5, 7))
                close(einc.contract("ij->j", c), c.sum(0))
        except Exception as e:  # reported by the main thread
            errors.append(e)

    threads = [threading.Thread(target=work, args=(s,)) for s in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[0]


def test_contract_path_and_report():
    shapes = [(10, 20), (20, 30), (30, 5)]
    path, report = einc.contract_path("ij,jk,kl->il", *shapes, shapes=True)
    np_path, np_report = np.einsum_path("ij,jk,kl->il", *[np.empty(s) for s in shapes],
                                        optimize="optimal")
    assert path == np_path[1:]
    assert "Optimized FLOP count" in report


def test_dumps_and_emit(tmp_path):
    expr = einc.contract_expression("ij,jk->ik", (8, 8), (8, 8), dtype=np.float32)
    assert "for (" in expr.dump("loops")
    assert "define" in expr.dump("llvm")
    for stage in ("graph", "canon", "tree", "path", "plan"):
        assert expr.dump(stage)
    with pytest.raises(ValueError, match="stage"):
        expr.dump("nonsense")
    expr.emit(tmp_path / "k.o", header=tmp_path / "k.h", name="k")
    assert open(tmp_path / "k.o", "rb").read(4) == b"\x7fELF"
    assert "int k(float *out" in (tmp_path / "k.h").read_text()
    expr.emit(tmp_path / "k.ll", name="k")
    assert "define" in (tmp_path / "k.ll").read_text()


HOST = r"""
#include <stdio.h>
#include "k.h"
/* reads the operands from "in.bin", runs k, writes the result to "out.bin" */
int main(void)
{
	static double in0[K_IN0_ELEMS], in1[K_IN1_ELEMS], in2[K_IN2_ELEMS], out[K_OUT_ELEMS];
	static _Alignas(64) char ws[K_WORKSPACE_BYTES + 1];
	FILE *f = fopen("in.bin", "rb");
	if (!f || fread(in0, sizeof in0, 1, f) != 1 || fread(in1, sizeof in1, 1, f) != 1 ||
	    fread(in2, sizeof in2, 1, f) != 1 || k(out, in0, in1, in2, ws) != 0)
		return 1;
	fclose(f);
	f = fopen("out.bin", "wb");
	return !f || fwrite(out, sizeof out, 1, f) != 1 || fclose(f) != 0;
}
"""


def test_emitted_object_links_and_runs(tmp_path):
    """expr.emit writes an object and header that a C host links with
    libeinc_rt.a (beside the libeinc.so under test) and runs: the result
    is numpy's, in a workspace of expr.workspace_bytes, which the header
    and the plan name too."""
    rt = os.path.join(os.path.dirname(os.environ.get("EINC_LIBRARY", "")), "libeinc_rt.a")
    if not os.path.exists(rt) or shutil.which("cc") is None:
        pytest.skip("no cc, or no libeinc_rt.a beside EINC_LIBRARY")
    ops = [rand(8, 9), rand(9, 10), rand(10, 11)]
    expr = einc.contract_expression("ij,jk,kl->il", *(a.shape for a in ops))
    assert expr.workspace_bytes > 0  # the intermediate of 8 x 10 or 9 x 11 lives there
    assert "workspace=%d" % expr.workspace_bytes in expr.dump("loops").splitlines()[0]
    assert len(expr.path) == 2 and " contract " in expr.dump("tree")
    expr.emit(tmp_path / "k.o", header=tmp_path / "k.h", name="k")
    assert "#define K_WORKSPACE_BYTES %d" % expr.workspace_bytes in (tmp_path / "k.h").read_text()
    (tmp_path / "host.c").write_text(HOST)
    subprocess.run(["cc", "-std=c11", "-I", str(tmp_path), str(tmp_path / "host.c"),
                    str(tmp_path / "k.o"), rt, "-lm", "-lpthread", "-o", str(tmp_path / "host")],
                   check=True)
    with open(tmp_path / "in.bin", "wb") as f:
        for a in ops:
            f.write(a.tobytes())
    subprocess.run([str(tmp_path / "host")], cwd=tmp_path, check=True)
    got = np.fromfile(tmp_path / "out.bin").reshape(8, 11)
    close(got, ops[0] @ ops[1] @ ops[2])


def test_python_scalars_and_lists():
    """Lists, nested lists, Python and numpy scalars go through np.asarray."""
    close(einc.contract(",ij->ij", 2.5, [[1.0, 2.0], [3.0, 4.0]]),
          np.array([[2.5, 5.0], [7.5, 10.0]]))
    close(einc.contract("i,i->", [1.0, 2.0, 3.0], (4.0, 5.0, 6.0)), np.array(32.0))
    total = einc.contract("i->", [1, 2, 3])
    assert total.dtype == np.int64 and total == 6
    close(einc.contract("ij->", np.float64(3.0) * np.ones((2, 2))), np.array(12.0))


def test_version_is_einc_h():
    header = os.path.join(os.path.dirname(__file__), "..", "..", "include", "einc.h")
    with open(header) as f:
        want = [l.split('"')[1] for l in f if l.startswith("#define EINC_VERSION_STRING")]
    assert einc.__version__ == want[0]
