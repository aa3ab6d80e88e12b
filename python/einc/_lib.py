"""The C library through ctypes: loading libeinc.so, the prototypes of
include/einc.h, and einc's status codes as Python exceptions.

ctypes releases the GIL around every call, so kernels of several Python
threads run at once.
"""
import ctypes
import ctypes.util
import os

from .errors import status_error

# einc_status, einc_dtype, einc_stage, einc_emit_kind, einc_path (einc.h).
OK = 0
ENOMEM = 7  # einc_status's EINC_ENOMEM
STAGES = {"graph": 0, "loops": 1, "llvm": 2, "plan": 3, "tree": 4, "path": 5,
          "path_linear": 6, "canon": 7}
EMIT_KINDS = {"object": 0, "assembly": 1, "llvm": 2}
PATH_LTR, PATH_AUTO, PATH_EXACT, PATH_GREEDY, PATH_REFINE = range(5)


class Options(ctypes.Structure):
    """einc_options, field for field."""
    _fields_ = [("size", ctypes.c_uint32), ("dtype", ctypes.c_int),
                ("opt_level", ctypes.c_int), ("cpu", ctypes.c_char_p),
                ("path", ctypes.c_int), ("max_intermediate", ctypes.c_int64),
                ("seed", ctypes.c_uint64), ("threads", ctypes.c_int),
                ("budget", ctypes.c_int64), ("tree", ctypes.c_char_p),
                ("tree_name", ctypes.c_char_p), ("slice", ctypes.c_char_p),
                ("target_size", ctypes.c_int64), ("target_slices", ctypes.c_int64),
                ("max_overhead", ctypes.c_double), ("tile_cache", ctypes.c_int64)]


def _candidates():
    """Where libeinc.so may be, in the order tried: $EINC_LIBRARY, the
    library cmake --install put beside this package (_install.py), then the
    dynamic loader's search by name."""
    env = os.environ.get("EINC_LIBRARY")
    if env:
        return [env]
    found = []
    try:
        from . import _install
        here = os.path.dirname(os.path.abspath(__file__))
        found.append(os.path.normpath(os.path.join(here, _install.LIBDIR, _install.SONAME)))
    except ImportError:
        pass
    name = ctypes.util.find_library("einc")
    if name:
        found.append(name)
    return found


def _load():
    """The loaded library, or ImportError naming every place tried."""
    tried = []
    for path in _candidates():
        try:
            return ctypes.CDLL(path)
        except OSError as e:
            tried.append(str(e))
    raise ImportError("einc: cannot load libeinc.so (set EINC_LIBRARY to its path); tried: "
                      + ("; ".join(tried) or "nothing found"))


