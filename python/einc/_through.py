"""numpy dtypes einc has no kernels for, computed exactly through one it
has: integers of 8 and 16 bits in int32; unsigned integers of 32 and 64
bits as the signed integers of their width (the same bits, views); bool in
int64; float16 in float32.

Why the results are numpy.einsum's: integer sums and products wrap modulo
2^32 or 2^64, and numpy's narrower wrap-around (modulo 2^8, 2^16) is
their residue, which the cast back takes; a bool sum of products computed
in integers counts the true terms, nonzero exactly when numpy's "or" of
"and"s is true; numpy.einsum itself sums float16 products in float32 and
rounds to half, as the cast back does once at the end."""
import numpy as np

# dtype name -> (the dtype einc computes in, whether operands and result
# are views of it rather than conversions)
_THROUGH = {
    "int8": (np.int32, False), "uint8": (np.int32, False),
    "int16": (np.int32, False), "uint16": (np.int32, False),
    "uint32": (np.int32, True), "uint64": (np.int64, True),
    "bool": (np.int64, False), "float16": (np.float32, False),
}

NAMES = tuple(sorted(_THROUGH))


class Through:
    """How a computation numpy does in "dtype" runs in "wide"."""

    def __init__(self, dtype, wide, view):
        self.dtype, self.wide, self.view = dtype, np.dtype(wide), view

    def operand(self, a):
        """ndarray "a" as einc reads it: cast to the computation's dtype
        first (numpy.einsum casts operands to it), then the wide dtype's
        view of it, or its conversion (dense)."""
        if a.dtype != self.dtype:
            a = a.astype(self.dtype)
        return a.view(self.wide) if self.view else np.asarray(a, self.wide, order="C")

    def result(self, r):
        """einc's result "r" (of the wide dtype) as numpy.einsum's, an
        ndarray even when 0-d (a bool cast is "nonzero")."""
        if self.view:
            return r.view(self.dtype)
        return r.astype(self.dtype)


def through(dtype):
    """The Through of numpy dtype "dtype", None for a dtype einc computes
    in itself or not at all."""
    t = _THROUGH.get(dtype.name)
    return Through(dtype, *t) if t and dtype.isnative else None
