"""HTTP: one WSGI app behind gunicorn serving both the metrics port and the telemetry port.

gunicorn runs one gthread worker (more workers would duplicate every watch and the whole store). The exporter is
built in the worker (``load``) and its reflector threads start in ``post_worker_init``: threads do not survive fork.
Both listeners share the app, which dispatches on the listener's own port (gthread sets ``SERVER_PORT`` from it).
"""

from __future__ import annotations

import dataclasses
import logging
import os
import signal
import socket
import time
from collections.abc import Callable, Iterable, Iterator
from urllib.parse import parse_qs

from gunicorn.app.base import BaseApplication
from prometheus_client import make_wsgi_app

from ksm_shard import __version__
from ksm_shard.exporter import Exporter
from ksm_shard.gzipbody import gzip_body
from ksm_shard.http_worker import DeadlineThreadWorker
from ksm_shard.kube.client import KubeClient
from ksm_shard.memory import release_free_memory, tune_malloc
from ksm_shard.options import Options
from ksm_shard.optionsfile import OptionsFileWatcher
from ksm_shard.store import SCRAPE_GATE
from ksm_shard.telemetry import Telemetry
from ksm_shard.webconfig import basic_auth_middleware, load_web_config

log = logging.getLogger(__name__)

TEXT_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
OPENMETRICS_VERSIONS = ("1.0.0", "0.0.1")
ESCAPING_SCHEMES = ("allow-utf-8", "underscores", "dots", "values")
# Where the body goes through gunicorn (TLS, HEAD), cells are coalesced into writes of about this size, kept under
# glibc's 128 KB mmap threshold (memory.py): each write's buffer then reuses the heap block the previous one freed.
# At 256 KB every write was a fresh mapping whose pages faulted in as the cells were copied (a 1.2M-series scrape
# took ~250 ms instead of ~150 ms).
_CHUNK = 120 * 1024

LANDING = """<html>
<head><title>ksm-shard</title></head>
<body>
<h1>ksm-shard</h1>
<p>kube-state-metrics, sharded: shard {shard} of {total}, version {version}</p>
<ul>
<li><a href="metrics">metrics</a></li>
<li><a href="healthz">healthz</a></li>
<li><a href="livez">livez</a></li>
<li><a href="readyz">readyz</a></li>
</ul>
</body>
</html>
"""

TELEMETRY_LANDING = """<html>
<head><title>ksm-shard telemetry</title></head>
<body>
<h1>ksm-shard self-metrics</h1>
<ul><li><a href="metrics">metrics</a></li><li><a href="readyz">readyz</a></li></ul>
</body>
</html>
"""

StartResponse = Callable[..., object]


def _coalesce(parts: list[bytes]) -> Iterator[bytes]:
    """The body in writes of about _CHUNK bytes, joined one at a time as the response is sent (never a second
    copy of the whole body); big buffers go out as they are."""
    buf: list[bytes] = []
    size = 0
    for p in parts:
        if len(p) >= _CHUNK:
            if buf:
                yield b"".join(buf)
                buf, size = [], 0
            yield p
            continue
        buf.append(p)
        size += len(p)
        if size >= _CHUNK:
            yield b"".join(buf)
            buf, size = [], 0
    if buf:
        yield b"".join(buf)
    release_free_memory()


_IOV_MAX = 1024  # buffers per sendmsg: Linux's IOV_MAX


def send_buffers(sock: socket.socket, parts: list[bytes]) -> Iterator[bytes]:
    """The body written straight to the client's socket with sendmsg (a gathered write), cells as they are.

    As a WSGI iterable it first yields b"": gunicorn then sends the status line and the headers (Content-Length
    included, so the connection stays reusable). The cells follow in writes of up to _IOV_MAX buffers each: nothing
    is joined or copied in user space, and the GIL is released while the kernel copies, so other threads run
    meanwhile instead of waiting behind ~200 MB of joins. ``parts`` is consumed (a partial write leaves a view
    of the rest of its buffer in it).
    """
    yield b""
    i, n = 0, len(parts)
    sendmsg = sock.sendmsg
    while i < n:
        batch = parts[i : i + _IOV_MAX]
        sent = sendmsg(batch)
        for b in batch:  # skip what went out; a buffer cut short is resent from where it stopped
            if sent < len(b):
                parts[i] = memoryview(b)[sent:]
                break
            sent -= len(b)
            i += 1
    release_free_memory()


