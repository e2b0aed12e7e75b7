"""Scrapes under load: 16 concurrent scrapes during churn all complete and parse; stalled scrapers hold nothing."""

from __future__ import annotations

import socket
import threading
import time

import pytest
from prometheus_client.parser import text_string_to_metric_families

from ksm_shard.launch import ExporterProcess, http_get
from ksm_shard.sim.apiserver import SimApiServer
from ksm_shard.sim.churn import Churner
from ksm_shard.sim.cluster import generate_cluster
from ksm_shard.sim.storage import Storage


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):  # noqa: ANN001
    storage = Storage()
    for resource, objs in generate_cluster(1000, seed=2).items():
        storage.bulk_load(resource, objs)
    sim = SimApiServer(storage, bookmark_interval=1.0)
    sim.start()
    proc = ExporterProcess(sim.url, ["--server-write-timeout=2s", "--enable-gzip-encoding"],
                           log_dir=tmp_path_factory.mktemp("logs")).start()  # fmt: skip
    churner = Churner(storage, 200, seed=9)
    try:
        proc.wait_ready(120)
        churner.start()
        yield storage, proc
    finally:
        churner.stop()
        proc.stop()
        sim.stop()


def stalled_scraper(port: int) -> socket.socket:
    """Sends a scrape request and never reads the answer (a tiny receive buffer fills at once)."""
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(("127.0.0.1", port))
    s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
    return s


def events(proc: ExporterProcess) -> float:
    text = http_get(proc.telemetry_url + "/metrics")[1].decode()
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line.startswith("ksm_shard_watch_events_total{"))  # fmt: skip


def test_sixteen_concurrent_scrapes_under_churn_with_stalled_scrapers(loaded) -> None:  # noqa: ANN001
    storage, proc = loaded
    stalled = [stalled_scraper(proc.port) for _ in range(6)]
    try:
        before = events(proc)
        results: list[tuple[int, bytes, float]] = []
        lock = threading.Lock()

        def scrape(i: int) -> None:
            t0 = time.monotonic()
            headers = {"Accept-Encoding": "gzip"} if i % 2 else {}
            status, body, hdrs = http_get(proc.url + "/metrics", timeout=60, headers=headers)
            if hdrs.get("Content-Encoding") == "gzip":
                import gzip

                body = gzip.decompress(body)
            with lock:
                results.append((status, body, time.monotonic() - t0))

        threads = [threading.Thread(target=scrape, args=(i,)) for i in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(90)
        assert len(results) == 16
        n_pods = len(storage.list("pods"))
        headers = None
        for k, (status, body, _) in enumerate(results):
            assert status == 200 and body.endswith(b"\n")
            text = body.decode()
            if k < 2:  # the strict parser is slow: two full parses, structural checks for all
                {f.name for f in text_string_to_metric_families(text)}
            fams = [line.split(" ", 3)[2] for line in text.splitlines() if line.startswith("# TYPE ")]
            headers = headers or fams
            assert fams == headers  # complete: every family of every resource, none cut off
            assert abs(text.count("\nkube_pod_info{") - n_pods) <= n_pods * 0.05
        assert max(t for _, _, t in results) < 60
        # event processing went on while scrapers stalled and 16 scrapes ran
        assert events(proc) > before
    finally:
        for s in stalled:
            s.close()


def test_stalled_scraper_is_cut_off_after_the_write_timeout(loaded) -> None:  # noqa: ANN001
    _, proc = loaded
    s = stalled_scraper(proc.port)
    try:
        time.sleep(4)  # --server-write-timeout=2s: the server gives up on this connection
        s.setblocking(True)
        s.settimeout(10)
        received = 0
        while True:  # drain what was sent before the cut; the stream must end (EOF), not hang
            chunk = s.recv(1 << 20)
            if not chunk:
                break
            received += len(chunk)
        full = len(http_get(proc.url + "/metrics")[1])
        assert received < full
    finally:
        s.close()
    assert http_get(proc.url + "/healthz")[0] == 200
