"""A compiled einsum: one program and its JIT kernel, called many times.

The kernel runs outside the GIL with a workspace of the calling thread's
own, so one expression may be called from several threads at once.
Compiling, dumping and emitting read the program's loop nests and go
through LLVM: they hold one lock, taken by nothing else.
"""
import ctypes
import ast
import threading

import numpy as np

from . import _lib
from . import _layout as layout
from ._lib import lib, Context, take_text
from ._spec import encoded
from .errors import status_error

compile_lock = threading.Lock()
_ALIGN = 64


def _data_address_slow(a):
    """The address of ndarray "a"'s first element, through numpy's API."""
    return a.ctypes.data


def _data_address_fast(a):
    """The address of ndarray "a"'s first element, read from the object:
    numpy's PyArrayObject holds its data pointer right after the object
    header. About 4x faster than a.ctypes.data, which builds an object
    per call; used only after the probe below agrees with numpy's API."""
    return _read_pointer(id(a) + _DATA_OFFSET).value


_read_pointer = ctypes.c_void_p.from_address
_DATA_OFFSET = object.__basicsize__
_probe = np.arange(3.0)[1:]
data_address = (_data_address_fast if _data_address_fast(_probe) == _probe.ctypes.data
                else _data_address_slow)


def _aligned_buffer(nbytes):
    """(array, address): a byte array holding "nbytes" (at least 1) from an
    address aligned to 64, which the array keeps alive."""
    buf = np.empty(max(nbytes, 1) + _ALIGN, np.uint8)
    addr = data_address(buf)
    return buf, addr + (-addr) % _ALIGN


