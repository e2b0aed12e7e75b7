"""The simulated apiserver over real HTTP on 127.0.0.1: discovery, LIST paging, selectors, WATCH, CRUD, hooks."""

from __future__ import annotations

import http.client
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator

import pytest

from ksm_shard.kube.kinds import KINDS
from ksm_shard.sharding import shard_of, shard_selector
from ksm_shard.sim.apiserver import SimApiServer, decode_continue
from ksm_shard.sim.selectors import (
    FieldSelectorUnsupported,
    parse_field_selector,
    parse_label_selector,
    parse_shard_selector,
)
from ksm_shard.sim.storage import AlreadyExists, Gone, NotFound, Storage

pytestmark = pytest.mark.timeout(30)


# ---------------------------------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------------------------------


def pod(name: str, ns: str = "default", *, labels: dict | None = None, node: str | None = None, phase: str = "Running"):
    spec: dict = {"containers": [{"name": "c", "image": "nginx"}]}
    if node is not None:
        spec["nodeName"] = node
    return {
        "metadata": {"name": name, "namespace": ns, "labels": labels or {}},
        "spec": spec,
        "status": {"phase": phase},
    }


def request(
    srv: SimApiServer, method: str, path: str, body: object = None, *, headers: dict | None = None
) -> tuple[int, bytes, http.client.HTTPMessage]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(srv.url + path, data=data, method=method, headers=headers or {})
    if data is not None and "Content-Type" not in (headers or {}):
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.read(), resp.headers
    except urllib.error.HTTPError as e:
        return e.code, e.read(), e.headers


def get_json(srv: SimApiServer, path: str, **kw: object) -> tuple[int, dict]:
    code, body, _ = request(srv, "GET", path, **kw)  # type: ignore[arg-type]
    return code, json.loads(body)


def list_all(srv: SimApiServer, path: str, limit: int, query: str = "") -> tuple[list[dict], list[dict]]:
    """Follow continue tokens; returns (items, page metadata)."""
    items: list[dict] = []
    metas: list[dict] = []
    token = ""
    while True:
        q = f"limit={limit}" + (f"&continue={token}" if token else "") + (f"&{query}" if query else "")
        code, body = get_json(srv, f"{path}?{q}")
        assert code == 200, body
        items += body["items"]
        metas.append(body["metadata"])
        token = body["metadata"].get("continue", "")
        if not token:
            return items, metas


class Watch:
    """A watch request read event by event.

    Uses ``read1`` rather than ``readline``: http.client's chunked ``readline`` reports a cut stream as a clean
    EOF, while ``read1`` returns b"" only after the terminating chunk and raises IncompleteRead otherwise.
    """

    def __init__(self, srv: SimApiServer, path: str, *, headers: dict | None = None, timeout: float = 5.0) -> None:
        self.conn = http.client.HTTPConnection(srv.host, srv.port, timeout=timeout)
        self.conn.request("GET", path, headers=headers or {})
        self.resp = self.conn.getresponse()
        self.buf = b""

    def next(self) -> dict | None:
        """The next event, or None after a clean end of the stream."""
        while b"\n" not in self.buf:
            data = self.resp.read1(65536)
            if not data:
                assert not self.buf, f"stream ended inside an event: {self.buf!r}"
                return None
            self.buf += data
        line, _, self.buf = self.buf.partition(b"\n")
        return json.loads(line)

    def take(self, n: int) -> list[dict]:
        out = []
        for _ in range(n):
            ev = self.next()
            assert ev is not None, f"stream ended after {out}"
            out.append(ev)
        return out

    def close(self) -> None:
        self.conn.close()


def wait_for(cond: Callable[[], bool], timeout: float = 3.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.02)
    return cond()


@pytest.fixture
def storage() -> Storage:
    return Storage()


@pytest.fixture
def srv(storage: Storage) -> Iterator[SimApiServer]:
    server = SimApiServer(storage, bookmark_interval=0.2)
    server.start()
    yield server
    server.stop()


# ---------------------------------------------------------------------------------------------------------------------
# discovery
# ---------------------------------------------------------------------------------------------------------------------


def test_discovery_serves_every_kind(srv: SimApiServer) -> None:
    code, api = get_json(srv, "/api")
    assert code == 200 and api["kind"] == "APIVersions" and api["versions"] == ["v1"]
    code, groups = get_json(srv, "/apis")
    assert code == 200 and groups["kind"] == "APIGroupList"
    group_names = {g["name"] for g in groups["groups"]}
    for kind in KINDS.values():
        if kind.group:
            assert kind.group in group_names
        code, rl = get_json(srv, kind.group_prefix)
        assert code == 200 and rl["kind"] == "APIResourceList" and rl["groupVersion"] == kind.api_version
        entry = next(r for r in rl["resources"] if r["name"] == kind.resource)
        assert entry["kind"] == kind.kind
        assert entry["namespaced"] is kind.namespaced
        assert {"list", "watch", "get"} <= set(entry["verbs"])
        assert entry["singularName"] == kind.kind.lower()
    code, version = get_json(srv, "/version")
    assert code == 200 and version["gitVersion"] == "v1.36.0-sim"
    for path in ("/livez", "/readyz", "/healthz"):
        code, body, _ = request(srv, "GET", path)
        assert (code, body) == (200, b"ok")
    code, status = get_json(srv, "/api/v1/nosuchthings")
    assert code == 404 and status["kind"] == "Status" and status["reason"] == "NotFound"
    code, status = get_json(srv, "/api/v1/pods/p1")  # namespaced kinds have no cluster-level item path
    assert code == 404


