"""An explicit contraction path (optimize=[(0, 1), ...], opt_einsum's and
numpy's linear form, numpy's 'einsum_path' head allowed) written as
einc's contraction tree text (docs/ir.md, "The tree form"), which
einc_options.tree forces."""
from .errors import PathError, UnsupportedError


def normalize(path):
    """"path" as a tuple of tuples of ints (hashable, for the cache key)."""
    steps = list(path)
    if steps and steps[0] == "einsum_path":
        steps = steps[1:]
    try:
        return tuple(tuple(int(k) for k in step) for step in steps)
    except (TypeError, ValueError):
        raise PathError("einc: optimize=%r is not a path of position tuples" % (path,))


def tree_text(input_lines, steps):
    """The tree text of "steps" (normalize's form) over the inputs, given
    as the tree dump's "%k = input [...]" lines: each step takes the
    operands at its positions off the list and appends its result."""
    n = len(input_lines)
    live = ["%%%d" % k for k in range(n)]
    lines = list(input_lines)
    for step in steps:
        if any(not 0 <= k < len(live) for k in step) or len(set(step)) != len(step):
            raise PathError("einc: path step %s names operands beyond the %d left"
                             % (step, len(live)))
        names = [live[k] for k in step]
        node = "%%%d" % len(lines)
        if len(step) == 2:
            lines.append("%s = contract %s %s" % (node, names[0], names[1]))
        elif len(step) == 1 and int(names[0][1:]) < n:
            lines.append("%s = reduce %s" % (node, names[0]))
        else:
            raise UnsupportedError("einc: path step %s: einc contracts two operands at a "
                                   "time and reduces an input alone" % (step,))
        for k in sorted(step, reverse=True):
            del live[k]
        live.append(node)
    if len(live) != 1:
        raise PathError("einc: the path leaves %d operands uncontracted" % len(live))
    return "\n".join(lines) + "\n"
