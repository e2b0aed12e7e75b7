"""The real process: gunicorn serving both ports, readiness, gzip, content type, telemetry, golden lines over HTTP."""

from __future__ import annotations

import gzip
import http.client
import shutil
import subprocess
import zlib

import pytest
from conftest import wait_for
from factories import configmap, pod

from ksm_shard import server
from ksm_shard.launch import ExporterProcess, http_get, sample_lines
from ksm_shard.sim.apiserver import SimApiServer
from ksm_shard.sim.storage import Storage

GOLDEN = {
    "configmaps": {
        "kind": "ConfigMap", "apiVersion": "v1",
        "metadata": {"name": "shop-config", "namespace": "shop", "uid": "1b9f2a7e-0000-4000-8000-000000000001",
                     "creationTimestamp": "2026-01-02T03:04:05Z"},
        "data": {"a": "b"},
    },
    "namespaces": {
        "kind": "Namespace", "apiVersion": "v1",
        "metadata": {"name": "shop", "uid": "1b9f2a7e-0000-4000-8000-000000000002",
                     "creationTimestamp": "2026-01-02T03:04:05Z"},
        "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"},
    },
    "nodes": {
        "kind": "Node", "apiVersion": "v1",
        "metadata": {"name": "node-a", "uid": "1b9f2a7e-0000-4000-8000-000000000003",
                     "creationTimestamp": "2026-01-02T03:04:05Z"},
        "spec": {"unschedulable": True},
        "status": {"capacity": {"cpu": "4", "memory": "16Gi", "pods": "110"},
                   "conditions": [{"type": "Ready", "status": "True"}]},
    },
    "deployments": {
        "kind": "Deployment", "apiVersion": "apps/v1",
        "metadata": {"name": "web", "namespace": "shop", "uid": "1b9f2a7e-0000-4000-8000-000000000004",
                     "generation": 3, "creationTimestamp": "2026-01-02T03:04:05Z"},
        "spec": {"replicas": 4, "selector": {"matchLabels": {"app": "web"}},
                 "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": 1}}},
        "status": {"replicas": 4, "readyReplicas": 3, "availableReplicas": 3, "unavailableReplicas": 1},
    },
    "jobs": {
        "kind": "Job", "apiVersion": "batch/v1",
        "metadata": {"name": "backup", "namespace": "shop", "uid": "1b9f2a7e-0000-4000-8000-000000000005",
                     "creationTimestamp": "2026-01-02T03:04:05Z"},
        "spec": {"parallelism": 1, "completions": 1, "backoffLimit": 0},
        "status": {"failed": 1, "startTime": "2026-01-02T03:05:00Z",
                   "conditions": [{"type": "Failed", "status": "True", "reason": "BackoffLimitExceeded"}]},
    },
    "pods": {
        "kind": "Pod", "apiVersion": "v1",
        "metadata": {"name": "web-1", "namespace": "shop", "uid": "1b9f2a7e-0000-4000-8000-000000000006",
                     "creationTimestamp": "2026-01-02T03:04:05Z",
                     "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-5d8f",
                                          "uid": "1b9f2a7e-0000-4000-8000-0000000000ff", "controller": True}]},
        "spec": {"nodeName": "node-a", "containers": [{"name": "app", "image": "shop/web:1.0",
                                                        "resources": {"requests": {"cpu": "250m", "memory": "64Mi"}}}]},
        "status": {"phase": "Running", "podIP": "10.0.0.7", "hostIP": "192.168.1.10", "qosClass": "Burstable",
                   "containerStatuses": [{"name": "app", "ready": True, "restartCount": 2, "image": "shop/web:1.0",
                                          "imageID": "shop/web@sha256:abc", "containerID": "containerd://c1",
                                          "state": {"running": {"startedAt": "2026-01-02T03:06:00Z"}}}]},
    },
}  # fmt: skip