# ---------------------------------------------------------------------------------------------------------------------
# LIST
# ---------------------------------------------------------------------------------------------------------------------


def test_list_shape_items_without_typemeta(srv: SimApiServer, storage: Storage) -> None:
    storage.create("pods", pod("a"))
    storage.create("nodes", {"metadata": {"name": "n1"}, "spec": {}})
    code, raw, headers = request(srv, "GET", "/api/v1/pods")
    assert code == 200 and headers["Content-Type"] == "application/json"
    body = json.loads(raw)
    assert body["kind"] == "PodList" and body["apiVersion"] == "v1"
    # Not paging: no continue, no remainingItemCount.
    assert body["metadata"] == {"resourceVersion": str(storage.resource_version)}
    assert [i["metadata"]["name"] for i in body["items"]] == ["a"]
    assert "kind" not in body["items"][0] and "apiVersion" not in body["items"][0]
    assert b'"items":[{"metadata":' in raw
    code, nodes = get_json(srv, "/api/v1/nodes")
    assert nodes["kind"] == "NodeList" and nodes["items"][0]["metadata"]["name"] == "n1"
    assert "namespace" not in nodes["items"][0]["metadata"]


def test_list_pagination_is_a_consistent_snapshot(srv: SimApiServer, storage: Storage) -> None:
    for i in range(25):
        storage.create("pods", pod(f"p{i:02d}", ns=f"ns{i % 3}"))
    original = {(p["metadata"]["namespace"], p["metadata"]["name"]): p for p in storage.list("pods")}
    code, first = get_json(srv, "/api/v1/pods?limit=7")
    assert code == 200
    rv = first["metadata"]["resourceVersion"]
    assert len(first["items"]) == 7 and first["metadata"]["remainingItemCount"] == 18
    token = first["metadata"]["continue"]
    assert decode_continue(token)[0] == int(rv)
    # Change the world between pages: the continuation must still show the state at the first page's RV.
    last_ns, last_name = ("ns2", "p23")
    storage.delete("pods", last_ns, last_name)
    storage.patch("pods", "ns2", "p20", {"metadata": {"labels": {"changed": "yes"}}})
    storage.create("pods", pod("zz-new", ns="ns2"))
    items = list(first["items"])
    while token:
        code, page = get_json(srv, f"/api/v1/pods?limit=7&continue={token}")
        assert code == 200
        assert page["metadata"]["resourceVersion"] == rv
        items += page["items"]
        token = page["metadata"].get("continue", "")
    keys = [(i["metadata"]["namespace"], i["metadata"]["name"]) for i in items]
    assert len(keys) == len(set(keys)) == 25
    assert set(keys) == set(original)
    assert keys == sorted(keys, key=lambda k: f"{k[0]}/{k[1]}")  # etcd key order
    p20 = next(i for i in items if i["metadata"]["name"] == "p20")
    assert (
        "changed" not in p20["metadata"].get("labels", {})
        and p20["metadata"]["resourceVersion"] == (original[("ns2", "p20")]["metadata"]["resourceVersion"])
    )
    # A fresh list sees the changes.
    fresh, _ = list_all(srv, "/api/v1/pods", 10)
    names = {i["metadata"]["name"] for i in fresh}
    assert "zz-new" in names and "p23" not in names and len(fresh) == 25


def test_resource_version_0_is_answered_whole_like_the_watch_cache(srv: SimApiServer, storage: Storage) -> None:
    for i in range(12):
        storage.create("pods", pod(f"p{i:02d}", ns=["a", "b"][i % 2]))
    code, whole = get_json(srv, "/api/v1/pods?limit=5&resourceVersion=0")
    assert code == 200 and len(whole["items"]) == 12  # limit ignored
    assert "continue" not in whole["metadata"] and "remainingItemCount" not in whole["metadata"]
    assert int(whole["metadata"]["resourceVersion"]) == storage.resource_version
    code, ns_b = get_json(srv, "/api/v1/namespaces/b/pods?limit=2&resourceVersion=0&labelSelector=")
    assert code == 200 and [i["metadata"]["name"] for i in ns_b["items"]] == [f"p{i:02d}" for i in range(1, 12, 2)]
    # without resourceVersion=0 the same request is paged; resourceVersion=0 next to a continue token is allowed
    code, first = get_json(srv, "/api/v1/pods?limit=5")
    assert len(first["items"]) == 5 and first["metadata"]["remainingItemCount"] == 7
    code, second = get_json(srv, f"/api/v1/pods?limit=5&resourceVersion=0&continue={first['metadata']['continue']}")
    assert code == 200 and len(second["items"]) == 5 and second["metadata"]["continue"]


def test_namespaced_list_pages_only_that_namespace(srv: SimApiServer, storage: Storage) -> None:
    for i in range(20):
        storage.create("pods", pod(f"p{i:02d}", ns=["a", "b", "c"][i % 3]))
    items, metas = list_all(srv, "/api/v1/namespaces/b/pods", 2)
    assert [i["metadata"]["name"] for i in items] == [f"p{i:02d}" for i in range(20) if i % 3 == 1]
    assert len(metas) == 4 and "continue" not in metas[-1]
    code, none = get_json(srv, "/api/v1/namespaces/zzz/pods")
    assert code == 200 and none["items"] == []


