"""The synthetic cluster generator (ksm_shard.sim.cluster) and the churner (ksm_shard.sim.churn)."""

from __future__ import annotations

import collections
import re
import time

import msgspec
import pytest

from ksm_shard.sim.churn import Churner, restart_container
from ksm_shard.sim.cluster import generate_cluster, qos_class
from ksm_shard.sim.storage import NotFound, Storage

UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
QUANTITY = re.compile(r"^\d+(m|Ki|Mi|Gi|Ti)?$")
META_ORDER = [
    "name",
    "generateName",
    "namespace",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "labels",
    "annotations",
    "ownerReferences",
    "finalizers",
]
DEFAULT_TOLERATION = {
    "key": "node.kubernetes.io/not-ready",
    "operator": "Exists",
    "effect": "NoExecute",
    "tolerationSeconds": 300,
}
FIRST_SEVEN = ("namespaces", "nodes", "deployments", "replicasets", "pods", "jobs", "configmaps")


@pytest.fixture(scope="module")
def cluster() -> dict[str, list[dict]]:
    return generate_cluster(3000, seed=11)


def all_objects(c: dict[str, list[dict]]):
    for resource, objs in c.items():
        for o in objs:
            yield resource, o


def is_ready(pod: dict) -> bool:
    return any(c["type"] == "Ready" and c["status"] == "True" for c in pod["status"].get("conditions", ()))


# --- generator ---------------------------------------------------------------------------------------------------


def test_deterministic_per_seed() -> None:
    a = msgspec.json.encode(generate_cluster(300, seed=7))
    assert a == msgspec.json.encode(generate_cluster(300, seed=7))
    assert a != msgspec.json.encode(generate_cluster(300, seed=8))


def test_counts_and_proportions(cluster: dict[str, list[dict]]) -> None:
    for resource in FIRST_SEVEN + ("secrets", "services", "statefulsets", "daemonsets", "cronjobs"):
        assert cluster[resource], resource
    assert len(cluster["pods"]) == 3000
    assert len(cluster["nodes"]) == 100  # pods / 30
    names = [n["metadata"]["name"] for n in cluster["namespaces"]]
    assert len(names) == 31 and "kube-system" in names  # max(3, pods / 100) + kube-system

    owners = collections.Counter(
        (p["metadata"].get("ownerReferences") or [{"kind": None}])[0]["kind"] for p in cluster["pods"]
    )
    assert owners["ReplicaSet"] > 0.7 * 3000
    assert 0.02 * 3000 < owners["Job"] < 0.1 * 3000
    assert 0 < owners[None] < 0.03 * 3000

    rs_by_deploy = collections.defaultdict(list)
    for rs in cluster["replicasets"]:
        ref = rs["metadata"]["ownerReferences"][0]
        assert ref["kind"] == "Deployment"
        assert re.fullmatch(re.escape(ref["name"]) + r"-[a-z0-9]{10}", rs["metadata"]["name"])
        rs_by_deploy[ref["uid"]].append(rs)
    for d in cluster["deployments"]:
        rss = rs_by_deploy[d["metadata"]["uid"]]
        assert 2 <= len(rss) <= 3  # current + 1-2 old
        assert sum(1 for rs in rss if rs["spec"]["replicas"] == 0) >= len(rss) - 2

    for p in cluster["pods"]:
        ref = (p["metadata"].get("ownerReferences") or [None])[0]
        if ref and ref["kind"] in ("ReplicaSet", "Job", "DaemonSet"):
            assert re.fullmatch(re.escape(ref["name"]) + r"-[a-z0-9]{5}", p["metadata"]["name"])
            assert p["metadata"]["generateName"] == ref["name"] + "-"

    cms = collections.defaultdict(list)
    for cm in cluster["configmaps"]:
        cms[cm["metadata"]["namespace"]].append(cm["metadata"]["name"])
    assert set(cms) == set(names)
    for ns_cms in cms.values():
        assert "kube-root-ca.crt" in ns_cms and 2 <= len(ns_cms) <= 3


