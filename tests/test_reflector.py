"""Reflector and exporter against the simulated apiserver over HTTP: sync, events, resume, 410, sharding."""

from __future__ import annotations

import dataclasses
import time
import uuid
from collections import Counter

import pytest
from conftest import FAST, client_for, wait_for
from factories import configmap, pod

from ksm_shard.exporter import Exporter
from ksm_shard.kube.reflector import scan_uid
from ksm_shard.launch import sample_lines
from ksm_shard.options import Options


def body(exporter) -> str:  # noqa: ANN001
    return b"".join(exporter.scrape()).decode()


def lists_and_watches(sim, path: str) -> tuple[int, int]:  # noqa: ANN001
    reqs = [(p, q) for m, p, q in list(sim.requests) if m == "GET" and p == path]
    watches = sum(1 for _, q in reqs if q.get("watch") in ("true", "1"))
    return len(reqs) - watches, watches


def test_initial_list_pages_and_renders(storage, sim, make_exporter) -> None:  # noqa: ANN001
    for i in range(1234):
        storage.create("configmaps", configmap(f"cm-{i:04d}", f"ns-{i % 7}"))
    exp = make_exporter(["configmaps"])
    text = body(exp)
    assert text.count("kube_configmap_info{") == 1234
    assert 'kube_configmap_info{namespace="ns-3",configmap="cm-0003"} 1' in text
    lists, _ = lists_and_watches(sim, "/api/v1/configmaps")
    assert lists == 3  # 500 + 500 + 234


def test_create_modify_delete_show_up(storage, sim, make_exporter) -> None:  # noqa: ANN001
    storage.create("pods", pod("web-1"))
    exp = make_exporter(["pods"])
    assert 'kube_pod_status_phase{namespace="default",pod="web-1"' in body(exp)
    storage.create("pods", pod("web-2", phase="Pending", node=None))
    assert wait_for(lambda: 'pod="web-2"' in body(exp))
    storage.patch("pods", "default", "web-2", {"status": {"phase": "Running"}})
    uid2 = storage.get("pods", "default", "web-2")["metadata"]["uid"]
    running = f'kube_pod_status_phase{{namespace="default",pod="web-2",uid="{uid2}",phase="Running"}} 1'
    assert wait_for(lambda: running in body(exp))
    storage.delete("pods", "default", "web-1")
    assert wait_for(lambda: 'pod="web-1"' not in body(exp))
    assert 'pod="web-2"' in body(exp)


def test_dropped_watch_resumes_from_last_resource_version(storage, sim, make_exporter) -> None:  # noqa: ANN001
    storage.create("configmaps", configmap("a"))
    exp = make_exporter(["configmaps"])
    storage.create("configmaps", configmap("b"))
    assert wait_for(lambda: 'configmap="b"' in body(exp))
    rv_before = storage.resource_version
    lists_before, watches_before = lists_and_watches(sim, "/api/v1/configmaps")
    assert wait_for(lambda: sim.open_watches >= 1)
    assert sim.drop_watches(mid_event=True) == 1
    storage.create("configmaps", configmap("c"))
    assert wait_for(lambda: 'configmap="c"' in body(exp))
    lists_after, watches_after = lists_and_watches(sim, "/api/v1/configmaps")
    assert lists_after == lists_before, "a dropped watch must not cause a relist"
    assert watches_after > watches_before
    resumed = [q for m, p, q in list(sim.requests) if p == "/api/v1/configmaps" and q.get("watch") == "true"][-1]
    assert int(resumed["resourceVersion"]) >= rv_before  # resumed, not restarted from scratch


