"""einc's complex and integer dtypes against numpy: random einsums in
every dtype (and those computed through wider ones), the complex GEMM's
edge sizes, integer wrap-around on overflow, order=, and a quantum
circuit as a tensor network against a state-vector simulation."""
import numpy as np
import pytest

import einc

RNG = np.random.default_rng(18)
DTYPES = [np.float32, np.float64, np.complex64, np.complex128, np.int32, np.int64]


def rand(shape, dtype):
    """Random values of "shape" in "dtype": [-1, 1) per float part,
    integers in -8 .. 8."""
    dt = np.dtype(dtype)
    if dt.kind == "i":
        return RNG.integers(-8, 9, size=shape).astype(dt)
    x = RNG.random(shape) * 2 - 1
    if dt.kind == "c":
        x = x + 1j * (RNG.random(shape) * 2 - 1)
    return x.astype(dt)


def same(got, want):
    """Asserts einc's "got" is numpy's "want": the dtype and shape, the
    values exactly for integers, else to a float's precision."""
    assert got.dtype == want.dtype and got.shape == want.shape
    if got.dtype.kind == "i":
        np.testing.assert_array_equal(got, want)
    else:
        tol = 2e-5 if got.real.dtype == np.float32 else 1e-11
        np.testing.assert_allclose(got, want, rtol=tol, atol=tol)


def random_einsum(rng):
    """A random spec and operand shapes: 1 to 4 operands over up to 5
    labels of sizes 1 to 4, repeats (diagonals) and an implicit output
    sometimes."""
    nlabels = int(rng.integers(2, 6))
    size = {chr(97 + l): int(rng.integers(1, 5)) for l in range(nlabels)}
    ops = []
    for _ in range(int(rng.integers(1, 5))):
        ops.append("".join(chr(97 + int(rng.integers(nlabels)))
                           for _ in range(int(rng.integers(1, 4)))))
    spec = ",".join(ops)
    if rng.integers(4):
        used = sorted(set("".join(ops)))
        spec += "->" + "".join(l for l in rng.permutation(used) if rng.integers(2))
    return spec, [tuple(size[l] for l in op) for op in ops]


CASES = [random_einsum(np.random.default_rng(s)) for s in range(40)]


@pytest.mark.parametrize("dtype", DTYPES)
def test_random_einsums_match_numpy(dtype):
    for spec, shapes in CASES:
        ops = [rand(s, dtype) for s in shapes]
        same(einc.contract(spec, *ops), np.einsum(spec, *ops))


@pytest.mark.parametrize("dtype", [np.complex64, np.complex128, np.int32, np.int64])
@pytest.mark.parametrize("m,k,n", [(1, 1, 1), (1, 7, 5), (7, 1, 9), (13, 17, 1), (31, 37, 41),
                                   (2, 64, 64), (145, 31, 150), (13, 257, 97), (5, 300, 60)])
def test_gemm_edges_match_matmul(dtype, m, k, n):
    a, b = rand((m, k), dtype), rand((k, n), dtype)
    same(einc.contract("ik,kj->ij", a, b), a @ b)
    same(einc.contract("ki,kj->ij", a.T.copy(), b), a @ b)
    same(einc.contract("bik,bkj->bij", np.stack([a, -a]), np.stack([b, b])),
         np.stack([a @ b, -(a @ b)]))


@pytest.mark.parametrize("dtype", [np.int32, np.int64])
@pytest.mark.parametrize("spec,shapes", [
    ("ij,jk->ik", [(9, 31), (31, 7)]),
    ("bij,bjk->bik", [(3, 5, 40), (3, 40, 6)]),
    ("i,i->", [(1000,), (1000,)]),
    ("ij->i", [(4, 513)]),
    ("ijk,jl,lk->i", [(3, 4, 5), (4, 6), (6, 5)]),
])
def test_integer_overflow_wraps_as_numpy(dtype, spec, shapes):
    info = np.iinfo(dtype)
    ops = [RNG.integers(info.min, info.max, size=s, dtype=dtype, endpoint=True) for s in shapes]
    want = np.einsum(spec, *ops)
    same(einc.contract(spec, *ops), want)
    assert np.abs(want.astype(np.float64)).max() < np.abs(  # the sums did overflow
        np.einsum(spec, *[o.astype(np.float64) for o in ops])).max()


THROUGH = [np.int8, np.uint8, np.int16, np.uint16, np.uint32, np.uint64, np.bool_, np.float16]