def test_compacted_continue_token_is_410_expired(srv: SimApiServer, storage: Storage) -> None:
    for i in range(10):
        storage.create("pods", pod(f"p{i}"))
    code, first = get_json(srv, "/api/v1/pods?limit=4")
    token = first["metadata"]["continue"]
    storage.create("pods", pod("later"))
    storage.compact()
    code, status = get_json(srv, f"/api/v1/pods?limit=4&continue={token}")
    assert code == 410
    assert status["kind"] == "Status" and status["reason"] == "Expired" and status["code"] == 410
    assert status["message"].startswith("The provided continue parameter is too old")
    # Like the real apiserver, the 410 carries an (inconsistent) token that resumes at the latest state.
    rest, _ = list_all(srv, "/api/v1/pods", 100, f"continue={status['metadata']['continue']}")
    assert [i["metadata"]["name"] for i in rest] == ["p4", "p5", "p6", "p7", "p8", "p9"]
    code, status = get_json(srv, f"/api/v1/pods?limit=4&continue={token}&resourceVersion=5")
    assert code == 400 and "not allowed when using continue" in status["message"]
    code, status = get_json(srv, "/api/v1/pods?limit=4&continue=garbage!")
    assert code == 400 and status["reason"] == "BadRequest"


# ---------------------------------------------------------------------------------------------------------------------
# selectors
# ---------------------------------------------------------------------------------------------------------------------


def _names(body: dict) -> list[str]:
    return [i["metadata"]["name"] for i in body["items"]]


def test_label_selector_filters_list(srv: SimApiServer, storage: Storage) -> None:
    storage.create("pods", pod("web1", labels={"app": "web", "tier": "front"}))
    storage.create("pods", pod("web2", labels={"app": "web"}))
    storage.create("pods", pod("db", labels={"app": "db", "tier": "back"}))
    storage.create("pods", pod("bare"))
    cases = {
        "app=web": ["web1", "web2"],
        "app==db": ["db"],
        "app!=web": ["bare", "db"],
        "tier": ["db", "web1"],
        "!tier": ["bare", "web2"],
        "app in (web, db),tier": ["db", "web1"],
        "app notin (web)": ["bare", "db"],
        " app = web , tier = front ": ["web1"],
    }
    for selector, want in cases.items():
        code, body = get_json(srv, "/api/v1/pods?labelSelector=" + urllib.parse.quote(selector))
        assert code == 200, (selector, body)
        assert _names(body) == want, selector
    code, status = get_json(srv, "/api/v1/pods?labelSelector=" + urllib.parse.quote("app in web"))
    assert code == 400 and status["reason"] == "BadRequest"
    # Paging with a selector fills pages with matches only and omits remainingItemCount.
    code, page = get_json(srv, "/api/v1/pods?limit=1&labelSelector=app%3Dweb")
    assert _names(page) == ["web1"] and "continue" in page["metadata"]
    assert "remainingItemCount" not in page["metadata"]


def test_field_selector_filters_list(srv: SimApiServer, storage: Storage) -> None:
    storage.create("pods", pod("pending", phase="Pending"))
    storage.create("pods", pod("on-n1", node="n1"))
    storage.create("pods", pod("on-n2", ns="other", node="n2", phase="Succeeded"))
    cases = {
        "spec.nodeName=": ["pending"],  # unscheduled: the field is missing altogether
        "spec.nodeName=n1": ["on-n1"],
        "spec.nodeName!=": ["on-n1", "on-n2"],
        "status.phase==Running": ["on-n1"],
        "status.phase!=Running,metadata.namespace=default": ["pending"],
        "metadata.name=on-n2": ["on-n2"],
    }
    for selector, want in cases.items():
        code, body = get_json(srv, "/api/v1/pods?fieldSelector=" + urllib.parse.quote(selector))
        assert code == 200, (selector, body)
        assert sorted(_names(body)) == want, selector
    code, status = get_json(srv, "/api/v1/pods?fieldSelector=spec.bogus%3Dx")
    assert code == 400 and status["message"] == "field label not supported: spec.bogus"
    code, status = get_json(srv, "/api/v1/services?fieldSelector=spec.nodeName%3Dn1")
    assert code == 400 and status["reason"] == "BadRequest"
    assert status["message"] == "field label not supported: spec.nodeName"
    code, _ = get_json(srv, "/api/v1/services?fieldSelector=metadata.namespace%3Ddefault")
    assert code == 200


def test_shard_selectors_partition_the_objects(srv: SimApiServer, storage: Storage) -> None:
    for i in range(300):
        storage.create("pods", pod(f"p{i:03d}", ns=f"ns{i % 7}"))
    uids = {p["metadata"]["uid"] for p in storage.list("pods")}
    seen: list[set[str]] = []
    for shard in range(3):
        sel = shard_selector(shard, 3)
        code, body = get_json(srv, "/api/v1/pods?shardSelector=" + urllib.parse.quote(sel))
        assert code == 200
        assert body["metadata"]["shardInfo"] == {"selector": sel}
        got = {i["metadata"]["uid"] for i in body["items"]}
        assert all(shard_of(u, 3) == shard for u in got)
        seen.append(got)
    assert seen[0] | seen[1] | seen[2] == uids
    assert not (seen[0] & seen[1]) and not (seen[1] & seen[2]) and not (seen[0] & seen[2])
    assert all(60 < len(s) < 140 for s in seen)  # FNV-1a spreads random UIDs evenly
    # "||" is a union; paging works with a shard selector too.
    both = f"{shard_selector(0, 3)}||{shard_selector(2, 3)}"
    items, metas = list_all(srv, "/api/v1/pods", 50, "shardSelector=" + urllib.parse.quote(both))
    assert {i["metadata"]["uid"] for i in items} == seen[0] | seen[2]
    assert all(m["shardInfo"] == {"selector": both} for m in metas)
    assert all("remainingItemCount" not in m for m in metas)
    code, status = get_json(srv, "/api/v1/pods?shardSelector=" + urllib.parse.quote("shardRange(uid,1,2)"))
    assert code == 400 and status["reason"] == "BadRequest"


