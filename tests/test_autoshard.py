"""Auto-sharding against the simulated apiserver: ordinal from the pod, count from the StatefulSet, live resizes."""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest
from conftest import FAST, client_for, wait_for
from factories import configmap

from ksm_shard.autoshard import PREPARED, SERVING
from ksm_shard.exporter import Exporter
from ksm_shard.launch import sample_lines
from ksm_shard.options import Options

NS = "monitoring"


def statefulset(replicas: int) -> dict:
    return {"kind": "StatefulSet", "apiVersion": "apps/v1",
            "metadata": {"name": "ksm", "namespace": NS, "uid": "5f0c8f5e-0000-4000-8000-00000000aaaa"},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "ksm"}},
                     "serviceName": "ksm"}}  # fmt: skip


def replica_pod(i: int) -> dict:
    return {"kind": "Pod", "apiVersion": "v1",
            "metadata": {"name": f"ksm-{i}", "namespace": NS, "labels": {"app": "ksm"},
                         "ownerReferences": [{"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "ksm",
                                              "uid": "5f0c8f5e-0000-4000-8000-00000000aaaa", "controller": True}]},
            "spec": {"containers": [{"name": "ksm", "image": "ksm-shard"}]}}  # fmt: skip


class Fleet:
    """The StatefulSet controller's part: replica pods and their exporters (in-process, over HTTP to the sim)."""

    def __init__(self, storage, sim) -> None:  # noqa: ANN001
        self.storage, self.sim = storage, sim
        self.replicas: dict[int, Exporter] = {}

    def add(self, i: int) -> Exporter:
        self.storage.create("pods", replica_pod(i))
        opts = Options(resources=["configmaps"], pod=f"ksm-{i}", pod_namespace=NS)
        exp = Exporter(opts, client_for(self.sim.url), reflector_config=FAST)
        exp.start()
        self.replicas[i] = exp
        return exp

    def remove(self, i: int) -> None:
        self.replicas.pop(i).stop()
        self.storage.delete("pods", NS, f"ksm-{i}")

    def union(self) -> Counter:
        return Counter(line for e in list(self.replicas.values()) for line in sample_lines(b"".join(e.scrape())))

    def stop(self) -> None:
        for e in self.replicas.values():
            e.stop()


@pytest.fixture
def fleet(storage, sim):  # noqa: ANN001
    f = Fleet(storage, sim)
    yield f
    f.stop()


def truth(storage) -> Counter:  # noqa: ANN001
    return Counter(
        f'kube_configmap_info{{namespace="{md["namespace"]}",configmap="{md["name"]}"}} 1'
        for md in (c["metadata"] for c in storage.list("configmaps"))
    )


def info_lines(c: Counter) -> Counter:
    return Counter({k: v for k, v in c.items() if k.startswith("kube_configmap_info{")})


def test_resize_hands_over_without_gaps_or_duplicates(storage, sim, fleet) -> None:  # noqa: ANN001
    storage.bulk_load("configmaps", [configmap(f"cm-{i}", f"ns-{i % 4}") for i in range(4000)])
    storage.create("statefulsets", statefulset(3))
    for i in range(3):
        fleet.add(i)
    assert wait_for(lambda: all(e.ready() for e in fleet.replicas.values()), timeout=30)
    assert wait_for(lambda: info_lines(fleet.union()) == truth(storage), timeout=10)
    assert [e.shard.total_shards for e in fleet.replicas.values()] == [3, 3, 3]

    bad = []
    checks = [0]
    stop = threading.Event()

    def observe() -> None:  # a scraper: every union it sees must be exact, apart from a transitional moment
        while not stop.is_set():
            checks[0] += 1
            if info_lines(fleet.union()) != truth(storage):
                bad.append(time.monotonic())
            time.sleep(0.01)

    watcher = threading.Thread(target=observe, daemon=True)
    watcher.start()
    # 3 -> 4
    storage.patch("statefulsets", NS, "ksm", {"spec": {"replicas": 4}})
    fleet.add(3)
    assert wait_for(lambda: all(e.shard and e.shard.total_shards == 4 for e in fleet.replicas.values()), timeout=30)
    assert wait_for(lambda: info_lines(fleet.union()) == truth(storage), timeout=10)

    def annotated(n: str) -> bool:  # each replica records its switch with a PATCH of its own pod, right after it
        pods = {p["metadata"]["name"]: p["metadata"].get("annotations", {}) for p in storage.list("pods")}
        return all(pods[f"ksm-{i}"].get(SERVING) == n and pods[f"ksm-{i}"].get(PREPARED) == n for i in range(4))

    assert wait_for(lambda: annotated("4"), timeout=10)
    # 4 -> 2: the replicas scaled away keep serving until their successors serve, then retire
    storage.patch("statefulsets", NS, "ksm", {"spec": {"replicas": 2}})
    assert wait_for(lambda: fleet.replicas[2].view is None and fleet.replicas[3].view is None, timeout=30)
    fleet.remove(3)
    fleet.remove(2)
    assert wait_for(lambda: info_lines(fleet.union()) == truth(storage), timeout=10)
    stop.set()
    watcher.join()
    assert [e.shard.total_shards for e in fleet.replicas.values()] == [2, 2]
    # every bad observation must fall into a short transitional moment, not a sync-long gap
    bursts = [t for k, t in enumerate(bad) if k == 0 or t - bad[k - 1] > 0.5]
    print(f"bad observations: {len(bad)} of {checks[0]} in {len(bursts)} bursts")
    assert checks[0] >= 5
    assert len(bursts) <= 2 and len(bad) <= 6, bad
