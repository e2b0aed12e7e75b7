"""A small reflector: paginated LIST, then WATCH from the list's resourceVersion, for one resource stream.

Why our own and not ``kubernetes.watch.Watch``: that one retries a 410 only once, reconnects without backoff and
parses every event three times. Here:

* LIST pages (``limit`` + ``continue``) are decoded item by item from raw bytes; a relist stages what changed and
  commits it atomically when complete, so objects deleted while we were disconnected disappear, and unchanged
  objects are neither re-rendered nor copied.
* WATCH starts at the list's resourceVersion with bookmarks, a server-side ``timeoutSeconds`` and a client-side read
  timeout; a dropped stream resumes from the last resourceVersion seen (no relist); 410 Gone triggers a relist.
* Errors back off exponentially with full jitter, honouring ``Retry-After`` (from the header or from an ERROR
  event's ``details.retryAfterSeconds``). A 410 relists at once, but a storm of them backs off like any error.
* A LIST whose ``continue`` token expired (410 on a later page) is restarted, unpaginated, like client-go's pager
  (``FullListIfExpired``): a truncated list is never committed.
* With ``list_from_cache`` (``--use-apiserver-cache``) the first LIST asks for ``resourceVersion=0``: the apiserver
  may answer from its watch cache instead of etcd (older apiservers then ignore ``limit`` and send it whole). A
  relist after 410 never does: like client-go, it asks for the latest state, so the store cannot go back in time
  to a lagging cache.
* A watch response not read to its end (an ERROR event, a broken stream, a stop) has its connection closed, never
  returned to the shared pool where the next request would read the rest of the old stream.
* A stream is ``settled`` once it synced or the apiserver refused it for good (403 Forbidden: RBAC; 404: the
  apiserver does not serve the resource); readiness waits for settled streams only, so one resource the exporter
  may not read does not keep the others from being served. It keeps retrying (RBAC can be fixed) and its errors
  are logged once per backoff step at most, identical repeats at most once per ``backoff_max``.
* Ownership is decided from the UID found in the raw bytes before anything else is done with an object; objects
  of other shards are never decoded.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import msgspec

from ksm_shard.generator import ResourceRenderer
from ksm_shard.kube.client import ApiError, KubeClient
from ksm_shard.kube.decode import DecodeError, object_decoders
from ksm_shard.kube.kinds import Kind
from ksm_shard.kube.watchbody import watch_payload
from ksm_shard.memory import release_free_memory, release_free_memory_now_and_then
from ksm_shard.sharding import ShardFilter
from ksm_shard.store import SCRAPE_GATE, ObjectStore, Relist, StoreSlot

log = logging.getLogger(__name__)

_decode = msgspec.json.decode


class _ListPage(msgspec.Struct):
    metadata: dict = {}
    items: list[msgspec.Raw] = []


_decode_page = msgspec.json.Decoder(_ListPage).decode


class Gone(Exception):
    """410: the resourceVersion we hold is no longer served; a fresh LIST is needed."""


_METADATA = b'"metadata":{'
_UID = b'"uid":"'
_RESOURCE_VERSION = b'"resourceVersion":"'
# Maps/lists inside metadata that could contain a "uid" key of their own; the uid is trusted only before them.
_BEFORE_UID = (b'"labels":{', b'"annotations":{', b'"ownerReferences":[', b'"managedFields":[')


def scan_uid(raw: bytes) -> bytes | None:
    """metadata.uid from an object's (or watch event's) raw JSON, without decoding it; None if unsure.

    The apiserver writes ObjectMeta with ``uid`` right after name/namespace, before labels, annotations and
    ownerReferences, so the first ``"uid":"`` after ``"metadata":{`` is the object's own. If another
    serializer ordered the fields differently, we answer None and the caller decodes the object instead.
    """
    return _scan_metadata_string(raw, _UID)


def scan_resource_version(raw: bytes) -> bytes | None:
    """metadata.resourceVersion from raw JSON (it follows uid in ObjectMeta); None if unsure."""
    return _scan_metadata_string(raw, _RESOURCE_VERSION)


def _scan_metadata_string(raw: bytes, key: bytes) -> bytes | None:
    m = raw.find(_METADATA)
    if m < 0:
        return None
    u = raw.find(key, m)
    if u < 0:
        return None
    for marker in _BEFORE_UID:
        if raw.find(marker, m, u) >= 0:
            return None
    start = u + len(key)
    end = raw.find(b'"', start)
    if end < 0:
        return None
    return raw[start:end]


@dataclass
class ReflectorConfig:
    page_size: int = 500
    watch_timeout: int = 300  # server-side timeoutSeconds; randomized up to 2x like client-go
    read_timeout_margin: float = 30.0  # client-side: no byte for timeout+margin means a dead connection
    list_read_timeout: float = 60.0
    connect_timeout: float = 10.0
    backoff_initial: float = 0.5
    backoff_max: float = 30.0
    backoff_reset_after: float = 60.0  # a stream that lived this long resets the backoff
    min_watch_duration: float = 1.0  # a watch the server ended sooner than this counts as a failure
    retry_after_max: float = 300.0  # a longer Retry-After (a broken proxy) is capped to this
    watch_pause: float = 0.1  # a caught-up watch waits this long before its next read (watchbody: bursts)
    fold_interval: float = 2.0  # a caught-up watch folds its store's staged changes at most this often


# Answers that will not change by retrying soon: the stream counts as settled for readiness (but is retried).
SETTLING_STATUSES = frozenset({403, 404})


class Reflector:
    """Keeps one ``StoreSlot`` equal to the owned objects of one list/watch stream."""

    def __init__(
        self,
        client: KubeClient,
        kind: Kind,
        renderer: ResourceRenderer,
        slot: StoreSlot,
        shard: ShardFilter,
        *,
        namespace: str | None = None,
        field_selector: str | None = None,
        label_selector: str | None = None,
        server_side_sharding: bool = True,
        list_from_cache: bool = False,
        config: ReflectorConfig | None = None,
        on_list: Callable[[str], None] | None = None,
        on_watch: Callable[[str], None] | None = None,
    ) -> None:
        self.client = client
        self.kind = kind
        self.renderer = renderer
        self.slot = slot
        self.shard = shard
        self.namespace = namespace
        self.path = kind.list_path(namespace)
        self.field_selector = field_selector
        self.label_selector = label_selector
        self.send_shard_selector = server_side_sharding and shard.sharded
        self.list_from_cache = list_from_cache  # cleared by a 410: relists then read the latest state
        self.config = config or ReflectorConfig()
        self._on_list = on_list or (lambda result: None)
        self._on_watch = on_watch or (lambda result: None)
        self._decode_object, self._decode_event_object = object_decoders(renderer.resource.decode_fields)
        self.synced = threading.Event()
        # Set once synced, or once the apiserver refused the stream with a SETTLING_STATUSES answer.
        self.settled = threading.Event()
        self.server_side_filtered = False  # the last LIST carried shardInfo: the server filtered for us
        self.resource_version: str | None = None
        self._last_unowned_line: bytes | None = None  # newest event not decoded; its RV is read only if needed
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._response = None
        # counters (read by telemetry)
        self.lists = 0
        self.relists = 0
        self.watches = 0
        self.events_owned = 0
        self.events_skipped = 0
        self.reused = 0  # objects a relist took over from the previous store without re-rendering
        # the current failure (None while healthy): its message and HTTP status (None for connection errors)
        self.last_error: str | None = None
        self.last_error_status: int | None = None
        self.failures = 0  # consecutive failed attempts
        self._logged_error: str | None = None
        self._logged_at = 0.0

    # --- lifecycle -------------------------------------------------------------------------------------------

    def start(self) -> None:
        name = f"reflector-{self.kind.resource}" + (f"-{self.namespace}" if self.namespace else "")
        self._thread = threading.Thread(target=self.run, name=name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        resp = self._response
        if resp is not None:
            try:
                resp.shutdown()  # unblock a read in progress
            except Exception:  # noqa: BLE001
                pass

    def join(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    # --- main loop -------------------------------------------------------------------------------------------

    def run(self) -> None:
        cfg = self.config
        backoff = cfg.backoff_initial
        need_list = True
        while not self._stop.is_set():
            started = time.monotonic()
            try:
                if need_list:
                    self.list_and_replace()
                    need_list = False
                watch_started = time.monotonic()
                self.watch_once()
                if time.monotonic() - watch_started >= cfg.min_watch_duration:
                    backoff = cfg.backoff_initial  # a clean server-side timeout: re-watch at once
                    continue
                # A stream the server ended at once (a proxy, an overloaded apiserver): never re-watch in a tight
                # loop, back off as after an error.
                delay = random.uniform(0, backoff)
            except Gone:
                need_list = True
                self.list_from_cache = False
                self.relists += 1
                # The first 410 after a healthy period relists at once; a storm of them backs off.
                delay = 0.0 if backoff <= cfg.backoff_initial else random.uniform(0, backoff)
                log.info("%s: resourceVersion %s expired (410), relisting%s", self.path, self.resource_version,
                         f" in {delay:.1f}s" if delay else "")  # fmt: skip
            except ApiError as e:
                if e.status == 410:
                    need_list = True
                    self.relists += 1
                    self.list_from_cache = False
                delay = random.uniform(0, backoff)
                if e.retry_after is not None:
                    delay = max(delay, min(e.retry_after, cfg.retry_after_max))
                self._failed(str(e), e.status, delay, f"HTTP {e.status}")
            except Exception as e:  # noqa: BLE001 - connection errors, timeouts, bad data: retry
                if self._stop.is_set():
                    break
                delay = random.uniform(0, backoff)
                self._failed(f"{type(e).__name__}: {e}", None, delay, type(e).__name__)
            if time.monotonic() - started > cfg.backoff_reset_after:
                backoff = cfg.backoff_initial
            else:
                backoff = min(backoff * 2, cfg.backoff_max)
            if delay:
                self._stop.wait(delay)

    def _failed(self, error: str, status: int | None, delay: float, key: str) -> None:
        """Record a failed attempt; log it, but the same kind of error (``key``) at most once per ``backoff_max``."""
        self.failures += 1
        self.last_error = error
        self.last_error_status = status
        if status in SETTLING_STATUSES and not self.settled.is_set():
            why = "forbidden (check the RBAC rules)" if status == 403 else "not served by this apiserver"
            log.warning("%s: %s; serving the other resources without it, retrying in the background", self.path, why)
            self.settled.set()
        now = time.monotonic()
        if key != self._logged_error or now - self._logged_at >= self.config.backoff_max:
            self._logged_error, self._logged_at = key, now
            log.warning("%s: %s (attempt %d, retrying in %.1fs)", self.path, error, self.failures, delay)
        else:
            log.debug("%s: %s (attempt %d, retrying in %.1fs)", self.path, error, self.failures, delay)

    def _recovered(self) -> None:
        if self.failures:
            log.info("%s: recovered after %d failed attempts (last: %s)", self.path, self.failures, self.last_error)
        self.failures = 0
        self.last_error = self.last_error_status = self._logged_error = None

    def _query(self) -> list[tuple[str, str]]:
        q: list[tuple[str, str]] = []
        if self.label_selector:
            q.append(("labelSelector", self.label_selector))
        if self.field_selector:
            q.append(("fieldSelector", self.field_selector))
        if self.send_shard_selector:
            q.append(("shardSelector", self.shard.selector))
        return q

    # --- LIST ------------------------------------------------------------------------------------------------

    def list_and_replace(self) -> None:
        """Page through a full LIST; the store changes only when it is complete.

        The first LIST fills the (unpublished) store and publishes it. A relist stages what changed and commits it
        in one step: objects listed at the resourceVersion we rendered keep their lines untouched (no decode, no
        render, no copy), deleted ones go, so a relist never holds a second copy of unchanged objects.
        If a ``continue`` token expires (410 on a later page), the pages read so far are dropped and the list
        starts over at once, unpaginated (client-go's pager does the same): never keep a truncated list, and never
        chase a token that keeps expiring because the paginated list is slower than the apiserver's compaction.
        """
        base = self._query()
        paginate = True
        store = self.slot.current
        first = not store.published
        while True:
            relist = None if first else Relist()
            if first:
                store.clear()
            listed = 0
            cont: str | None = None
            server_filtered = True
            rv = None
            try:
                while True:
                    q = [*base, ("limit", str(self.config.page_size))] if paginate else list(base)
                    if cont:
                        q.append(("continue", cont))
                    elif self.list_from_cache:
                        q.append(("resourceVersion", "0"))  # "any version": the watch cache may answer
                    page = self._list_page(q)
                    md = page.metadata
                    shard_info = md.get("shardInfo")
                    if not (isinstance(shard_info, dict) and shard_info.get("selector")):
                        server_filtered = False
                    if first and cont is None:
                        # Size the store once for what is coming instead of doubling it as it fills: this page's
                        # items and what the server says remains (a single page says nothing: it is all there).
                        remaining = md.get("remainingItemCount")
                        expected = len(page.items) + (remaining if isinstance(remaining, int) and remaining > 0 else 0)
                        if server_filtered and md.get("continue") and not isinstance(remaining, int):
                            # A filtered list does not say how much follows; the whole collection's size does.
                            expected = max(expected, self._collection_size(base) // self.shard.total_shards)
                        store.reserve(expected if server_filtered else expected // self.shard.total_shards)
                    for raw in page.items:
                        listed += self._ingest(store, relist, bytes(raw))
                    cont = md.get("continue") or None
                    if not cont:
                        rv = md.get("resourceVersion")
                        break
            except ApiError as e:
                if e.status == 410 and cont and paginate:
                    log.info("%s: continue token expired after %d objects, listing again unpaginated", self.path,
                             listed)  # fmt: skip
                    self.relists += 1
                    paginate = False
                    continue
                self._on_list("error")
                raise
            except Exception:
                self._on_list("error")
                raise
            break
        self._on_list("success")
        self.lists += 1
        self.server_side_filtered = self.send_shard_selector and server_filtered
        if relist is None:
            store.publish()
        else:
            store.commit(relist)
        del relist
        if listed >= 1000:
            release_free_memory()  # the staged lines and the pages' raw bytes are garbage now
        self.resource_version = rv
        self._last_unowned_line = None
        self._recovered()
        self.synced.set()
        self.settled.set()
        log.debug("%s: listed %d owned objects at rv %s", self.path, len(store), rv)

    def _list_page(self, query: list[tuple[str, str]]) -> _ListPage:
        """One LIST request: its metadata decoded, its items left as raw bytes."""
        timeouts = {"connect_timeout": self.config.connect_timeout, "read_timeout": self.config.list_read_timeout}
        resp = self.client.get(self.path, query, **timeouts)
        try:
            body = resp.read()
        finally:
            resp.release_conn()
        return _decode_page(body)

    def _collection_size(self, base: list[tuple[str, str]]) -> int:
        """The size of the whole collection, every shard's objects, or 0 if the apiserver does not say.

        A server-filtered LIST carries no ``remainingItemCount``, so a shard would grow its store by doublings as
        pages arrive (each one a copy of its lines: ~10% of a shard's sync at 20k pods and 8 shards). A one-item
        LIST without the shard selector tells the collection's size in its ``remainingItemCount``; asked only when
        a filtered list has more than one page.
        """
        try:
            md = self._list_page([(k, v) for k, v in base if k != "shardSelector"] + [("limit", "1")]).metadata
        except Exception as e:  # noqa: BLE001 - only a sizing hint: the store then grows as it fills
            log.debug("%s: collection size not known: %s", self.path, e)
            return 0
        remaining = md.get("remainingItemCount")
        return 1 + remaining if isinstance(remaining, int) and remaining > 0 else 0

    def _ingest(self, store: ObjectStore, relist: Relist | None, raw: bytes) -> int:
        """One listed object into the store (first LIST) or the relist's staging; 1 if owned and kept."""
        shard = self.shard
        uid = scan_uid(raw)
        if shard.sharded and uid is not None and not shard.owns(uid):
            return 0
        if relist is not None and uid is not None:
            # A relist mostly sees objects we already rendered: an unchanged resourceVersion means the same lines.
            rv = scan_resource_version(raw)
            if rv is not None:
                uid_str, rv_str = uid.decode(), rv.decode()
                if store.version(uid_str) == rv_str:
                    relist.keep(uid_str)
                    self.reused += 1
                    return 1
        try:
            obj = self._decode_object(raw)
        except DecodeError as e:
            log.warning("%s: skipping undecodable object: %s", self.path, e)
            return 0
        md = obj.get("metadata") if isinstance(obj, dict) else None
        uid_str = md.get("uid") if isinstance(md, dict) else None
        if not isinstance(uid_str, str) or not uid_str:
            log.warning("%s: skipping object without metadata.uid", self.path)
            return 0
        if shard.sharded and not shard.owns(uid_str.encode()):
            return 0
        chunks = self.renderer.render(obj)
        if chunks is None:
            return 0
        rv = md.get("resourceVersion")
        (relist if relist is not None else store).put(uid_str, chunks, rv if isinstance(rv, str) else None)
        return 1

    # --- WATCH -----------------------------------------------------------------------------------------------

    def watch_once(self) -> None:
        """One WATCH request from the current resourceVersion until the server ends it or it breaks."""
        timeout = random.randint(self.config.watch_timeout, 2 * self.config.watch_timeout)
        q = [
            *self._query(),
            ("watch", "true"),
            ("allowWatchBookmarks", "true"),
            ("timeoutSeconds", str(timeout)),
        ]
        rv = self.current_resource_version()
        if rv:
            q.append(("resourceVersion", rv))
        try:
            resp = self.client.get(
                self.path, q, connect_timeout=self.config.connect_timeout,
                read_timeout=timeout + self.config.read_timeout_margin,
            )  # fmt: skip
        except Exception:
            self._on_watch("error")
            raise
        self._on_watch("success")
        self.watches += 1
        self._response = resp
        try:
            if self._stop.is_set():  # stopped while this request was in flight: stop() could not shut it down
                return
            self._consume(resp)
        finally:
            self._response = None
            # Never back to the pool: a watch read directly from the socket (watchbody) leaves http.client's
            # state behind, and one not read to its end (an ERROR event, a broken stream, a stop) may still have
            # the server writing to it, which the next request would read.
            resp.close()
            resp.release_conn()

    def _consume(self, resp) -> bool:  # noqa: ANN001 - urllib3 response
        """Apply the events of a watch response; True if the server ended it, False if we stopped reading."""
        store = self.slot.current
        handle = self._handle_line
        pending: list[bytes] = []  # the pieces of an event line split across reads (a big object spans many)
        stop = self._stop
        seen = [self.events_owned]
        fold_every = self.config.fold_interval
        folded_at = [time.monotonic()]

        def caught_up() -> None:  # housekeeping after a burst of events, now and then
            if self.events_owned != seen[0]:
                now = time.monotonic()
                if now - folded_at[0] >= fold_every:
                    seen[0] = self.events_owned
                    folded_at[0] = now
                    store.fold_all()  # what a scrape would otherwise fold
                    release_free_memory_now_and_then()

        gate = SCRAPE_GATE
        for chunk in watch_payload(resp, stop, self.config.watch_pause, caught_up):
            if stop.is_set():
                return False
            if gate.until:
                gate.wait()  # a scrape is reading the stores: let it go first (briefly)
            start = 0
            if pending:
                nl = chunk.find(b"\n")
                if nl < 0:
                    pending.append(chunk)
                    continue
                pending.append(chunk[:nl])
                line = b"".join(pending)
                pending = []
                if line:
                    handle(store, line)
                start = nl + 1
            while True:
                nl = chunk.find(b"\n", start)
                if nl < 0:
                    if start < len(chunk):
                        pending.append(chunk[start:])
                    break
                if nl > start:
                    handle(store, chunk[start:nl])
                start = nl + 1
            if self.failures:
                self._recovered()  # events flow again (a 403 that was fixed, a 429 that passed, a restart)
        # A partial line at the end of the stream is discarded; we resume from the last complete event.
        if pending:
            log.debug("%s: discarding %d bytes of an incomplete watch event", self.path, sum(map(len, pending)))
        return not stop.is_set()

    def _handle_line(self, store: ObjectStore, line: bytes) -> None:
        if line.startswith(b'{"type":"'):
            end = line.find(b'"', 9)
            etype = line[9:end]
        else:
            etype = None
        if etype == b"MODIFIED" or etype == b"ADDED" or etype == b"DELETED":
            shard = self.shard
            if shard.sharded:
                uid = scan_uid(line)
                if uid is not None and not shard.owns(uid):
                    self.events_skipped += 1
                    self._last_unowned_line = line
                    return
            try:
                obj = self._decode_event_object(line)
            except DecodeError as e:
                log.warning("%s: skipping undecodable watch event: %s", self.path, e)
                return
            self._apply(store, etype, obj)
            return
        try:
            event = _decode(line)
        except DecodeError as e:
            log.warning("%s: skipping undecodable watch event: %s", self.path, e)
            return
        if not isinstance(event, dict):
            log.warning("%s: skipping malformed watch event: %r", self.path, line[:200])
            return
        t = event.get("type")
        if t in ("ADDED", "MODIFIED", "DELETED"):
            try:
                obj = self._decode_event_object(line)
            except DecodeError as e:
                log.warning("%s: skipping undecodable watch event: %s", self.path, e)
                return
            self._apply(store, t.encode(), obj)
        elif t == "BOOKMARK":
            rv = _object_rv(event.get("object"))
            if rv:
                self.resource_version = rv
                self._last_unowned_line = None
        elif t == "ERROR":
            raise _watch_error(event.get("object"))
        else:
            log.warning("%s: ignoring watch event of unknown type %r", self.path, t)

    def _apply(self, store: ObjectStore, etype: bytes, obj: object) -> None:
        md = obj.get("metadata") if isinstance(obj, dict) else None
        if not isinstance(md, dict):
            log.warning("%s: skipping watch event without object metadata", self.path)
            return
        rv = md.get("resourceVersion")
        if isinstance(rv, str) and rv:
            self.resource_version = rv
            self._last_unowned_line = None
        uid = md.get("uid")
        if not isinstance(uid, str) or not uid:
            log.warning("%s: skipping object without metadata.uid", self.path)
            return
        if self.shard.sharded and not self.shard.owns(uid.encode()):
            self.events_skipped += 1
            return
        self.events_owned += 1
        if etype == b"DELETED":
            store.delete(uid)
            return
        chunks = self.renderer.render(obj)
        if chunks is not None:
            store.put(uid, chunks, rv if isinstance(rv, str) else None)

    def current_resource_version(self) -> str | None:
        """The RV to resume from: that of the newest event, decoding a skipped one only now."""
        line = self._last_unowned_line
        if line is not None:
            try:
                rv = _object_rv(_decode(line).get("object"))
                if rv:
                    self.resource_version = rv
            except (msgspec.DecodeError, AttributeError):
                pass
            self._last_unowned_line = None
        return self.resource_version


def _watch_error(status: object) -> Exception:
    """The exception for a watch ERROR event's Status: Gone for 410, else an ApiError (500 if the code is
    missing or malformed) carrying ``details.retryAfterSeconds`` as Retry-After."""
    if not isinstance(status, dict):
        status = {}
    code = status.get("code")
    if not isinstance(code, int) or isinstance(code, bool) or not 100 <= code <= 599:
        code = 500
    if code == 410:
        return Gone()
    details = status.get("details")
    retry_after = details.get("retryAfterSeconds") if isinstance(details, dict) else None
    if not isinstance(retry_after, (int, float)) or isinstance(retry_after, bool) or retry_after < 0:
        retry_after = None
    reason = str(status.get("reason", "")) or "watch ERROR event"
    return ApiError(code, reason, str(status.get("message", "")), retry_after)


def _object_rv(obj: object) -> str | None:
    if isinstance(obj, dict):
        md = obj.get("metadata")
        if isinstance(md, dict):
            rv = md.get("resourceVersion")
            if isinstance(rv, str) and rv:
                return rv
    return None
