"""einc: numpy.einsum and opt_einsum's contract, compiled by einc once
and called many times.

    import einc
    c = einc.contract("bij,bjk->bik", a, b)         # cached per spec, shapes, dtype
    f = einc.contract_expression("ij,jk->ik", (8, 8), (8, 8))
    f(a, b); print(f.dump("loops")); f.emit("k.o", header="k.h", name="k")

Operands that are not C-contiguous (transposes, slices, reversed axes,
broadcasts) are read in place: the kernel is compiled for their strides,
which are part of the cache key. The library is libeinc.so, loaded with
ctypes ($EINC_LIBRARY overrides where).
"""
from ._contract import (contract, contract_path, contract_expression, cache_info,
                        clear_cache, ContractExpression)
from ._expression import Expression
from ._lib import lib as _clib
from .errors import (Error, InputError, PathError, UnsupportedError, OutOfMemoryError,
                     BackendError)

__version__ = _clib.einc_version_string().decode().split("\n", 1)[0].split()[-1]

__all__ = ["contract", "contract_path", "contract_expression", "cache_info", "clear_cache",
           "ContractExpression", "Expression", "Error", "InputError", "PathError",
           "UnsupportedError", "OutOfMemoryError", "BackendError"]
