"""A protocol-faithful simulated kube-apiserver over HTTP/1.1, backed by ``Storage``.

It serves discovery, LIST (with limit/continue paging from consistent snapshots, label/field selectors and the
KEP-5866 ``shardSelector``), WATCH (chunked JSON event stream with history replay, bookmarks, selector
transitions and 410 ERROR events), and GET/POST/PUT/PATCH/DELETE of single objects, answering errors with
``Status`` objects the way the real apiserver does. Test hooks inject failures and cut watch streams.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import hmac
import logging
import math
import queue
import re
import select
import socket
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import msgspec

from ksm_shard.kube.kinds import KINDS, Kind
from ksm_shard.sim.selectors import (
    FieldSelector,
    LabelSelector,
    ShardSelector,
    parse_field_selector,
    parse_label_selector,
    parse_shard_selector,
)
from ksm_shard.sim.storage import (
    AlreadyExists,
    Conflict,
    Event,
    Gone,
    NotFound,
    Snapshot,
    Storage,
    Watcher,
    event_line,
    normalize,
    type_prefix,
)

__all__ = ["SimApiServer", "decode_continue", "encode_continue", "status_body"]

log = logging.getLogger(__name__)

_encode = msgspec.json.encode
_decode = msgspec.json.decode

GIT_VERSION = "v1.36.0-sim"
_TRUE = frozenset({"1", "t", "T", "true", "TRUE", "True"})  # Go's strconv.ParseBool
_VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
_REASONS = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    406: "NotAcceptable",
    409: "Conflict",
    410: "Expired",
    413: "RequestEntityTooLarge",
    415: "UnsupportedMediaType",
    422: "Invalid",
    429: "TooManyRequests",
    500: "InternalError",
    503: "ServiceUnavailable",
    504: "Timeout",
}
# The real apiserver's messages, so clients that match on them behave as in production.
_MSG_NOT_FOUND_PATH = "the server could not find the requested resource"
_MSG_METHOD = "the server does not allow this method on the requested resource"
_MSG_CONTINUE_EXPIRED = (
    "The provided continue parameter is too old to display a consistent list result. You can start a new list "
    "without the continue parameter, or use the continue token in this response to retrieve the remainder of the "
    "results. Continuing with the provided token results in an inconsistent list - objects that were created, "
    "modified, or deleted between the time the first chunk was returned and now may show up in the list."
)
_MERGE_PATCH_TYPES = ("application/merge-patch+json", "application/strategic-merge-patch+json")
_SNAPSHOTS_KEPT = 16  # consistent LIST snapshots kept for continue tokens
_PROBE_INTERVAL = 0.5  # how often an idle watch checks whether its client went away


def status_body(
    code: int,
    message: str,
    reason: str | None = None,
    *,
    details: dict | None = None,
    metadata: dict | None = None,
) -> bytes:
    """A ``Status`` object (Go field order) as the apiserver sends for errors."""
    body: dict = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": metadata or {},
        "status": "Failure",
        "message": message,
        "reason": reason or _REASONS.get(code, "Unknown"),
    }
    if details is not None:
        body["details"] = details
    body["code"] = code
    return _encode(body)


class ApiError(Exception):
    """Raised inside request handling; becomes a Status response."""

    def __init__(
        self,
        code: int,
        message: str,
        reason: str | None = None,
        *,
        details: dict | None = None,
        metadata: dict | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.body = status_body(code, message, reason, details=details, metadata=metadata)
        self.headers = headers or {}


def encode_continue(rv: int, start: str) -> str:
    """The apiserver's continue token: RawURL base64 of ``{"v":"meta.k8s.io/v1","rv":N,"start":"<key>"}``."""
    raw = _encode({"v": "meta.k8s.io/v1", "rv": rv, "start": start})
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def decode_continue(token: str) -> tuple[int, str]:
    """(rv, start key) of a continue token; ``ValueError`` with the apiserver's wording when invalid."""
    try:
        padded = token + "=" * (-len(token) % 4)
        data = _decode(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, msgspec.DecodeError, ValueError) as e:
        raise ValueError(f"continue key is not valid: {e}") from None
    if not isinstance(data, dict) or data.get("v") != "meta.k8s.io/v1":
        raise ValueError("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)")
    rv, start = data.get("rv"), data.get("start")
    if not isinstance(rv, int) or isinstance(rv, bool) or rv == 0:
        raise ValueError("continue key is not valid: incorrect encoded start resourceVersion")
    if not isinstance(start, str) or not start:
        raise ValueError("continue key is not valid: encoded start key empty")
    if "/../" in f"/{start}" or start.startswith("/"):
        raise ValueError("continue key is not valid: path traversal attempt detected")
    return rv, start


def _qualified(kind: Kind) -> str:
    """``pods`` or ``deployments.apps``: how apiserver messages name a resource."""
    return f"{kind.resource}.{kind.group}" if kind.group else kind.resource


def _details(kind: Kind, name: str) -> dict:
    d: dict = {"name": name}
    if kind.group:
        d["group"] = kind.group
    d["kind"] = kind.resource
    return d


