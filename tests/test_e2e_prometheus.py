"""End to end with a real Prometheus: auto-sharded replicas (real processes) of the simulated cluster, the union
as Prometheus sees it, the upstream queries users rely on, and live resizes 3 -> 4 -> 2 under churn."""

from __future__ import annotations

import random
import re
import shutil
import threading
import time
from collections import Counter

import pytest
from conftest import wait_for

from ksm_shard.launch import ExporterProcess, http_get
from ksm_shard.sim.apiserver import SimApiServer
from ksm_shard.sim.churn import restart_container
from ksm_shard.sim.cluster import generate_cluster
from ksm_shard.sim.storage import NotFound, Storage

pytestmark = pytest.mark.skipif(shutil.which("prometheus") is None, reason="scripts/test.sh installs prometheus")

NS = "ksm-shard-system"  # not a namespace the synthetic cluster uses
STS_UID = "5f0c8f5e-0000-4000-8000-00000000bbbb"
_UID = re.compile(rb'^kube_pod_info\{namespace="[^"]*",pod="[^"]*",uid="([^"]+)"', re.M)


def statefulset(replicas: int) -> dict:
    return {"kind": "StatefulSet", "apiVersion": "apps/v1",
            "metadata": {"name": "ksm-shard", "namespace": NS, "uid": STS_UID},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "ksm-shard"}},
                     "serviceName": "ksm-shard"}}  # fmt: skip


def replica_pod(i: int) -> dict:
    return {"kind": "Pod", "apiVersion": "v1",
            "metadata": {"name": f"ksm-shard-{i}", "namespace": NS, "labels": {"app": "ksm-shard"},
                         "ownerReferences": [{"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "ksm-shard",
                                              "uid": STS_UID, "controller": True}]},
            "spec": {"containers": [{"name": "ksm-shard", "image": "ksm-shard:dev"}]},
            "status": {"phase": "Running"}}  # fmt: skip


class StatefulSetHarness:
    """Plays the StatefulSet controller and kubelet: replica Pod objects and ksm-shard processes, and the
    Prometheus targets (what kubernetes_sd would discover)."""

    def __init__(self, storage: Storage, sim: SimApiServer, prom, log_dir) -> None:  # noqa: ANN001
        self.storage, self.sim, self.prom, self.log_dir = storage, sim, prom, log_dir
        self.procs: dict[int, ExporterProcess] = {}

    def _publish(self) -> None:
        self.prom.set_targets(
            {f"ksm-shard-{i}": f"127.0.0.1:{p.port}" for i, p in self.procs.items()},
            {f"ksm-shard-{i}": f"127.0.0.1:{p.telemetry_port}" for i, p in self.procs.items()},
        )

    def add(self, i: int) -> None:
        self.storage.create("pods", replica_pod(i))
        proc = ExporterProcess(self.sim.url, ["--pod", f"ksm-shard-{i}", "--pod-namespace", NS],
                               log_dir=self.log_dir, name=f"ksm-shard-{i}")  # fmt: skip
        self.procs[i] = proc.start()
        self._publish()

    def remove(self, i: int) -> None:
        self.procs.pop(i).stop()
        self.storage.delete("pods", NS, f"ksm-shard-{i}")
        self._publish()

    def scale(self, replicas: int) -> None:
        self.storage.patch("statefulsets", NS, "ksm-shard", {"spec": {"replicas": replicas}})

    def serving(self) -> dict[str, str | None]:
        return {p["metadata"]["name"]: (p["metadata"].get("annotations") or {}).get("ksm-shard.io/serving-shards")
                for p in self.storage.list("pods") if p["metadata"].get("namespace") == NS
                and (p["metadata"].get("labels") or {}).get("app") == "ksm-shard"}  # fmt: skip

    def stop(self) -> None:
        for p in self.procs.values():
            p.stop()


@pytest.fixture(scope="module")
def world(tmp_path_factory):  # noqa: ANN001
    from promhelper import Prometheus

    work = tmp_path_factory.mktemp("e2e")
    storage = Storage()
    for resource, objs in generate_cluster(2000, seed=11).items():
        storage.bulk_load(resource, objs)
    storage.create("statefulsets", statefulset(3))
    sim = SimApiServer(storage, bookmark_interval=1.0)
    sim.start()
    prom = Prometheus(work).start()
    fleet = StatefulSetHarness(storage, sim, prom, work)
    try:
        for i in range(3):
            fleet.add(i)
        for p in fleet.procs.values():
            p.wait_ready(120)
        yield storage, sim, prom, fleet
    finally:
        fleet.stop()
        prom.stop()
        sim.stop()


def pods_in_ns(storage: Storage) -> list[dict]:
    return [p for p in storage.list("pods") if p["metadata"].get("namespace") != NS]


