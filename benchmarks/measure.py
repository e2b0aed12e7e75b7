"""Measurements of running ``ksm-shard`` processes: CPU and RSS from /proc, telemetry counters, scrape timing.

CPU is read from ``/proc/<pid>/stat`` (utime + stime, clock ticks: 10 ms resolution, so windows must be long
enough that a shard spends many ticks). The exporter runs as a gunicorn arbiter (the ``ksm-shard`` process) and
one forked worker that holds the store and the reflectors; the worker is found through
``/proc/<pid>/task/*/children``.
"""

from __future__ import annotations

import gzip
import http.client
import math
import os
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ksm_shard.launch import ExporterProcess, http_get
from ksm_shard.sharding import ShardFilter

CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")
GZIP = {"Accept-Encoding": "gzip"}


# --- /proc ------------------------------------------------------------------------------------------------------------


def proc_cpu(pid: int) -> float:
    """User + system CPU seconds of a process (all its threads, live and exited), 0.0 if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def proc_rss(pid: int) -> int:
    """Resident set size in bytes, 0 if the process is gone."""
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    except (OSError, IndexError):
        return 0


def proc_children(pid: int) -> list[int]:
    kids: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            kids += [int(k) for k in (task / "children").read_text().split()]
        except OSError:
            continue
    return kids


# --- telemetry --------------------------------------------------------------------------------------------------------

_SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)")
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse_text(body: bytes) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Samples of a text exposition: (name, sorted labels) -> value."""
    out = {}
    for line in body.decode(errors="replace").splitlines():
        if not line or line.startswith("#"):
            continue
        m = _SAMPLE.match(line)
        if m:
            labels = tuple(sorted(_LABEL.findall(m.group(2) or "")))
            out[(m.group(1), labels)] = float(m.group(3))
    return out


@dataclass
class Telemetry:
    samples: dict

    def total(self, name: str, **match: str) -> float:
        return sum(
            v
            for (n, labels), v in self.samples.items()
            if n == name and all((k, x) in labels for k, x in match.items())
        )

    def events(self, resource: str | None = None) -> tuple[float, float]:
        """(owned, not owned) watch events received so far."""
        kw = {"resource": resource} if resource else {}
        name = "ksm_shard_watch_events_total"
        return self.total(name, owned="true", **kw), self.total(name, owned="false", **kw)


# --- one shard --------------------------------------------------------------------------------------------------------


class BodyBuffer:
    """One reusable buffer that scrape bodies are read into, as Prometheus' scrape loop reads each target's body
    into a pooled buffer sized by the previous scrape. (urllib's ``read()`` allocates a fresh ``bytes`` per
    response: for a 200 MB body that is ~50k page faults, ~60-80 ms of the client's own time in every scrape.)"""

    def __init__(self) -> None:
        self.buf = bytearray()

    def get(self, port: int, path: str, headers: dict[str, str] | None, timeout: float) -> tuple[int, memoryview, dict]:
        """GET http://127.0.0.1:<port><path>; (status, a view of the body in the buffer, headers)."""
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        try:
            conn.request("GET", path, headers=headers or {})
            resp = conn.getresponse()
            length = resp.getheader("Content-Length")  # None: chunked (gzip bodies, compressed as they are sent)
            n = int(length) if length is not None else None
            if n is not None and len(self.buf) < n:
                self.buf = bytearray(n)  # a new buffer, never a resize: views of the old one may be alive
            got = 0
            while got != n:
                if got == len(self.buf):  # chunked and full: grow (doubling) into a new buffer
                    grown = bytearray(max(1 << 20, 2 * got))
                    grown[:got] = self.buf
                    self.buf = grown
                k = resp.readinto(memoryview(self.buf)[got:] if n is None else memoryview(self.buf)[got:n])
                if not k:
                    if n is not None:
                        raise RuntimeError(f"body cut short: {got} of {n} bytes")
                    break  # the last chunk (http.client raises IncompleteRead if the stream ended before it)
                got += k
            return resp.status, memoryview(self.buf)[:got], dict(resp.headers)
        finally:
            conn.close()


