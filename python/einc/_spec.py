"""Spec handling on the Python side: numpy's sublist form turned into a
spec string, an explicit spec split into its operands' labels (for
folding constants), and the output's shape from einc's front end
(einc_output_shape). einc's front end checks everything else."""
import ctypes
import operator

from . import _lib
from .errors import InputError

# numpy's sublist labels: 0..25 are 'A'..'Z', 26..51 'a'..'z'.
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _sublist_labels(sub):
    """The labels of one sublist ([0, 1, Ellipsis]) as spec text."""
    text = []
    for s in sub:
        if s is Ellipsis:
            text.append("...")
            continue
        try:
            k = operator.index(s)  # as numpy: no floats, no bools
        except TypeError:
            k = None
        if k is None or isinstance(s, bool):
            raise TypeError("einc: sublist labels are integers or Ellipsis, found %r" % (s,))
        if not 0 <= k < len(_LETTERS):
            raise InputError("einc: sublist label %r is not an integer in [0, 52)" % (s,))
        text.append(_LETTERS[k])
    return "".join(text)


def split_operands(operands):
    """(spec, arrays) from contract's positional arguments: a spec and the
    arrays, or numpy's sublist form (a, [0, 1], b, [1, 2][, [0, 2]])."""
    if not operands:
        raise InputError("einc: no spec and no operands")
    if isinstance(operands[0], str):
        return operands[0], operands[1:]
    arrays, subs = operands[0::2], operands[1::2]
    if not subs:
        raise InputError("einc: the first argument is neither a spec nor an operand "
                         "followed by its sublist")
    out = None
    if len(operands) % 2:
        out, arrays = arrays[-1], arrays[:-1]
    spec = ",".join(_sublist_labels(s) for s in subs)
    if out is not None:
        spec += "->" + _sublist_labels(out)
    return spec, arrays


def encoded(spec):
    """"spec" as the C string einc reads (UTF-8); InputError, as einc's
    parser reports a control character, for a NUL, which would end the
    C string early (the spec read short, silently). A lone surrogate,
    which no UTF-8 holds, passes as its 3 bytes, for the parser to
    refuse as invalid UTF-8 with its caret."""
    at = spec.find("\0")
    if at >= 0:
        raise InputError("spec:1:%d: error: parse: character U+0000 is a control character, "
                         "not a label\n  %s\n  %*s" % (at + 1, spec, at + 1, "^"))
    return spec.encode("utf-8", "surrogatepass")


INT64_MAX = 2**63 - 1


def shape_of(shape, k):
    """The shape given for operand "k" (a sequence of integers) as a
    tuple of ints: TypeError for anything else (a bare int, floats, as
    numpy's shapes), InputError for a size beyond int64 (which einc's
    int64 sizes would wrap around); einc checks the rest."""
    try:
        dims = tuple(operator.index(d) for d in shape)
    except TypeError:
        raise TypeError("einc: the shape of operand %d is %r, not a sequence of integers"
                        % (k, shape)) from None
    if any(d > INT64_MAX for d in dims):
        raise InputError("einc: the shape of operand %d is %s: a size beyond 2^63-1"
                         % (k, dims))
    return dims


def explicit_labels(spec):
    """(inputs, output), each a string of labels, when "spec" is explicit
    ('->') without '...'; None otherwise (then nothing is folded)."""
    if "->" not in spec or "." in spec:
        return None
    lhs, rhs = spec.replace(" ", "").split("->", 1)
    return lhs.split(","), rhs


def output_shape(spec, shapes):
    """The shape of the output of "spec" over operands of "shapes", as
    einc's front end works it out (einc_output_shape: numpy's
    broadcasting, '...' and implicit output), without compiling. Raises
    what the compile would (InputError, with the caret) where spec and
    shapes do not fit."""
    ranks, dims, _keep = _lib.shape_arguments(shapes)
    room = sum(len(s) for s in shapes)  # the output's rank is never above it
    out = (ctypes.c_int64 * max(room, 1))()
    rank = ctypes.c_int()
    with _lib.Context() as c:
        c.check(_lib.lib.einc_output_shape(c.ctx, encoded(spec), len(shapes), ranks,
                                           dims, room, ctypes.byref(rank), out))
    return tuple(out[:rank.value])


def output_size(spec, shapes):
    """The element count of the output of "spec" over operands of
    "shapes" (output_shape); raises as output_shape does."""
    size = 1
    for d in output_shape(spec, shapes):
        size *= d
    return size
