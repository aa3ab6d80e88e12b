"""networks.py - tensor networks as einsum specs, for the network tests and
bench/network_bench.py: chains, MPS inner products, PEPS grids, random
regular graphs and circuit-shaped networks. Labels follow opt_einsum's
get_symbol: a-z, A-Z, then code points from U+00C0 up ('×' and '÷'
included). Every generator returns (terms, output, sizes): a list of label
strings, the output string and {label: size}; all are deterministic for a
given seed."""
import random


def symbol(i):
    """opt_einsum's get_symbol(i)."""
    letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    if i < 52:
        return letters[i]
    i += 140
    return chr(i + 2048 if i >= 55296 else i)


class Labels:
    """Fresh labels with their sizes."""

    def __init__(self):
        self.sizes = {}

    def new(self, size):
        s = symbol(len(self.sizes))
        self.sizes[s] = size
        return s


def chain(n, d):
    """n d x d matrices multiplied: 'ab,bc,...->a?'."""
    lab = Labels()
    idx = [lab.new(d) for _ in range(n + 1)]
    return [idx[k] + idx[k + 1] for k in range(n)], idx[0] + idx[n], lab.sizes


def mps(sites, chi, phys=2):
    """<psi|psi> of an open MPS of "sites" sites, bond "chi": 2 * sites tensors."""
    lab = Labels()
    bond = lambda k: 1 if k in (0, sites) else chi
    ket = [lab.new(bond(k)) for k in range(sites + 1)]
    bra = [lab.new(bond(k)) for k in range(sites + 1)]
    terms = []
    for k in range(sites):
        p = lab.new(phys)
        terms += [ket[k] + p + ket[k + 1], bra[k] + p + bra[k + 1]]
    return terms, "", lab.sizes


def peps(rows, cols, bond):
    """A closed rows x cols grid, one tensor per site, "bond" per edge."""
    lab = Labels()
    right = {(r, c): lab.new(bond) for r in range(rows) for c in range(cols - 1)}
    down = {(r, c): lab.new(bond) for r in range(rows - 1) for c in range(cols)}
    terms = []
    for r in range(rows):
        for c in range(cols):
            t = [right.get((r, c)), right.get((r, c - 1)), down.get((r, c)),
                 down.get((r - 1, c))]
            terms.append("".join(x for x in t if x))
    return terms, "", lab.sizes


def random_regular(n, degree, bonds, seed):
    """A random "degree"-regular graph of n tensors (n * degree even), each
    edge one label of a size drawn from "bonds"; stubs paired after a seeded
    shuffle, redrawn until no self-loop or double edge."""
    rng = random.Random(seed)
    while True:
        stubs = [t for t in range(n) for _ in range(degree)]
        rng.shuffle(stubs)
        edges = {tuple(sorted(stubs[k:k + 2])) for k in range(0, len(stubs), 2)}
        if len(edges) == len(stubs) // 2 and all(u != v for u, v in edges):
            break
    lab = Labels()
    terms = [""] * n
    for u, v in sorted(edges):
        s = lab.new(rng.choice(bonds))
        terms[u] += s
        terms[v] += s
    return terms, "", lab.sizes


def circuit(qubits, layers, seed):
    """An amplitude <0|C|0> of a brick-work circuit: a vector per qubit at
    each end, per layer a 2x2 gate on every qubit and a 2x2x2x2 gate on
    alternating pairs."""
    rng = random.Random(seed)
    lab = Labels()
    wire = [lab.new(2) for _ in range(qubits)]
    terms = [w for w in wire]
    for layer in range(layers):
        for q in range(qubits):
            x = lab.new(2)
            terms.append(wire[q] + x)
            wire[q] = x
        for q in range(layer % 2, qubits - 1, 2):
            if rng.random() < 0.9:
                a, b = lab.new(2), lab.new(2)
                terms.append(wire[q] + wire[q + 1] + a + b)
                wire[q], wire[q + 1] = a, b
    terms += [w for w in wire]
    return terms, "", lab.sizes


def spec_of(terms, output):
    """The einsum spec."""
    return ",".join(terms) + "->" + output


def dims_of(sizes):
    """The dims text, "a=2,b=3"."""
    return ",".join("%s=%d" % kv for kv in sizes.items())


FAMILIES = {
    "chain": lambda n, seed: chain(n, 8),
    "mps": lambda n, seed: mps(n // 2, 4),
    "peps": lambda n, seed: peps(*_grid(n), 2),
    "randreg": lambda n, seed: random_regular(n, 3, [2, 3, 4], seed),
    "circuit": lambda n, seed: circuit(*_circuit_shape(n), seed),
}


def _grid(n):
    """rows x cols with rows * cols == n and rows <= cols, as square as n allows."""
    r = int(n ** 0.5)
    while n % r:
        r -= 1
    return r, n // r


def _circuit_shape(n):
    """(qubits, layers) giving about n tensors."""
    q = 10 if n >= 100 else 4
    layers = max(1, (n - 2 * q) * 2 // (3 * q))
    return q, layers