def test_shard_selector_ignored_when_unsupported(srv: SimApiServer, storage: Storage) -> None:
    for i in range(300):
        storage.create("configmaps", {"metadata": {"name": f"c{i}", "namespace": "default"}})
    srv.shard_selector_supported = False  # like an apiserver without the feature: parameter silently ignored
    sel = urllib.parse.quote(shard_selector(1, 3))
    code, body = get_json(srv, f"/api/v1/configmaps?shardSelector={sel}")
    assert code == 200 and len(body["items"]) == 300 and "shardInfo" not in body["metadata"]
    code, body = get_json(srv, "/api/v1/configmaps?shardSelector=nonsense")
    assert code == 200 and len(body["items"]) == 300
    srv.shard_selector_supported = True
    code, body = get_json(srv, f"/api/v1/configmaps?shardSelector={sel}")
    assert code == 200 and 0 < len(body["items"]) < 300 and "shardInfo" in body["metadata"]


def test_selector_parsers() -> None:
    sel = parse_label_selector("a=b,c!=d,e in (x,y),f notin (z),g,!h")
    assert sel.matches({"a": "b", "e": "y", "g": ""})
    assert not sel.matches({"a": "b", "e": "y", "g": "", "h": "1"})
    assert not sel.matches({"a": "b", "c": "d", "e": "x", "g": ""})
    assert parse_label_selector("").matches(None)
    for bad in ("a in ()", "a=b c", "a=b,", "!", "=b", "a in (x", "-bad-=x"):
        with pytest.raises(ValueError):
            parse_label_selector(bad)
    fs = parse_field_selector("spec.nodeName=,status.phase!=Failed", "pods")
    assert fs.matches({"spec": {}, "status": {"phase": "Running"}})
    assert not fs.matches({"spec": {"nodeName": "n"}, "status": {"phase": "Running"}})
    with pytest.raises(FieldSelectorUnsupported, match="field label not supported: spec.nodeName"):
        parse_field_selector("spec.nodeName=x", "configmaps")
    with pytest.raises(ValueError):
        parse_field_selector("nooperator", "pods")
    full = parse_shard_selector("shardRange(object.metadata.uid,'0x0000000000000000','0x10000000000000000')")
    assert full.matches({"metadata": {"uid": "anything"}})
    ns = parse_shard_selector("shardRange(object.metadata.namespace,'0x0','0x1')")
    assert not ns.matches({"metadata": {"namespace": "default"}})
    for bad in (
        "shardRange(object.metadata.uid,'0x0','0x20000000000000000')",
        "shardRange(object.metadata.name,'0x0','0x1')",
        "shardRange(object.metadata.uid,0x0,0x1)",
        "shardRange(object.metadata.uid,'0x5','0x1')",
        "shardRange(object.metadata.uid,'0x0','0x1') && shardRange(object.metadata.uid,'0x1','0x2')",
    ):
        with pytest.raises(ValueError):
            parse_shard_selector(bad)


# ---------------------------------------------------------------------------------------------------------------------
# WATCH
# ---------------------------------------------------------------------------------------------------------------------


def test_watch_from_resource_version_replays_in_order(srv: SimApiServer, storage: Storage) -> None:
    storage.create("pods", pod("before"))
    code, listed = get_json(srv, "/api/v1/pods")
    rv0 = listed["metadata"]["resourceVersion"]
    storage.create("pods", pod("a"))
    storage.create("configmaps", {"metadata": {"name": "cm", "namespace": "default"}})  # other resource: not seen
    storage.patch("pods", "default", "a", {"status": {"phase": "Succeeded"}})
    storage.delete("pods", "default", "a")
    w = Watch(srv, f"/api/v1/pods?watch=true&resourceVersion={rv0}")
    try:
        assert w.resp.status == 200
        assert w.resp.getheader("Content-Type") == "application/json"
        assert w.resp.getheader("Transfer-Encoding") == "chunked"
        events = w.take(3)
        assert [e["type"] for e in events] == ["ADDED", "MODIFIED", "DELETED"]
        rvs = [int(e["object"]["metadata"]["resourceVersion"]) for e in events]
        assert rvs == sorted(rvs) and len(set(rvs)) == 3 and rvs[0] > int(rv0)
        assert events[1]["object"]["status"]["phase"] == "Succeeded"
        for e in events:  # watch objects carry TypeMeta, LIST items do not
            assert e["object"]["kind"] == "Pod" and e["object"]["apiVersion"] == "v1"
            assert list(e["object"])[:3] == ["kind", "apiVersion", "metadata"]
        # Then live events.
        storage.create("pods", pod("live"))
        live = w.next()
        assert live is not None and live["type"] == "ADDED" and live["object"]["metadata"]["name"] == "live"
    finally:
        w.close()


