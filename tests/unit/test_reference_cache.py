"""VersionedCache: a value is served from memory only for the version it was loaded at."""
from app.reference_cache import VersionedCache


class Loader:
    def __init__(self):
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return f"value {self.calls}"


def test_same_version_is_served_from_memory():
    cache, load = VersionedCache(), Loader()
    assert cache.get(5, "teacher", load) == "value 1"
    assert cache.get(5, "teacher", load) == "value 1"
    assert load.calls == 1


def test_another_version_loads_again_and_forgets_the_old_values():
    cache, load = VersionedCache(), Loader()
    cache.get(5, "teacher", load)
    cache.get(5, "parent", load)
    assert cache.get(6, "teacher", load) == "value 3"
    assert cache.get(6, "parent", load) == "value 4"
    # An older number (a restored database, a request that read it before the write) is not trusted.
    assert cache.get(5, "teacher", load) == "value 5"
    assert load.calls == 5


def test_no_version_loads_every_time():
    cache, load = VersionedCache(), Loader()
    assert [cache.get(None, "anonymous", load) for _ in range(3)] == ["value 1", "value 2", "value 3"]


def test_the_least_recently_used_key_goes_beyond_the_size():
    cache, load = VersionedCache(size=2), Loader()
    cache.get(1, "a", load)
    cache.get(1, "b", load)
    cache.get(1, "a", load)      # "a" used again: "b" is the oldest now
    cache.get(1, "c", load)
    assert cache.get(1, "a", load) == "value 1"
    assert cache.get(1, "b", load) == "value 4"
    assert load.calls == 4