@dataclass
class Shard:
    """A running ``ksm-shard`` replica (shard ``index`` of ``total``) and the handles to measure it."""

    proc: ExporterProcess
    index: int
    total: int
    worker: int = 0
    started: float = 0.0
    notes: dict = field(default_factory=dict)
    body: BodyBuffer = field(default_factory=BodyBuffer)  # what its scrapes are read into

    @property
    def filter(self) -> ShardFilter:
        return ShardFilter(self.index, self.total)

    def find_worker(self, timeout: float = 60.0) -> int:
        assert self.proc.proc is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            kids = proc_children(self.proc.proc.pid)
            if kids:
                self.worker = kids[0]
                return self.worker
            if self.proc.proc.poll() is not None:
                raise RuntimeError(f"{self.proc.name} exited with {self.proc.proc.returncode}{self.proc._log_tail()}")
            time.sleep(0.02)
        raise TimeoutError(f"{self.proc.name}: no gunicorn worker after {timeout}s")

    def cpu(self) -> float:
        """CPU seconds of the whole replica (arbiter + worker)."""
        assert self.proc.proc is not None
        return proc_cpu(self.proc.proc.pid) + (proc_cpu(self.worker) if self.worker else 0.0)

    def worker_cpu(self) -> float:
        return proc_cpu(self.worker) if self.worker else 0.0

    def rss(self) -> int:
        return proc_rss(self.worker) if self.worker else 0

    def telemetry(self) -> Telemetry:
        status, body, _ = http_get(self.proc.telemetry_url + "/metrics", timeout=30)
        if status != 200:
            raise RuntimeError(f"{self.proc.name} telemetry answered {status}")
        return Telemetry(parse_text(body))

    def wait_ready(self, timeout: float) -> float:
        """Poll /readyz every 20 ms; returns the seconds since ``started``."""
        deadline = time.monotonic() + timeout
        p = self.proc
        while time.monotonic() < deadline:
            if p.proc is not None and p.proc.poll() is not None:
                raise RuntimeError(f"{p.name} exited with {p.proc.returncode}{p._log_tail()}")
            if p.status("/readyz") == 200:
                return time.monotonic() - self.started
            time.sleep(0.02)
        raise TimeoutError(f"{p.name} not ready after {timeout}s{p._log_tail()}")


def start_shard(apiserver: str, index: int, total: int, *, log_dir: str, name: str, extra: Sequence[str] = ()) -> Shard:
    args = ["--enable-gzip-encoding", *extra]
    if total > 1:
        args += ["--shard", str(index), "--total-shards", str(total)]
    proc = ExporterProcess(apiserver, args, log_dir=log_dir, name=name)
    shard = Shard(proc, index, total)
    shard.started = time.monotonic()
    proc.start()
    shard.find_worker()
    return shard


# --- scrapes ----------------------------------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (with fewer than 100 samples p99 is the maximum)."""
    if not values:
        return math.nan
    s = sorted(values)
    return s[min(len(s) - 1, max(0, math.ceil(q / 100 * len(s)) - 1))]


def count_series(body: bytes) -> int:
    return body.count(b"\n") - body.count(b"\n#") - (1 if body.startswith(b"#") else 0)


@dataclass
class ScrapeStats:
    latencies: list[float]
    bytes: int
    series: int = 0

    def summary(self) -> dict:
        return {
            "n": len(self.latencies),
            "p50_ms": percentile(self.latencies, 50) * 1e3,
            "p99_ms": percentile(self.latencies, 99) * 1e3,
            "bytes": self.bytes,
        }


def scrape(
    shard: Shard, n: int, *, compressed: bool, timeout: float = 120.0, count: bool = True
) -> tuple[ScrapeStats, bytes]:
    """``n`` sequential scrapes of /metrics, timed from request to the last body byte (read into the shard's
    reused ``BodyBuffer``). Returns the last body.

    ``count``: also count the series of the last body (decompressing it), after the timed scrapes."""
    lat = []
    body = memoryview(b"")
    for _ in range(n):
        t = time.perf_counter()
        status, body, headers = shard.body.get(
            shard.proc.port, "/metrics", GZIP if compressed else None, timeout
        )
        lat.append(time.perf_counter() - t)
        if status != 200:
            raise RuntimeError(f"{shard.proc.name} /metrics answered {status}")
        if compressed and headers.get("Content-Encoding") != "gzip":
            raise RuntimeError(f"{shard.proc.name} did not gzip /metrics")
    last = bytes(body)
    series = count_series(gzip.decompress(last) if compressed else last) if count else 0
    return ScrapeStats(lat, len(last), series), last


def configmap_visible(shard: Shard, name: str) -> bool:
    status, body, _ = http_get(shard.proc.url + "/metrics?resources=configmaps", timeout=30)
    return status == 200 and f'configmap="{name}"'.encode() in body


def wait_visible(shard: Shard, name: str, timeout: float, *, present: bool = True) -> float | None:
    """Seconds until ConfigMap ``name`` appears in (or, ``present=False``, leaves) the shard's /metrics."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if configmap_visible(shard, name) == present:
            return time.monotonic() - t0
        time.sleep(0.02)
    return None


def owner_of(shards: Sequence[Shard], uid: str) -> Shard:
    for s in shards:
        if s.filter.owns_str(uid):
            return s
    raise LookupError(f"no shard owns {uid}")