def test_gone_relists_and_drops_objects_deleted_meanwhile(storage, sim, make_exporter) -> None:  # noqa: ANN001
    storage.create("configmaps", configmap("keep"))
    storage.create("configmaps", configmap("doomed"))
    exp = make_exporter(["configmaps"])
    assert 'configmap="doomed"' in body(exp)
    refl = exp.reflectors[0]
    assert wait_for(lambda: sim.open_watches >= 1)
    sim.fail_next("GET", r"watch=true", 503, count=3)  # keep it disconnected for a few attempts
    assert sim.drop_watches() == 1
    storage.delete("configmaps", "default", "doomed")
    storage.create("configmaps", configmap("newcomer"))
    storage.compact()  # the RV the reflector holds is now too old: 410 on resume
    assert wait_for(lambda: refl.relists >= 1, timeout=15)
    assert wait_for(lambda: 'configmap="newcomer"' in body(exp))
    text = body(exp)
    assert 'configmap="doomed"' not in text
    assert 'configmap="keep"' in text


def test_use_apiserver_cache_lists_from_the_cache_and_relists_the_latest(storage, sim) -> None:  # noqa: ANN001
    for i in range(30):
        storage.create("configmaps", configmap(f"cm-{i:02d}"))
    config = dataclasses.replace(FAST, page_size=10)
    exp = Exporter(Options(resources=["configmaps"], use_apiserver_cache=True), client_for(sim.url),
                   reflector_config=config)  # fmt: skip
    exp.start()
    try:
        assert exp.wait_ready(30)
        refl = exp.reflectors[0]
        lists = [q for m, p, q in list(sim.requests) if p == "/api/v1/configmaps" and q.get("watch") != "true"]
        # one request: resourceVersion=0 lets the (simulated) watch cache answer, whole, despite limit=10
        assert [(q.get("resourceVersion"), q.get("limit")) for q in lists] == [("0", "10")]
        assert body(exp).count("kube_configmap_info{") == 30
        assert wait_for(lambda: sim.open_watches >= 1)
        sim.fail_next("GET", r"watch=true", 503, count=2)
        assert sim.drop_watches() == 1
        storage.delete("configmaps", "default", "cm-00")
        storage.compact()  # the resume gets 410: a relist, which must not go back to a possibly older cache
        assert wait_for(lambda: refl.relists >= 1 and 'configmap="cm-00"' not in body(exp), timeout=15)
        relists = [q for m, p, q in list(sim.requests) if p == "/api/v1/configmaps" and q.get("watch") != "true"]
        assert len(relists) == 4 and all("resourceVersion" not in q for q in relists[1:])  # 29 in pages of 10
        assert body(exp).count("kube_configmap_info{") == 29
    finally:
        exp.stop()


def test_bookmarks_advance_resource_version(storage, sim, make_exporter) -> None:  # noqa: ANN001
    storage.create("configmaps", configmap("a"))
    exp = make_exporter(["configmaps"])
    refl = exp.reflectors[0]
    listed_rv = int(refl.resource_version)
    for i in range(5):
        storage.create("pods", pod(f"p{i}"))  # other resources move the global RV; bookmarks carry it
    assert wait_for(lambda: int(refl.current_resource_version()) > listed_rv, timeout=5)


@pytest.mark.parametrize("server_side", [True, False], ids=["server-side", "client-side"])
def test_union_of_shards_equals_unsharded(storage, sim, make_exporter, server_side: bool) -> None:  # noqa: ANN001
    sim.shard_selector_supported = server_side
    for i in range(300):
        storage.create("pods", pod(f"p-{i}", f"ns-{i % 5}", node=None if i % 10 == 0 else f"node-{i % 3}"))
        storage.create("configmaps", configmap(f"cm-{i}", f"ns-{i % 5}"))
    resources = ["configmaps", "pods"]
    shards = [make_exporter(resources, shard=i, total_shards=3) for i in range(3)]
    whole = make_exporter(resources)
    for s in shards:
        assert all(r.server_side_filtered == server_side for r in s.reflectors)
        assert all(len(r.slot.current) > 0 for r in s.reflectors)
    union = Counter(line for s in shards for line in sample_lines(b"".join(s.scrape())))
    reference = Counter(sample_lines(b"".join(whole.scrape())))
    assert union == reference
    assert max(union.values()) == 1
    # and it stays exact under changes
    storage.delete("pods", "ns-1", "p-1")
    storage.create("pods", pod("late", "ns-2"))
    assert wait_for(lambda: sum(b"".join(s.scrape()).count(b'pod="late"') > 0 for s in shards) == 1)
    assert wait_for(lambda: all(b'pod="p-1"' not in b"".join(s.scrape()) for s in shards))
    if not server_side:
        assert sum(r.events_skipped for s in shards for r in s.reflectors) > 0


