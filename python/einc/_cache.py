"""The in-process cache of compiled expressions, keyed by spec, shapes,
dtype and options: a repeat call pays no parsing, planning or compiling.
Least recently used entries go first beyond "maxsize"."""
import collections
import threading

CacheInfo = collections.namedtuple("CacheInfo", "hits misses currsize maxsize")


class KernelCache:
    """A thread-safe LRU map from keys to expressions built on a miss."""

    def __init__(self, maxsize=256):
        self.maxsize = maxsize
        self._map = collections.OrderedDict()
        self._lock = threading.Lock()
        self._build_lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key, build):
        """The entry of "key", made by build() (once, even when several
        threads miss it at once) when absent."""
        with self._lock:
            expr = self._map.get(key)
            if expr is not None:
                self.hits += 1
                self._map.move_to_end(key)
                return expr
        with self._build_lock:
            with self._lock:
                expr = self._map.get(key)
                if expr is not None:
                    self.hits += 1
                    return expr
            expr = build()
            with self._lock:
                self.misses += 1
                self._map[key] = expr
                while len(self._map) > self.maxsize:
                    self._map.popitem(last=False)
            return expr

    def info(self):
        """CacheInfo(hits, misses, currsize, maxsize)."""
        with self._lock:
            return CacheInfo(self.hits, self.misses, len(self._map), self.maxsize)

    def clear(self):
        """Drops every entry and zeroes the counts."""
        with self._lock:
            self._map.clear()
            self.hits = self.misses = 0