def test_watch_without_resource_version_starts_with_current_state(srv: SimApiServer, storage: Storage) -> None:
    for name in ("x", "y"):
        storage.create("deployments", {"metadata": {"name": name, "namespace": "d"}, "spec": {"replicas": 1}})
    storage.create("deployments", {"metadata": {"name": "z", "namespace": "other"}, "spec": {"replicas": 1}})
    w = Watch(srv, "/apis/apps/v1/namespaces/d/deployments?watch=1")
    try:
        first = w.take(2)
        assert [(e["type"], e["object"]["metadata"]["name"]) for e in first] == [("ADDED", "x"), ("ADDED", "y")]
        assert first[0]["object"]["kind"] == "Deployment" and first[0]["object"]["apiVersion"] == "apps/v1"
        storage.patch("deployments", "other", "z", {"spec": {"replicas": 2}})  # other namespace: filtered out
        storage.patch("deployments", "d", "x", {"spec": {"replicas": 3}})
        ev = w.next()
        assert ev is not None and ev["type"] == "MODIFIED" and ev["object"]["metadata"]["name"] == "x"
        assert ev["object"]["metadata"]["generation"] == 2
    finally:
        w.close()


def test_watch_from_compacted_resource_version_sends_410_error_event(srv: SimApiServer, storage: Storage) -> None:
    storage.create("pods", pod("a"))
    old = storage.resource_version
    storage.create("pods", pod("b"))
    storage.compact()
    w = Watch(srv, f"/api/v1/pods?watch=true&resourceVersion={old}")
    try:
        assert w.resp.status == 200  # the real apiserver answers 200 and then an ERROR event
        ev = w.next()
        assert ev is not None and ev["type"] == "ERROR"
        status = ev["object"]
        assert status["kind"] == "Status" and status["code"] == 410 and status["reason"] == "Expired"
        assert status["message"] == f"too old resource version: {old} ({storage.resource_version})"
        assert w.next() is None  # and the stream ends
    finally:
        w.close()
    # Watching from the compaction point itself is fine.
    w = Watch(srv, f"/api/v1/pods?watch=true&resourceVersion={storage.resource_version}&timeoutSeconds=1")
    try:
        storage.create("pods", pod("c"))
        ev = w.next()
        assert ev is not None and ev["type"] == "ADDED" and ev["object"]["metadata"]["name"] == "c"
    finally:
        w.close()


def test_watch_bookmarks(srv: SimApiServer, storage: Storage) -> None:
    storage.create("pods", pod("a"))
    rv = storage.resource_version
    w = Watch(srv, f"/api/v1/pods?watch=true&resourceVersion={rv}&allowWatchBookmarks=true")
    try:
        storage.create("configmaps", {"metadata": {"name": "cm", "namespace": "default"}})  # bumps the global RV
        t0 = time.monotonic()
        ev = w.next()
        assert ev is not None and ev["type"] == "BOOKMARK"
        assert time.monotonic() - t0 < 2
        assert ev["object"] == {
            "kind": "Pod",
            "apiVersion": "v1",
            "metadata": {"resourceVersion": str(storage.resource_version), "creationTimestamp": None},
        }
        assert w.next()["type"] == "BOOKMARK"  # type: ignore[index]  # and they keep coming
    finally:
        w.close()
    # Without allowWatchBookmarks there are none: the stream stays silent until its timeout.
    w = Watch(srv, f"/api/v1/pods?watch=true&resourceVersion={rv}&timeoutSeconds=1")
    try:
        assert w.next() is None
    finally:
        w.close()


def test_watch_timeout_seconds_ends_stream_cleanly(srv: SimApiServer, storage: Storage) -> None:
    t0 = time.monotonic()
    w = Watch(srv, "/api/v1/nodes?watch=true&timeoutSeconds=1")
    try:
        assert w.next() is None  # clean end: the terminating chunk, no IncompleteRead
        assert 0.9 <= time.monotonic() - t0 < 3
    finally:
        w.close()
    assert wait_for(lambda: storage.watcher_count() == 0)
    # Default timeout comes from the server when none is given.
    short = SimApiServer(storage, default_watch_timeout=0.5)
    short.start()
    try:
        w = Watch(short, "/api/v1/nodes?watch=true")
        assert w.next() is None
        w.close()
    finally:
        short.stop()


def test_watch_selector_transitions(srv: SimApiServer, storage: Storage) -> None:
    storage.create("pods", pod("a", labels={"app": "web"}))
    storage.create("pods", pod("b", labels={"app": "db"}))
    rv = storage.resource_version
    w = Watch(srv, f"/api/v1/pods?watch=true&resourceVersion={rv}&labelSelector=app%3Dweb")
    f = Watch(srv, f"/api/v1/pods?watch=true&resourceVersion={rv}&fieldSelector=spec.nodeName%3D")
    try:
        storage.patch("pods", "default", "b", {"metadata": {"labels": {"x": "1"}}})  # never matches: nothing
        storage.patch("pods", "default", "a", {"metadata": {"labels": {"app": "api"}}})  # stops matching
        storage.patch("pods", "default", "b", {"metadata": {"labels": {"app": "web"}}})  # starts matching
        storage.patch("pods", "default", "b", {"status": {"phase": "Failed"}})  # still matching
        events = w.take(3)
        assert [(e["type"], e["object"]["metadata"]["name"]) for e in events] == [
            ("DELETED", "a"),
            ("ADDED", "b"),
            ("MODIFIED", "b"),
        ]
        # The DELETED carries the last state that matched, at the new resource version.
        assert events[0]["object"]["metadata"]["labels"] == {"app": "web"}
        assert events[0]["object"]["metadata"]["resourceVersion"] == str(rv + 2)
        assert events[0]["object"]["kind"] == "Pod"
        # Field selector: scheduling a pod (spec.nodeName set) moves it out of "unscheduled".
        storage.patch("pods", "default", "a", {"spec": {"nodeName": "n1"}})
        seen = []
        while True:
            ev = f.next()
            assert ev is not None
            seen.append((ev["type"], ev["object"]["metadata"]["name"]))
            if ev["type"] == "DELETED":
                break
        assert seen[-1] == ("DELETED", "a") and all(t == "MODIFIED" for t, _ in seen[:-1])
    finally:
        w.close()
        f.close()


