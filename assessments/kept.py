"""What a process keeps of values that never change once made: the scoring matrix of a
published version (its content hash covers all of it), a submitted assessment's score, report
and standing, a cohort row. Kept in memory, bounded (the least recently used go first) and shared
by the process's threads; each process keeps its own, and none is needed by another. Two threads
making the same value at once each make it, and one of them is kept: never a wrong value."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import Generic, TypeVar

V = TypeVar("V")

_EVERY: list[Kept] = []


class Kept(Generic[V]):
    """At most `size` values by key."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._values: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()
        _EVERY.append(self)

    def __len__(self) -> int:
        return len(self._values)

    def get(self, key: Hashable) -> V | None:
        return self.get_many([key]).get(key)

    def get_many(self, keys: Iterable[Hashable]) -> dict[Hashable, V]:
        """The values kept under any of `keys`, by key."""
        found = {}
        with self._lock:
            for key in keys:
                if key in self._values:
                    self._values.move_to_end(key)
                    found[key] = self._values[key]
        return found

    def put(self, key: Hashable, value: V) -> None:
        self.put_many({key: value})

    def put_many(self, values: dict[Hashable, V]) -> None:
        with self._lock:
            self._values.update(values)
            for key in values:
                self._values.move_to_end(key)
            while len(self._values) > self.size:
                self._values.popitem(last=False)

    def get_or_make(self, key: Hashable | None, make: Callable[[], V]) -> V:
        """The value kept under `key`, made and kept the first time; made afresh every time
        without a key (a value that may still change, such as a draft's)."""
        if key is None:
            return make()
        found = self.get_many([key])
        if key in found:
            return found[key]
        value = make()
        self.put(key, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


def forget_everything() -> None:
    """Empty every kept value of this process (tests and benchmarks that start from none)."""
    for kept in _EVERY:
        kept.clear()
