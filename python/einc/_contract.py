"""opt_einsum's entry points over einc: contract, contract_path and
contract_expression, and the kernel cache they share."""
import numpy as np

from . import _lib
from . import _explicit_path as explicit_path
from . import _layout as layout
from ._cache import KernelCache
from ._expression import Expression
from ._spec import split_operands, explicit_labels, output_size, shape_of, INT64_MAX
from ._through import through, NAMES as THROUGH_NAMES
from .errors import InputError, UnsupportedError

cache = KernelCache()

# optimize= values (numpy's and opt_einsum's names) -> einc_path.
_PATHS = {
    True: _lib.PATH_AUTO, "auto": _lib.PATH_AUTO, "auto-hq": _lib.PATH_AUTO,
    False: _lib.PATH_LTR, "ltr": _lib.PATH_LTR,
    "optimal": _lib.PATH_EXACT, "exact": _lib.PATH_EXACT, "dp": _lib.PATH_EXACT,
    "greedy": _lib.PATH_GREEDY, "refine": _lib.PATH_REFINE,
}
_F64 = np.dtype(np.float64)


def _path(optimize):
    """The einc_path of "optimize" (not an explicit path)."""
    try:
        return _PATHS[optimize]
    except (KeyError, TypeError):
        raise InputError("einc: optimize=%r is none of True, False, %s"
                         % (optimize, ", ".join(sorted(k for k in _PATHS if isinstance(k, str)))))


def _limit(memory_limit, spec, shapes):
    """einc_options.max_intermediate for opt_einsum's "memory_limit": None
    or -1 (no limit), elements, or 'max_input' (as opt_einsum: the largest
    of the operands and the output of "spec", counted without compiling)."""
    if memory_limit is None or (isinstance(memory_limit, int) and memory_limit == -1):
        return 0
    if memory_limit == "max_input":
        sizes = [int(np.prod(s, dtype=np.int64)) for s in shapes]
        return max(sizes + [output_size(spec, shapes)])
    limit = _whole("memory_limit", memory_limit, INT64_MAX)
    if limit <= 0:
        raise InputError("einc: memory_limit=%r is not a positive element count" % (memory_limit,))
    return limit


_INT_MAX = 2**31 - 1


def _whole(name, value, top):
    """Option "name" (a count or a limit, None: 0) as an int for its
    einc_options field, whose largest value is "top": a larger one means
    as much as the field holds (ctypes would wrap it around). InputError
    for a value int() does not take (a string, NaN) or a negative one."""
    try:
        n = int(value or 0)
    except (TypeError, ValueError, OverflowError):
        n = -1
    if n < 0:
        raise InputError("einc: %s=%r is not a whole number of zero or more" % (name, value))
    return min(n, top)


_CASTINGS = ("no", "equiv", "safe", "same_kind", "unsafe")


def _dtype(dtype, arrays, casting="unsafe"):
    """(dt, thr): the dtype the result is computed in, "dtype", else the
    operands' common one, in native byte order (numpy.einsum's result for
    big-endian operands is native too); and None when einc has kernels
    for it, else its
    Through (_through.py: computed in a wider dtype). Operands that
    numpy's rule "casting" does not let become "dtype" raise TypeError, as
    numpy.einsum does."""
    if casting != "safe" and casting not in _CASTINGS:
        raise InputError("einc: casting=%r is none of %s" % (casting, ", ".join(_CASTINGS)))
    if dtype is not None:
        dt = np.dtype(dtype)
        if casting != "unsafe":
            for k, a in enumerate(arrays):
                if not np.can_cast(a.dtype, dt, casting):
                    raise TypeError("einc: operand %d cannot be cast from %s to %s by the "
                                    "rule %r" % (k, a.dtype, dt, casting))
    else:
        dt = arrays[0].dtype if arrays else _F64
        for a in arrays:
            if a.dtype != dt:
                dt = np.result_type(*arrays)
                break
    if not dt.isnative:  # byte order is storage: computed, and returned, native
        dt = dt.newbyteorder("=")
    if dt.name in _lib.DTYPES:
        return dt, None
    thr = through(dt)
    if thr is None:
        raise UnsupportedError("einc: dtype %s is not supported; einc computes %s, and %s "
                               "through them (dtype= converts the operands)"
                               % (dt, ", ".join(sorted(_lib.DTYPES)), ", ".join(THROUGH_NAMES)))
    return dt, thr