EXPECTED = {
    "configmaps": [
        'kube_configmap_info{namespace="shop",configmap="shop-config"} 1',
        'kube_configmap_created{namespace="shop",configmap="shop-config"} 1.767323045e+09',
    ],
    "namespaces": [
        'kube_namespace_created{namespace="shop"} 1.767323045e+09',
        'kube_namespace_status_phase{namespace="shop",phase="Active"} 1',
        'kube_namespace_status_phase{namespace="shop",phase="Terminating"} 0',
    ],
    "nodes": [
        'kube_node_spec_unschedulable{node="node-a"} 1',
        'kube_node_status_capacity{node="node-a",resource="cpu",unit="core"} 4',
        'kube_node_status_capacity{node="node-a",resource="memory",unit="byte"} 1.7179869184e+10',
        'kube_node_status_capacity{node="node-a",resource="pods",unit="integer"} 110',
        'kube_node_status_condition{node="node-a",condition="Ready",status="true"} 1',
    ],
    "deployments": [
        'kube_deployment_spec_replicas{namespace="shop",deployment="web"} 4',
        'kube_deployment_status_replicas_unavailable{namespace="shop",deployment="web"} 1',
        'kube_deployment_spec_strategy_rollingupdate_max_unavailable{namespace="shop",deployment="web"} 1',
        'kube_deployment_spec_strategy_rollingupdate_max_surge{namespace="shop",deployment="web"} 1',
        'kube_deployment_metadata_generation{namespace="shop",deployment="web"} 3',
    ],
    "jobs": [
        'kube_job_status_failed{namespace="shop",job_name="backup",reason="BackoffLimitExceeded"} 1',
        'kube_job_failed{namespace="shop",job_name="backup",condition="true"} 1',
        'kube_job_status_start_time{namespace="shop",job_name="backup"} 1.7673231e+09',
    ],
    "pods": [
        'kube_pod_info{namespace="shop",pod="web-1",uid="1b9f2a7e-0000-4000-8000-000000000006",host_ip="192.168.1.10",'
        'pod_ip="10.0.0.7",node="node-a",created_by_kind="ReplicaSet",created_by_name="web-5d8f",priority_class="",'
        'host_network="false"} 1',
        'kube_pod_container_resource_requests{namespace="shop",pod="web-1",uid="1b9f2a7e-0000-4000-8000-000000000006",'
        'container="app",node="node-a",resource="cpu",unit="core"} 0.25',
        'kube_pod_container_status_restarts_total{namespace="shop",pod="web-1",'
        'uid="1b9f2a7e-0000-4000-8000-000000000006",container="app"} 2',
        'kube_pod_status_phase{namespace="shop",pod="web-1",uid="1b9f2a7e-0000-4000-8000-000000000006",'
        'phase="Running"} 1',
    ],
}


@pytest.fixture(scope="module")
def golden_cluster(tmp_path_factory):  # noqa: ANN001
    storage = Storage()
    for resource, obj in GOLDEN.items():
        storage.create(resource, obj)
    server = SimApiServer(storage)  # bound now, serving only after start(): the exporter starts unready
    proc = ExporterProcess(server.url, ["--enable-gzip-encoding"], log_dir=tmp_path_factory.mktemp("logs")).start()
    try:
        assert wait_for(lambda: proc.status("/healthz") == 200, timeout=60), proc._log_tail()
        not_ready = proc.status("/readyz")
        server.start()
        proc.wait_ready(60)
        yield storage, server, proc, not_ready
    finally:
        proc.stop()
        server.stop()


def test_readyz_is_503_before_first_sync_and_200_after(golden_cluster) -> None:  # noqa: ANN001
    _, _, proc, not_ready = golden_cluster
    assert not_ready == 503
    assert proc.status("/readyz") == 200


@pytest.mark.parametrize("resource", sorted(GOLDEN))
def test_golden_object_lines_over_http(golden_cluster, resource: str) -> None:  # noqa: ANN001
    _, _, proc, _ = golden_cluster
    lines = set(sample_lines(proc.metrics()))
    for expected in EXPECTED[resource]:
        assert expected in lines


def test_metrics_content_type_and_headers(golden_cluster) -> None:  # noqa: ANN001
    _, _, proc, _ = golden_cluster
    status, body, headers = http_get(proc.url + "/metrics")
    assert status == 200
    assert headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
    assert int(headers["Content-Length"]) == len(body)
    text = body.decode()
    assert (
        "# HELP kube_pod_info [STABLE] " in text and "# TYPE kube_pod_container_status_restarts_total counter" in text
    )
    # resources in alphabetical order: configmaps before deployments before jobs ... before pods
    order = [text.index(f"# HELP kube_{k}_") for k in ("configmap", "deployment", "job", "namespace", "node", "pod")]
    assert order == sorted(order)


def test_gzip_when_enabled_and_accepted(golden_cluster) -> None:  # noqa: ANN001
    _, _, proc, _ = golden_cluster
    plain = proc.metrics()
    status, body, headers = http_get(proc.url + "/metrics", headers={"Accept-Encoding": "gzip"})
    assert status == 200 and headers.get("Content-Encoding") == "gzip"
    assert gzip.decompress(body) == plain
    d = zlib.decompressobj(31)  # one gzip member, nothing after it: what curl and strict readers expect
    assert d.decompress(body) == plain and d.eof and d.unused_data == b""
    # compressed as it is sent: chunked, as from upstream's Go server, with no length up front
    assert headers.get("Transfer-Encoding") == "chunked" and "Content-Length" not in headers
    if shutil.which("curl"):
        curl = subprocess.run(["curl", "-sS", "--compressed", proc.url + "/metrics"], capture_output=True, timeout=30)
        assert curl.returncode == 0 and curl.stdout == plain
    _, body, headers = http_get(proc.url + "/metrics", headers={"Accept-Encoding": "gzip;q=0"})
    assert "Content-Encoding" not in headers and body == plain


