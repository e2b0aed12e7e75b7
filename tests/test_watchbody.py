"""The watch body reader: chunked framing decoded by hand, reads taken in bursts."""

from __future__ import annotations

import random
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import urllib3

from ksm_shard.kube.watchbody import ChunkDecoder, ChunkedFramingError, watch_payload


def chunked(*pieces: bytes, ext: bool = False) -> bytes:
    out = b"".join(b"%x%s\r\n%s\r\n" % (len(p), b";name=v" if ext else b"", p) for p in pieces)
    return out + b"0\r\n\r\n"


def test_chunk_decoder_any_split_gives_the_payload() -> None:
    pieces = [b'{"type":"ADDED"}\n', b"x" * 70000, b"", b"tail\n"]
    pieces = [p for p in pieces if p]
    body = chunked(*pieces, ext=True)
    rnd = random.Random(7)
    for _ in range(200):
        dec, out, pos = ChunkDecoder(), [], 0
        while pos < len(body):
            n = rnd.choice((1, 2, 3, 5, 100, 4096, 100000))
            out.append(dec.feed(body[pos : pos + n]))
            pos += n
        assert b"".join(out) == b"".join(pieces)
        assert dec.done


def test_chunk_decoder_stops_at_the_last_chunk() -> None:
    dec = ChunkDecoder()
    assert dec.feed(b"3\r\nabc\r\n0\r\n\r\nHTTP/1.1 200 OK") == b"abc"
    assert dec.done


@pytest.mark.parametrize("body", [b"zz\r\nabc\r\n", b"3\r\nabcXY", b"-3\r\nabc\r\n", b"1" * 2000])
def test_chunk_decoder_rejects_bad_framing(body: bytes) -> None:
    with pytest.raises(ChunkedFramingError):
        ChunkDecoder().feed(body)


class ChunkedServer:
    """One HTTP/1.1 response, chunked, written by ``script`` (a list of (delay seconds, chunk payload))."""

    def __init__(self, script: list[tuple[float, bytes]], end: bool = True, tls: ssl.SSLContext | None = None) -> None:
        self.script, self.end, self.tls = script, end, tls
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        conn, _ = self.sock.accept()
        if self.tls is not None:
            conn = self.tls.wrap_socket(conn, server_side=True)
        with conn:
            buf = b""
            while b"\r\n\r\n" not in buf:
                buf += conn.recv(4096)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
            for delay, piece in self.script:
                time.sleep(delay)
                conn.sendall(b"%x\r\n%s\r\n" % (len(piece), piece))
            if self.end:
                conn.sendall(b"0\r\n\r\n")
            else:
                time.sleep(5)

    def get(self, ca: str | None = None) -> urllib3.BaseHTTPResponse:
        pool = urllib3.PoolManager(ca_certs=ca) if ca else urllib3.PoolManager()
        scheme = "https" if ca else "http"
        return pool.request("GET", f"{scheme}://127.0.0.1:{self.port}/w", preload_content=False, retries=False)


def _blocks(it: Iterator[bytes]) -> list[bytes]:
    return list(it)


def test_a_caught_up_stream_is_read_in_bursts() -> None:
    events = [b'{"n":%d}\n' % i for i in range(10)]
    server = ChunkedServer([(0.03, e) for e in events])  # an event every 30 ms
    resp = server.get()
    pauses: list[float] = []
    blocks = _blocks(watch_payload(resp, threading.Event(), pause=0.2, on_pause=lambda: pauses.append(1)))
    resp.close()
    assert b"".join(blocks) == b"".join(events)
    assert 1 <= len(pauses) <= len(blocks)  # the hook runs when caught up, before each pause
    # each read after a 200 ms pause finds ~6 events waiting; unpaused, each event would be a read of its own
    assert len(blocks) <= 4, [b.count(b"\n") for b in blocks]


def test_without_a_pause_every_event_is_its_own_read() -> None:
    events = [b'{"n":%d}\n' % i for i in range(6)]
    server = ChunkedServer([(0.03, e) for e in events])
    resp = server.get()
    blocks = _blocks(watch_payload(resp, threading.Event(), pause=0.0))
    resp.close()
    assert blocks == events


def test_a_stream_that_is_not_caught_up_is_not_slowed_down() -> None:
    big = [b"%06d" % i + b"y" * 1000 + b"\n" for i in range(20000)]  # 20 MB written as fast as it can be read
    server = ChunkedServer([(0.0, e) for e in big])
    resp = server.get()
    t = time.monotonic()
    got = b"".join(watch_payload(resp, threading.Event(), pause=0.5))
    took = time.monotonic() - t
    resp.close()
    assert got == b"".join(big)
    assert took < 5.0, took  # it may catch up now and then (one 0.5 s pause each), never pause per read


def test_stop_ends_a_pause_at_once() -> None:
    server = ChunkedServer([(0.0, b'{"n":1}\n')], end=False)
    resp = server.get()
    stop = threading.Event()
    it = watch_payload(resp, stop, pause=30.0)
    assert next(it) == b'{"n":1}\n'
    threading.Timer(0.2, stop.set).start()
    t = time.monotonic()
    assert list(it) == []
    assert time.monotonic() - t < 5.0
    resp.close()