def _accepts_gzip(environ: dict) -> bool:
    for token in environ.get("HTTP_ACCEPT_ENCODING", "").split(","):
        enc, _, params = token.strip().partition(";")
        if enc.strip().lower() == "gzip":
            q = params.strip()
            return not (q.startswith("q=") and _float(q[2:]) == 0.0)
    return False


def _float(s: str) -> float:
    try:
        return float(s)
    except ValueError:
        return 1.0


def negotiate(accept: str) -> str | None:
    """The OpenMetrics content type when the Accept header prefers it, else None (text format 0.0.4).

    Entries are tried in preference (q) order, the first acceptable one wins; an ``escaping=`` parameter seen on
    the way is echoed, as upstream does (names never need escaping here).
    """
    entries = []
    for pos, raw in enumerate(accept.split(",")):
        media, *params = (x.strip() for x in raw.split(";"))
        kv = dict(p.split("=", 1) for p in params if "=" in p)
        q = _float(kv.get("q", "1"))
        if q > 0:
            entries.append((-q, pos, media.lower(), kv))
    escaping = "underscores"
    for _, _, media, kv in sorted(entries, key=lambda e: (e[0], e[1])):
        if kv.get("escaping") in ESCAPING_SCHEMES:
            escaping = kv["escaping"]
        if media == "application/openmetrics-text":
            version = kv.get("version", "1.0.0")
            if version in OPENMETRICS_VERSIONS:
                return f"application/openmetrics-text; version={version}; charset=utf-8; escaping={escaping}"
        elif media in ("text/plain", "text/*", "*/*"):
            return None
    return None


def _resource_list(values: list[str]) -> set[str]:
    return {r.strip() for v in values for r in v.split(",") if r.strip()}


class MetricsApp:
    """The WSGI callable for both ports."""

    def __init__(self, options: Options, exporter: Exporter, telemetry: Telemetry, client: KubeClient) -> None:
        self.options = options
        self.exporter = exporter
        self.telemetry = telemetry
        self.client = client
        self.telemetry_port = str(options.telemetry_port)
        self._telemetry_metrics = make_wsgi_app(telemetry.registry)
        self._latency = telemetry.request_duration.labels("metrics", "get")

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "/")
        if environ.get("SERVER_PORT") == self.telemetry_port:
            return self._telemetry(path, environ, start_response)
        if path == "/metrics":
            return self._metrics(environ, start_response)
        if path == "/healthz":
            return _plain(start_response, "200 OK", b"OK")
        if path == "/readyz":
            if self.exporter.ready():
                return _plain(start_response, "200 OK", b"OK")
            return _plain(start_response, "503 Service Unavailable", b"Service Unavailable")
        if path == "/livez":
            return self._livez(start_response)
        if path == "/":
            shard = self.exporter.shard
            page = LANDING.format(
                shard=shard.shard if shard else "?", total=shard.total_shards if shard else "?", version=__version__
            )
            return _html(start_response, page)
        return _plain(start_response, "404 Not Found", b"404 page not found\n")

    def _metrics(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD", "GET") not in ("GET", "HEAD"):
            return _plain(start_response, "405 Method Not Allowed", b"Method Not Allowed")
        sock = environ.get("gunicorn.socket")
        if sock is not None and self.options.server_write_timeout > 0:
            # A scraper that stops reading must not hold a thread forever (upstream #2413): sends time out.
            sock.settimeout(self.options.server_write_timeout)
        started = time.perf_counter()
        query = parse_qs(environ.get("QUERY_STRING", ""))
        include = _resource_list(query.get("resources", []))
        exclude = _resource_list(query.get("exclude_resources", []))
        content_type = negotiate(environ.get("HTTP_ACCEPT", ""))
        gzip = self.options.enable_gzip_encoding and _accepts_gzip(environ)
        openmetrics = content_type is not None
        SCRAPE_GATE.enter()  # released when the body is sent or dropped (_Scrape.close)
        try:
            parts = self.exporter.scrape(include or None, exclude or None, openmetrics=openmetrics)
            head = environ.get("REQUEST_METHOD") == "HEAD"
            headers = [("Content-Type", content_type or TEXT_CONTENT_TYPE)]
            body: Iterable[bytes]
            if gzip:
                # Compressed as it is sent (gzipbody): its length is not known up front, so HTTP/1.1 clients get it
                # chunked (as from upstream's Go server) and HTTP/1.0 ones until the connection closes.
                headers.append(("Content-Encoding", "gzip"))
                headers.append(("Vary", "Accept-Encoding"))
                body = [] if head else gzip_body(parts)
            else:
                headers.append(("Content-Length", str(sum(map(len, parts)))))
                if head:  # gunicorn sends no body for HEAD: nothing to write
                    body = []
                elif type(sock) is socket.socket:
                    body = send_buffers(sock, parts)  # plain HTTP: gathered writes of the cells themselves
                else:  # TLS (no sendmsg): writes through gunicorn
                    body = _coalesce(parts)
            start_response("200 OK", headers)
        except BaseException:
            SCRAPE_GATE.leave()
            raise
        self._latency.observe(time.perf_counter() - started)
        return _Scrape(body)

    def _livez(self, start_response: StartResponse) -> Iterable[bytes]:
        try:
            resp = self.client.get("/livez", connect_timeout=5, read_timeout=5)
            resp.read()
            resp.release_conn()
            return _plain(start_response, "200 OK", b"OK")
        except Exception as e:  # noqa: BLE001
            log.warning("livez: apiserver not reachable: %s", e)
            return _plain(start_response, "503 Service Unavailable", b"Service Unavailable")

    def _telemetry(self, path: str, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        if path == "/metrics":
            return self._telemetry_metrics(environ, start_response)
        if path == "/readyz":
            return _plain(start_response, "200 OK", b"OK")
        if path == "/":
            return _html(start_response, TELEMETRY_LANDING)
        return _plain(start_response, "404 Not Found", b"404 page not found\n")


class _Scrape:
    """A /metrics body as a WSGI iterable whose ``close`` (which the server always calls, also when the client went
    away or the body was never iterated) ends the scrape's hold on the watches (store.ScrapeGate)."""

    __slots__ = ("body", "done")

    def __init__(self, body: Iterable[bytes]) -> None:
        self.body = body
        self.done = False

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.body)

    def close(self) -> None:
        if self.done:
            return
        self.done = True
        try:
            close = getattr(self.body, "close", None)
            if close is not None:
                close()
        finally:
            SCRAPE_GATE.leave()


def _plain(start_response: StartResponse, status: str, body: bytes) -> list[bytes]:
    start_response(status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))])
    return [body]