def full_range(shape, dtype):
    """Random values of "shape" over the whole range of integer or bool
    "dtype"; in [-1, 1) for float16."""
    dt = np.dtype(dtype)
    if dt.kind == "b":
        return RNG.integers(0, 2, size=shape).astype(dt)
    if dt.kind == "f":
        return (RNG.random(shape) * 2 - 1).astype(dt)
    info = np.iinfo(dt)
    return RNG.integers(info.min, info.max, size=shape, dtype=dt, endpoint=True)


def same_through(got, want):
    """"got" is numpy's "want": exactly (the wrapped integers, bool), or
    for float16 within a few of half's steps (numpy rounds its running
    sums to half, einc once)."""
    assert got.dtype == want.dtype and got.shape == want.shape
    if got.dtype == np.float16:
        np.testing.assert_allclose(got.astype(np.float64), want.astype(np.float64),
                                   rtol=1e-2, atol=1e-2)
    else:
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("dtype", THROUGH)
def test_dtypes_through_wider_ones_match_numpy(dtype):
    """Dtypes einc computes through a wider one (_through.py): random
    einsums, a GEMM whose sums wrap (or saturate a bool), a transposed
    view, out= and a compiled expression with a constant, all against
    numpy.einsum."""
    for spec, shapes in CASES:
        ops = [full_range(s, dtype) for s in shapes]
        same_through(einc.contract(spec, *ops), np.einsum(spec, *ops))
    a, b = full_range((37, 45), dtype), full_range((45, 29), dtype)
    want = np.einsum("ij,jk->ik", a, b)
    same_through(einc.contract("ij,jk->ik", a, b), want)
    same_through(einc.contract("ji,jk->ik", a.T, b), want)
    out = np.zeros((37, 29), dtype)
    assert einc.contract("ij,jk->ik", a, b, out=out) is out
    same_through(out, want)
    expr = einc.contract_expression("ij,jk->ik", a.shape, b, constants=[1])
    same_through(expr(a), want)
    if np.dtype(dtype).kind in "iu":  # the sums did wrap around
        assert (want.astype(np.float64) != a.astype(np.float64) @ b.astype(np.float64)).any()


@pytest.mark.parametrize("dtype", THROUGH)
def test_dtypes_through_wider_ones_give_arrays(dtype):
    """A 0-d result in a dtype computed through a wider one is a 0-d
    ndarray, as in the dtypes einc computes itself (a bool one was a
    numpy scalar), its value numpy.einsum's."""
    a = full_range((5,), dtype)
    for spec, ops in (("i,i", (a, a)), ("i->", (a,)), (",->", (a[0], a[1]))):
        got = einc.contract(spec, *ops)
        assert type(got) is np.ndarray and got.shape == ()
        same_through(got, np.asarray(np.einsum(spec, *ops)))


def test_dtype_argument_casts_first():
    """dtype= a narrow dtype casts the operands to it first, as numpy does
    (int64 values wrap to int8, floats become bool), under casting=."""
    a = RNG.integers(-1000, 1000, size=(6, 7))
    b = RNG.integers(-1000, 1000, size=(7, 5))
    same_through(einc.contract("ij,jk", a, b, dtype=np.int8, casting="unsafe"),
                 np.einsum("ij,jk", a, b, dtype=np.int8, casting="unsafe"))
    x, y = RNG.random((6, 7)) - 0.5, np.round(RNG.random((7, 5)))
    same_through(einc.contract("ij,jk", x, y, dtype=bool, casting="unsafe"),
                 np.einsum("ij,jk", x, y, dtype=bool, casting="unsafe"))
    with pytest.raises(TypeError):
        einc.contract("ij,jk", a, b, dtype=np.int8)


@pytest.mark.parametrize("dtype", [">f4", ">f8", ">c8", ">c16", ">i4", ">i8", ">i2"])
def test_big_endian_operands_computed_natively(dtype):
    """Big-endian operands (as files hold them) give numpy.einsum's
    result, in native byte order as numpy's; dtype= big-endian computes
    natively too (numpy 1.24 returns bytes of the wrong order there)."""
    a = rand((4, 5), np.dtype(dtype).newbyteorder("="))
    b = rand((5, 3), a.dtype)
    want = np.einsum("ij,jk->ik", a, b)
    got = einc.contract("ij,jk->ik", a.astype(dtype), b.astype(dtype))
    assert got.dtype == want.dtype and got.dtype.isnative
    same(got, want)
    same(einc.contract("ij,jk->ik", a, b, dtype=dtype), want)
    f = einc.contract_expression("ij,jk->ik", a.shape, b.astype(dtype), constants=[1])
    same(f(a.astype(dtype)), want)


