"""Spec handling on the Python side: numpy's sublist form turned into a
spec string, and an explicit spec split into its operands' labels (for
folding constants). einc's front end checks everything else."""
import operator

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


def explicit_labels(spec):
    """(inputs, output), each a string of labels, when "spec" is explicit
    ('->') without '...'; None otherwise (then nothing is folded)."""
    if "->" not in spec or "." in spec:
        return None
    lhs, rhs = spec.replace(" ", "").split("->", 1)
    return lhs.split(","), rhs


def _fit(a, b):
    """The extent of two axes of one label (or one '...' dimension) by
    numpy's broadcasting, or None where they differ and neither is 1."""
    if a == 1 or a == b:
        return b
    return a if b == 1 else None


def output_size(spec, shapes):
    """The element count of the output of "spec" over operands of
    "shapes", by einc's front end's rules (frontend/bind.c): labels of
    extent 1 broadcast, each '...' right-aligned into one shape, the
    implicit output '...' and the labels seen once. None where spec and
    shapes do not fit (the compile then says why)."""
    lhs, arrow, rhs = spec.replace(" ", "").replace("\t", "").partition("->")
    terms = lhs.split(",")
    if len(terms) != len(shapes):
        return None
    size, count, ell, dots = {}, {}, [], False
    for term, shape in zip(terms, shapes):
        head, has_dots, tail = term.partition("...")
        mid = len(shape) - len(head) - len(tail)
        if mid < 0 or (mid and not has_dots):
            return None
        dots = dots or bool(has_dots)
        axes = list(zip(head, shape)) + list(zip(tail, shape[len(shape) - len(tail):]))
        for label, n in axes:
            count[label] = count.get(label, 0) + 1
            size[label] = _fit(size.get(label, 1), n)
        e = list(shape[len(head):len(head) + mid])
        ell = [1] * (len(e) - len(ell)) + ell
        e = [1] * (len(ell) - len(e)) + e
        ell = [_fit(a, b) for a, b in zip(ell, e)]
    if arrow:
        labels, dots = rhs.replace("...", ""), "..." in rhs
    else:
        labels = [l for l in count if count[l] == 1]
    total = 1
    for n in [size.get(l) for l in labels] + (ell if dots else []):
        if n is None:
            return None
        total *= n
    return total