def _html(start_response: StartResponse, page: str) -> list[bytes]:
    body = page.encode()
    start_response("200 OK", [("Content-Type", "text/html; charset=UTF-8"), ("Content-Length", str(len(body)))])
    return [body]


def _ipv6_available() -> bool:
    if not socket.has_ipv6:
        return False
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


def bind_address(host: str, port: int) -> str:
    if ":" in host:
        if host == "::" and not _ipv6_available():
            return f"0.0.0.0:{port}"
        return f"[{host}]:{port}"
    return f"{host}:{port}"


def build_app(options: Options) -> MetricsApp:
    """Everything a worker serves: client, telemetry, exporter (reflectors not started yet)."""
    from ksm_shard.kube.client import load_configuration

    client = KubeClient(load_configuration(options.kubeconfig, options.apiserver))
    telemetry = Telemetry()
    exporter = Exporter(options, client, on_list=telemetry.on_list, on_watch=telemetry.on_watch)
    telemetry.watch_exporter(exporter)
    return MetricsApp(options, exporter, telemetry, client)


class GunicornServer(BaseApplication):
    """gunicorn as a library: one gthread worker holding the reflectors.

    With ``--config``, the worker watches the options file; a valid change sends SIGHUP to the gunicorn master,
    which reloads: ``load_config`` parses the command line and the file again (``reparse``), new listeners are
    bound if the addresses changed, a new worker starts with the new options and the old one is stopped.
    """

    def __init__(self, options: Options, threads: int = 32, reparse: Callable[[], Options] | None = None) -> None:
        self.options = options
        self.threads = threads
        self.reparse = reparse
        self.app: MetricsApp | None = None
        self.options_watcher: OptionsFileWatcher | None = None
        self.web_config = load_web_config(options.tls_config) if options.tls_config else None
        self._configured = False
        super().__init__()

    def _reload_options(self) -> None:
        """On SIGHUP (gunicorn calls load_config again): the options as the command line and the file say now."""
        try:
            options = self.reparse()
            web_config = load_web_config(options.tls_config) if options.tls_config else None
        except Exception as e:  # noqa: BLE001 - keep serving with what runs; the worker logged why already
            log.error("reloading the options failed, keeping the running ones: %s", e)
            return
        old = self.options
        listening = (old.host, old.port, old.telemetry_host, old.telemetry_port)
        if (options.host, options.port, options.telemetry_host, options.telemetry_port) != listening:
            # gunicorn would close and rebind every listener, and the old worker still holds them: the bind fails
            # and the master exits. New addresses wait for the next start; everything else applies now.
            log.error("options file: new listen addresses take effect at the next start; keeping %s:%d and %s:%d",
                      old.host, old.port, old.telemetry_host, old.telemetry_port)  # fmt: skip
            options = dataclasses.replace(options, host=old.host, port=old.port, telemetry_host=old.telemetry_host,
                                          telemetry_port=old.telemetry_port)  # fmt: skip
        self.options, self.web_config = options, web_config

    def load_config(self) -> None:
        if self._configured and self.reparse is not None and self.options.config_file:
            self._reload_options()
        self._configured = True
        o = self.options
        cfg = {
            "bind": [bind_address(o.host, o.port), bind_address(o.telemetry_host, o.telemetry_port)],
            "workers": 1,
            "worker_class": DeadlineThreadWorker,  # gthread with request read deadlines
            "threads": self.threads,
            "timeout": 120,  # heartbeat: a long relist holds the GIL in bursts, not for minutes
            "graceful_timeout": 20,  # below the default terminationGracePeriodSeconds (30 s)
            "keepalive": max(1, int(o.server_idle_timeout)),
            "max_requests": 0,  # never recycle the worker: that would force a full relist
            "control_socket_disable": True,  # no runtime control socket: nothing to write on a read-only root
            "preload_app": False,
            "accesslog": None,
            "errorlog": "-",
            "loglevel": "debug" if o.verbosity >= 4 else "info",
            "proc_name": f"ksm-shard-{o.shard}",
            "post_worker_init": _post_worker_init,
            "worker_exit": _worker_exit,
        }
        if self.web_config is not None:
            cfg.update(self.web_config.gunicorn_settings())  # TLS on both listeners
        for key, value in cfg.items():
            self.cfg.set(key, value)

    def load(self) -> Callable:
        # Runs in the worker process after fork: the urllib3 pool and the stores are created here.
        configure_logging(self.options.verbosity)
        for flag, why in self.options.ignored_flags:
            log.warning("%s: ignored: %s", flag, why)
        tune_malloc()
        self.app = build_app(self.options)
        if self.options.config_file:
            self.options_watcher = self._watch_options_file(self.app.telemetry)
        if self.web_config is not None:
            log.info("web config: %s", self.web_config.describe())
            return basic_auth_middleware(self.app, self.web_config)
        return self.app


    def _watch_options_file(self, telemetry: Telemetry) -> OptionsFileWatcher | None:
        o = self.options
        if o.config_bytes is not None:
            telemetry.options_file_applied(o.config_file, o.config_bytes, o.loaded_at)
        else:
            telemetry.options_file_failed(o.config_file)
        if self.reparse is None:
            return None
        reparse, master = self.reparse, os.getppid()

        def validate() -> None:
            new = reparse()  # UsageError for a bad file, unless --continue-without-config lets it go on without
            if new.config_bytes is None:
                raise ValueError(new.config_error)

        return OptionsFileWatcher(
            o.config_file, o.config_bytes, validate,
            on_change=lambda: os.kill(master, signal.SIGHUP),
            on_failure=lambda _why: telemetry.options_file_failed(o.config_file),
        )  # fmt: skip


def configure_logging(verbosity: int) -> None:
    level = logging.DEBUG if verbosity >= 4 else logging.INFO if verbosity >= 0 else logging.WARNING
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def _post_worker_init(worker) -> None:  # noqa: ANN001 - gunicorn worker
    app = worker.app.app
    if app is not None:
        app.exporter.start()
    if worker.app.options_watcher is not None:
        worker.app.options_watcher.start()


def _worker_exit(server, worker) -> None:  # noqa: ANN001
    if getattr(worker.app, "options_watcher", None) is not None:
        worker.app.options_watcher.stop()  # a worker on its way out must not trigger a reload
    app = getattr(worker.app, "app", None)
    if app is not None:
        app.exporter.stop()