def test_server_side_sends_selector_client_side_filters(storage, sim, make_exporter) -> None:  # noqa: ANN001
    sim.shard_selector_supported = False
    storage.create("configmaps", configmap("x"))
    make_exporter(["configmaps"], shard=1, total_shards=2)
    sent = [q.get("shardSelector") for m, p, q in list(sim.requests) if p == "/api/v1/configmaps"]
    assert sent and all(s == "shardRange(object.metadata.uid,'0x8000000000000000','0x10000000000000000')" for s in sent)


def test_namespaces_and_denylist(storage, sim, make_exporter) -> None:  # noqa: ANN001
    for ns in ("a", "b", "c"):
        storage.create("configmaps", configmap(f"cm-{ns}", ns))
    only = make_exporter(["configmaps"], namespaces=["a", "c"])
    text = body(only)
    assert 'namespace="a"' in text and 'namespace="c"' in text and 'namespace="b"' not in text
    deny = make_exporter(["configmaps"], namespaces_denylist=["b"])
    text = body(deny)
    assert 'namespace="a"' in text and 'namespace="b"' not in text


def test_scan_uid_trusts_only_metadata_uid() -> None:
    assert scan_uid(b'{"type":"ADDED","object":{"metadata":{"name":"x","uid":"abc","labels":{}}}}') == b"abc"
    # an annotation or owner reference before the uid could be a decoy: refuse and let the caller decode
    assert scan_uid(b'{"metadata":{"annotations":{"uid":"decoy"},"uid":"real"}}') is None
    assert scan_uid(b'{"metadata":{"ownerReferences":[{"uid":"o"}],"uid":"real"}}') is None
    assert scan_uid(b'{"kind":"Status","code":410}') is None


def test_watch_ended_at_once_backs_off_instead_of_spinning(storage, sim, make_exporter) -> None:  # noqa: ANN001
    storage.create("configmaps", configmap("a"))
    exp = make_exporter(["configmaps"])
    assert wait_for(lambda: sim.open_watches >= 1)
    # From now on every watch is answered 200 with a body that ends at once (a proxy, an overloaded apiserver).
    sim.fail_next("GET", r"watch=true", 200, count=1000)
    sim.drop_watches()
    before = exp.reflectors[0].watches
    time.sleep(2.0)
    attempts = exp.reflectors[0].watches - before
    assert 1 <= attempts < 40, f"{attempts} watch attempts in 2 s: reconnecting without backoff"


def test_undecodable_events_are_skipped_not_fatal() -> None:
    from ksm_shard.generator import ResourceRenderer
    from ksm_shard.kube.kinds import KINDS
    from ksm_shard.kube.reflector import Reflector
    from ksm_shard.resources import RESOURCES
    from ksm_shard.sharding import ShardFilter
    from ksm_shard.store import ObjectStore, StoreSlot

    renderer = ResourceRenderer(RESOURCES["configmaps"])
    slot = StoreSlot(ObjectStore(len(renderer.families)))
    refl = Reflector(None, KINDS["configmaps"], renderer, slot, ShardFilter(0, 2))  # type: ignore[arg-type]
    for line in (
        b'{"type":"ADDED","object":{"metadata":{"name":"x","uid":"u1"',  # truncated
        b'{"type":"ADDED","object":42}',
        b'{"type":"MODIFIED","object":{"metadata":"nope"}}',
        b'{"type":"DELETED","object":{"metadata":{"name":"x"}}}',  # no uid
        b"not json at all",
        b'["a","list"]',
        b'{"type":"SURPRISE","object":{}}',
    ):
        refl._handle_line(slot.current, line)
    assert len(slot.current) == 0
    good = b'{"type":"ADDED","object":{"kind":"ConfigMap","metadata":{"name":"ok","namespace":"n","uid":"%s"}}}'
    uid = next(u for u in (str(uuid.uuid4()) for _ in range(100)) if refl.shard.owns(u.encode()))
    refl._handle_line(slot.current, good % uid.encode())
    assert len(slot.current) == 1


