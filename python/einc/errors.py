"""einc's exceptions. Each carries einc's whole message (stage, column,
the spec and a caret under the culprit) and is also the Python exception
callers already catch: ValueError for bad specs, shapes and options,
NotImplementedError for what einc does not do, MemoryError when memory
runs out."""


class Error(Exception):
    """Every error einc raises; "status" is einc_status_name's text."""
    status = "internal error"


class InputError(Error, ValueError):
    """Bad input: a spec, shapes, sizes or options einc rejects."""


class PathError(InputError, RuntimeError):
    """An explicit path that does not fit the spec; also the RuntimeError
    numpy.einsum raises for one."""


class UnsupportedError(Error, NotImplementedError):
    """Valid input einc does not handle (a dtype, a feature)."""


class OutOfMemoryError(Error, MemoryError):
    """Memory ran out, or the workspace budget is too small."""


class BackendError(Error, RuntimeError):
    """LLVM or einc itself failed: a bug to report."""


# einc_status (EINC_STATUS_MAP in einc.h) -> (name, exception class).
_STATUS = {
    1: ("invalid argument", InputError), 2: ("syntax error", InputError),
    3: ("shape error", InputError), 4: ("size overflow", InputError),
    5: ("unsupported", UnsupportedError), 6: ("memory budget too small", OutOfMemoryError),
    7: ("out of memory", OutOfMemoryError), 8: ("backend error", BackendError),
    9: ("internal error", BackendError),
}


def status_error(status, message):
    """The exception for einc status number "status" with "message"."""
    name, cls = _STATUS.get(status, ("internal error", BackendError))
    err = cls(message or "einc: " + name)
    err.status = name
    return err