def test_watch_with_shard_selector(srv: SimApiServer, storage: Storage) -> None:
    rv = storage.resource_version
    sel = urllib.parse.quote(shard_selector(0, 2))
    w = Watch(srv, f"/api/v1/pods?watch=true&resourceVersion={rv}&shardSelector={sel}")
    try:
        created = [storage.create("pods", pod(f"p{i}")) for i in range(40)]
        mine = [p["metadata"]["name"] for p in created if shard_of(p["metadata"]["uid"], 2) == 0]
        got = [e["object"]["metadata"]["name"] for e in w.take(len(mine))]
        assert got == mine
        for e in [w]:
            assert e.resp.status == 200
    finally:
        w.close()


def test_drop_watches_cuts_streams(srv: SimApiServer, storage: Storage) -> None:
    storage.create("pods", pod("a"))
    w1 = Watch(srv, "/api/v1/pods?watch=true")
    w2 = Watch(srv, "/api/v1/pods?watch=true")
    try:
        assert w1.take(1)[0]["type"] == "ADDED" and w2.take(1)[0]["type"] == "ADDED"
        assert wait_for(lambda: srv.open_watches == 2)
        assert srv.drop_watches() == 2
        for w in (w1, w2):
            with pytest.raises((http.client.IncompleteRead, ConnectionError)):
                w.next()  # no terminating chunk: the client sees a broken stream, not a clean end
        assert wait_for(lambda: storage.watcher_count() == 0 and srv.open_watches == 0)
    finally:
        w1.close()
        w2.close()
    w3 = Watch(srv, "/api/v1/pods?watch=true")
    try:
        w3.take(1)
        assert wait_for(lambda: srv.open_watches == 1)
        assert srv.drop_watches(mid_event=True) == 1
        with pytest.raises((http.client.IncompleteRead, ConnectionError)):
            w3.next()
    finally:
        w3.close()
    assert wait_for(lambda: storage.watcher_count() == 0)
    assert srv.drop_watches() == 0


def test_client_disconnect_unregisters_watcher(srv: SimApiServer, storage: Storage) -> None:
    w = Watch(srv, "/api/v1/pods?watch=true")
    assert wait_for(lambda: storage.watcher_count("pods") == 1)
    w.close()
    assert wait_for(lambda: storage.watcher_count() == 0 and srv.open_watches == 0)
    storage.create("pods", pod("after"))  # the server is unharmed
    code, body = get_json(srv, "/api/v1/pods")
    assert code == 200 and _names(body) == ["after"]


# ---------------------------------------------------------------------------------------------------------------------
# single objects, raw bytes
# ---------------------------------------------------------------------------------------------------------------------


def test_crud_over_http(srv: SimApiServer, storage: Storage) -> None:
    base = "/apis/apps/v1/namespaces/prod/deployments"
    dep = {"metadata": {"name": "web", "labels": {"a": "1"}}, "spec": {"replicas": 1}}
    code, body, _ = request(srv, "POST", base, dep)
    created = json.loads(body)
    assert code == 201 and created["kind"] == "Deployment" and created["metadata"]["namespace"] == "prod"
    assert created["metadata"]["generation"] == 1 and created["metadata"]["uid"]
    assert created["metadata"]["creationTimestamp"].endswith("Z")
    code, body, _ = request(srv, "POST", base, dep)
    status = json.loads(body)
    assert code == 409 and status["reason"] == "AlreadyExists"
    assert status["message"] == 'deployments.apps "web" already exists'
    code, got = get_json(srv, f"{base}/web")
    assert code == 200 and got == created
    # PUT with a stale resourceVersion is a conflict; with the current one it updates and bumps generation.
    stale = {**got, "metadata": {**got["metadata"], "resourceVersion": "999"}, "spec": {"replicas": 5}}
    code, body, _ = request(srv, "PUT", f"{base}/web", stale)
    assert code == 409 and json.loads(body)["reason"] == "Conflict"
    code, body, _ = request(srv, "PUT", f"{base}/web", {**got, "spec": {"replicas": 5}})
    updated = json.loads(body)
    assert code == 200 and updated["spec"]["replicas"] == 5 and updated["metadata"]["generation"] == 2
    assert updated["metadata"]["uid"] == created["metadata"]["uid"]
    code, body, _ = request(srv, "PUT", f"{base}/other", got)
    assert code == 400 and "does not match the name on the URL" in json.loads(body)["message"]
    # Merge patch (strategic merge is accepted as a merge patch); a label change keeps generation.
    for ctype in ("application/merge-patch+json", "application/strategic-merge-patch+json"):
        patch = {"metadata": {"labels": {"a": None, "b": ctype[12:20]}}}
        code, body, _ = request(srv, "PATCH", f"{base}/web", patch, headers={"Content-Type": ctype})
        patched = json.loads(body)
        assert code == 200 and patched["metadata"]["labels"] == {"b": ctype[12:20]}
        assert patched["metadata"]["generation"] == 2
    code, body, _ = request(
        srv, "PATCH", f"{base}/web", [{"op": "remove"}], headers={"Content-Type": "application/json-patch+json"}
    )
    assert code == 415
    code, body, _ = request(srv, "PATCH", f"{base}/nope", {}, headers={"Content-Type": "application/merge-patch+json"})
    assert code == 404 and json.loads(body)["details"] == {"name": "nope", "group": "apps", "kind": "deployments"}
    code, body, _ = request(srv, "DELETE", f"{base}/web")
    deleted = json.loads(body)
    assert code == 200 and deleted["metadata"]["name"] == "web"
    assert int(deleted["metadata"]["resourceVersion"]) == storage.resource_version
    code, status = get_json(srv, f"{base}/web")
    assert code == 404 and status["reason"] == "NotFound" and status["message"] == 'deployments.apps "web" not found'
    code, _, _ = request(srv, "DELETE", f"{base}/web")
    assert code == 404
    # Cluster-scoped objects live at <prefix>/<resource>/<name>; a POST without a name is invalid.
    code, body, _ = request(srv, "POST", "/api/v1/nodes", {"metadata": {"name": "n1"}})
    assert code == 201 and "namespace" not in json.loads(body)["metadata"]
    code, node = get_json(srv, "/api/v1/nodes/n1")
    assert code == 200 and node["kind"] == "Node"
    code, body, _ = request(srv, "POST", "/api/v1/nodes", {"metadata": {}})
    assert code == 422 and json.loads(body)["reason"] == "Invalid"
    code, body, _ = request(srv, "POST", "/api/v1/pods", pod("x"))  # namespaced kinds need a namespace path
    assert code == 405 and json.loads(body)["reason"] == "MethodNotAllowed"
    code, body, _ = request(srv, "POST", "/api/v1/namespaces/default/pods", b"not json")
    assert code == 400


