"""--server-read-header-timeout / --server-read-timeout: slow or silent request senders are cut off, others served."""

from __future__ import annotations

import signal
import socket
import time

import pytest
from gunicorn.workers.gthread import ThreadWorker

from ksm_shard.http_worker import DeadlineThreadWorker
from ksm_shard.launch import ExporterProcess, http_get
from ksm_shard.sim.apiserver import SimApiServer
from ksm_shard.sim.storage import Storage


def _exporter(tmp_path_factory: pytest.TempPathFactory, args: list[str]):  # noqa: ANN202
    storage = Storage()
    storage.create("configmaps", {"metadata": {"name": "timeouts", "namespace": "default"}})
    sim = SimApiServer(storage)
    sim.start()
    proc = ExporterProcess(sim.url, ["--resources=configmaps", *args], log_dir=tmp_path_factory.mktemp("logs"))
    proc.start()
    try:
        proc.wait_ready(60)
        yield proc
    finally:
        proc.stop()
        sim.stop()


@pytest.fixture(scope="module")
def header_limited(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    yield from _exporter(tmp_path_factory, ["--server-read-header-timeout=1s", "--server-read-timeout=30s"])


@pytest.fixture(scope="module")
def read_limited(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    yield from _exporter(tmp_path_factory, ["--server-read-header-timeout=0", "--server-read-timeout=1s"])


def seconds_until_closed(sock: socket.socket, drip: bytes = b"", every: float = 0.25, limit: float = 10.0) -> float:
    """Sends ``drip`` byte by byte every ``every`` seconds until the server closes; the time that took."""
    started = time.monotonic()
    sock.settimeout(every)
    i = 0
    while time.monotonic() - started < limit:
        try:
            data = sock.recv(4096)
        except TimeoutError:
            if i < len(drip):
                try:
                    sock.sendall(drip[i : i + 1])
                except OSError:
                    return time.monotonic() - started
                i += 1
            continue
        except ConnectionResetError:
            return time.monotonic() - started
        if not data:
            return time.monotonic() - started
        raise AssertionError(f"the server answered an incomplete request: {data[:80]!r}")
    raise AssertionError(f"connection still open after {limit}s")


def read_response(sock: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(4096)
    head = data.split(b"\r\n\r\n", 1)[0].lower()
    length = int(head.split(b"content-length:", 1)[1].split(b"\r\n", 1)[0])
    while len(data) < len(head) + 4 + length:
        data += sock.recv(4096)
    return data


def connect(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=5)


def test_incomplete_headers_are_cut_off_after_the_header_timeout(header_limited: ExporterProcess) -> None:
    with connect(header_limited.port) as s:
        s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")  # the blank line that ends the headers never comes
        took = seconds_until_closed(s)
    assert 0.8 <= took <= 4.0, took


def test_a_slowloris_cannot_extend_the_deadline_by_dripping(header_limited: ExporterProcess) -> None:
    # A byte every 0.25 s never lets a single read wait 1 s: only a deadline for the whole header block stops it.
    with connect(header_limited.port) as s:
        s.sendall(b"G")
        took = seconds_until_closed(s, drip=b"ET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 200)
    assert 0.8 <= took <= 4.0, took


def test_other_scrapes_are_served_while_senders_stall(header_limited: ExporterProcess) -> None:
    stalled = [connect(header_limited.port) for _ in range(8)]
    try:
        for s in stalled:
            s.sendall(b"GET /metrics HTTP/1.1\r\n")
        status, body, _ = http_get(header_limited.url + "/metrics", timeout=5)
        assert status == 200 and b'configmap="timeouts"' in body
    finally:
        for s in stalled:
            s.close()


def test_keepalive_requests_each_get_a_fresh_header_deadline(header_limited: ExporterProcess) -> None:
    with connect(header_limited.port) as s:
        for _ in range(3):
            time.sleep(1.2)  # idle between requests is the idle timeout's business, not the header timeout's
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            reply = read_response(s)
            assert reply.startswith(b"HTTP/1.1 200") and reply.endswith(b"\r\n\r\nOK"), reply[:80]


def test_the_read_timeout_bounds_the_whole_request(read_limited: ExporterProcess) -> None:
    with connect(read_limited.port) as s:
        s.sendall(b"GET /metrics HTTP/1.1\r\n")
        took = seconds_until_closed(s, drip=b"Host: x\r\nX-Slow: " + b"a" * 200)
    assert 0.8 <= took <= 4.0, took
    status, body, _ = http_get(read_limited.url + "/metrics", timeout=5)
    assert status == 200 and b'configmap="timeouts"' in body


def test_the_telemetry_port_has_its_own_fixed_header_timeout(read_limited: ExporterProcess) -> None:
    # Upstream's telemetry server: ReadHeaderTimeout 5 s whatever the flags say.
    with connect(read_limited.telemetry_port) as s:
        s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")
        took = seconds_until_closed(s, limit=12)
    assert 4.5 <= took <= 9.0, took


def test_a_second_quit_signal_while_the_worker_quits_is_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C to the process group, then the master's SIGQUIT: the second must not re-enter the first's shutdown
    (it deadlocked on the thread pool's lock and left the worker running without its master)."""
    calls: list[int] = []

    def gthread_quit(self, sig, frame) -> None:  # noqa: ANN001
        calls.append(sig)
        if len(calls) == 1:
            self.handle_quit(signal.SIGQUIT, None)  # arrives while the first one is shutting down

    monkeypatch.setattr(ThreadWorker, "handle_quit", gthread_quit)
    worker = DeadlineThreadWorker.__new__(DeadlineThreadWorker)  # the handler needs no worker state
    worker.handle_quit(signal.SIGINT, None)
    assert calls == [signal.SIGINT]