def _build_discovery(host: str, port: int) -> tuple[dict[str, bytes], dict[str, dict[str, Kind]]]:
    """Static discovery documents by path, and the resources served under each group/version prefix."""
    by_prefix: dict[str, dict[str, Kind]] = {}
    for kind in KINDS.values():
        by_prefix.setdefault(kind.group_prefix, {})[kind.resource] = kind
    docs: dict[str, bytes] = {}
    docs["/api"] = _encode(
        {
            "kind": "APIVersions",
            "versions": ["v1"],
            "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": f"{host}:{port}"}],
        }
    )
    groups: dict[str, list[str]] = {}
    for kind in KINDS.values():
        if kind.group and kind.version not in groups.setdefault(kind.group, []):
            groups[kind.group].append(kind.version)
    group_docs = []
    for group in sorted(groups):
        versions = [{"groupVersion": f"{group}/{v}", "version": v} for v in groups[group]]
        doc = {"name": group, "versions": versions, "preferredVersion": versions[0]}
        group_docs.append(doc)
        docs[f"/apis/{group}"] = _encode({"kind": "APIGroup", "apiVersion": "v1", **doc})
    docs["/apis"] = _encode({"kind": "APIGroupList", "apiVersion": "v1", "groups": group_docs})
    for prefix, resources in by_prefix.items():
        any_kind = next(iter(resources.values()))
        entries = [
            {
                "name": k.resource,
                "singularName": k.kind.lower(),
                "namespaced": k.namespaced,
                "kind": k.kind,
                "verbs": _VERBS,
            }
            for k in sorted(resources.values(), key=lambda k: k.resource)
        ]
        head: dict = {"kind": "APIResourceList"}
        if any_kind.group:  # the core group's list carries no apiVersion, the named groups' do
            head["apiVersion"] = "v1"
        docs[prefix] = _encode({**head, "groupVersion": any_kind.api_version, "resources": entries})
    docs["/version"] = _encode(
        {
            "major": "1",
            "minor": "36",
            "emulationMajor": "1",
            "emulationMinor": "36",
            "minCompatibilityMajor": "1",
            "minCompatibilityMinor": "35",
            "gitVersion": GIT_VERSION,
            "gitCommit": "0000000000000000000000000000000000000000",
            "gitTreeState": "clean",
            "buildDate": "2026-04-22T00:00:00Z",
            "goVersion": "go1.26.2",
            "compiler": "gc",
            "platform": "linux/amd64",
        }
    )
    return docs, by_prefix


class _Injection:
    """One fault armed by a test hook: an error Status (``status``), or a stall (``stall`` seconds of silence)."""

    __slots__ = ("method", "pattern", "status", "remaining", "retry_after", "watch_event", "stall")

    def __init__(
        self,
        method: str,
        pattern: re.Pattern[str],
        status: int,
        count: int,
        retry_after: int | None,
        *,
        watch_event: bool = False,
        stall: float | None = None,
    ) -> None:
        self.method = method
        self.pattern = pattern
        self.status = status
        self.remaining = count
        self.retry_after = retry_after
        self.watch_event = watch_event
        self.stall = stall


class _WatchStream:
    """One open watch response; the lock serialises writes from its handler and from ``drop_watches``."""

    __slots__ = ("handler", "watcher", "kind", "lock", "ended", "stalled_until")

    def __init__(self, handler: _Handler, watcher: Watcher, kind: Kind) -> None:
        self.handler = handler
        self.watcher = watcher
        self.kind = kind
        self.lock = threading.Lock()
        self.ended: str | None = None  # "drop" or "stop" once told to end
        self.stalled_until = 0.0  # monotonic time until which the stream sends nothing (``stall_watches``)

    def write(self, data: bytes) -> None:
        with self.lock:
            if self.ended == "drop":
                raise ConnectionAbortedError("watch dropped")
            self.handler.wfile.write(data)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256
    sim: SimApiServer

    def handle_error(self, request: object, client_address: object) -> None:
        # Clients vanish mid-response all the time (that is what the tests do); never spam stderr about it.
        log.debug("request from %s failed", client_address, exc_info=True)


def _chunk(data: bytes) -> bytes:
    return b"%x\r\n%b\r\n" % (len(data), data)


