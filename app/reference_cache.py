"""Per-process caches of reference data — the users' scopes, the roles' permissions, the journal's
catalogues, the menu per role set, the diary's school calendars and family cards — kept while
the database's reference version stays the same (app.security.current.kept).

Every request reads the version (`reference_version.number`) in the statement that loads its
user (app.security.manager). Database triggers add one to it in the same transaction as any
write to the tables these values are built from (migrations 0002 and 0003), whichever worker,
instance or tool writes. So a cached value is served only while nothing it was built from has changed since.
A plain per-process cache would not do: with two gunicorn workers, the one that did not serve
the write would keep the old scope.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Callable, Hashable, TypeVar

V = TypeVar("V")


class VersionedCache:
    """Values by key, all valid for one version; `size` keys at most (least recently used go)."""

    def __init__(self, size: int = 10_000):
        self._size = size
        self._version: int | None = None
        self._values: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, version: int | None, key: Hashable, load: Callable[[], V]) -> V:
        """The value of `key` at `version`, from `load()` unless it is cached for that version.

        `version` None (no version was read: a command, an anonymous request) loads every time.
        Another version than the cached one empties the cache: a value loaded after reading
        version n is at least as new as n, so it is kept under n, never under an older number."""
        if version is None:
            return load()
        with self._lock:
            if version == self._version and key in self._values:
                self._values.move_to_end(key)
                return self._values[key]  # type: ignore[return-value]
        value = load()
        with self._lock:
            if version != self._version:
                self._values.clear()
                self._version = version
            self._values[key] = value
            if len(self._values) > self._size:
                self._values.popitem(last=False)
        return value