def _expression(spec, shapes, dt, optimize, memory_limit, budget, threads, strides=None,
                out_strides=None):
    """The cached expression for these arguments, compiled on a miss for
    operands at "strides" and an output at "out_strides" (element strides,
    None: dense). The key holds the options as given (a hit pays no
    checking): spellings of one option (True, 'auto') compile twice."""
    if isinstance(optimize, (list, tuple)):
        optimize = explicit_path.normalize(optimize)
    key = (spec, shapes, strides, out_strides, dt, optimize, memory_limit, budget, threads)
    return cache.get(key, lambda: _compile(spec, shapes, dt, optimize, memory_limit,
                                           budget, threads, strides, out_strides))


def _compile(spec, shapes, dt, optimize, memory_limit, budget, threads, strides, out_strides):
    """A new expression for these arguments, the options checked. An
    explicit path becomes a tree over the inputs' labels as einc reads
    them, from a first compile without options (its tree dump)."""
    explicit = isinstance(optimize, tuple)
    opts = _options(_lib.PATH_AUTO if explicit else _path(optimize),
                    _limit(memory_limit, spec, shapes), _whole("budget", budget, INT64_MAX),
                    _whole("threads", threads, _INT_MAX))
    if explicit:
        probe = Expression(spec, shapes, dt, _options(_lib.PATH_AUTO, 0, 0, 0), jit=False)
        leaves = [l for l in probe.dump("tree").splitlines() if " = input " in l]
        opts.tree = explicit_path.tree_text(leaves, optimize).encode("utf-8")
        opts.tree_name = b"optimize"
    return Expression(spec, shapes, dt, opts, strides=strides, out_strides=out_strides)


def _options(path, max_intermediate, budget, threads):
    """einc_options with those fields over the defaults."""
    o = _lib.Options()
    _lib.lib.einc_options_init(o)
    o.path, o.max_intermediate, o.budget, o.threads = path, max_intermediate, budget, threads
    return o


def _in_dtype(arrays, dt):
    """(arrays, strides): the ndarrays "arrays" converted to "dt" where
    they are not of it (dense), and their strides for the cache
    (layout.operand_strides; None when all are dense, the common case,
    found in one pass)."""
    dense = True
    for k, a in enumerate(arrays):
        if a.dtype != dt:
            arrays[k] = np.asarray(a, dt, order="C")
        elif dense and not layout.in_place(a):
            dense = False
    return (arrays, None) if dense else layout.operand_strides(arrays)


def contract(*operands, out=None, dtype=None, order="K", casting="safe", optimize="auto",
             memory_limit=None, budget=None, threads=None):
    """numpy.einsum's result for "operands" (a spec and arrays, or numpy's
    sublist form a, [0, 1], b, [1, 2]), compiled by einc once per spec,
    shapes, dtype and options and cached.

    dtype: float32, float64, complex64, complex128, int32 or int64, and
    through them (exactly: _through.py) int8, int16, uint8 to uint64,
    bool and float16 (default: the operands' common one; integers wrap
    around as numpy's); casting: numpy's rule for converting the operands
    to dtype=; order: the result's layout as numpy's ('C', 'F'; 'A' and
    'K': F when every operand is F-contiguous, else C); optimize: 'auto'
    (or True), 'optimal', 'greedy', 'refine', False (left to right) or
    an explicit path [(0, 1), ...] (numpy's 'einsum_path' head allowed);
    memory_limit: the largest intermediate in elements, or 'max_input';
    budget: workspace bytes (beyond it, spills); threads: the kernel's
    threads (default EINC_NUM_THREADS, else every core). The result is a
    new array, or "out" written.

    Operands are read where they lie: views (transposed, sliced, reversed,
    broadcast), torch CPU tensors (DLPack) and buffers are not copied, only
    converted when their dtype is not the one computed in; each layout
    compiles its own kernel. A strided "out" of the result's dtype that
    shares no memory with the operands is written in place too."""
    spec, arrays = split_operands(operands)
    arrays = [layout.as_array(a) for a in arrays]
    dt, thr = _dtype(dtype, arrays, casting)
    if order != "K":
        order = _order(order)
    if thr is not None:
        return _contract_through(thr, spec, arrays, out, order, casting, optimize,
                                 memory_limit, budget, threads)
    arrays, strides = _in_dtype(arrays, dt)
    shapes = tuple(a.shape for a in arrays)
    if (type(out) is np.ndarray and not out.flags.c_contiguous
            and layout.writes_in_place(out, dt, out.shape, arrays)):
        return _run_into_view(spec, arrays, shapes, strides, out, dt, optimize, memory_limit,
                              budget, threads)
    expr = _expression(spec, shapes, dt, optimize, memory_limit, budget, threads, strides)
    res = expr.run_prepared(arrays, out, casting)
    if out is not None or (order == "K" and strides is None):
        return res
    return _ordered(res, order, arrays)