def test_prometheus_sees_the_exact_union(world) -> None:  # noqa: ANN001
    storage, _, prom, fleet = world
    n_pods = len(storage.list("pods"))  # includes the replicas' own pods: they are pods of the cluster too
    assert wait_for(lambda: prom.scalar("count(kube_pod_info)") == n_pods, timeout=60), prom.scalar(
        "count(kube_pod_info)"
    )
    assert prom.targets_up() == {f"ksm-shard-{i}": 1.0 for i in range(3)}
    assert prom.query("count by (uid) (kube_pod_info) > 1") == []
    assert prom.scalar("count(kube_configmap_created)") == len(storage.list("configmaps"))
    assert wait_for(lambda: prom.scalar("count(kube_state_metrics_total_shards == 3)") == 3, timeout=10)
    assert {r["metric"]["shard_ordinal"] for r in prom.query("kube_state_metrics_shard_ordinal")} == {"0", "1", "2"}


def test_upstream_queries_return_what_the_cluster_implies(world) -> None:  # noqa: ANN001
    storage, _, prom, _ = world
    not_ready = {n["metadata"]["name"] for n in storage.list("nodes")
                 if not any(c.get("type") == "Ready" and c.get("status") == "True"
                            for c in n.get("status", {}).get("conditions", []))}  # fmt: skip
    got = {r["metric"]["node"] for r in prom.query('kube_node_status_condition{condition="Ready",status!="true"} == 1')}
    assert got == not_ready and not_ready
    odd_phase = {p["metadata"]["uid"] for p in storage.list("pods")
                 if p.get("status", {}).get("phase") in ("Failed", "Unknown", "Pending")}  # fmt: skip
    got = {r["metric"]["uid"] for r in prom.query('kube_pod_status_phase{phase=~"Failed|Unknown|Pending"} == 1')}
    assert got == odd_phase and odd_phase
    failed_jobs = {j["metadata"]["name"] for j in storage.list("jobs") if j.get("status", {}).get("failed") == 1}
    got = {r["metric"]["job_name"] for r in prom.query("kube_job_status_failed == 1")}
    assert failed_jobs and failed_jobs <= got
    started = sum(1 for p in storage.list("pods") for cs in p.get("status", {}).get("containerStatuses", [])
                  if "running" in cs.get("state", {}) or "terminated" in cs.get("state", {}))  # fmt: skip
    assert prom.scalar("count(kube_pod_container_state_started)") == started
    victims = [p for p in pods_in_ns(storage) if p.get("status", {}).get("containerStatuses")][:3]
    for p in victims:
        restart_container(storage, p["metadata"]["namespace"], p["metadata"]["name"])
    names = {p["metadata"]["name"] for p in victims}
    restarted = "changes(kube_pod_container_status_restarts_total[5m]) > 0"
    assert wait_for(lambda: names <= {r["metric"]["pod"] for r in prom.query(restarted)}, timeout=30)


def union_round(fleet: StatefulSetHarness) -> tuple[Counter, int]:
    uids: Counter = Counter()
    for p in list(fleet.procs.values()):
        try:
            body = http_get(p.url + "/metrics?resources=pods", timeout=10)[1]
        except OSError:
            continue
        uids.update(u.decode() for u in _UID.findall(body))
    return uids, len(fleet.procs)