def test_one_connection_serves_scrapes_back_to_back(golden_cluster) -> None:  # noqa: ANN001
    """Bodies written straight to the socket (sendmsg) and chunked gzip bodies keep HTTP/1.1 framing: several
    scrapes, plain and gzip, on one keep-alive connection, each complete, then HEAD (headers only, plain and
    gzip) on the same connection."""
    _, _, proc, _ = golden_cluster
    plain = proc.metrics()
    conn = http.client.HTTPConnection("127.0.0.1", proc.port, timeout=30)
    try:
        for accept in ("identity", "gzip", "identity", "gzip"):
            conn.request("GET", "/metrics", headers={"Accept-Encoding": accept})
            r = conn.getresponse()
            body = r.read()
            assert r.status == 200
            if accept == "gzip":
                assert r.headers["Transfer-Encoding"] == "chunked" and gzip.decompress(body) == plain
            else:
                assert int(r.headers["Content-Length"]) == len(body) and body == plain
        conn.request("HEAD", "/metrics")
        r = conn.getresponse()
        assert r.status == 200 and r.read() == b"" and int(r.headers["Content-Length"]) == len(plain)
        conn.request("HEAD", "/metrics", headers={"Accept-Encoding": "gzip"})
        r = conn.getresponse()
        assert r.status == 200 and r.read() == b"" and r.headers["Content-Encoding"] == "gzip"
        conn.request("GET", "/metrics")
        assert conn.getresponse().read() == plain
    finally:
        conn.close()