def placed(a, offset):
    """A copy of ndarray "a" (C order) starting "offset" bytes past a
    64-byte boundary."""
    base = np.zeros(a.nbytes + 128, np.uint8)
    start = -base.ctypes.data % 64 + offset
    b = base[start:start + a.nbytes].view(a.dtype).reshape(a.shape)
    b[...] = a
    return b


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("spec, shapes", [
    ("ij->", [(3, 4)]), ("ijk->k", [(9, 10, 11)]), ("ij,jk->ik", [(33, 20), (20, 17)]),
    ("ij->ji", [(40, 30)]), ("ii->i", [(12, 12)])])
def test_operands_and_out_off_their_size_alignment(dtype, spec, shapes):
    """Arrays at numpy's alignment but not their element size's (a
    complex128 at 8 mod 16: a float64 buffer viewed as complex), and
    arrays numpy calls unaligned (1 byte off), as operands and out=,
    dense and strided: numpy's result, no crash (the kernel zeroed a
    complex output with 16-byte stores: a segfault)."""
    dt = np.dtype(dtype)
    ops = [rand(s, dt) for s in shapes]
    want = np.einsum(spec, *ops)
    for offset in (dt.alignment, 1):
        ins = [placed(a, offset) for a in ops]
        same(einc.contract(spec, *ins), want)
        out = placed(np.zeros(want.shape, dt), offset)
        assert einc.contract(spec, *ins, out=out) is out
        same(out, want)
        if want.ndim:
            out = placed(np.zeros(want.shape + (2,), dt), offset)[..., 0]
            einc.contract(spec, *ins, out=out)
            same(out, want)
        f = einc.contract_expression(spec, *shapes, dtype=dt)
        same(f(*ins), want)


def test_order_lays_out_the_result():
    """order= as numpy's: 'F' Fortran order, 'A' Fortran when every operand
    is, 'C' C order; the values unchanged."""
    a, b = rand((5, 6), np.float64), rand((6, 7), np.float64)
    want = a @ b
    for order, fortran in (("F", True), ("C", False), ("A", False)):
        got = einc.contract("ij,jk->ik", a, b, order=order)
        assert got.flags.f_contiguous == fortran and got.flags.c_contiguous != fortran
        same(got, want)
    got = einc.contract("ij,jk->ik", np.asfortranarray(a), np.asfortranarray(b), order="a")
    assert got.flags.f_contiguous and not got.flags.c_contiguous
    same(got, want)


def random_unitary(n, rng):
    """A random n x n unitary (QR of a complex Gaussian matrix)."""
    q, r = np.linalg.qr(rng.normal(size=(n, n)) + 1j * rng.normal(size=(n, n)))
    return q * (np.diag(r) / np.abs(np.diag(r)))


def test_circuit_network_matches_state_vector():
    """A 6-qubit circuit of 34 random gates (2x2 and 2x2x2x2 unitaries)
    and 6 input states: 40 tensors and 62 labels in one einsum, run by
    the JIT in complex64 against numpy applying the gates one by one to
    the 64 amplitudes."""
    rng = np.random.default_rng(5)
    nq = 6
    labels = iter(chr(c) for c in range(0x3b1, 0x3b1 + 200))  # Greek and beyond
    wire = [next(labels) for _ in range(nq)]
    terms = list(wire)
    ops = [np.array([1, 0], np.complex64) for _ in range(nq)]
    state = np.zeros((2,) * nq, np.complex128)
    state[(0,) * nq] = 1
    for g in range(34):
        if g % 3 == 0:
            q = int(rng.integers(nq))
            u = random_unitary(2, rng)
            new = next(labels)
            terms.append(new + wire[q])
            ops.append(u.astype(np.complex64))
            state = np.moveaxis(np.tensordot(u, state, axes=([1], [q])), 0, q)
            wire[q] = new
        else:
            q, r = (int(x) for x in rng.choice(nq, 2, replace=False))
            u = random_unitary(4, rng).reshape(2, 2, 2, 2)
            nq_, nr_ = next(labels), next(labels)
            terms.append(nq_ + nr_ + wire[q] + wire[r])
            ops.append(u.astype(np.complex64))
            state = np.moveaxis(np.tensordot(u, state, axes=([2, 3], [q, r])), [0, 1], [q, r])
            wire[q], wire[r] = nq_, nr_
    spec = ",".join(terms) + "->" + "".join(wire)
    assert len(ops) >= 40
    got = einc.contract(spec, *ops)
    assert got.dtype == np.complex64 and got.shape == (2,) * nq
    np.testing.assert_allclose(got, state, rtol=0, atol=2e-6)
    assert abs(np.linalg.norm(got) - 1) < 1e-5