def test_metadata_key_order_in_raw_bytes(srv: SimApiServer, storage: Storage) -> None:
    # Keys deliberately given in the "wrong" order: storage re-orders them the way Go encodes ObjectMeta.
    obj = {
        "status": {"phase": "Running"},
        "spec": {"nodeName": "n1"},
        "metadata": {
            "finalizers": ["f"],
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "rs", "uid": "owner-uid"}],
            "annotations": {"note": "x"},
            "labels": {"app": "web"},
            "namespace": "default",
            "name": "ordered",
            "generateName": "",
        },
        "apiVersion": "v1",
        "kind": "Pod",
    }
    storage.create("pods", obj)
    _, listed, _ = request(srv, "GET", "/api/v1/pods")
    _, single, _ = request(srv, "GET", "/api/v1/namespaces/default/pods/ordered")
    w = Watch(srv, "/api/v1/pods?watch=true")
    try:
        watched = json.dumps(w.take(1)[0]["object"], separators=(",", ":")).encode()
    finally:
        w.close()
    for whole in (listed, single, watched):
        raw = whole[whole.index(b'"metadata":{"name":"ordered"') :]  # the object, past any list metadata
        order = [
            raw.index(k)
            for k in (
                b'"name":"ordered"',
                b'"namespace":"default"',
                b'"uid":"',
                b'"resourceVersion":"',
                b'"creationTimestamp":"',
                b'"labels":',
                b'"annotations":',
                b'"ownerReferences":',
                b'"finalizers":',
            )
        ]
        assert order == sorted(order), raw
        # The object's own uid comes before the owner's uid.
        assert raw.index(b'"uid":"') < raw.index(b'"uid":"owner-uid"')
        assert raw.index(b'"metadata":') < raw.index(b'"spec":') < raw.index(b'"status":')
        assert b'"generateName"' not in raw  # empty fields are omitted like Go's omitempty
    assert single.startswith(b'{"kind":"Pod","apiVersion":"v1","metadata":{"name":"ordered",')
    assert b'"items":[{"metadata":{"name":"ordered"' in listed


# ---------------------------------------------------------------------------------------------------------------------
# test hooks, auth, lifecycle
# ---------------------------------------------------------------------------------------------------------------------


def test_fail_next_injects_status_errors(srv: SimApiServer, storage: Storage) -> None:
    storage.create("pods", pod("a"))
    srv.fail_next("GET", r"^/api/v1/pods$", 429, count=2, retry_after=3)
    for _ in range(2):
        code, body, headers = request(srv, "GET", "/api/v1/pods?limit=10")
        status = json.loads(body)
        assert code == 429 and headers["Retry-After"] == "3"
        assert status["kind"] == "Status" and status["reason"] == "TooManyRequests" and status["code"] == 429
    code, _, _ = request(srv, "GET", "/api/v1/pods?limit=10")
    assert code == 200
    # Matching the query as well: only watches fail.
    srv.fail_next("GET", r"watch=true", 503)
    code, _, _ = request(srv, "GET", "/api/v1/pods")
    assert code == 200
    w = Watch(srv, "/api/v1/pods?watch=true")
    try:
        assert w.resp.status == 503
        assert json.loads(w.resp.read())["reason"] == "ServiceUnavailable"
    finally:
        w.close()
    srv.fail_next("*", r"/nodes", 500)
    code, body, _ = request(srv, "POST", "/api/v1/nodes", {"metadata": {"name": "n"}})
    assert code == 500 and json.loads(body)["reason"] == "InternalError"
    assert storage.count("nodes") == 0