def test_size_arguments() -> None:
    c = generate_cluster(120, nodes=7, namespaces=5, seed=3)
    assert len(c["pods"]) == 120 and len(c["nodes"]) == 7 and len(c["namespaces"]) == 6
    terminating = [n for n in c["namespaces"] if n["status"]["phase"] == "Terminating"]
    assert len(terminating) == 1 and "deletionTimestamp" in terminating[0]["metadata"]
    for n in c["namespaces"]:
        assert n["metadata"]["labels"]["kubernetes.io/metadata.name"] == n["metadata"]["name"]
        assert n["spec"] == {"finalizers": ["kubernetes"]}
    for pods in (0, 1, 5, 40):
        assert len(generate_cluster(pods, seed=pods)["pods"]) == pods


def test_owners_exist_and_uids_unique(cluster: dict[str, list[dict]]) -> None:
    by_uid = {}
    for _, o in all_objects(cluster):
        uid = o["metadata"]["uid"]
        assert UUID4.match(uid)
        assert uid not in by_uid
        by_uid[uid] = o
    for _, o in all_objects(cluster):
        for ref in o["metadata"].get("ownerReferences", ()):
            owner = by_uid[ref["uid"]]
            assert (owner["kind"], owner["apiVersion"], owner["metadata"]["name"]) == (
                ref["kind"],
                ref["apiVersion"],
                ref["name"],
            )
            assert owner["metadata"].get("namespace") in (None, o["metadata"]["namespace"])
            assert ref["controller"] is True and ref["blockOwnerDeletion"] is True
    names = collections.Counter(
        (r, o["metadata"].get("namespace"), o["metadata"]["name"]) for r, o in all_objects(cluster)
    )
    assert max(names.values()) == 1


def test_json_layout(cluster: dict[str, list[dict]]) -> None:
    for resource, o in all_objects(cluster):
        raw = msgspec.json.encode(o)
        uid_at = raw.index(b'"uid":"')
        for key in (b'"labels"', b'"annotations"', b'"ownerReferences"'):
            at = raw.find(key)
            assert at == -1 or at > uid_at, (resource, key)
        keys = list(o)
        assert keys[:3] == ["kind", "apiVersion", "metadata"]
        if "spec" in o and "status" in o:
            assert keys.index("spec") < keys.index("status")
        md = o["metadata"]
        assert "resourceVersion" not in md
        assert [k for k in META_ORDER if k in md] == list(md)
        assert RFC3339.match(md["creationTimestamp"])
        for m in (md.get("labels"), md.get("annotations")):
            if m:
                assert list(m) == sorted(m)  # Go marshals maps with sorted keys
    pod = cluster["pods"][0]
    assert pod["status"]["conditions"][0]["lastProbeTime"] is None
    assert all(isinstance(cs["restartCount"], int) for cs in pod["status"].get("containerStatuses", ()))


def test_objects_share_no_mutable_parts() -> None:
    # Each object is independent: editing one (e.g. a Deployment's template) cannot change another.
    seen: set[int] = set()

    def walk(x: object) -> None:
        if isinstance(x, dict | list):
            assert id(x) not in seen
            seen.add(id(x))
            for v in x.values() if isinstance(x, dict) else x:
                walk(v)

    walk(generate_cluster(500, seed=9))


def test_quantities_are_strings(cluster: dict[str, list[dict]]) -> None:
    seen = collections.Counter()
    for pod in cluster["pods"]:
        for c in pod["spec"]["containers"] + pod["spec"].get("initContainers", []):
            for part in ("requests", "limits"):
                for name, q in c["resources"].get(part, {}).items():
                    assert isinstance(q, str) and QUANTITY.match(q), (name, q)
                    seen[name] += 1
    assert seen["cpu"] and seen["memory"]
    for node in cluster["nodes"]:
        for part in ("capacity", "allocatable"):
            res = node["status"][part]
            assert {"cpu", "memory", "pods", "ephemeral-storage", "hugepages-2Mi"} <= set(res)
            assert all(isinstance(q, str) and QUANTITY.match(q) for q in res.values())