class _TrickleSocket:
    """sendmsg that takes at most ``limit`` bytes per call, as a full socket buffer does."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.out = bytearray()
        self.calls = 0

    def sendmsg(self, buffers: list) -> int:
        assert len(buffers) <= 1024  # IOV_MAX
        self.calls += 1
        data = b"".join(bytes(b) for b in buffers)[: self.limit]
        self.out += data
        return len(data)


@pytest.mark.parametrize("limit", [1, 7, 4096, 10**9])
def test_send_buffers_resumes_partial_writes(limit: int) -> None:
    parts = [bytes([65 + i % 26]) * (i % 5) for i in range(3000)] if limit > 1 else [b"ab", b"", b"cde", b"f"]
    expected = b"".join(parts)
    sock = _TrickleSocket(limit)
    body = server.send_buffers(sock, list(parts))  # type: ignore[arg-type]
    assert next(body) == b""  # gunicorn sends the headers on this empty write
    assert sock.calls == 0
    assert list(body) == []
    assert bytes(sock.out) == expected
    assert sock.calls >= (len(expected) + limit - 1) // limit


def test_resource_query_parameters(golden_cluster) -> None:  # noqa: ANN001
    _, _, proc, _ = golden_cluster
    only = sample_lines(proc.metrics("?resources=pods,nodes"))
    assert only and all(line.startswith(("kube_pod_", "kube_node_")) for line in only)
    rest = sample_lines(proc.metrics("?exclude_resources=pods"))
    assert rest and not any(line.startswith("kube_pod_") for line in rest)


def test_health_endpoints_and_landing_page(golden_cluster) -> None:  # noqa: ANN001
    _, _, proc, _ = golden_cluster
    assert http_get(proc.url + "/healthz")[1] == b"OK"
    assert http_get(proc.url + "/livez")[0] == 200
    status, body, headers = http_get(proc.url + "/")
    assert status == 200 and b'href="metrics"' in body and headers["Content-Type"].startswith("text/html")
    assert http_get(proc.url + "/nope")[0] == 404


def test_changes_reach_metrics(golden_cluster) -> None:  # noqa: ANN001
    storage, _, proc, _ = golden_cluster
    storage.create("configmaps", configmap("fresh", "shop"))
    assert wait_for(lambda: b'configmap="fresh"' in proc.metrics(), timeout=10)
    storage.create("pods", pod("p-new", "shop"))
    assert wait_for(lambda: b'pod="p-new"' in proc.metrics(), timeout=10)
    storage.delete("pods", "shop", "p-new")
    assert wait_for(lambda: b'pod="p-new"' not in proc.metrics(), timeout=10)


def test_telemetry_port(golden_cluster) -> None:  # noqa: ANN001
    _, _, proc, _ = golden_cluster
    status, body, _ = http_get(proc.telemetry_url + "/metrics")
    text = body.decode()
    assert status == 200
    assert 'kube_state_metrics_list_total{resource="*v1.Pod",result="success"}' in text
    assert 'kube_state_metrics_watch_total{resource="*v1.Pod",result="success"}' in text
    assert 'kube_state_metrics_shard_ordinal{shard_ordinal="0"} 0.0' in text
    assert "kube_state_metrics_total_shards 1.0" in text
    assert 'ksm_shard_owned_objects{resource="nodes"} 1.0' in text
    assert 'ksm_shard_server_side_sharding{resource="pods"} 0.0' in text  # unsharded: nothing to filter
    assert "kube_state_metrics_build_info{" in text
    assert http_get(proc.telemetry_url + "/readyz")[0] == 200


@pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool is installed by scripts/test.sh")
def test_output_passes_promtool(golden_cluster) -> None:  # noqa: ANN001
    _, _, proc, _ = golden_cluster
    p = subprocess.run(["promtool", "check", "metrics"], input=proc.metrics(), capture_output=True, timeout=60)
    assert p.returncode == 0, p.stdout + p.stderr


def test_openmetrics_negotiation(golden_cluster) -> None:  # noqa: ANN001
    from prometheus_client.openmetrics.parser import text_string_to_metric_families

    _, _, proc, _ = golden_cluster
    accept = "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"
    status, body, headers = http_get(proc.url + "/metrics", headers={"Accept": accept})
    assert status == 200
    assert headers["Content-Type"] == "application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=underscores"
    assert body.endswith(b"\n# EOF\n") and int(headers["Content-Length"]) == len(body)
    parsed = {f.name: f for f in text_string_to_metric_families(body.decode())}  # strict parser: raises if invalid
    restarts = parsed["kube_pod_container_status_restarts"]
    assert restarts.type == "counter" and restarts.samples[0].value == 2
    assert sample_lines(body) == sample_lines(proc.metrics())  # same samples as the text format
    _, body, headers = http_get(proc.url + "/metrics", headers={"Accept": "text/plain"})
    assert headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8" and b"# EOF" not in body


def test_a_scrape_body_ends_its_hold_on_the_watches_once_when_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The WSGI server always calls close(): sent, cut short by the client, or never iterated at all."""
    from ksm_shard.store import ScrapeGate

    gate = ScrapeGate(hold=30.0, every=0.0)
    monkeypatch.setattr(server, "SCRAPE_GATE", gate)
    closed = []

    def body():  # noqa: ANN202
        try:
            yield b"a"
            yield b"b"
        finally:
            closed.append(True)

    for iterate in (True, False):
        gate.enter()
        assert gate.until
        wrapped = server._Scrape(body())
        if iterate:
            assert next(iter(wrapped)) == b"a"  # the client went away after the first piece
        wrapped.close()
        wrapped.close()
        assert gate.until == 0.0 and gate._active == 0
    assert closed == [True]  # the started generator was closed; an unstarted one has nothing to clean up


def test_upstream_flags_a_manifest_may_pass(tmp_path) -> None:  # noqa: ANN001
    """A kube-state-metrics manifest's flags: --use-apiserver-cache works, klog and Go-runtime flags start the
    exporter and are each logged once as having no effect."""
    storage = Storage()
    for i in range(3):
        storage.create("configmaps", configmap(f"cm-{i}"))
    server = SimApiServer(storage)
    server.start()
    klog_file = tmp_path / "klog.log"
    args = ["--resources=configmaps", "--use-apiserver-cache", "--logtostderr", f"--log_file={klog_file}",
            "--auto-gomemlimit", "--v=2"]  # fmt: skip
    proc = ExporterProcess(server.url, args, log_dir=tmp_path).start()
    try:
        proc.wait_ready(60)
        assert proc.metrics().count(b"kube_configmap_info{") == 3
        lists = [q for m, p, q in list(server.requests) if p == "/api/v1/configmaps" and q.get("watch") != "true"]
        assert lists and lists[0].get("resourceVersion") == "0"
        log = proc.log_path.read_text()
        for flag in (f"--log_file={klog_file}", "--auto-gomemlimit=true"):
            assert log.count(f"{flag}: ignored: ") == 1, log
        assert "--logtostderr" not in log  # what ksm-shard does anyway: nothing to say
        assert not klog_file.exists()
    finally:
        proc.stop()
        server.stop()