class SimApiServer:
    """The simulated apiserver. Binds on construction (so ``url`` is known), serves after ``start()``."""

    def __init__(
        self,
        storage: Storage,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        bookmark_interval: float = 60.0,
        shard_selector_supported: bool = True,
        token: str | None = None,
        default_watch_timeout: float = 1800.0,
    ) -> None:
        self.storage = storage
        self.bookmark_interval = bookmark_interval
        self.shard_selector_supported = shard_selector_supported
        self.token = token
        self.default_watch_timeout = default_watch_timeout
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.request_times: list[float] = []  # time.monotonic() of each entry of ``requests``, same index
        self._lock = threading.Lock()
        self._injections: list[_Injection] = []
        self._watches: set[_WatchStream] = set()
        self._conns: set[socket.socket] = set()
        self._snapshots: OrderedDict[tuple[str, int], Snapshot] = OrderedDict()
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._httpd = _HTTPServer((host, port), _Handler, bind_and_activate=True)
        self._httpd.sim = self
        self.host, self.port = self._httpd.server_address[:2]
        self.url = f"http://{self.host}:{self.port}"
        self._docs, self._prefixes = _build_discovery(self.host, self.port)

    # -- lifecycle ----------------------------------------------------------------------------------------------

    def start(self) -> None:
        """Serve in a background daemon thread (one more daemon thread per connection)."""
        if self._thread is not None:
            return
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="sim-apiserver", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop accepting, end every open watch (cleanly) and close every connection."""
        if self._stopping:
            return
        self._stopping = True
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
        with self._lock:
            streams = list(self._watches)
        for st in streams:
            with st.lock:
                st.ended = st.ended or "stop"
            st.watcher.wake()
        deadline = time.monotonic() + 2.0
        while self._watches and time.monotonic() < deadline:
            time.sleep(0.01)  # let streams write their terminating chunk
        with self._lock:
            conns = list(self._conns)
        for conn in conns:  # idle keep-alive connections would otherwise be served forever
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._httpd.server_close()

    def __enter__(self) -> SimApiServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- test hooks ---------------------------------------------------------------------------------------------

    def drop_watches(self, *, mid_event: bool = False) -> int:
        """Abruptly cut every open watch stream (no terminating chunk); with ``mid_event`` first write a chunk
        header and only half of an event line. Returns how many streams were cut."""
        with self._lock:
            streams = list(self._watches)
        n = 0
        for st in streams:
            with st.lock:
                if st.ended:
                    continue
                st.ended = "drop"
                conn = st.handler.connection
                try:
                    if mid_event:
                        rv = self.storage.resource_version
                        line = _bookmark_line(st.kind, rv)
                        st.handler.wfile.write(b"%x\r\n%b" % (len(line), line[: len(line) // 2]))
                    conn.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            st.watcher.wake()
            n += 1
        return n

    def fail_next(
        self,
        method: str,
        path_regex: str,
        status: int,
        count: int = 1,
        *,
        retry_after: int | None = None,
        watch_event: bool = False,
    ) -> None:
        """Answer the next ``count`` requests whose method matches (``*`` = any) and whose path -- or path plus
        ``?query`` -- matches ``path_regex`` (``re.search``) with a ``status`` error Status.

        With ``watch_event``, a matching *watch* is answered as the real apiserver reports errors on an established
        stream: 200, one ``ERROR`` event carrying the Status, and the end of the stream a moment later (the
        apiserver ends the response only after its handler returned)."""
        inj = _Injection(method.upper(), re.compile(path_regex), status, count, retry_after, watch_event=watch_event)
        with self._lock:
            self._injections.append(inj)

    def stall_next(self, method: str, path_regex: str, seconds: float, count: int = 1) -> None:
        """Accept the next ``count`` matching requests (as ``fail_next`` matches them) and send nothing for
        ``seconds``: no status line, no byte. A client still connected after that is then answered normally."""
        inj = _Injection(method.upper(), re.compile(path_regex), 200, count, None, stall=seconds)
        with self._lock:
            self._injections.append(inj)

    def stall_watches(self, seconds: float) -> int:
        """Every open watch stream goes silent for ``seconds`` (no event, no bookmark, no end even past its
        timeout): a hung apiserver or a dead middlebox. Events are delivered afterwards if the client is still
        there. Returns how many streams stalled."""
        until = time.monotonic() + seconds
        with self._lock:
            streams = [st for st in self._watches if st.ended is None]
        for st in streams:
            st.stalled_until = until
        return len(streams)

    def clear_faults(self) -> None:
        """Disarm every pending ``fail_next``/``stall_next`` (streams stalled by ``stall_watches`` stay so)."""
        with self._lock:
            self._injections.clear()

    def clear_requests(self) -> None:
        with self._lock:
            self.requests.clear()
            self.request_times.clear()

    @property
    def open_watches(self) -> int:
        return len(self._watches)

    # -- internals used by the handler ------------------------------------------------------------------------

    def _take_injection(self, method: str, path: str, target: str) -> _Injection | None:
        with self._lock:
            for inj in self._injections:
                if inj.method in ("*", method) and (inj.pattern.search(path) or inj.pattern.search(target)):
                    inj.remaining -= 1
                    if inj.remaining <= 0:
                        self._injections.remove(inj)
                    return inj
        return None

    def _remember_snapshot(self, resource: str, rv: int, snap: Snapshot) -> None:
        with self._lock:
            key = (resource, rv)
            self._snapshots[key] = snap
            self._snapshots.move_to_end(key)
            while len(self._snapshots) > _SNAPSHOTS_KEPT:
                self._snapshots.popitem(last=False)

    def _find_snapshot(self, resource: str, rv: int) -> Snapshot | None:
        with self._lock:
            snap = self._snapshots.get((resource, rv))
            if snap is not None:
                self._snapshots.move_to_end((resource, rv))
                return snap
        # Not kept, but if the resource has not changed since rv the current state *is* the state at rv.
        return self.storage.snapshot_at(resource, rv)


def _bookmark_line(kind: Kind, rv: int, *, initial_events_end: bool = False) -> bytes:
    meta: dict = {"resourceVersion": str(rv), "creationTimestamp": None}
    if initial_events_end:
        meta["annotations"] = {"k8s.io/initial-events-end": "true"}
    obj = {"kind": kind.kind, "apiVersion": kind.api_version, "metadata": meta}
    return _encode({"type": "BOOKMARK", "object": obj}) + b"\n"


_INJECTED_MESSAGES = {
    401: "Unauthorized",
    403: "forbidden: injected failure",
    409: "Operation cannot be fulfilled: injected conflict",
    410: "too old resource version: injected",
    429: "Too many requests, please try again later.",
    500: "Internal error occurred: injected failure",
    503: "the server is currently unable to handle the request",
    504: "Timeout: request did not complete within the allotted timeout",
}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, and chunked watch streams
    server_version = "ksm-shard-sim-apiserver"
    sys_version = ""
    server: _HTTPServer

    # -- plumbing -----------------------------------------------------------------------------------------------

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: object) -> None:
        pass  # tests and benchmarks issue thousands of requests: no per-request stderr lines

    def setup(self) -> None:
        super().setup()
        try:  # watch events are small writes: do not let Nagle + delayed ACK add 40 ms to each
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        sim = self.server.sim
        with sim._lock:
            sim._conns.add(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass
        finally:
            sim = self.server.sim
            with sim._lock:
                sim._conns.discard(self.connection)

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_PATCH(self) -> None:
        self._dispatch("PATCH")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def _dispatch(self, method: str) -> None:
        sim = self.server.sim
        split = urlsplit(self.path)
        path = split.path or "/"
        query = {k: v[0] for k, v in parse_qs(split.query, keep_blank_values=True).items()}
        with sim._lock:
            sim.requests.append((method, path, query))
            sim.request_times.append(time.monotonic())
        self._headers_sent = False
        try:
            body = self._read_body()
            self._check_auth()
            inj = sim._take_injection(method, path, self.path)
            if inj is not None and inj.stall is not None:
                if not self._stall(inj.stall):
                    self.close_connection = True
                    return
                inj = None
            if inj is not None and inj.watch_event and query.get("watch") in _TRUE:
                self._watch_error(inj)
                return
            if inj is not None:
                headers = {"Retry-After": str(inj.retry_after)} if inj.retry_after is not None else None
                details = {"retryAfterSeconds": inj.retry_after} if inj.retry_after is not None else None
                msg = _INJECTED_MESSAGES.get(inj.status, f"injected failure (HTTP {inj.status})")
                raise ApiError(inj.status, msg, details=details, headers=headers)
            self._route(method, path, query, body)
        except ApiError as e:
            if self._headers_sent:
                self.close_connection = True
            else:
                self._send(e.code, e.body, headers=e.headers)
        except OSError:
            self.close_connection = True  # the client went away (or a watch was dropped)
        except Exception:
            log.exception("simulated apiserver: %s %s failed", method, self.path)
            self.close_connection = True
            if not self._headers_sent:
                try:
                    self._send(500, status_body(500, "Internal error occurred: simulated apiserver bug"))
                except OSError:
                    pass

    def _stall(self, seconds: float) -> bool:
        """Send nothing for ``seconds``; False if the client went away (or the server stops) meanwhile."""
        sim = self.server.sim
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if sim._stopping or self._client_gone():
                return False
            time.sleep(0.02)
        return True

    def _watch_error(self, inj: _Injection) -> None:
        """An established watch that reports an error: 200, one ERROR event, then (a moment later) the end."""
        details = {"retryAfterSeconds": inj.retry_after} if inj.retry_after is not None else None
        msg = _INJECTED_MESSAGES.get(inj.status, f"injected failure (HTTP {inj.status})")
        err = status_body(inj.status, msg, details=details)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Cache-Control", "no-cache, private")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self._headers_sent = True
        self.wfile.write(_chunk(b'{"type":"ERROR","object":' + err + b"}\n"))
        self.wfile.flush()
        time.sleep(0.05)
        self.wfile.write(b"0\r\n\r\n")

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            parts = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(parts)
                parts.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _check_auth(self) -> None:
        token = self.server.sim.token
        if token is None:
            return
        got = self.headers.get("Authorization", "")
        if not hmac.compare_digest(got.encode(), f"Bearer {token}".encode()):
            raise ApiError(401, "Unauthorized")

    def _send(
        self, code: int, body: bytes, content_type: str = "application/json", headers: dict[str, str] | None = None
    ) -> None:
        self._send_parts(code, [body], len(body), content_type, headers)

    def _send_parts(
        self,
        code: int,
        parts: list[bytes],
        length: int,
        content_type: str = "application/json",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Cache-Control", "no-cache, private")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(length))
        self.end_headers()
        self._headers_sent = True
        for part in parts:
            self.wfile.write(part)

    # -- routing ------------------------------------------------------------------------------------------------

    def _route(self, method: str, path: str, query: dict[str, str], body: bytes) -> None:
        sim = self.server.sim
        if path in ("/livez", "/readyz", "/healthz") or path.startswith(("/livez/", "/readyz/", "/healthz/")):
            if method != "GET":
                raise ApiError(405, _MSG_METHOD)
            self._send(200, b"ok", "text/plain; charset=utf-8")
            return
        doc = sim._docs.get(path.rstrip("/") or "/")
        if doc is not None:
            if method != "GET":
                raise ApiError(405, _MSG_METHOD)
            self._send(200, doc)
            return
        kind, ns, name, sub = self._resolve(path)
        truthy_watch = query.get("watch") in _TRUE
        if name is None:
            if method == "GET":
                self._watch(kind, ns, query, None) if truthy_watch else self._list(kind, ns, query)
            elif method == "POST" and (ns is not None or not kind.namespaced):
                self._create(kind, ns, body)
            elif method == "DELETE":
                self._delete_collection(kind, ns, query)
            else:
                raise ApiError(405, _MSG_METHOD)
        elif method == "GET":
            self._watch(kind, ns, query, name) if truthy_watch else self._get(kind, ns, name)
        elif method == "PUT":
            self._update(kind, ns, name, sub, body)
        elif method == "PATCH":
            self._patch(kind, ns, name, sub, body)
        elif method == "DELETE" and sub is None:
            self._delete(kind, ns, name)
        else:
            raise ApiError(405, _MSG_METHOD)

    def _resolve(self, path: str) -> tuple[Kind, str | None, str | None, str | None]:
        """(kind, namespace, name, subresource) of a resource path, or a 404 ApiError."""
        prefixes = self.server.sim._prefixes
        prefix = next((p for p in prefixes if path.startswith(p + "/")), None)
        if prefix is None:
            raise ApiError(404, _MSG_NOT_FOUND_PATH, details={})
        resources = prefixes[prefix]
        segs = path[len(prefix) + 1 :].split("/")
        if "" in segs or len(segs) > 5:
            raise ApiError(404, _MSG_NOT_FOUND_PATH, details={})
        ns: str | None = None
        namespace_subresource = len(segs) == 3 and segs[2] in ("status", "finalize") and "namespaces" in resources
        if segs[0] == "namespaces" and len(segs) >= 3 and not namespace_subresource:
            ns = segs[1]
            segs = segs[2:]
            kind = resources.get(segs[0])
            if kind is None or not kind.namespaced:
                raise ApiError(404, _MSG_NOT_FOUND_PATH, details={})
        else:
            kind = resources.get(segs[0])
            if kind is None or (kind.namespaced and len(segs) > 1):
                raise ApiError(404, _MSG_NOT_FOUND_PATH, details={})
        if len(segs) > 3:
            raise ApiError(404, _MSG_NOT_FOUND_PATH, details={})
        name = segs[1] if len(segs) > 1 else None
        sub = segs[2] if len(segs) > 2 else None
        if sub is not None and sub != "status":
            raise ApiError(404, _MSG_NOT_FOUND_PATH, details={})
        return kind, ns, name, sub

    # -- single objects -----------------------------------------------------------------------------------------

    def _not_found(self, kind: Kind, name: str) -> ApiError:
        return ApiError(404, f'{_qualified(kind)} "{name}" not found', details=_details(kind, name))

    def _json_object(self, body: bytes) -> dict:
        try:
            obj = _decode(body)
        except msgspec.DecodeError as e:
            raise ApiError(400, f"the body of the request was in an unknown format: {e}") from None
        if not isinstance(obj, dict) or not isinstance(obj.get("metadata", {}), dict):
            raise ApiError(400, "the body of the request must be a JSON object with an object 'metadata'")
        return obj

    def _get(self, kind: Kind, ns: str | None, name: str) -> None:
        try:
            self._send(200, self.server.sim.storage.get_raw(kind.resource, ns, name))
        except NotFound:
            raise self._not_found(kind, name) from None

    def _create(self, kind: Kind, ns: str | None, body: bytes) -> None:
        obj = self._json_object(body)
        meta = dict(obj.get("metadata") or {})
        if kind.namespaced:
            if meta.get("namespace") and meta["namespace"] != ns:
                raise ApiError(
                    400, "the namespace of the provided object does not match the namespace sent on the request"
                )
            meta["namespace"] = ns
        try:
            created = self.server.sim.storage.create(kind.resource, {**obj, "metadata": meta})
        except AlreadyExists:
            name = meta.get("name", "")
            msg = f'{_qualified(kind)} "{name}" already exists'
            raise ApiError(409, msg, "AlreadyExists", details=_details(kind, name)) from None
        except ValueError as e:
            raise ApiError(422, f'{kind.kind} "{meta.get("name", "")}" is invalid: {e}', "Invalid") from None
        self._send(201, _encode(created))

    def _update(self, kind: Kind, ns: str | None, name: str, sub: str | None, body: bytes) -> None:
        storage = self.server.sim.storage
        obj = self._json_object(body)
        meta = dict(obj.get("metadata") or {})
        if meta.get("name") != name:
            raise ApiError(
                400, f"the name of the object ({meta.get('name', '')}) does not match the name on the URL ({name})"
            )
        if kind.namespaced:
            if meta.get("namespace") and meta["namespace"] != ns:
                raise ApiError(
                    400, "the namespace of the provided object does not match the namespace sent on the request"
                )
            meta["namespace"] = ns
        try:
            if sub == "status":  # the status subresource changes status only
                current = storage.get(kind.resource, ns, name)
                new = {**current, "status": obj.get("status")}
                new["metadata"] = {**current["metadata"], "resourceVersion": meta.get("resourceVersion")}
            else:
                new = {**obj, "metadata": meta}
            updated = storage.update(kind.resource, new, precondition_rv=meta.get("resourceVersion") or None)
        except NotFound:
            raise self._not_found(kind, name) from None
        except Conflict:
            msg = (
                f'Operation cannot be fulfilled on {_qualified(kind)} "{name}": the object has been modified; '
                "please apply your changes to the latest version and try again"
            )
            raise ApiError(409, msg, "Conflict", details=_details(kind, name)) from None
        except ValueError as e:
            raise ApiError(422, f'{kind.kind} "{name}" is invalid: {e}', "Invalid") from None
        self._send(200, _encode(updated))

    def _patch(self, kind: Kind, ns: str | None, name: str, sub: str | None, body: bytes) -> None:
        ctype = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if ctype not in _MERGE_PATCH_TYPES:
            raise ApiError(
                415,
                "the body of the request was in an unknown format - accepted media types include: "
                "application/merge-patch+json, application/strategic-merge-patch+json",
            )
        patch = self._json_object(body)
        if sub == "status":
            patch = {"status": patch["status"]} if "status" in patch else {}
        try:
            patched = self.server.sim.storage.patch(kind.resource, ns, name, patch)
        except NotFound:
            raise self._not_found(kind, name) from None
        except ValueError as e:
            raise ApiError(422, f'{kind.kind} "{name}" is invalid: {e}', "Invalid") from None
        self._send(200, _encode(patched))

    def _delete(self, kind: Kind, ns: str | None, name: str) -> None:
        try:
            deleted = self.server.sim.storage.delete(kind.resource, ns, name)
        except NotFound:
            raise self._not_found(kind, name) from None
        self._send(200, _encode(deleted))

    # -- list ---------------------------------------------------------------------------------------------------

    def _predicate(
        self, kind: Kind, query: dict[str, str], name: str | None = None
    ) -> tuple[Callable[[dict], bool] | None, bool]:
        """(combined label/field/shard/name predicate or None, whether a shardSelector applies)."""
        try:
            label: LabelSelector = parse_label_selector(query.get("labelSelector"))
            field: FieldSelector = parse_field_selector(query.get("fieldSelector"), kind.resource)
            shard: ShardSelector | None = None
            if self.server.sim.shard_selector_supported and query.get("shardSelector"):
                shard = parse_shard_selector(query["shardSelector"])
        except ValueError as e:
            raise ApiError(400, str(e)) from None
        preds: list[Callable[[dict], bool]] = []
        if not label.empty:
            preds.append(label.matches_object)
        if not field.empty:
            preds.append(field.matches)
        if shard is not None and not shard.empty:
            preds.append(shard.matches)
        if name is not None:
            preds.append(lambda o: o["metadata"].get("name") == name)
        if not preds:
            return None, shard is not None
        if len(preds) == 1:
            return preds[0], shard is not None
        return (lambda o: all(p(o) for p in preds)), shard is not None

    @staticmethod
    def _key_range(keys: list[str], ns: str | None, start: str) -> tuple[int, int, str]:
        """[lo, hi) of the keys a (namespace) list covers, starting at ``start`` (relative to the list prefix)."""
        base = f"{ns}/" if ns is not None else ""
        lo = bisect.bisect_left(keys, base + start) if (base or start) else 0
        # "0" sorts right after "/", so "<ns>0" bounds every "<ns>/<name>" key.
        hi = bisect.bisect_left(keys, f"{ns}0", lo) if ns is not None else len(keys)
        return lo, hi, base

    def _list(self, kind: Kind, ns: str | None, query: dict[str, str]) -> None:
        sim = self.server.sim
        storage = sim.storage
        if not kind.namespaced:
            ns = None
        pred, sharded = self._predicate(kind, query)
        rv_param = query.get("resourceVersion", "")
        if rv_param not in ("", "0") and not rv_param.isdigit():
            raise ApiError(400, f"invalid resource version: {rv_param!r}")
        try:
            limit = int(query.get("limit") or 0)
        except ValueError:
            raise ApiError(400, f"invalid limit: {query.get('limit')!r}") from None
        token = query.get("continue", "")
        if rv_param == "0" and not token:
            # resourceVersion=0 ("any version") is answered from the watch cache, which (without the cache's list
            # snapshots of recent releases) ignores limit: the whole list in one response, no continue.
            limit = 0
        start = ""
        if token:
            if rv_param not in ("", "0"):
                raise ApiError(400, "specifying resource version is not allowed when using continue")
            try:
                token_rv, start = decode_continue(token)
            except ValueError as e:
                raise ApiError(400, f"invalid continue token: {e}") from None
            if token_rv > 0:
                snap = None if token_rv < storage.compacted_rv else sim._find_snapshot(kind.resource, token_rv)
                if snap is None:
                    # Like the real apiserver: 410 plus a token that resumes (inconsistently) at the latest state.
                    inconsistent = encode_continue(-1, start)
                    raise ApiError(410, _MSG_CONTINUE_EXPIRED, "Expired", metadata={"continue": inconsistent})
                list_rv = token_rv
            else:
                list_rv, snap = storage.snapshot(kind.resource)
        else:
            list_rv, snap = storage.snapshot(kind.resource)

        keys, entries = snap.keys, snap.entries
        lo, hi, base = self._key_range(keys, ns, start)
        raws: list[bytes]
        more = False
        remaining: int | None = None
        last = ""
        if pred is None:
            end = min(lo + limit, hi) if limit > 0 else hi
            page = keys[lo:end]
            raws = [entries[k][1] for k in page]
            if end < hi:
                more, remaining, last = True, hi - end, page[-1]
        else:
            raws = []
            i = lo
            while i < hi:
                obj, raw = entries[keys[i]]
                i += 1
                if pred(obj):
                    raws.append(raw)
                    if limit > 0 and len(raws) >= limit:
                        break
            if limit > 0 and len(raws) >= limit and i < hi:
                more, last = True, keys[i - 1]

        meta: dict = {"resourceVersion": str(list_rv)}
        if more:
            meta["continue"] = encode_continue(list_rv, last[len(base) :] + "\x00")
            if remaining is not None:  # not known when selectors filter: the real apiserver omits it too
                meta["remainingItemCount"] = remaining
            sim._remember_snapshot(kind.resource, list_rv, snap)
        if sharded:
            meta["shardInfo"] = {"selector": query["shardSelector"]}
        self._send_list(kind, meta, raws)

    def _send_list(self, kind: Kind, meta: dict, raws: list[bytes]) -> None:
        head = b'{"kind":"%bList","apiVersion":%b,"metadata":%b,"items":[' % (
            kind.kind.encode(),
            _encode(kind.api_version),
            _encode(meta),
        )
        # Write big lists in slices: a 150k-pod LIST is hundreds of MB, no need to hold it twice.
        parts = [head]
        step = 4096
        for i in range(0, len(raws), step):
            part = b",".join(raws[i : i + step])
            parts.append(part if i == 0 else b"," + part)
        parts.append(b"]}")
        self._send_parts(200, parts, sum(len(p) for p in parts))

    def _delete_collection(self, kind: Kind, ns: str | None, query: dict[str, str]) -> None:
        storage = self.server.sim.storage
        if not kind.namespaced:
            ns = None
        pred, _ = self._predicate(kind, query)
        _, snap = storage.snapshot(kind.resource)
        lo, hi, _ = self._key_range(snap.keys, ns, "")
        raws = []
        for key in snap.keys[lo:hi]:
            obj = snap.entries[key][0]
            if pred is not None and not pred(obj):
                continue
            meta = obj["metadata"]
            try:
                deleted = storage.delete(kind.resource, meta.get("namespace"), meta["name"])
            except NotFound:
                continue
            deleted.pop("kind", None)
            deleted.pop("apiVersion", None)
            raws.append(_encode(deleted))
        self._send_list(kind, {"resourceVersion": str(storage.resource_version)}, raws)

    # -- watch --------------------------------------------------------------------------------------------------

    def _watch(self, kind: Kind, ns: str | None, query: dict[str, str], name: str | None) -> None:
        sim = self.server.sim
        storage = sim.storage
        if not kind.namespaced:
            ns = None
        pred, _ = self._predicate(kind, query, name)  # shardInfo is a LIST thing: watches do not echo it
        rv_param = query.get("resourceVersion", "")
        send_initial = query.get("sendInitialEvents") in _TRUE
        bookmarks = query.get("allowWatchBookmarks") in _TRUE
        try:
            timeout = float(query.get("timeoutSeconds") or 0)
        except ValueError:
            raise ApiError(400, f"invalid timeoutSeconds: {query.get('timeoutSeconds')!r}") from None
        if timeout <= 0:
            timeout = sim.default_watch_timeout
        if rv_param in ("", "0") or send_initial:
            from_rv = None
            if rv_param not in ("", "0") and not rv_param.isdigit():
                raise ApiError(400, f"invalid resource version: {rv_param!r}")
        elif rv_param.isdigit():
            from_rv = int(rv_param)
        else:
            raise ApiError(400, f"invalid resource version: {rv_param!r}")

        gone: Gone | None = None
        try:
            watcher, initial, replay, start_rv = storage.open_watch(kind.resource, from_rv)
        except Gone as e:
            gone = e
        # Like the real apiserver the stream starts with 200; a too-old resourceVersion is an ERROR event.
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Cache-Control", "no-cache, private")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self._headers_sent = True
        except BaseException:
            if gone is None:
                storage.close_watch(watcher)
            raise
        if gone is not None:
            err = status_body(410, str(gone), "Expired")
            self.wfile.write(_chunk(b'{"type":"ERROR","object":' + err + b"}\n") + b"0\r\n\r\n")
            return

        stream = _WatchStream(self, watcher, kind)
        with sim._lock:
            sim._watches.add(stream)
            if sim._stopping:
                stream.ended = "stop"
        try:
            self._stream(stream, ns, pred, initial, replay, start_rv, send_initial, bookmarks, timeout)
        finally:
            storage.close_watch(watcher)
            with sim._lock:
                sim._watches.discard(stream)

    def _stream(
        self,
        stream: _WatchStream,
        ns: str | None,
        pred: Callable[[dict], bool] | None,
        initial: list[tuple[dict, bytes]],
        replay: list[Event],
        start_rv: int,
        send_initial: bool,
        bookmarks: bool,
        timeout: float,
    ) -> None:
        sim = self.server.sim
        storage = sim.storage
        kind = stream.kind
        prefix = type_prefix(kind)

        def render(ev: Event) -> bytes | None:
            obj = ev.obj
            if ns is not None and obj["metadata"].get("namespace") != ns:
                return None
            if pred is None:
                return ev.line(prefix)
            now_matches = pred(obj)
            if ev.type != "MODIFIED" or ev.prev is None:
                return ev.line(prefix) if now_matches else None
            was_matching = pred(ev.prev)
            if now_matches and was_matching:
                return ev.line(prefix)
            if now_matches:  # started matching: to this watcher the object is new
                return event_line("ADDED", prefix, ev.raw)
            if was_matching:  # stopped matching: the previous state, at the event's resourceVersion, as DELETED
                prev = ev.prev
                gone = normalize(kind, {**prev, "metadata": {**prev["metadata"], "resourceVersion": str(ev.rv)}})
                return b'{"type":"DELETED","object":' + _encode(gone) + b"}\n"
            return None

        out: list[bytes] = []
        size = 0
        for obj, raw in initial:
            if ns is not None and obj["metadata"].get("namespace") != ns:
                continue
            if pred is not None and not pred(obj):
                continue
            chunk = _chunk(event_line("ADDED", prefix, raw))
            out.append(chunk)
            size += len(chunk)
            if size >= 1 << 18:
                stream.write(b"".join(out))
                out, size = [], 0
        if send_initial and bookmarks:
            out.append(_chunk(_bookmark_line(kind, start_rv, initial_events_end=True)))
        for ev in replay:
            line = render(ev)
            if line is not None:
                out.append(_chunk(line))
        if out:
            stream.write(b"".join(out))

        q = stream.watcher.queue
        now = time.monotonic()
        deadline = now + timeout
        interval = sim.bookmark_interval
        next_bookmark = now + interval if bookmarks and interval > 0 else math.inf
        next_probe = now + _PROBE_INTERVAL
        while stream.ended is None:
            now = time.monotonic()
            if now < stream.stalled_until:  # stall_watches(): silent, even past the deadline
                if self._client_gone():
                    stream.ended = "gone"
                    break
                time.sleep(min(stream.stalled_until - now, 0.02))
                continue
            if now >= deadline:
                break
            if now >= next_bookmark:
                rv = storage.bookmark_rv(stream.watcher)
                if rv is not None:  # else events are pending: deliver them first, bookmark right after
                    stream.write(_chunk(_bookmark_line(kind, rv)))
                    next_bookmark = now + interval
            if now >= next_probe:
                if self._client_gone():
                    stream.ended = "gone"
                    break
                next_probe = now + _PROBE_INTERVAL
            wait = min(deadline, next_bookmark, next_probe) - now
            try:
                ev = q.get(timeout=max(wait, 0.001))
            except queue.Empty:
                continue
            batch: list[bytes] = []
            while ev is not None:
                line = render(ev)
                if line is not None:
                    batch.append(_chunk(line))
                if len(batch) >= 512:
                    break
                try:
                    ev = q.get_nowait()
                except queue.Empty:
                    break
            if batch:
                stream.write(b"".join(batch))
            if ev is None:
                break  # woken by stop() or drop_watches()
        if stream.ended in ("drop", "gone"):
            self.close_connection = True
            return
        stream.write(b"0\r\n\r\n")  # clean end: the terminating chunk, like the real apiserver on timeout
        if stream.ended == "stop":
            self.close_connection = True

    def _client_gone(self) -> bool:
        """True when the peer closed the connection (readable with EOF)."""
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            if not readable:
                return False
            return self.connection.recv(1, socket.MSG_PEEK) == b""
        except (OSError, ValueError):
            return True