def test_resize_3_4_2_under_churn(world) -> None:  # noqa: ANN001
    storage, _, prom, fleet = world
    # The workload's pods: churn below modifies them, never adds or removes. The replicas' own pods come and go.
    truth = {p["metadata"]["uid"] for p in pods_in_ns(storage)}
    replica_uids: set[str] = set()
    stop = threading.Event()
    rng = random.Random(5)
    targets = [(p["metadata"]["namespace"], p["metadata"]["name"]) for p in pods_in_ns(storage)]
    configmaps = [(c["metadata"]["namespace"], c["metadata"]["name"]) for c in storage.list("configmaps")]
    changes = [0]

    def churn() -> None:
        while not stop.is_set():
            ns, name = rng.choice(targets)
            try:
                storage.patch("pods", ns, name, {"metadata": {"annotations": {"churn": str(changes[0])}}})
                ns, name = rng.choice(configmaps)
                storage.patch("configmaps", ns, name, {"data": {"churn": str(changes[0])}})
            except NotFound:
                pass
            changes[0] += 2
            time.sleep(0.02)

    rounds: list[tuple[float, bool]] = []

    def record() -> None:
        while not stop.is_set():
            uids, _ = union_round(fleet)
            replica_uids.update(p["metadata"]["uid"] for p in storage.list("pods") if p["metadata"]["namespace"] == NS)
            exact = set(uids) - replica_uids == truth and max(uids.values(), default=0) == 1
            rounds.append((time.monotonic(), exact))
            time.sleep(0.2)

    threads = [threading.Thread(target=churn, daemon=True), threading.Thread(target=record, daemon=True)]
    for t in threads:
        t.start()
    time.sleep(1.0)
    try:
        # 3 -> 4
        start = len(rounds)
        fleet.scale(4)
        fleet.add(3)
        assert wait_for(lambda: set(fleet.serving().values()) == {"4"}, timeout=120), fleet.serving()
        time.sleep(1.0)
        up_bad = sum(1 for _, ok in rounds[start:] if not ok)
        # 4 -> 2: replicas 2 and 3 keep serving until 0 and 1 serve the new count, then retire
        start = len(rounds)
        fleet.scale(2)
        assert wait_for(lambda: all(fleet.procs[i].status("/readyz") == 503 for i in (2, 3)), timeout=120)
        fleet.remove(3)
        fleet.remove(2)
        assert wait_for(lambda: {v for k, v in fleet.serving().items()} == {"2"}, timeout=60), fleet.serving()
        time.sleep(1.0)
        down_bad = sum(1 for _, ok in rounds[start:] if not ok)
    finally:
        stop.set()
        for t in threads:
            t.join(30)
    print(f"resize 3->4: {up_bad} bad of the recorded unions; 4->2: {down_bad}; {changes[0]} changes; "
          f"{len(rounds)} rounds")  # fmt: skip
    assert changes[0] > 50 and len(rounds) > 5
    assert up_bad <= 4 and down_bad <= 4  # at most one transitional scrape per replica per resize
    uids, _ = union_round(fleet)
    assert set(uids) - replica_uids == truth and max(uids.values()) == 1
    # and Prometheus agrees once the removed targets are gone and fresh scrapes are in
    assert wait_for(lambda: prom.targets_up() == {"ksm-shard-0": 1.0, "ksm-shard-1": 1.0}, timeout=30)
    assert wait_for(lambda: prom.scalar("count(kube_pod_info)") == len(storage.list("pods")), timeout=30)
    assert prom.query("count by (uid) (kube_pod_info) > 1") == []
    assert prom.scalar("count(kube_state_metrics_total_shards == 2)") == 2


def test_client_side_shards_and_per_node_replicas_in_prometheus(tmp_path) -> None:  # noqa: ANN001
    """An apiserver without shardSelector support: 3 static shards filter client-side; and per-node pod
    replicas (--node) plus one --track-unscheduled-pods replica: each group covers every pod exactly once."""
    from promhelper import Prometheus

    storage = Storage()
    for resource, objs in generate_cluster(600, seed=4, nodes=3).items():
        storage.bulk_load(resource, objs)
    nodes = [n["metadata"]["name"] for n in storage.list("nodes")]
    sim = SimApiServer(storage, shard_selector_supported=False)
    sim.start()
    prom = Prometheus(tmp_path).start()
    arg_sets = {f"shard-{i}": ["--shard", str(i), "--total-shards", "3"] for i in range(3)}
    arg_sets |= {f"node-{n}": ["--resources=pods", f"--node={n}"] for n in nodes}
    arg_sets["unscheduled"] = ["--resources=pods", "--track-unscheduled-pods"]
    procs = {name: ExporterProcess(sim.url, args, log_dir=tmp_path, name=name) for name, args in arg_sets.items()}
    try:
        for p in procs.values():
            p.start()
        for p in procs.values():
            p.wait_ready(120)
        prom.set_targets({name: f"127.0.0.1:{p.port}" for name, p in procs.items()})
        n_pods = len(storage.list("pods"))
        unscheduled = sum(1 for p in storage.list("pods") if not p.get("spec", {}).get("nodeName"))
        assert unscheduled > 0
        assert wait_for(lambda: prom.scalar("count(up == 1)") == len(procs), timeout=30)
        assert wait_for(lambda: prom.scalar("count(count by (uid) (kube_pod_info))") == n_pods, timeout=60)
        # each group alone: the three shards, and the node replicas with the unscheduled one
        shard_ports = "|".join(f"127.0.0.1:{procs[f'shard-{i}'].port}" for i in range(3))
        node_ports = "|".join(f"127.0.0.1:{p.port}" for name, p in procs.items() if not name.startswith("shard-"))
        for ports in (shard_ports, node_ports):
            sel = f'kube_pod_info{{instance=~"{ports}"}}'
            assert prom.scalar(f"count({sel})") == n_pods
            assert prom.query(f"count by (uid) ({sel}) > 1") == []
        assert prom.scalar(f'count(kube_pod_info{{instance="127.0.0.1:{procs["unscheduled"].port}"}})') == unscheduled
        assert prom.scalar(f'count(kube_configmap_created{{instance=~"{shard_ports}"}})') == len(
            storage.list("configmaps")
        )
        telemetry = http_get(procs["shard-0"].telemetry_url + "/metrics")[1].decode()
        assert 'ksm_shard_server_side_sharding{resource="pods"} 0.0' in telemetry
        assert 'ksm_shard_watch_events_total{owned="false",resource="pods"}' in telemetry
    finally:
        for p in procs.values():
            p.stop()
        prom.stop()
        sim.stop()