def test_pod_variety(cluster: dict[str, list[dict]]) -> None:
    pods = cluster["pods"]
    phases = collections.Counter(p["status"]["phase"] for p in pods)
    assert {"Running", "Pending", "Succeeded", "Failed"} <= set(phases)
    assert phases["Running"] > 0.85 * len(pods)
    assert any(p["status"].get("reason") == "Evicted" for p in pods)
    waiting = collections.Counter()
    terminated = collections.Counter()
    last = collections.Counter()
    for p in pods:
        st = p["status"]
        for cs in st.get("containerStatuses", []):
            if "waiting" in cs["state"]:
                waiting[cs["state"]["waiting"]["reason"]] += 1
            if "terminated" in cs["state"]:
                terminated[cs["state"]["terminated"]["reason"]] += 1
            if cs["lastState"]:
                last[cs["lastState"]["terminated"]["reason"]] += 1
                assert cs["restartCount"] > 0
            if cs.get("containerID"):
                assert re.fullmatch(r"containerd://[0-9a-f]{64}", cs["containerID"])
            if cs["imageID"]:
                assert cs["imageID"].startswith(cs["image"].rsplit(":", 1)[0] + "@sha256:")
        all_containers = p["spec"]["containers"] + p["spec"].get("initContainers", [])
        assert st["qosClass"] == qos_class(all_containers)
        if "nodeName" not in p["spec"]:
            sched = [c for c in st["conditions"] if c["type"] == "PodScheduled"][0]
            assert (sched["status"], sched["reason"]) == ("False", "Unschedulable")
        owner = (p["metadata"].get("ownerReferences") or [{"kind": None}])[0]["kind"]
        if owner != "DaemonSet":  # DaemonSet pods tolerate everything instead
            assert DEFAULT_TOLERATION in p["spec"]["tolerations"]
        assert p["spec"]["schedulerName"] == "default-scheduler"
    assert {"CrashLoopBackOff", "ContainerCreating", "ImagePullBackOff"} <= set(waiting)
    assert {"Completed", "Error"} <= set(terminated)
    assert {"OOMKilled", "Error"} <= set(last)
    assert {p["status"]["qosClass"] for p in pods} == {"BestEffort", "Burstable", "Guaranteed"}
    assert any(len(p["status"].get("podIPs", ())) == 2 and ":" in p["status"]["podIPs"][1]["ip"] for p in pods)
    assert any(
        c.get("restartPolicy") == "Always" for p in pods for c in p["spec"].get("initContainers", ())
    )  # native sidecars
    assert any("persistentVolumeClaim" in v for p in pods for v in p["spec"].get("volumes", ()))
    assert any("priorityClassName" in p["spec"] for p in pods)


def test_workload_status_matches_pods(cluster: dict[str, list[dict]]) -> None:
    pods_of = collections.defaultdict(list)
    for p in cluster["pods"]:
        for ref in p["metadata"].get("ownerReferences", ()):
            pods_of[ref["uid"]].append(p)
    rs_of = collections.defaultdict(list)
    for rs in cluster["replicasets"]:
        rs_of[rs["metadata"]["ownerReferences"][0]["uid"]].append(rs)
        active = [p for p in pods_of[rs["metadata"]["uid"]] if p["status"]["phase"] not in ("Succeeded", "Failed")]
        assert rs["spec"]["replicas"] == rs["status"]["replicas"] == len(active)
        assert rs["status"].get("readyReplicas", 0) == sum(map(is_ready, active))
    reasons = collections.Counter()
    for d in cluster["deployments"]:
        rss = rs_of[d["metadata"]["uid"]]
        st = d["status"]
        assert d["spec"]["replicas"] == sum(rs["spec"]["replicas"] for rs in rss)
        assert st.get("readyReplicas", 0) == sum(rs["status"].get("readyReplicas", 0) for rs in rss)
        assert st.get("unavailableReplicas", 0) == max(0, d["spec"]["replicas"] - st.get("availableReplicas", 0))
        assert int(d["metadata"]["annotations"]["deployment.kubernetes.io/revision"]) >= 2
        assert [c["type"] for c in st["conditions"]] == ["Available", "Progressing"]
        reasons.update(c["reason"] for c in st["conditions"])
    assert {"MinimumReplicasAvailable", "NewReplicaSetAvailable", "DeploymentPaused"} <= set(reasons)