class Expression:
    """The einsum "spec" compiled for operands of "shapes" and "dtype"
    (float32, float64, complex64, complex128, int32 or int64) with
    einc_options "options" (an _lib.Options), the operands at element
    strides "strides" (None, or per operand None or a tuple; None: dense)
    and the output at "out_strides". Calling it with arrays of those
    shapes returns the result; with jit=False it only dumps."""

    def __init__(self, spec, shapes, dtype, options, jit=True, strides=None, out_strides=None):
        self.spec = spec
        self.shapes = tuple(tuple(int(d) for d in s) for s in shapes)
        self.strides, self.out_strides = strides, out_strides
        self.dtype = np.dtype(dtype)
        self._program = self._kernel = None
        self._local = threading.local()
        options.dtype = _lib.DTYPES[self.dtype.name]
        n = len(self.shapes)
        ranks, dims_p, _dims = _lib.shape_arguments(self.shapes)
        i64p = ctypes.POINTER(ctypes.c_int64)
        steps = [_lib.int64_array(s) for s in strides or ()]
        steps_p = _lib.pointer_array(steps) if strides else None
        out_steps = _lib.int64_array(out_strides)
        program, kernel = ctypes.c_void_p(), ctypes.c_void_p()
        # The program keeps pointing at the spec's bytes (its graph's spec,
        # which the path dump prints): they live as long as the expression.
        self._spec_bytes = encoded(spec)
        with compile_lock, Context() as c:
            c.check(lib.einc_compile_strided(
                c.ctx, self._spec_bytes, n, ranks, dims_p, steps_p,
                len(out_strides or ()), ctypes.cast(out_steps, i64p) if out_steps else None,
                ctypes.byref(options), ctypes.byref(program)))
            self._program = program.value
            if jit:
                c.check(lib.einc_program_jit(c.ctx, self._program, ctypes.byref(kernel)))
                self._kernel = kernel.value
        out_dims = ctypes.POINTER(ctypes.c_int64)()
        rank = lib.einc_program_shape(self._program, -1, ctypes.byref(out_dims))
        self.out_shape = tuple(out_dims[i] for i in range(rank))
        self.workspace_bytes = lib.einc_program_workspace_size(self._program)
        self.slow_bytes = lib.einc_program_slow_size(self._program)
        self._pointers = ctypes.c_void_p * max(n, 1)

    def __del__(self):
        if self._kernel:
            lib.einc_kernel_free(self._kernel)
        if self._program:
            lib.einc_program_free(self._program)

    def __repr__(self):
        return "<einc.Expression %r %s %s>" % (self.spec, self.shapes, self.dtype.name)

    def _buffers(self):
        """The calling thread's workspace and slow buffer addresses."""
        local = self._local
        if not hasattr(local, "ws"):
            local.keep = (_aligned_buffer(self.workspace_bytes), _aligned_buffer(self.slow_bytes))
            local.ws, local.slow = local.keep[0][1], local.keep[1][1]
        return local.ws, local.slow

    def _operands(self, arrays):
        """"arrays" as the kernel reads them: for a dense expression,
        converted to its dtype and made contiguous where they are not; for
        a strided one (einc.contract makes them), checked to lie at its
        strides."""
        dt = self.dtype
        if self.strides is None:
            return [a if type(a) is np.ndarray and a.dtype == dt and layout.in_place(a)
                    else np.array(a, dt, order="C") for a in arrays]
        for k, a in enumerate(arrays):
            if a.dtype != dt or layout.element_strides(a) != self.strides[k]:
                raise ValueError("einc: operand %d of %r lies at strides %s, the expression "
                                 "was compiled for %s" % (k, self.spec, a.strides,
                                                          self.strides[k]))
        return arrays

    def run(self, arrays, out=None):
        """The result for "arrays" (array-likes of this expression's shapes
        and strides, see _operands), written into "out" when given (any
        array of the output's shape; in place when it lies at the strides
        compiled for)."""
        shapes = self.shapes
        if len(arrays) != len(shapes):
            raise ValueError("einc: %r takes %d operands, got %d"
                             % (self.spec, len(shapes), len(arrays)))
        ins = self._operands(arrays)
        if any(a.shape != s for a, s in zip(ins, shapes)):
            k = next(k for k, a in enumerate(ins) if a.shape != shapes[k])
            raise _shape_error(self, k, ins[k].shape)
        return self.run_prepared(ins, out)

    def run_prepared(self, ins, out=None, casting="same_kind"):
        """run() on ndarrays "ins" known to be of this expression's dtype,
        shapes and strides (einc.contract makes them so): nothing checked
        twice on the hot path. An "out" of another dtype or layout gets a
        copy by numpy's rule "casting"."""
        direct = (out is not None
                  and layout.writes_in_place(out, self.dtype, self.out_shape, ins)
                  and layout.element_strides(out) == self.out_strides)
        if not direct and self.out_strides is not None:
            raise ValueError("einc: this expression writes its output in place at strides %s; "
                             "out does not lie so" % (self.out_strides,))
        res = out if direct else np.empty(self.out_shape, self.dtype)
        ptrs = self._pointers(*[data_address(a) for a in ins])
        ws, slow = self._buffers()
        status = lib.einc_kernel_run_slow(self._kernel, data_address(res), ptrs, ws, slow, None)
        if status != _lib.OK:  # einc_kernel_run_slow sets no context message
            raise status_error(status, "einc: the kernel could not run: "
                               + ("its buffers could not be allocated"
                                  if status == _lib.ENOMEM else "invalid arguments"))
        return res if out is None or direct else layout.written_into(out, res, casting)

    __call__ = run

    def dump(self, stage):
        """The program's text at "stage": graph, canon, tree, path,
        path_linear, plan, loops or llvm (einc --dump=STAGE)."""
        key = stage.replace("-", "_")
        if key not in _lib.STAGES:
            raise ValueError("einc: unknown stage %r; one of %s"
                             % (stage, ", ".join(sorted(_lib.STAGES))))
        text = ctypes.c_void_p()
        with compile_lock, Context() as c:
            c.check(lib.einc_program_dump(c.ctx, self._program, _lib.STAGES[key],
                                          ctypes.byref(text)))
        return take_text(text.value)

    @property
    def path(self):
        """The contraction order as numpy's linear path: [(0, 1), ...]."""
        return ast.literal_eval(self.dump("path_linear"))

    def emit(self, path, header=None, name="kernel", kind=None):
        """Writes the compiled code to "path" ahead of time, as an object
        (kind "object", the default), "assembly" or "llvm" IR (from a .s or
        .ll suffix when kind is None), and its C header to "header" when
        given; "name" is the C function's name."""
        if kind is None:
            kind = {"s": "assembly", "ll": "llvm"}.get(str(path).rsplit(".", 1)[-1], "object")
        if kind not in _lib.EMIT_KINDS:
            raise ValueError("einc: unknown kind %r; one of %s"
                             % (kind, ", ".join(sorted(_lib.EMIT_KINDS))))
        cname = name.encode("utf-8")
        with compile_lock, Context() as c:
            c.check(lib.einc_program_emit(c.ctx, self._program, _lib.EMIT_KINDS[kind],
                                          str(path).encode("utf-8"), cname))
            if header is not None:
                c.check(lib.einc_program_emit_header(c.ctx, self._program,
                                                     str(header).encode("utf-8"), cname))


def _shape_error(expr, k, shape):
    """The ValueError for operand "k" of "expr" given with "shape"."""
    return ValueError("einc: operand %d of %r has shape %s, the expression was compiled for %s"
                      % (k, expr.spec, tuple(shape), expr.shapes[k]))
