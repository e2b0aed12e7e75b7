"""``python -m benchmarks --quick`` runs and writes a well-formed report (not whether the targets pass)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from statistics import mean

import pytest
from pngcheck import assert_png

REPO = Path(__file__).resolve().parent.parent
TARGET_IDS = {
    "owned_pod_event_cpu",
    "not_owned_event_cpu",
    "sync_cpu_ratio_client",
    "sync_cpu_ratio_server",
    "rss_vs_rendered",
    "scrape_1m_plain_p99",
    "scrape_1m_gzip_p99",
    "union_exact",
}

pytest.importorskip("matplotlib", reason="the benchmark plots need: pip install -r benchmarks/requirements.txt")


@pytest.fixture(scope="module")
def quick_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess]:
    out = tmp_path_factory.mktemp("bench")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--out", str(out)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-5000:]
    return out, proc


@pytest.mark.timeout(240)
def test_quick_writes_a_well_formed_report(quick_report: tuple[Path, subprocess.CompletedProcess]) -> None:
    out, proc = quick_report
    jsons = list(out.glob("*-quick.json"))
    assert len(jsons) == 1, sorted(p.name for p in out.iterdir())
    results = json.loads(jsons[0].read_text())

    assert results["schema"] == "ksm-shard-bench/1"
    assert results["scenario"]["name"] == "quick"
    assert results["duration_s"] < 180
    assert {"cpus", "memory_bytes", "python", "commit"} <= results["machine"].keys()
    assert {"owned_us", "not_owned_us", "scrape_series"} <= results["micro"].keys()

    configs = {(r["mode"], r["shards"]) for r in results["runs"]}
    assert configs == {("unsharded", 1), ("server", 3), ("client", 3)}
    for run in results["runs"]:
        assert len(run["per_shard"]) == run["shards"]
        assert run["union"]["ok"] in (True, False) and run["union"]["verdict"]
        for rec in run["per_shard"]:
            assert rec["ready_s"] > 0 and rec["cpu_ready_s"] > 0
            assert rec["rss_sync_bytes"] > 0 and rec["rss_churn_bytes"] > 0
            assert rec["series"] > 0 and rec["bytes_plain"] > rec["bytes_gzip"] > 0
            for cond in ("idle", "churn"):
                for enc in ("plain", "gzip"):
                    s = rec["scrape"][cond][enc]
                    assert 0 < s["p50_ms"] <= s["p99_ms"]
            assert rec["event_windows"] and "us_per_event" in rec["event_windows"][0]
            assert rec["ramp"] and "max_sustained_rate" in rec
        # server-side shards receive only their own objects; client-side ones every object
        received = [w["owned"] + w["not_owned"] for r in run["per_shard"] for w in r["event_windows"]]
        assert all(n > 0 for n in received)
        # sharded configurations sync an unsharded reference just before their shards, for the sync ratio
        assert (run["shards"] > 1) == ("sync_reference" in run)
        if run["shards"] > 1:  # one just before the shards, one just after them
            ref = run["sync_reference"]
            assert len(ref["samples"]) == 2 and min(ref["samples"]) > 0
            assert ref["cpu_ready_s"] == pytest.approx(mean(ref["samples"]))

    assert len(results["summary"]) == len(results["runs"])
    targets = {t["id"]: t for t in results["targets"]}
    assert set(targets) == TARGET_IDS
    for t in targets.values():
        assert t["verdict"] in ("PASS", "FAIL"), t
        assert t["basis"]
    for mode in ("client", "server"):
        run = next(r for r in results["runs"] if r["mode"] == mode)
        ratio = mean(r["cpu_ready_s"] for r in run["per_shard"]) / run["sync_reference"]["cpu_ready_s"]
        assert targets[f"sync_cpu_ratio_{mode}"]["value"] == pytest.approx(ratio)
        assert "synced alone just before and just after them" in targets[f"sync_cpu_ratio_{mode}"]["basis"]

    md = out / jsons[0].name.replace(".json", ".md")
    text = md.read_text()
    assert "| Target | Measured | Threshold | Verdict | Basis |" in text
    lines = text.splitlines()
    head = next(i for i, ln in enumerate(lines) if ln.startswith("| Mode | Shards | Ready s"))
    table = lines[head : lines.index("", head)]
    width = table[0].count("|")
    assert len(table) == 2 + len(results["runs"])  # header, separator, one row per configuration
    assert all(row.count("|") == width for row in table)
    assert {row.split("|")[1].strip() for row in table[2:]} == {"unsharded", "server", "client"}
    assert text.count("**PASS**") + text.count("**FAIL**") == len(TARGET_IDS)

    assert len(results["plots"]) == 2
    for name in results["plots"].values():
        assert f"]({name})" in text
        assert_png(out / name)

    for t in targets.values():  # the command prints one verdict line per target
        assert f"{t['verdict']}  {t['description']}" in proc.stdout


def test_scrape_bodies_are_read_exactly_into_one_reused_buffer() -> None:
    """The benchmark's scrape client (benchmarks.measure.BodyBuffer) reads bodies into one buffer, as Prometheus'
    pooled buffers do, and returns them exact, with a length or chunked (gzip bodies); a body cut short is an
    error, never a silently short scrape."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from benchmarks.measure import BodyBuffer

    bodies = {"/big": bytes(range(256)) * 4000, "/small": b"x" * 10, "/chunked": bytes(range(7, 250)) * 20000}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            body = bodies.get(self.path.removesuffix("-cut"), b"")
            if self.path.startswith("/chunked"):
                self.send_response(200)
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                for i in range(0, len(body), 100_000):
                    piece = body[i : i + 100_000]
                    self.wfile.write(b"%X\r\n%s\r\n" % (len(piece), piece))
                if not self.path.endswith("-cut"):
                    self.wfile.write(b"0\r\n\r\n")
                self.close_connection = True
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(body) + (5 if self.path == "/cut" else 0)))
            self.end_headers()
            self.wfile.write(body)
            self.close_connection = True  # a body cut short ends with the connection

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        buf = BodyBuffer()
        status, view, _ = buf.get(port, "/big", None, 10)
        assert status == 200 and bytes(view) == bodies["/big"]
        first = buf.buf
        status, view, _ = buf.get(port, "/small", None, 10)
        assert bytes(view) == bodies["/small"] and buf.buf is first  # the same buffer, not a new one
        held = view  # a caller's view of the last body is still alive: growing must not resize under it
        status, view, _ = buf.get(port, "/chunked", None, 10)  # 4.9 MB, chunked: the buffer grows
        assert status == 200 and bytes(view) == bodies["/chunked"] and len(held) == len(bodies["/small"])
        with pytest.raises(Exception, match="IncompleteRead"):
            buf.get(port, "/chunked-cut", None, 10)
        bodies["/cut"] = b"abc"
        with pytest.raises(Exception, match="cut short|IncompleteRead"):
            buf.get(port, "/cut", None, 10)
    finally:
        server.shutdown()
        server.server_close()