def test_jobs_and_nodes(cluster: dict[str, list[dict]]) -> None:
    kinds = collections.Counter()
    for j in cluster["jobs"]:
        conds = {c["type"]: c for c in j["status"].get("conditions", ())}
        assert RFC3339.match(j["status"]["startTime"])
        if "Complete" in conds:
            kinds["complete"] += 1
            assert j["status"]["succeeded"] >= 1 and "completionTime" in j["status"]
        elif "Failed" in conds:
            kinds["failed"] += 1
            assert conds["Failed"]["reason"] == "BackoffLimitExceeded" and j["status"]["failed"] >= 1
        else:
            kinds["active"] += 1
            assert j["status"]["active"] >= 1
        if j["metadata"].get("ownerReferences"):
            kinds["cron"] += 1
    assert all(kinds[k] for k in ("complete", "failed", "active", "cron")), kinds

    ready = collections.Counter()
    for n in cluster["nodes"]:
        conds = [c["type"] for c in n["status"]["conditions"]]
        assert conds == ["MemoryPressure", "DiskPressure", "PIDPressure", "Ready"]
        ready[n["status"]["conditions"][-1]["status"]] += 1
        info = n["status"]["nodeInfo"]
        assert info["kubeletVersion"].startswith("v1.") and info["operatingSystem"] == "linux"
        assert n["spec"]["podCIDRs"][0] == n["spec"]["podCIDR"]
        assert n["metadata"]["labels"]["kubernetes.io/hostname"] == n["metadata"]["name"]
        assert any(a["type"] == "InternalIP" for a in n["status"]["addresses"])
    assert ready["True"] and ready["False"] and ready["Unknown"] == 1
    assert any(n["spec"].get("unschedulable") for n in cluster["nodes"])
    assert any("node-role.kubernetes.io/control-plane" in n["metadata"]["labels"] for n in cluster["nodes"])


# --- churn -------------------------------------------------------------------------------------------------------


def loaded_storage(pods: int = 400, seed: int = 5) -> Storage:
    storage = Storage()
    for resource, objs in generate_cluster(pods, seed=seed).items():
        storage.bulk_load(resource, objs)
    return storage


def assert_consistent(storage: Storage) -> None:
    resources = ("namespaces", "nodes", "deployments", "replicasets", "pods", "jobs", "cronjobs", "configmaps",
                 "statefulsets", "daemonsets", "services")  # fmt: skip
    objs = [(r, o) for r in resources for o in storage.list(r)]
    uids = collections.Counter(o["metadata"]["uid"] for _, o in objs)
    assert max(uids.values()) == 1
    by_uid = {o["metadata"]["uid"]: o for _, o in objs}
    namespaces = {o["metadata"]["name"] for r, o in objs if r == "namespaces"}
    for _, o in objs:
        md = o["metadata"]
        if "namespace" in md:
            assert md["namespace"] in namespaces
        for ref in md.get("ownerReferences", ()):
            assert ref["uid"] in by_uid, (md["name"], ref)
            assert by_uid[ref["uid"]]["metadata"]["name"] == ref["name"]


