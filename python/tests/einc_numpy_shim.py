"""A pytest plugin that runs numpy's own einsum tests against einc:
numpy.einsum is replaced by a shim calling einc.contract.

Each call also runs the real numpy.einsum (into a copy of out=): the
shim fails the test when einc's result differs from numpy's, or when einc
accepts a call numpy rejects; einc's own exception propagates otherwise,
so the tests' assert_raises see einc's ValueError or TypeError. A call einc does not
support (NotImplementedError: long double dtypes, path steps over three
operands) or with an argument einc.contract lacks skips its test with the
reason (-rs lists them), as does a call where numpy returns a view of an
operand (einc returns a new array) or, where the caller names an order,
lays its result out otherwise (numpy's order='K' follows the operands'
strides; einc's is C or F order): einc's values are checked first.

    /usr/bin/python3 -m pytest -p einc_numpy_shim --noconftest -rs .../test_einsum.py
"""
import numpy as np
import pytest

import einc

_numpy_einsum = np.einsum
_checked = [0]  # calls whose result einc and numpy agreed on


def _tolerance(dtype):
    """(rtol, atol) for comparing einc's result in "dtype" with numpy's:
    by the size of a float (a complex's part), integers exactly. In half,
    numpy.einsum rounds its running sums to half as it goes and einc once
    at the end (it sums in float32), so they differ by a few of half's
    steps (2^-11 relative)."""
    dt = np.dtype(dtype)
    if dt.kind in "iub":
        return (0, 0)
    part = dt.itemsize // (2 if dt.kind == "c" else 1)
    return {2: (1e-2, 1e-2), 4: (2e-5, 1e-5)}.get(part, (1e-11, 1e-11))


def einsum(*operands, out=None, optimize=False, dtype=None, order=None, casting="safe",
           **kwargs):
    """numpy.einsum's signature, computed by einc.contract and checked
    against the real numpy.einsum; the result's layout too where the
    caller names an order (None: numpy's default 'K')."""
    explicit_order, order = order is not None, "K" if order is None else order
    try:
        want = _numpy_einsum(*operands, out=None if out is None else np.copy(out),
                             optimize=optimize, dtype=dtype, order=order, casting=casting,
                             **kwargs)
        rejected = None
    except Exception as e:
        rejected = e
    if kwargs:
        if rejected is not None:
            raise rejected
        pytest.skip("einc.contract has no %s" % ", ".join("%s=" % k for k in kwargs))
    try:
        got = einc.contract(*operands, out=out, dtype=dtype, order=order, casting=casting,
                            optimize=optimize)
    except NotImplementedError as e:
        pytest.skip(str(e).split("\n")[0])
    if rejected is not None:
        raise AssertionError("einc accepted a call numpy rejects (%s: %s)"
                             % (type(rejected).__name__, rejected))
    rtol, atol = _tolerance(got.dtype)
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol,
                               err_msg="einc differs from numpy.einsum")
    _checked[0] += 1
    if any(isinstance(op, np.ndarray) and np.shares_memory(want, op) for op in operands):
        pytest.skip("numpy.einsum returns a view of an operand here; einc.contract "
                    "returns a new array (its values checked)")
    if explicit_order and out is None and got.ndim > 1 and _layout(got) != _layout(want):
        pytest.skip("numpy.einsum's order=%r lays the result out %s, einc's %s (its values "
                    "checked)" % (order, _layout(want), _layout(got)))
    return got


def _layout(a):
    """"C", "F" or "strided": how ndarray "a" lies."""
    return "C" if a.flags.c_contiguous else "F" if a.flags.f_contiguous else "strided"


def pytest_configure(config):
    """Replaces numpy.einsum with the shim for the whole session."""
    np.einsum = einsum


def pytest_terminal_summary(terminalreporter):
    """Says how many calls einc answered as numpy.einsum did."""
    terminalreporter.write_line("einc: %d einsum calls agreed with numpy.einsum" % _checked[0])