def test_decode_fields_skip_everything_else() -> None:
    from ksm_shard.kube.decode import object_decoders

    decode_object, decode_event_object = object_decoders(("metadata", "type"))
    raw = b'{"kind":"Secret","metadata":{"name":"s"},"type":"Opaque","data":{"password":"czNjcjN0"}}'
    assert decode_object(raw) == {"metadata": {"name": "s"}, "type": "Opaque"}
    assert decode_event_object(b'{"type":"ADDED","object":' + raw + b"}") == {
        "metadata": {"name": "s"},
        "type": "Opaque",
    }


def test_relist_reuses_lines_of_unchanged_objects(storage, sim, make_exporter) -> None:  # noqa: ANN001
    for i in range(50):
        storage.create("configmaps", configmap(f"cm-{i}"))
    exp = make_exporter(["configmaps"], shard=0, total_shards=2)
    refl = exp.reflectors[0]
    owned = len(refl.slot.current)
    assert wait_for(lambda: sim.open_watches >= 1)
    renders = []
    real_render = refl.renderer.render
    refl.renderer.render = lambda obj: renders.append(obj["metadata"]["name"]) or real_render(obj)
    owned_name = next(f"cm-{i}" for i in range(50) if f'configmap="cm-{i}"' in body(exp))
    storage.patch("configmaps", "default", owned_name, {"metadata": {"labels": {"x": "y"}}})
    assert wait_for(lambda: owned_name in renders)  # the watch rendered the new version
    before = body(exp)
    renders.clear()
    lists = refl.lists
    sim.fail_next("GET", r"watch=true", 503, count=2)
    sim.drop_watches()
    storage.create("pods", pod("elsewhere"))  # moves the RV past what the reflector holds
    storage.compact()  # so the resume gets 410: a full relist
    assert wait_for(lambda: refl.relists >= 1 and refl.lists > lists, timeout=15)
    assert renders == [] and refl.reused == owned
    assert body(exp) == before


def test_a_server_filtered_list_sizes_its_store_from_the_collection_size(storage, sim, make_exporter,  # noqa: ANN001
                                                                         monkeypatch) -> None:  # noqa: ANN001
    # A filtered LIST carries no remainingItemCount: without the one-item probe the store doubled as pages came in.
    from ksm_shard.store import ObjectStore

    grows = []
    real_grow = ObjectStore._grow
    monkeypatch.setattr(ObjectStore, "_grow", lambda self: (grows.append(len(self)), real_grow(self))[1])
    sim.shard_selector_supported = True
    for i in range(2400):
        storage.create("configmaps", configmap(f"cm-{i:04d}", f"ns-{i % 7}"))
    exp = make_exporter(["configmaps"], shard=0, total_shards=2)
    refl = exp.reflectors[0]
    assert refl.server_side_filtered and 1000 < len(refl.slot.current) < 1400
    assert grows == []
    probes = [q for m, p, q in list(sim.requests) if p == "/api/v1/configmaps" and q.get("limit") == "1"]
    assert len(probes) == 1 and "shardSelector" not in probes[0]
    assert body(exp).count("kube_configmap_info{") == len(refl.slot.current)