_ORDERS = ("K", "C", "F", "A")


def _order(order):
    """numpy's "order" (any case) as one of _ORDERS."""
    if not isinstance(order, str) or order.upper() not in _ORDERS:
        raise InputError("einc: order=%r is none of %s" % (order, ", ".join(_ORDERS)))
    return order.upper()


def _ordered(res, order, arrays):
    """Result "res" (C order) in numpy.einsum's "order": a Fortran-order
    copy for 'F', and for 'A' and 'K' where every operand is
    Fortran-contiguous and some is not C-contiguous (numpy's 'K' follows
    the operands' strides; einc follows them that far)."""
    fortran = order == "F" or (order != "C" and all(a.flags.f_contiguous for a in arrays)
                               and not all(a.flags.c_contiguous for a in arrays))
    return np.asfortranarray(res) if fortran and res.ndim > 1 else res


def _contract_through(thr, spec, arrays, out, order, casting, *options):
    """contract's result in a dtype einc computes through a wider one
    ("thr", a _through.Through): the operands in the wide dtype, the
    result cast back, then written into "out" when given (by numpy's rule
    "casting")."""
    arrays, strides = _in_dtype([thr.operand(a) for a in arrays], thr.wide)
    expr = _expression(spec, tuple(a.shape for a in arrays), thr.wide, *options, strides)
    res = thr.result(expr.run_prepared(arrays))
    return _ordered(res, order, arrays) if out is None else layout.written_into(out, res, casting)


def _run_into_view(spec, arrays, shapes, strides, out, dt, *options):
    """contract's result written in place into "out", a strided ndarray of
    dtype "dt" sharing no memory with "arrays": one compile, for out's
    shape and strides. When einc rejects them, the dense expression says
    whether out's shape was wrong."""
    try:
        expr = _expression(spec, shapes, dt, *options, strides, layout.element_strides(out))
    except InputError:
        expr = _expression(spec, shapes, dt, *options, strides)
        if expr.out_shape == out.shape:
            raise
    if expr.out_shape != out.shape:
        raise InputError("einc: out has shape %s, the result %s" % (out.shape, expr.out_shape))
    return expr.run_prepared(arrays, out)


def contract_path(*operands, shapes=False, optimize="auto", memory_limit=None):
    """(path, report) for "operands" as contract takes them, or shapes in
    place of the arrays with shapes=True: numpy's linear path [(0, 1), ...]
    and opt_einsum's printable report (einc --print-path)."""
    spec, arrays = split_operands(operands)
    dims = tuple(shape_of(a, k) if shapes else np.shape(a) for k, a in enumerate(arrays))
    expr = _expression(spec, dims, _F64, optimize, memory_limit, None, None)
    return expr.path, expr.dump("path")


class ContractExpression:
    """A spec compiled once for fixed shapes; called with the operands that
    are not constants, in order. Constants were converted once and, when
    two or more fold into a tensor no larger than they are, contracted
    together once. Views are read in place by a kernel compiled once per
    layout ("variant": strides -> its expression, from the cache).
    dump(), emit(), path and workspace_bytes are the dense expression's.
    A dtype einc computes through a wider one ("thr", _through.py) has its
    operands converted and its result cast back on each call."""

    def __init__(self, expr, slots, variant, thr=None):
        self._expr = expr
        self._slots = slots  # per operand: an int (the call's argument) or an array
        self._variant = variant
        self._thr = thr

    def __call__(self, *arrays, out=None):
        nargs = sum(isinstance(s, int) for s in self._slots)
        if len(arrays) != nargs:
            raise ValueError("einc: this expression takes %d operands, got %d"
                             % (nargs, len(arrays)))
        dt = self._expr.dtype
        ops = self._slotted(arrays)
        if self._thr is None and all(type(a) is np.ndarray and a.dtype == dt and
                                     layout.in_place(a) for a in ops):
            return self._expr.run(ops, out)
        arrays = [layout.as_array(a) for a in arrays]
        _check_kinds(arrays, dt if self._thr is None else self._thr.dtype)
        ops = self._slotted(arrays)
        if self._thr is not None:
            return self._call_through(ops, out)
        ops, strides = _in_dtype(ops, dt)
        return (self._variant(strides) if strides else self._expr).run(ops, out)

    def _slotted(self, arrays):
        """The compiled step's operands: the call's "arrays" in their
        slots beside the folded constants."""
        return [arrays[s] if isinstance(s, int) else s for s in self._slots]

    def _call_through(self, ops, out):
        """A call whose dtype einc computes through a wider one: the call's
        operands cast and converted (the constants already are), the
        result cast back and written into "out" when given."""
        thr = self._thr
        ops = [thr.operand(a) if isinstance(s, int) else a for a, s in zip(ops, self._slots)]
        res = thr.result(self._expr.run(ops))
        return res if out is None else layout.written_into(out, res)

    def __getattr__(self, name):
        return getattr(self._expr, name)

    def __repr__(self):
        return "<einc.ContractExpression %r>" % (self._expr.spec,)


