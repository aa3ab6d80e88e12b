"""Where the operands lie: numpy arrays from anything array-like without
a copy (DLPack, the buffer protocol), and the element strides einc
compiles a kernel for, so that views (transposed, sliced, reversed,
broadcast) run in place."""
import numpy as np

from .errors import InputError, UnsupportedError


def as_array(x):
    """"x" as an ndarray over the same memory where it can be: ndarrays as
    they are, objects with __dlpack__ (torch CPU tensors) through
    np.from_dlpack, others (buffers, lists, scalars) through np.asarray.
    An object DLPack will not export but numpy's array protocol will (a
    torch bool tensor: DLPack has no bool) is read through the latter.
    One that neither exports (a torch tensor that requires grad, one with
    its conjugate bit set, or not on the CPU) raises UnsupportedError
    with the DLPack exporter's reason: einc computes no gradients and
    reads host memory only."""
    if type(x) is np.ndarray:
        return x
    if hasattr(x, "__dlpack__"):
        try:
            return np.from_dlpack(x)
        except (RuntimeError, BufferError, TypeError, ValueError) as e:
            refused = e
        try:
            return np.asarray(x)
        except (RuntimeError, BufferError, TypeError, ValueError):
            raise UnsupportedError("einc: a %s operand cannot be read in place through DLPack: %s"
                                   % (type(x).__name__, refused)) from refused
    return np.asarray(x)


def element_strides(a):
    """The strides of ndarray "a" in elements, or None when it is dense
    row-major (or empty: nothing is read); False when a stride is not a
    whole number of elements or the elements are not aligned (einc's
    kernels read and write elements at their dtype's alignment, as C
    does: such an array is copied)."""
    if a.size == 0:
        return None
    if not a.flags.aligned:
        return False
    if a.flags.c_contiguous:
        return None
    size = a.itemsize
    if any(s % size for s in a.strides):
        return False
    return tuple(s // size for s in a.strides)


def in_place(a):
    """Whether ndarray "a" is read where it lies by a kernel compiled for
    dense operands: C-contiguous and aligned."""
    return a.flags.c_contiguous and a.flags.aligned


def operand_strides(arrays):
    """(arrays, strides) for the kernel cache, some array not dense:
    "strides" holds each one's element_strides; an array whose strides
    are not whole elements, or whose elements are not aligned, is copied
    to a dense one (None)."""
    strides = [element_strides(a) for a in arrays]
    for k, s in enumerate(strides):
        if s is False:
            arrays[k], strides[k] = np.array(arrays[k], order="C"), None
    return arrays, tuple(strides)


def written_into(out, res, casting="same_kind"):
    """"out" (any array of the result's shape) holding the result "res",
    copied by numpy's rule "casting"."""
    if np.shape(out) != res.shape:
        raise InputError("einc: out has shape %s, the result %s" % (np.shape(out), res.shape))
    np.copyto(out, res, casting=casting)
    return out


def distinct_elements(a):
    """Whether no two elements of ndarray "a" share memory, as far as the
    sufficient test einc_compile_strided applies to an output tells: with
    the axes longer than 1 sorted by |stride|, each stride exceeds the
    span of those before it (a stride 0, or as_strided's overlapping
    windows, fail it; numpy's views pass)."""
    span = 0
    for s, d in sorted((abs(s), d) for s, d in zip(a.strides, a.shape) if d > 1):
        if s <= span:
            return False
        span += s * (d - 1)
    return True


def writes_in_place(out, dtype, shape, arrays):
    """Whether the kernel may write the result ("dtype", "shape") straight
    into "out": an ndarray of that dtype and shape, writeable, whose
    elements are distinct (distinct_elements) and a whole number of
    elements apart, and which shares no memory with "arrays"."""
    return (type(out) is np.ndarray and out.dtype == dtype and out.shape == shape
            and out.flags.writeable and element_strides(out) is not False
            and (out.size == 0 or distinct_elements(out))
            and not any(np.may_share_memory(out, a) for a in arrays))
