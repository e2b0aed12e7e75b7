"""In-memory, versioned object storage for the simulated apiserver.

Modelled on etcd behind kube-apiserver: one global resource-version counter for all resources, keys sorted as
``namespace/name`` (cluster-scoped: ``name``), a bounded per-resource event history that watches replay from,
and compaction after which older resource versions answer 410 Gone.

Every stored object is kept twice: as a dict (for selectors and copies) and as pre-encoded JSON *without*
``kind``/``apiVersion`` (LIST items carry no TypeMeta), so a LIST is a join of stored bytes and a watch event
is a cheap byte splice. Stored dicts are never mutated after they are stored: every change builds a new one.
"""

from __future__ import annotations

import bisect
import os
import queue
import random
import threading
import time
from collections import deque
from collections.abc import Iterable

import msgspec

from ksm_shard.kube.kinds import KINDS, Kind

__all__ = ["AlreadyExists", "Conflict", "Event", "Gone", "NotFound", "Snapshot", "Storage", "Watcher"]

_encode = msgspec.json.encode
_decode = msgspec.json.decode

# Go's ObjectMeta field order; the exporter byte-scans raw JSON, so "uid" must precede labels/annotations/owners.
_META_ORDER = (
    "name",
    "generateName",
    "namespace",
    "selfLink",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "labels",
    "annotations",
    "ownerReferences",
    "finalizers",
    "managedFields",
)
_TOP_ORDER = ("kind", "apiVersion", "metadata", "spec", "status")

# Resources whose registry strategy does not maintain metadata.generation in the real apiserver.
_NO_GENERATION = frozenset(
    {
        "configmaps",
        "secrets",
        "endpoints",
        "endpointslices",
        "serviceaccounts",
        "roles",
        "clusterroles",
        "rolebindings",
        "clusterrolebindings",
        "namespaces",
        "nodes",
        "leases",
        "limitranges",
        "resourcequotas",
        "persistentvolumes",
        "persistentvolumeclaims",
        "services",
    }
)

_NAME_SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"  # apimachinery's utilrand alphabet for generateName


class NotFound(Exception):
    """No object with that namespace/name."""


class AlreadyExists(Exception):
    """An object with that namespace/name already exists."""


class Conflict(Exception):
    """An update carried a resourceVersion precondition that no longer matches."""


class Gone(Exception):
    """The requested resource version is older than the retained history (HTTP 410 Expired)."""

    def __init__(self, requested: int, oldest: int) -> None:
        super().__init__(f"too old resource version: {requested} ({oldest})")
        self.requested = requested
        self.oldest = oldest