def configmap_watch(n: int, config):  # noqa: ANN001, ANN201 - (Storage, SimApiServer, started Reflector)
    """A reflector of ConfigMaps c0..c<n-1> over the simulated apiserver, started; the caller stops both."""
    from ksm_shard.generator import ResourceRenderer
    from ksm_shard.kube.client import KubeClient, load_configuration
    from ksm_shard.kube.kinds import KINDS
    from ksm_shard.kube.reflector import Reflector
    from ksm_shard.resources import RESOURCES
    from ksm_shard.sharding import ShardFilter
    from ksm_shard.sim.apiserver import SimApiServer
    from ksm_shard.sim.storage import Storage
    from ksm_shard.store import ResourceOutput

    storage = Storage()
    for i in range(n):
        storage.create("configmaps", {"metadata": {"name": f"c{i}", "namespace": "default"}, "data": {"k": "v"}})
    sim = SimApiServer(storage)
    sim.start()
    renderer = ResourceRenderer(RESOURCES["configmaps"])
    out = ResourceOutput("configmaps", renderer.headers, [f.name for f in renderer.families])
    refl = Reflector(KubeClient(load_configuration(None, sim.url)), KINDS["configmaps"], renderer, out.new_slot(),
                     ShardFilter(0, 1), config=config)  # fmt: skip
    refl.start()
    return storage, sim, refl


def test_a_caught_up_watch_folds_its_store_so_a_scrape_finds_little_staged(tmp_path) -> None:  # noqa: ANN001
    """Reflector over the simulated apiserver: after a burst of updates, the store is folded by the watch thread
    (ReflectorConfig.fold_interval), not left for the next scrape."""
    from ksm_shard.kube.reflector import ReflectorConfig

    storage, sim, refl = configmap_watch(200, ReflectorConfig(fold_interval=0.3, watch_pause=0.05))
    try:
        assert refl.synced.wait(30)
        store = refl.slot.current
        deadline = time.monotonic() + 20
        i = 0
        while time.monotonic() < deadline:  # keep updating until a fold by the watch thread has been seen
            obj = storage.get("configmaps", "default", f"c{i % 200}")
            obj["metadata"].setdefault("labels", {})["v"] = str(i)
            storage.update("configmaps", obj)
            i += 1
            time.sleep(0.01)
            if i > 100 and sum(len(b.pending) for b in store._buckets if b is not None) == 0:
                break
        else:
            raise AssertionError("the watch never folded its staged changes")
    finally:
        refl.stop()
        sim.stop()


@pytest.fixture(scope="module")
def tls_pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[ssl.SSLContext, str]:
    if shutil.which("openssl") is None:
        pytest.fail("the openssl CLI is needed to make a test certificate")
    d: Path = tmp_path_factory.mktemp("tls")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", "k.pem", "-out", "c.pem", "-subj", "/CN=localhost", "-days", "2",
                    "-addext", "subjectAltName=IP:127.0.0.1"], cwd=d, check=True, capture_output=True)  # fmt: skip
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(d / "c.pem", d / "k.pem")
    return ctx, str(d / "c.pem")


def test_over_tls_bursts_and_full_speed_both_hold(tls_pair: tuple[ssl.SSLContext, str]) -> None:
    """A real apiserver speaks TLS: reads return at most one 16 KB record, so "caught up" must come from the socket
    and the TLS buffer, never from a short read."""
    ctx, ca = tls_pair
    events = [b'{"n":%d}\n' % i for i in range(10)]
    resp = ChunkedServer([(0.03, e) for e in events], tls=ctx).get(ca)
    blocks = _blocks(watch_payload(resp, threading.Event(), pause=0.2))
    resp.close()
    assert b"".join(blocks) == b"".join(events) and len(blocks) <= 4
    big = [b"%06d" % i + b"z" * 1000 + b"\n" for i in range(20000)]
    resp = ChunkedServer([(0.0, e) for e in big], tls=ctx).get(ca)
    t = time.monotonic()
    got = b"".join(watch_payload(resp, threading.Event(), pause=0.5))
    took = time.monotonic() - t
    resp.close()
    assert got == b"".join(big)
    assert took < 6.0, took


def test_a_stream_cut_before_its_last_chunk_is_an_error_not_an_end() -> None:
    from ksm_shard.kube.watchbody import StreamCut

    server = ChunkedServer([(0.0, b'{"n":1}\n')], end=False)
    server.script = [(0.0, b'{"n":1}\n')]
    resp = server.get()
    it = watch_payload(resp, threading.Event(), pause=0.05)
    assert next(it) == b'{"n":1}\n'
    resp._connection.sock.shutdown(socket.SHUT_RDWR)  # the connection goes away mid-stream
    with pytest.raises(StreamCut):
        list(it)
    resp.close()


def test_a_watch_holds_back_while_a_scrape_reads_the_stores(monkeypatch: pytest.MonkeyPatch) -> None:
    """Events that arrive during a scrape are applied once it is done (store.ScrapeGate), not meanwhile."""
    from ksm_shard.kube.reflector import ReflectorConfig
    from ksm_shard.store import SCRAPE_GATE

    monkeypatch.setattr(SCRAPE_GATE, "hold", 30.0)
    monkeypatch.setattr(SCRAPE_GATE, "every", 0.0)
    storage, sim, refl = configmap_watch(1, ReflectorConfig(watch_pause=0.0))
    entered = False
    try:
        assert refl.synced.wait(30)
        obj = storage.get("configmaps", "default", "c0")
        uid = obj["metadata"]["uid"]
        store = refl.slot.current
        assert store.version(uid) == obj["metadata"]["resourceVersion"]
        SCRAPE_GATE.enter()
        entered = True
        obj["data"]["k"] = "w"
        rv = storage.update("configmaps", obj)["metadata"]["resourceVersion"]
        time.sleep(1.0)
        assert store.version(uid) != rv  # held back while the scrape lasts
        SCRAPE_GATE.leave()
        entered = False
        deadline = time.monotonic() + 10
        while store.version(uid) != rv and time.monotonic() < deadline:
            time.sleep(0.02)
        assert store.version(uid) == rv
    finally:
        if entered:
            SCRAPE_GATE.leave()
        refl.stop()
        sim.stop()