def test_churn_step_applies_requested_changes() -> None:
    storage = loaded_storage()
    before = {(p["metadata"]["namespace"], p["metadata"]["name"]): p["metadata"]["uid"] for p in storage.list("pods")}
    churner = Churner(storage, 10, seed=1)
    changes = churner.step(300)
    assert len(changes) == 300 and churner.changes == 300
    verbs = collections.Counter((v, r) for v, r, _, _ in changes)
    assert {("update", "pods"), ("create", "pods"), ("delete", "pods"), ("update", "configmaps")} <= set(verbs)
    assert {v for v, _, _, _ in changes} <= {"create", "update", "delete"}
    deleted = set()
    for verb, resource, ns, name in reversed(changes):  # whatever was written last and not deleted exists
        if verb == "delete":
            deleted.add((resource, ns, name))
        elif (resource, ns, name) not in deleted:
            storage.get(resource, ns or None, name)
    assert_consistent(storage)
    # A pod's name is never reused for a different pod (StatefulSet pods keep theirs, with a new UID).
    for p in storage.list("pods"):
        key = (p["metadata"]["namespace"], p["metadata"]["name"])
        if key in before and before[key] != p["metadata"]["uid"]:
            assert p["metadata"]["ownerReferences"][0]["kind"] == "StatefulSet"
    assert churner.step(0) == []


def test_churn_limited_to_resources() -> None:
    storage = loaded_storage(200)
    churner = Churner(storage, 10, seed=2, resources=["configmaps"])
    changes = churner.step(40)
    assert len(changes) == 40 and {r for _, r, _, _ in changes} == {"configmaps"}


def test_churn_survives_concurrent_deletes() -> None:
    storage = loaded_storage(300)
    churner = Churner(storage, 10, seed=3)
    for p in storage.list("pods")[::2]:  # another actor deletes half the pods behind the churner's back
        storage.delete("pods", p["metadata"]["namespace"], p["metadata"]["name"])
    for cm in storage.list("configmaps"):
        storage.delete("configmaps", cm["metadata"]["namespace"], cm["metadata"]["name"])
    assert len(churner.step(200)) == 200
    assert_consistent(storage)


def test_restart_container() -> None:
    storage = loaded_storage(100)
    pod = next(p for p in storage.list("pods") if p["status"]["phase"] == "Running" and is_ready(p))
    ns, name = pod["metadata"]["namespace"], pod["metadata"]["name"]
    count = pod["status"]["containerStatuses"][0]["restartCount"]
    out = restart_container(storage, ns, name)
    cs = out["status"]["containerStatuses"][0]
    assert cs["restartCount"] == count + 1
    assert cs["lastState"]["terminated"]["reason"] == "Error" and cs["lastState"]["terminated"]["exitCode"] == 1
    assert cs["lastState"]["terminated"]["containerID"] == pod["status"]["containerStatuses"][0]["containerID"]
    assert "running" in cs["state"] and cs["ready"] is True and is_ready(out)
    assert storage.get("pods", ns, name)["status"]["containerStatuses"][0]["restartCount"] == count + 1
    # Deterministic: the same restart on an identical store yields the same new container ID.
    again = restart_container(loaded_storage(100), ns, name)["status"]["containerStatuses"][0]
    assert again["containerID"] == cs["containerID"] != pod["status"]["containerStatuses"][0]["containerID"]
    with pytest.raises(NotFound):
        restart_container(storage, ns, "no-such-pod")


def test_churn_rate_thread() -> None:
    storage = loaded_storage(300)
    churner = Churner(storage, 200, seed=4)
    t0 = time.monotonic()
    churner.start()
    time.sleep(0.25)
    early = churner.changes
    time.sleep(0.75)
    churner.stop()
    elapsed = time.monotonic() - t0
    total = churner.changes
    # a loaded CI machine can starve the thread for a while; the upper bound and the spread are what matter
    assert 0.35 * 200 * elapsed <= total <= 1.3 * 200 * elapsed, (total, elapsed)
    assert 20 <= early <= 80, early  # spread over the second, not one burst
    time.sleep(0.05)
    assert churner.changes == total  # stopped
