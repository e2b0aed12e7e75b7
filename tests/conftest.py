"""Shared fixtures: a simulated apiserver on 127.0.0.1 and in-process exporters talking HTTP to it."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import kubernetes.client
import pytest

from ksm_shard.exporter import Exporter
from ksm_shard.kube.client import KubeClient
from ksm_shard.kube.reflector import ReflectorConfig
from ksm_shard.options import Options
from ksm_shard.sim.apiserver import SimApiServer
from ksm_shard.sim.storage import Storage

FAST = ReflectorConfig(watch_timeout=30, backoff_initial=0.05, backoff_max=0.5, read_timeout_margin=10)


@pytest.fixture
def storage() -> Storage:
    return Storage()


@pytest.fixture
def sim(storage: Storage) -> Iterator[SimApiServer]:
    server = SimApiServer(storage, bookmark_interval=0.5)
    server.start()
    yield server
    server.stop()


def client_for(url: str) -> KubeClient:
    cfg = kubernetes.client.Configuration()
    cfg.host = url
    return KubeClient(cfg)


@pytest.fixture
def make_exporter(sim: SimApiServer) -> Iterator[Callable[..., Exporter]]:
    started: list[Exporter] = []

    def make(resources: list[str], shard: int = 0, total_shards: int = 1, **kw) -> Exporter:
        opts = Options(resources=resources, shard=shard, total_shards=total_shards, **kw)
        exp = Exporter(opts, client_for(sim.url), reflector_config=FAST)
        exp.start()
        started.append(exp)
        assert exp.wait_ready(30), "exporter did not sync"
        return exp

    yield make
    for exp in started:
        exp.stop()


def wait_for(predicate: Callable[[], bool], timeout: float = 10.0, interval: float = 0.02) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()
