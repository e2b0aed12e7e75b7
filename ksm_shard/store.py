"""Rendered store: the exposition bytes of every owned object, kept per family and re-joined only where changed.

Objects are spread over buckets by an mmh3 hash of their UID (no server has to agree with this hash). Each bucket
caches the concatenation of its objects' lines per family; a change marks only its bucket dirty, so a scrape
re-joins just the dirty buckets and otherwise hands out cached buffers. A list/watch stream owns one
``ObjectStore``; a relist builds a fresh one and swaps it in atomically (``StoreSlot.replace``).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence

import mmh3

EMPTY = b""


class _Bucket:
    __slots__ = ("objects", "versions", "lock", "joined")

    def __init__(self) -> None:
        self.objects: dict[str, tuple[bytes, ...]] = {}
        self.versions: dict[str, str] = {}  # uid -> resourceVersion the lines were rendered from
        self.lock = threading.Lock()
        self.joined: list[bytes] | None = None  # per family; None when dirty


class ObjectStore:
    """Rendered lines of the objects of one list/watch stream, keyed by UID."""

    def __init__(self, n_families: int, n_buckets: int = 64) -> None:
        self.n_families = n_families
        self._buckets = [_Bucket() for _ in range(n_buckets)]
        self._n = n_buckets

    def _bucket(self, uid: str) -> _Bucket:
        return self._buckets[mmh3.hash(uid, signed=False) % self._n]

    def put(self, uid: str, chunks: tuple[bytes, ...], resource_version: str | None = None) -> None:
        b = self._bucket(uid)
        with b.lock:
            b.objects[uid] = chunks
            if resource_version:
                b.versions[uid] = resource_version
            else:
                b.versions.pop(uid, None)
            b.joined = None

    def delete(self, uid: str) -> bool:
        b = self._bucket(uid)
        with b.lock:
            b.versions.pop(uid, None)
            if b.objects.pop(uid, None) is None:
                return False
            b.joined = None
            return True

    def get(self, uid: str) -> tuple[bytes, ...] | None:
        return self._bucket(uid).objects.get(uid)

    def get_if_version(self, uid: str, resource_version: str) -> tuple[bytes, ...] | None:
        """The object's lines if they were rendered from exactly this resourceVersion (a relist can reuse them)."""
        b = self._bucket(uid)
        with b.lock:
            if b.versions.get(uid) == resource_version:
                return b.objects.get(uid)
        return None

    def __len__(self) -> int:
        return sum(len(b.objects) for b in self._buckets)

    def __contains__(self, uid: str) -> bool:
        return uid in self._bucket(uid).objects

    def family_columns(self) -> list[list[bytes]]:
        """Per bucket, the joined lines per family (re-joining only buckets changed since the last call)."""
        out = []
        n = self.n_families
        for b in self._buckets:
            joined = b.joined
            if joined is None:
                with b.lock:
                    joined = b.joined
                    if joined is None:
                        if b.objects:
                            joined = [b"".join(col) for col in zip(*b.objects.values(), strict=True)]
                        else:
                            joined = [EMPTY] * n
                        b.joined = joined
            out.append(joined)
        return out


class StoreSlot:
    """The current store of one list/watch stream; replaced whole after a (re)list."""

    __slots__ = ("current",)

    def __init__(self, store: ObjectStore) -> None:
        self.current = store

    def replace(self, store: ObjectStore) -> None:
        self.current = store  # a single reference assignment: readers see the old or the new store, never a mix


class ResourceOutput:
    """Everything one resource contributes to /metrics: its family headers and the stores of its streams."""

    def __init__(
        self,
        name: str,
        headers: Sequence[bytes],
        family_names: Sequence[str],
        openmetrics_headers: Sequence[bytes] | None = None,
    ) -> None:
        self.name = name
        self.headers = tuple(headers)
        self.openmetrics_headers = tuple(openmetrics_headers) if openmetrics_headers is not None else self.headers
        self.family_names = tuple(family_names)
        self.slots: list[StoreSlot] = []

    def new_slot(self) -> StoreSlot:
        slot = StoreSlot(ObjectStore(len(self.headers)))
        self.slots.append(slot)
        return slot

    def __len__(self) -> int:
        return sum(len(s.current) for s in self.slots)


def exposition(outputs: Iterable[ResourceOutput], openmetrics: bool = False) -> list[bytes]:
    """The /metrics body as a list of buffers: resources in the given order, each family contiguous.

    A resource without objects writes nothing (not even headers); a family name already written by an earlier
    resource does not repeat its header. Nothing here formats: it only concatenates pre-rendered bytes.
    """
    parts: list[bytes] = []
    seen: set[str] = set()
    for out in outputs:
        stores = [s.current for s in out.slots]
        columns = [col for st in stores for col in st.family_columns()]
        if not any(len(st) for st in stores):
            continue
        for f, header in enumerate(out.openmetrics_headers if openmetrics else out.headers):
            name = out.family_names[f]
            if name not in seen:
                seen.add(name)
                parts.append(header)
            for col in columns:
                chunk = col[f]
                if chunk:
                    parts.append(chunk)
    return parts
