# SPDX-License-Identifier: MIT
"""contract.py - einc from Python: a batched matrix product through
einc.contract (compiled on the first call, cached for the next), and a
contraction compiled once by einc.contract_expression, both checked
against numpy.einsum.

    /usr/bin/python3 examples/contract.py
(from a build tree: EINC_LIBRARY=build/libeinc.so PYTHONPATH=python)
"""
import numpy as np

import einc

rng = np.random.default_rng(0)
a, b = rng.random((4, 32, 64)), rng.random((4, 64, 16))
c = einc.contract("bij,bjk->bik", a, b)
assert np.allclose(c, np.einsum("bij,bjk->bik", a, b))
c2 = einc.contract("bij,bjk->bik", a[::-1], b)  # a view: same shapes, so a cache hit
assert np.allclose(c2, np.einsum("bij,bjk->bik", a[::-1], b))
print("einc %s: bij,bjk->bik %s x %s -> %s, %s" % (einc.__version__, a.shape, b.shape,
                                                  c.shape, einc.cache_info()))

w1, w2 = rng.random((64, 8)), rng.random((8, 4))
f = einc.contract_expression("ij,jk,kl->il", (32, 64), w1, w2, constants=[1, 2])
x = rng.random((32, 64))
assert np.allclose(f(x), x @ w1 @ w2)
print("ij,jk,kl->il with two constants compiles to %s, path %s" % (f.spec, f.path))