lib = _load()
_P = ctypes.c_void_p
_I64P = ctypes.POINTER(ctypes.c_int64)
_PROTOTYPES = {
    "einc_version_number": (ctypes.c_uint, []),
    "einc_version_string": (ctypes.c_char_p, []),
    "einc_ctx_new": (_P, []),
    "einc_ctx_free": (None, [_P]),
    "einc_ctx_message": (ctypes.c_char_p, [_P]),
    "einc_options_init": (None, [ctypes.POINTER(Options)]),
    "einc_compile_strided": (ctypes.c_int, [_P, ctypes.c_char_p, ctypes.c_int,
                                            ctypes.POINTER(ctypes.c_int), ctypes.POINTER(_I64P),
                                            ctypes.POINTER(_I64P), ctypes.c_int, _I64P,
                                            ctypes.POINTER(Options), ctypes.POINTER(_P)]),
    "einc_output_shape": (ctypes.c_int, [_P, ctypes.c_char_p, ctypes.c_int,
                                         ctypes.POINTER(ctypes.c_int), ctypes.POINTER(_I64P),
                                         ctypes.c_int, ctypes.POINTER(ctypes.c_int), _I64P]),
    "einc_program_free": (None, [_P]),
    "einc_program_dump": (ctypes.c_int, [_P, _P, ctypes.c_int, ctypes.POINTER(_P)]),
    "einc_program_shape": (ctypes.c_int, [_P, ctypes.c_int, ctypes.POINTER(_I64P)]),
    "einc_program_workspace_size": (ctypes.c_size_t, [_P]),
    "einc_program_slow_size": (ctypes.c_size_t, [_P]),
    "einc_program_emit": (ctypes.c_int, [_P, _P, ctypes.c_int, ctypes.c_char_p,
                                         ctypes.c_char_p]),
    "einc_program_emit_header": (ctypes.c_int, [_P, _P, ctypes.c_char_p, ctypes.c_char_p]),
    "einc_program_jit": (ctypes.c_int, [_P, _P, ctypes.POINTER(_P)]),
    "einc_kernel_run_slow": (ctypes.c_int, [_P, _P, _P, _P, _P, _P]),
    "einc_kernel_free": (None, [_P]),
    "einc_free": (None, [_P]),
    "einc_dtype_parse": (ctypes.c_int, [ctypes.c_char_p, ctypes.POINTER(ctypes.c_int)]),
}
for _name, (_res, _args) in _PROTOTYPES.items():
    _fn = getattr(lib, _name)
    _fn.restype, _fn.argtypes = _res, _args

_probe = Options()
lib.einc_options_init(ctypes.byref(_probe))
if _probe.size != ctypes.sizeof(Options):
    raise ImportError("einc: libeinc.so's einc_options has %d bytes, this package expects %d: "
                      "the library and the package come from different releases"
                      % (_probe.size, ctypes.sizeof(Options)))


# numpy's dtypes that einc computes in, by their einc names (einc_dtype_parse).
_DTYPE_NAMES = {"float32": b"f32", "float64": b"f64", "complex64": b"c64",
                "complex128": b"c128", "int32": b"i32", "int64": b"i64"}
DTYPES = {}
for _np_name, _name in _DTYPE_NAMES.items():
    _value = ctypes.c_int()
    if lib.einc_dtype_parse(_name, ctypes.byref(_value)) == 0:
        DTYPES[_np_name] = _value.value


class Context:
    """An einc_ctx for one call, freed on exit; check() turns a failed
    status into the exception carrying einc's whole message."""

    def __enter__(self):
        self.ctx = lib.einc_ctx_new()
        if not self.ctx:
            raise MemoryError("einc: out of memory")
        return self

    def __exit__(self, *exc):
        lib.einc_ctx_free(self.ctx)

    def check(self, status):
        """Raises the exception of "status" unless it is OK."""
        if status != OK:
            raise status_error(status, lib.einc_ctx_message(self.ctx).decode("utf-8", "replace"))


def int64_array(values):
    """A ctypes int64 array holding "values" (at least one element), or
    None for None."""
    if values is None:
        return None
    return (ctypes.c_int64 * max(len(values), 1))(*values)


def pointer_array(arrays):
    """A ctypes array of int64 pointers to the int64 arrays "arrays" (at
    least one element), as einc.h's "const int64_t *const x[]"."""
    return (_I64P * max(len(arrays), 1))(*(ctypes.cast(a, _I64P) for a in arrays))


def shape_arguments(shapes):
    """(ranks, dims, keep): the "ranks" and "shapes" arguments of
    einc_compile for operands of "shapes" (sequences of ints); "keep"
    holds the arrays "dims" points into, to keep alive during the call."""
    keep = [int64_array([int(d) for d in s]) for s in shapes]
    ranks = (ctypes.c_int * max(len(shapes), 1))(*(len(s) for s in shapes))
    return ranks, pointer_array(keep), keep


def take_text(ptr):
    """The C string "ptr" that einc gave, as str, freed with einc_free."""
    try:
        return ctypes.string_at(ptr).decode("utf-8")
    finally:
        lib.einc_free(ptr)