def test_bearer_token_is_enforced(storage: Storage) -> None:
    server = SimApiServer(storage, token="s3cret")
    server.start()
    try:
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "s3cret"}):
            code, body, _ = request(server, "GET", "/api/v1/pods", headers=headers)
            status = json.loads(body)
            assert code == 401 and status["reason"] == "Unauthorized" and status["code"] == 401
        code, _, _ = request(server, "GET", "/api/v1/pods", headers={"Authorization": "Bearer s3cret"})
        assert code == 200
        w = Watch(server, "/api/v1/pods?watch=true")
        assert w.resp.status == 401
        w.close()
    finally:
        server.stop()


def test_request_log_counts_lists_and_watches(srv: SimApiServer) -> None:
    srv.clear_requests()
    get_json(srv, "/api/v1/pods?limit=5")
    w = Watch(srv, "/api/v1/pods?watch=true&timeoutSeconds=1&resourceVersion=0")
    w.close()
    get_json(srv, "/apis/apps/v1/deployments")
    assert wait_for(lambda: len(srv.requests) == 3)
    watches = [r for r in srv.requests if r[2].get("watch") == "true"]
    lists = [r for r in srv.requests if r[0] == "GET" and "watch" not in r[2]]
    assert len(watches) == 1 and watches[0][1] == "/api/v1/pods" and watches[0][2]["resourceVersion"] == "0"
    assert [r[1] for r in lists] == ["/api/v1/pods", "/apis/apps/v1/deployments"]
    assert lists[0][2] == {"limit": "5"}


def test_stop_ends_open_watches(storage: Storage) -> None:
    server = SimApiServer(storage)
    server.start()
    w = Watch(server, "/api/v1/pods?watch=true")
    keep_alive = http.client.HTTPConnection(server.host, server.port, timeout=5)
    keep_alive.request("GET", "/livez")
    assert keep_alive.getresponse().read() == b"ok"
    assert wait_for(lambda: server.open_watches == 1)
    server.stop()
    try:
        assert w.next() is None  # ended cleanly
    finally:
        w.close()
    assert storage.watcher_count() == 0
    with pytest.raises(OSError):
        keep_alive.request("GET", "/livez")
        keep_alive.getresponse()
    keep_alive.close()
    with pytest.raises(OSError):
        urllib.request.urlopen(server.url + "/livez", timeout=2)


def test_send_initial_events_ends_with_marked_bookmark(srv: SimApiServer, storage: Storage) -> None:
    storage.create("pods", pod("a"))
    storage.create("pods", pod("b"))
    rv = storage.resource_version
    w = Watch(
        srv,
        "/api/v1/pods?watch=true&sendInitialEvents=true&allowWatchBookmarks=true"
        "&resourceVersionMatch=NotOlderThan&resourceVersion=",
    )
    try:
        evs = w.take(3)
        assert [e["type"] for e in evs] == ["ADDED", "ADDED", "BOOKMARK"]
        meta = evs[2]["object"]["metadata"]
        assert meta["resourceVersion"] == str(rv)
        assert meta["annotations"] == {"k8s.io/initial-events-end": "true"}
    finally:
        w.close()


# ---------------------------------------------------------------------------------------------------------------------
# storage
# ---------------------------------------------------------------------------------------------------------------------


def test_storage_versions_and_copies() -> None:
    s = Storage()
    a = s.create("pods", pod("a"))
    cm = s.create("configmaps", {"metadata": {"name": "c", "namespace": "default"}, "data": {"k": "v"}})
    assert (a["metadata"]["resourceVersion"], cm["metadata"]["resourceVersion"]) == ("1", "2")  # one counter
    assert "generation" not in cm["metadata"] and a["metadata"]["generation"] == 1
    a["metadata"]["labels"] = {"mutated": "copy"}
    assert "labels" not in s.get("pods", "default", "a")["metadata"]  # returned dicts are copies
    same = s.update("pods", s.get("pods", "default", "a"))
    assert same["metadata"]["resourceVersion"] == "1" and s.resource_version == 2  # a no-op writes nothing
    with pytest.raises(AlreadyExists):
        s.create("pods", pod("a"))
    with pytest.raises(NotFound):
        s.delete("pods", "default", "zzz")
    with pytest.raises(NotFound):
        s.patch("pods", "default", "zzz", {})
    gen = s.create("pods", {"metadata": {"generateName": "web-", "namespace": "default"}})
    assert gen["metadata"]["name"].startswith("web-") and len(gen["metadata"]["name"]) == 9
    with pytest.raises(ValueError):
        s.create("pods", {"metadata": {"name": "no-namespace"}})
    assert [p["metadata"]["name"] for p in s.list("pods")] == sorted(["a", gen["metadata"]["name"]])


def test_storage_event_window_and_bulk_load() -> None:
    s = Storage(event_window=3)
    s.bulk_load("pods", (pod(f"b{i}") for i in range(5)))
    assert s.resource_version == 5 and s.count("pods") == 5
    assert s.get("pods", "default", "b3")["metadata"]["resourceVersion"] == "4"
    with pytest.raises(Gone):
        s.open_watch("pods", 2)  # before the bulk load: those objects have no events
    for i in range(5):
        s.patch("pods", "default", f"b{i}", {"metadata": {"labels": {"i": str(i)}}})
    with pytest.raises(Gone) as exc:
        s.open_watch("pods", 6)  # only the last 3 events (8, 9, 10) are kept
    assert str(exc.value) == "too old resource version: 6 (7)"
    w, initial, replay, rv = s.open_watch("pods", 7)
    assert [e.rv for e in replay] == [8, 9, 10] and initial == [] and rv == 10
    s.close_watch(w)
    assert s.watcher_count() == 0