def now_rfc3339() -> str:
    """Current UTC time the way metav1.Time marshals: seconds precision, ``Z`` suffix."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def new_uid() -> str:
    """A random (version 4) UUID string; about twice as fast as ``str(uuid.uuid4())`` for bulk loads."""
    h = os.urandom(16).hex()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:32]}"


def _order_meta(meta: dict) -> dict:
    out: dict = {}
    for k in _META_ORDER:
        v = meta.get(k)
        if v:  # Go's omitempty: nil, "", 0, false and empty maps/slices are left out
            out[k] = v
    for k, v in meta.items():
        if k not in out and k not in _META_ORDER and v is not None:
            out[k] = v
    return out


def normalize(kind: Kind, obj: dict) -> dict:
    """A new dict in Go field order with TypeMeta set from ``kind``; ``obj`` itself is left untouched."""
    out: dict = {"kind": kind.kind, "apiVersion": kind.api_version, "metadata": _order_meta(obj.get("metadata") or {})}
    for k in ("spec", "status"):
        if k in obj and obj[k] is not None:
            out[k] = obj[k]
    for k, v in obj.items():
        if k not in _TOP_ORDER:
            out[k] = v
    return out


def object_key(namespace: str | None, name: str) -> str:
    """The etcd-like sort key: ``namespace/name`` or ``name`` for cluster-scoped objects."""
    return f"{namespace}/{name}" if namespace else name


def type_prefix(kind: Kind) -> bytes:
    """``{"kind":"Pod","apiVersion":"v1",`` -- prepended to stored item bytes (minus their ``{``) for full objects."""
    return b'{"kind":' + _encode(kind.kind) + b',"apiVersion":' + _encode(kind.api_version) + b","


class Event:
    """One change of one object. ``raw`` is the new object's item bytes (no TypeMeta)."""

    __slots__ = ("rv", "type", "obj", "raw", "prev", "_line")

    def __init__(self, rv: int, type_: str, obj: dict, raw: bytes, prev: dict | None) -> None:
        self.rv = rv
        self.type = type_
        self.obj = obj
        self.raw = raw
        self.prev = prev  # previous object state (MODIFIED only), for selector transitions
        self._line: bytes | None = None

    def line(self, prefix: bytes) -> bytes:
        """The watch event line ``{"type":..,"object":{..}}\\n``; built once, shared by all watchers."""
        line = self._line
        if line is None:
            line = self._line = event_line(self.type, prefix, self.raw)
        return line


def event_line(type_: str, prefix: bytes, raw: bytes) -> bytes:
    return b'{"type":"' + type_.encode() + b'","object":' + prefix + raw[1:] + b"}\n"


class Watcher:
    """A registered watch: storage pushes every event of its resource into ``queue``; ``None`` means stop."""

    __slots__ = ("resource", "queue", "closed")

    def __init__(self, resource: str) -> None:
        self.resource = resource
        self.queue: queue.SimpleQueue[Event | None] = queue.SimpleQueue()
        self.closed = False

    def wake(self) -> None:
        """Push the stop sentinel so a blocked reader returns."""
        self.queue.put(None)


class Snapshot:
    """An immutable view of one resource at global revision ``rv``: sorted keys and key -> (obj, raw)."""

    __slots__ = ("resource", "rv", "keys", "entries")

    def __init__(self, resource: str, rv: int, keys: list[str], entries: dict[str, tuple[dict, bytes]]) -> None:
        self.resource = resource
        self.rv = rv
        self.keys = keys
        self.entries = entries


class _Table:
    """The state of one resource."""

    __slots__ = ("kind", "prefix", "objects", "sorted_keys", "history", "since", "last_rv", "snapshot", "watchers")

    def __init__(self, kind: Kind, event_window: int) -> None:
        self.kind = kind
        self.prefix = type_prefix(kind)
        self.objects: dict[str, tuple[dict, bytes]] = {}
        self.sorted_keys: list[str] | None = []  # None = needs a re-sort (after bulk loads)
        self.history: deque[Event] = deque(maxlen=event_window)
        self.since = 0  # every event with rv > since is in history
        self.last_rv = 0  # rv of the last change to this resource
        self.snapshot: Snapshot | None = None  # cached until the next change
        self.watchers: set[Watcher] = set()

    def keys(self) -> list[str]:
        if self.sorted_keys is None:
            self.sorted_keys = sorted(self.objects)
        return self.sorted_keys


def merge_patch(target: object, patch: object) -> object:
    """RFC 7386 JSON merge patch; builds new dicts along the patched paths and never mutates ``target``."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for k, v in patch.items():
        if v is None:
            result.pop(k, None)
        else:
            result[k] = merge_patch(result.get(k), v)
    return result


class Storage:
    """Thread-safe object store with one global resource version, event history and watcher fan-out."""

    def __init__(self, *, event_window: int = 200_000) -> None:
        self._lock = threading.RLock()
        self._rv = 0
        self._compacted_rv = 0
        self._tables: dict[str, _Table] = {r: _Table(k, event_window) for r, k in KINDS.items()}

    # -- introspection -------------------------------------------------------------------------------------------

    @property
    def resource_version(self) -> int:
        """The current global resource version (one counter for all resources, like etcd's revision)."""
        return self._rv

    @property
    def compacted_rv(self) -> int:
        """The revision of the last ``compact()``: continue tokens from before it are expired."""
        return self._compacted_rv

    def kind(self, resource: str) -> Kind:
        return self._table(resource).kind

    def count(self, resource: str) -> int:
        return len(self._table(resource).objects)

    def watcher_count(self, resource: str | None = None) -> int:
        """Open watchers (of one resource or all); tests use it to prove that nothing leaks."""
        with self._lock:
            tables = [self._table(resource)] if resource else self._tables.values()
            return sum(len(t.watchers) for t in tables)

    def _table(self, resource: str) -> _Table:
        try:
            return self._tables[resource]
        except KeyError:
            raise ValueError(f"unknown resource {resource!r}") from None

    # -- helpers ------------------------------------------------------------------------------------------------

    def _identity(self, t: _Table, meta: dict, *, generate: bool) -> tuple[str | None, str]:
        """(namespace, name) of an incoming object, validated; fills a generated name into ``meta``."""
        name = meta.get("name")
        if not name:
            gen = meta.get("generateName")
            if not (generate and gen):
                raise ValueError("metadata.name: Required value: name or generateName is required")
            name = meta["name"] = gen + "".join(random.choices(_NAME_SUFFIX_ALPHABET, k=5))
        if t.kind.namespaced:
            namespace = meta.get("namespace")
            if not namespace:
                raise ValueError("metadata.namespace: Required value")
        else:
            namespace = None
            meta.pop("namespace", None)  # the real apiserver clears it for cluster-scoped kinds
        return namespace, name

    def _seal(self, t: _Table, obj: dict, *, copy: bool = True) -> tuple[dict, bytes]:
        """Normalize and encode. With ``copy`` the returned dict is a private deep copy decoded from the bytes;
        without, it shares nested values with ``obj`` (bulk loads: decoding costs ~10 us per pod)."""
        norm = normalize(t.kind, obj)
        full = _encode(norm)
        # TypeMeta comes first and encodes exactly like ``prefix``, so the item bytes are a cheap slice.
        raw = b"{" + full[len(t.prefix) :]
        return (_decode(full) if copy else norm), raw

    def _emit(self, t: _Table, ev: Event) -> None:
        hist = t.history
        if hist.maxlen == 0:
            t.since = ev.rv
        else:
            if len(hist) == hist.maxlen:
                t.since = hist[0].rv  # about to be evicted: from now on watches must start at or after it
            hist.append(ev)
        for w in t.watchers:
            w.queue.put(ev)

    def _changed(self, t: _Table, rv: int) -> None:
        t.last_rv = rv
        t.snapshot = None

    def _copy(self, t: _Table, raw: bytes) -> dict:
        return _decode(t.prefix + raw[1:])

    # -- writes -------------------------------------------------------------------------------------------------

    def create(self, resource: str, obj: dict) -> dict:
        """Store a new object (emits ADDED); returns a copy as stored."""
        t = self._table(resource)
        meta = dict(obj.get("metadata") or {})
        with self._lock:
            namespace, name = self._identity(t, meta, generate=True)
            key = object_key(namespace, name)
            if key in t.objects:
                raise AlreadyExists(f'{resource} "{name}" already exists')
            rv = self._rv + 1
            self._stamp_new(resource, meta, rv)
            stored, raw = self._seal(t, {**obj, "metadata": meta})
            self._rv = rv
            t.objects[key] = (stored, raw)
            if t.sorted_keys is not None:
                bisect.insort(t.sorted_keys, key)
            self._changed(t, rv)
            self._emit(t, Event(rv, "ADDED", stored, raw, None))
            return self._copy(t, raw)

    @staticmethod
    def _stamp_new(resource: str, meta: dict, rv: int) -> None:
        if not meta.get("uid"):
            meta["uid"] = new_uid()
        if not meta.get("creationTimestamp"):
            meta["creationTimestamp"] = now_rfc3339()
        meta["resourceVersion"] = str(rv)
        if resource not in _NO_GENERATION and not meta.get("generation"):
            meta["generation"] = 1

    def update(self, resource: str, obj: dict, *, precondition_rv: str | None = None) -> dict:
        """Replace the object with the same namespace/name (emits MODIFIED); returns a copy as stored.

        uid and creationTimestamp are kept from the stored object and generation is bumped when the spec
        changes, as the real apiserver does. An update that changes nothing is a no-op (no new resource
        version, no event), again like the real apiserver. ``precondition_rv`` (the client's
        metadata.resourceVersion) raises ``Conflict`` when stale.
        """
        t = self._table(resource)
        meta = dict(obj.get("metadata") or {})
        with self._lock:
            namespace, name = self._identity(t, meta, generate=False)
            key = object_key(namespace, name)
            entry = t.objects.get(key)
            if entry is None:
                raise NotFound(f'{resource} "{name}" not found')
            if precondition_rv and precondition_rv != entry[0]["metadata"].get("resourceVersion"):
                raise Conflict(
                    f'Operation cannot be fulfilled on {resource} "{name}": the object has been modified; '
                    "please apply your changes to the latest version and try again"
                )
            return self._replace(resource, t, key, entry, {**obj, "metadata": meta})

    def patch(self, resource: str, namespace: str | None, name: str, patch: dict) -> dict:
        """Apply a JSON merge patch (RFC 7386) to the stored object (emits MODIFIED); returns a copy."""
        if not isinstance(patch, dict):
            raise ValueError("a merge patch must be a JSON object")
        t = self._table(resource)
        key = object_key(namespace if t.kind.namespaced else None, name)
        with self._lock:
            entry = t.objects.get(key)
            if entry is None:
                raise NotFound(f'{resource} "{name}" not found')
            merged = merge_patch(entry[0], patch)
            assert isinstance(merged, dict)
            meta = dict(merged.get("metadata") or {})
            # A patch cannot rename or move the object: identity comes from the URL, as in the real apiserver.
            meta["name"] = name
            if t.kind.namespaced:
                meta["namespace"] = namespace
            return self._replace(resource, t, key, entry, {**merged, "metadata": meta})

    def _replace(self, resource: str, t: _Table, key: str, entry: tuple[dict, bytes], new: dict) -> dict:
        old, old_raw = entry
        old_meta = old["metadata"]
        meta = new["metadata"]
        for k in ("uid", "creationTimestamp"):
            if old_meta.get(k):
                meta[k] = old_meta[k]
            else:
                meta.pop(k, None)
        meta["resourceVersion"] = old_meta.get("resourceVersion")
        if resource not in _NO_GENERATION:
            # The server owns generation: clients cannot set it, a spec change bumps it.
            gen = old_meta.get("generation") or 1
            meta["generation"] = gen + 1 if new.get("spec") != old.get("spec") else gen
        candidate = normalize(t.kind, new)
        if candidate == old:
            return self._copy(t, old_raw)  # no-op update: the real apiserver writes nothing
        rv = self._rv + 1
        candidate["metadata"]["resourceVersion"] = str(rv)
        stored, raw = self._seal(t, candidate)
        self._rv = rv
        t.objects[key] = (stored, raw)
        self._changed(t, rv)
        self._emit(t, Event(rv, "MODIFIED", stored, raw, old))
        return self._copy(t, raw)

    def delete(self, resource: str, namespace: str | None, name: str) -> dict:
        """Remove the object (emits DELETED carrying the object at a new resource version); returns it."""
        t = self._table(resource)
        key = object_key(namespace if t.kind.namespaced else None, name)
        with self._lock:
            entry = t.objects.pop(key, None)
            if entry is None:
                raise NotFound(f'{resource} "{name}" not found')
            if t.sorted_keys is not None:
                i = bisect.bisect_left(t.sorted_keys, key)
                del t.sorted_keys[i]
            rv = self._rv + 1
            self._rv = rv
            old = entry[0]
            gone = {**old, "metadata": {**old["metadata"], "resourceVersion": str(rv)}}
            stored, raw = self._seal(t, gone)
            self._changed(t, rv)
            self._emit(t, Event(rv, "DELETED", stored, raw, None))
            return self._copy(t, raw)

    def bulk_load(self, resource: str, objs: Iterable[dict]) -> None:
        """Fast initial population: no events; watches from before the load get 410 Gone afterwards.

        For speed the storage takes ownership of the nested values of ``objs`` (it never mutates them):
        callers must not mutate them afterwards either.
        """
        t = self._table(resource)
        with self._lock:
            for obj in objs:
                meta = dict(obj.get("metadata") or {})
                namespace, name = self._identity(t, meta, generate=True)
                key = object_key(namespace, name)
                if key in t.objects:
                    raise AlreadyExists(f'{resource} "{name}" already exists')
                rv = self._rv + 1
                self._stamp_new(resource, meta, rv)
                self._rv = rv
                t.objects[key] = self._seal(t, {**obj, "metadata": meta}, copy=False)
            t.sorted_keys = None  # one sort on the next read beats an insort per object
            # The loaded objects have no events, so history before this point cannot be replayed.
            t.since = self._rv
            self._changed(t, self._rv)

    def compact(self) -> None:
        """Forget all event history: watches and continue tokens from before now get 410 Gone."""
        with self._lock:
            self._compacted_rv = self._rv
            for t in self._tables.values():
                t.history.clear()
                t.since = self._rv

    # -- reads --------------------------------------------------------------------------------------------------

    def get(self, resource: str, namespace: str | None, name: str) -> dict:
        """A deep copy of one object (with kind/apiVersion); raises ``NotFound``."""
        t = self._table(resource)
        entry = t.objects.get(object_key(namespace if t.kind.namespaced else None, name))
        if entry is None:
            raise NotFound(f'{resource} "{name}" not found')
        return self._copy(t, entry[1])

    def get_raw(self, resource: str, namespace: str | None, name: str) -> bytes:
        """The stored JSON of one object with kind/apiVersion, as a GET response body."""
        t = self._table(resource)
        entry = t.objects.get(object_key(namespace if t.kind.namespaced else None, name))
        if entry is None:
            raise NotFound(f'{resource} "{name}" not found')
        return t.prefix + entry[1][1:]

    def list(self, resource: str) -> list[dict]:
        """Deep copies of all objects of ``resource`` in key order."""
        snap = self.snapshot(resource)[1]
        prefix = self._tables[resource].prefix
        return [_decode(prefix + snap.entries[k][1][1:]) for k in snap.keys]

    def snapshot(self, resource: str) -> tuple[int, Snapshot]:
        """(current global resource version, consistent snapshot of ``resource``). Cached until the next change."""
        t = self._table(resource)
        with self._lock:
            snap = t.snapshot
            if snap is None:
                snap = t.snapshot = Snapshot(resource, self._rv, list(t.keys()), dict(t.objects))
            return self._rv, snap

    def snapshot_at(self, resource: str, rv: int) -> Snapshot | None:
        """The current snapshot if ``resource`` has not changed since ``rv`` (so it equals the state at ``rv``)."""
        t = self._table(resource)
        with self._lock:
            if t.last_rv > rv or rv > self._rv:
                return None
            return self.snapshot(resource)[1]

    # -- watches ------------------------------------------------------------------------------------------------

    def open_watch(
        self, resource: str, from_rv: int | None
    ) -> tuple[Watcher, list[tuple[dict, bytes]], list[Event], int]:
        """Register a watcher, atomically with what it must see first.

        Returns (watcher, initial, replay, rv) where rv is the global resource version at registration.
        ``from_rv`` None: ``initial`` holds every current (obj, raw) in key order -- the synthetic ADDED events
        of a watch without resourceVersion -- and ``replay`` is empty. Otherwise ``initial`` is empty and
        ``replay`` holds the history events after ``from_rv``; raises ``Gone`` when history no longer reaches
        back to ``from_rv``.
        """
        t = self._table(resource)
        with self._lock:
            w = Watcher(resource)
            if from_rv is None:
                initial = [t.objects[k] for k in t.keys()]
                t.watchers.add(w)
                return w, initial, [], self._rv
            if from_rv < t.since:
                raise Gone(from_rv, t.since)
            replay: list[Event] = []
            for ev in reversed(t.history):  # newest first: usually only a short tail is needed
                if ev.rv <= from_rv:
                    break
                replay.append(ev)
            replay.reverse()
            t.watchers.add(w)
            return w, [], replay, self._rv

    def close_watch(self, watcher: Watcher) -> None:
        """Unregister (idempotent)."""
        with self._lock:
            watcher.closed = True
            self._tables[watcher.resource].watchers.discard(watcher)

    def bookmark_rv(self, watcher: Watcher) -> int | None:
        """The current resource version if ``watcher`` has consumed every event so far, else None.

        A bookmark must never claim a revision whose events the client has not received yet.
        """
        with self._lock:
            return self._rv if watcher.queue.empty() else None

    def watchers(self) -> list[Watcher]:
        with self._lock:
            return [w for t in self._tables.values() for w in t.watchers]