def _check_kinds(arrays, dt):
    """Raises TypeError when one of the ndarrays "arrays" would lose its
    values becoming "dt" (numpy's casting rule 'same_kind': a complex
    operand of a real expression, a float one of an integer expression)."""
    for k, a in enumerate(arrays):
        if a.dtype != dt and not np.can_cast(a.dtype, dt, "same_kind"):
            raise TypeError("einc: operand %d is %s; this expression computes %s "
                            "(contract_expression's dtype= chooses)" % (k, a.dtype, dt))


def _fold(spec, shapes, constants, dt, optimize):
    """(spec, shapes, slots) with the constants ("constants": position ->
    array of dtype "dt") contracted into one operand, last; None when
    "spec" is implicit or has '...', or when the folded tensor would be
    larger than the constants together."""
    labels = explicit_labels(spec)
    if labels is None or len(constants) < 2:
        return None
    inputs, output = labels
    if len(inputs) != len(shapes):
        return None  # einc reports the mismatch when compiling
    size = {}
    for lab, shape in zip(inputs, shapes):
        size.update(zip(lab, shape))
    keep = set(output).union(*(inputs[k] for k in range(len(inputs)) if k not in constants))
    folded = "".join(dict.fromkeys(c for k in sorted(constants) for c in inputs[k] if c in keep))
    if np.prod([size[c] for c in folded], dtype=np.float64) > sum(a.size for a in constants.values()):
        return None
    sub = ",".join(inputs[k] for k in sorted(constants)) + "->" + folded
    value = contract(sub, *(constants[k] for k in sorted(constants)), dtype=dt, optimize=optimize)
    rest = [k for k in range(len(inputs)) if k not in constants]
    new_spec = ",".join([inputs[k] for k in rest] + [folded]) + "->" + output
    slots = list(range(len(rest))) + [value]
    return new_spec, tuple(shapes[k] for k in rest) + (value.shape,), slots


def contract_expression(spec, *shapes, constants=(), dtype=None, optimize="auto",
                        memory_limit=None, budget=None, threads=None):
    """A callable computing "spec" for operands of "shapes", compiled once.
    The positions listed in "constants" hold arrays instead of shapes; the
    call takes the other operands. dtype: as for contract (default the
    constants', else float64; the dtypes computed through others too);
    the call converts its operands to it, and raises TypeError for one
    that numpy's rule 'same_kind' does not let become it (a complex
    operand of a real expression). The other options as for contract."""
    constants = sorted(set(constants))
    if any(not 0 <= k < len(shapes) for k in constants):
        raise InputError("einc: constants %s name operands beyond the %d given"
                         % (constants, len(shapes)))
    const = {k: np.asarray(shapes[k]) for k in constants}
    dt, thr = _dtype(dtype, list(const.values()))
    if thr is not None:
        const, dt = {k: thr.operand(a) for k, a in const.items()}, thr.wide
    const = {k: np.asarray(a, dt, order="C") for k, a in const.items()}
    dims = tuple(const[k].shape if k in const else shape_of(s, k)
                 for k, s in enumerate(shapes))
    folded = _fold(spec, dims, const, dt, optimize)
    if folded is None:
        slots, arg = [], 0
        for k in range(len(dims)):
            if k in const:
                slots.append(const[k])
            else:
                slots.append(arg)
                arg += 1
    else:
        spec, dims, slots = folded
    expr = _expression(spec, dims, dt, optimize, memory_limit, budget, threads)
    return ContractExpression(expr, slots, lambda strides: _expression(
        spec, dims, dt, optimize, memory_limit, budget, threads, strides), thr)


def cache_info():
    """CacheInfo(hits, misses, currsize, maxsize) of the kernel cache."""
    return cache.info()


def clear_cache():
    """Empties the kernel cache (expressions in use stay valid)."""
    cache.clear()
