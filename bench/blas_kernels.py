"""Which BLAS numpy runs, and which of its kernels: a line for the benchmarks
that set einc beside numpy (perf_bench.py, chain_peers.py).

OpenBLAS picks its kernels at run time from the CPU's model number; a model
it does not know falls back to its oldest x86-64 kernels (Prescott, SSE3).
Debian 12's OpenBLAS 0.3.21 does so on an Emerald Rapids Xeon (family 6,
model 207): numpy's dgemm then runs at 16 GFLOP/s where its SkylakeX
kernels run at 79, and einc's lead over such a numpy is OpenBLAS's
mistake, not einc's work. OPENBLAS_CORETYPE (set before numpy is imported)
names the kernels instead: SkylakeX for AVX-512 Intel, Haswell for AVX2,
Zen for AMD.
"""
import ctypes

# OpenBLAS's kernels for CPUs older than AVX: what it falls back to.
GENERIC = {"prescott", "core2", "penryn", "dunnington", "nehalem", "atom", "katmai",
           "coppermine", "northwood", "banias", "opteron", "barcelona", "generic"}


def _loaded_openblas():
    """The path of the OpenBLAS library this process has loaded, or None."""
    with open("/proc/self/maps") as maps:
        for ln in maps:
            path = ln.split()[-1] if ln.strip() else ""
            if "libopenblas" in path:
                return path
    return None


def _cpu_flags():
    """The CPU's feature flags, from /proc/cpuinfo."""
    with open("/proc/cpuinfo") as info:
        for ln in info:
            if ln.startswith("flags"):
                return set(ln.split(":", 1)[1].split())
    return set()


def describe():
    """A line naming numpy's BLAS and its kernels (call after importing
    numpy), with a warning where OpenBLAS runs pre-AVX kernels on a CPU
    that has AVX2."""
    path = _loaded_openblas()
    if path is None:
        return "numpy's BLAS: not OpenBLAS (numpy.show_config() names it)"
    lib = ctypes.CDLL(path)
    lib.openblas_get_config.restype = ctypes.c_char_p
    lib.openblas_get_corename.restype = ctypes.c_char_p
    core = lib.openblas_get_corename().decode()
    line = f"numpy's BLAS: {lib.openblas_get_config().decode()}, kernels {core}"
    if core.lower() in GENERIC and "avx2" in _cpu_flags():
        line += (" -- OpenBLAS did not recognise this CPU: its kernels are far below the"
                 " machine's; set OPENBLAS_CORETYPE (SkylakeX on AVX-512 Intel, Haswell on"
                 " AVX2, Zen on AMD) for a fair peer")
    return line
