"""The remaining kinds of the synthetic cluster (ksm_shard.sim.cluster_extra), as generate_cluster returns them."""

from __future__ import annotations

import collections
import re
import time
from random import Random

import msgspec
import pytest

from ksm_shard.kube.kinds import KINDS
from ksm_shard.sim import cluster as base_cluster
from ksm_shard.sim.cluster import REFERENCE_NOW, generate_cluster
from ksm_shard.sim.cluster_extra import generate_extra

UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
MICRO_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
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
BASE_KINDS = (
    "namespaces nodes deployments replicasets pods jobs cronjobs configmaps secrets services endpointslices "
    "statefulsets daemonsets persistentvolumeclaims"
).split()


@pytest.fixture(scope="module")
def cluster() -> dict[str, list[dict]]:
    return generate_cluster(3000, seed=11)


def by_name(objs: list[dict]) -> dict[tuple[str | None, str], dict]:
    return {(o["metadata"].get("namespace"), o["metadata"]["name"]): o for o in objs}


def conditions(obj: dict) -> list[dict]:
    return (obj.get("status") or {}).get("conditions") or []


# --- presence, determinism, layout ----------------------------------------------------------------------------


def test_every_kind_present(cluster: dict[str, list[dict]]) -> None:
    assert set(cluster) == set(KINDS)
    for resource, kind in KINDS.items():
        objs = cluster[resource]
        assert objs, resource
        for o in objs:
            assert (o["kind"], o["apiVersion"]) == (kind.kind, kind.api_version), resource
            assert ("namespace" in o["metadata"]) == kind.namespaced, (resource, o["metadata"]["name"])
    counts = {r: len(objs) for r, objs in cluster.items()}
    # Proportional but modest next to the 3000 pods.
    assert counts["endpoints"] >= 0.95 * sum(1 for s in cluster["services"] if s["spec"].get("selector"))
    assert counts["leases"] >= counts["nodes"]
    for resource in ("horizontalpodautoscalers", "poddisruptionbudgets", "ingresses", "networkpolicies"):
        assert 10 <= counts[resource] <= 300, (resource, counts[resource])


def test_deterministic_per_seed() -> None:
    a = generate_cluster(300, seed=7)
    b = generate_cluster(300, seed=7)
    c = generate_cluster(300, seed=8)
    for resource in KINDS:
        assert msgspec.json.encode(a[resource]) == msgspec.json.encode(b[resource]), resource
    assert msgspec.json.encode(a["clusterroles"]) != msgspec.json.encode(c["clusterroles"])  # fresh UIDs


def test_base_objects_unchanged_and_input_not_mutated() -> None:
    # generate_cluster's base objects are exactly what the base generator alone makes; extras only append.
    gen = base_cluster._Gen(Random(4), REFERENCE_NOW)
    base = gen.build(400, round(400 / 30), 4)
    before = msgspec.json.encode(base)
    full = generate_cluster(400, seed=4)
    for resource in BASE_KINDS:
        n = len(base[resource])
        assert msgspec.json.encode(full[resource][:n]) == msgspec.json.encode(base[resource]), resource
    generate_extra(base, seed=4, now=REFERENCE_NOW)
    assert msgspec.json.encode(base) == before


def test_uids_unique_across_kinds(cluster: dict[str, list[dict]]) -> None:
    seen: dict[str, str] = {}
    for resource, objs in cluster.items():
        for o in objs:
            uid = o["metadata"]["uid"]
            assert UUID4.match(uid), (resource, uid)
            assert uid not in seen, (resource, seen.get(uid))
            seen[uid] = resource
    names = collections.Counter(
        (r, o["metadata"].get("namespace"), o["metadata"]["name"]) for r, objs in cluster.items() for o in objs
    )
    assert max(names.values()) == 1


def test_json_layout(cluster: dict[str, list[dict]]) -> None:
    for resource in KINDS:
        for o in cluster[resource]:
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
            if resource not in BASE_KINDS:
                assert md["creationTimestamp"] <= base_cluster.rfc3339(REFERENCE_NOW), (resource, md["name"])
            if "deletionTimestamp" in md:
                assert RFC3339.match(md["deletionTimestamp"])
                assert md.get("finalizers") or resource == "namespaces"  # what keeps a deleted object around
            for m in (md.get("labels"), md.get("annotations")):
                if m:
                    assert list(m) == sorted(m)
            if resource not in BASE_KINDS:  # omitempty: no nulls or empty lists (base kinds have legitimate nulls)
                assert b'":null' not in raw and b'":[]' not in raw, resource


def test_quantities_are_strings(cluster: dict[str, list[dict]]) -> None:
    for q in cluster["resourcequotas"]:
        for part in (q["spec"]["hard"], q["status"]["hard"], q["status"]["used"]):
            assert all(isinstance(v, str) and QUANTITY.match(v) for v in part.values()), part
        assert q["status"]["hard"] == q["spec"]["hard"] and set(q["status"]["used"]) == set(q["spec"]["hard"])
    for lr in cluster["limitranges"]:
        for item in lr["spec"]["limits"]:
            for key in ("max", "min", "default", "defaultRequest", "maxLimitRequestRatio"):
                assert all(QUANTITY.match(v) for v in item.get(key, {}).values())
    for pv in cluster["persistentvolumes"]:
        assert QUANTITY.match(pv["spec"]["capacity"]["storage"])
    for lease in cluster["leases"]:
        assert MICRO_TIME.match(lease["spec"]["renewTime"])


# --- references ----------------------------------------------------------------------------------------------


def test_storage_references(cluster: dict[str, list[dict]]) -> None:
    classes = {sc["metadata"]["name"] for sc in cluster["storageclasses"]}
    defaults = [sc for sc in cluster["storageclasses"] if "annotations" in sc["metadata"]]
    assert len(defaults) == 1
    pvcs = by_name(cluster["persistentvolumeclaims"])
    pvs = {pv["metadata"]["name"]: pv for pv in cluster["persistentvolumes"]}
    for pvc in pvcs.values():
        assert pvc["spec"]["storageClassName"] in classes
        if pvc["status"]["phase"] == "Bound":
            pv = pvs[pvc["spec"]["volumeName"]]
            assert pv["status"]["phase"] == "Bound"
            assert pv["spec"]["capacity"] == pvc["status"]["capacity"]
    for pv in pvs.values():
        sc = pv["spec"].get("storageClassName")
        assert sc is None or sc in classes
        if pv["status"]["phase"] == "Bound":
            ref = pv["spec"]["claimRef"]
            pvc = pvcs[(ref["namespace"], ref["name"])]
            assert ref["uid"] == pvc["metadata"]["uid"] and ref["kind"] == "PersistentVolumeClaim"
            assert pvc["spec"]["volumeName"] == pv["metadata"]["name"]
        elif pv["status"]["phase"] in ("Released", "Failed"):
            ref = pv["spec"]["claimRef"]
            assert (ref["namespace"], ref["name"]) not in pvcs  # the claim is gone
    nodes = {n["metadata"]["name"] for n in cluster["nodes"]}
    for va in cluster["volumeattachments"]:
        pv = pvs[va["spec"]["source"]["persistentVolumeName"]]
        assert va["spec"]["nodeName"] in nodes and va["spec"]["attacher"] == pv["spec"]["csi"]["driver"]
        assert "external-attacher/ebs-csi-aws-com" in pv["metadata"]["finalizers"]
        pvc = pvcs[(pv["spec"]["claimRef"]["namespace"], pv["spec"]["claimRef"]["name"])]
        assert pvc["metadata"]["annotations"]["volume.kubernetes.io/selected-node"] == va["spec"]["nodeName"]


def test_workload_references(cluster: dict[str, list[dict]]) -> None:
    workloads = {
        (w["kind"], w["metadata"]["namespace"], w["metadata"]["name"]): w
        for r in ("deployments", "statefulsets")
        for w in cluster[r]
    }
    ingresses = by_name(cluster["ingresses"])
    for hpa in cluster["horizontalpodautoscalers"]:
        ns = hpa["metadata"]["namespace"]
        ref = hpa["spec"]["scaleTargetRef"]
        target = workloads[(ref["kind"], ns, ref["name"])]
        assert ref["apiVersion"] == target["apiVersion"]
        assert hpa["status"]["currentReplicas"] == target["spec"]["replicas"]
        assert hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"]
        for m in hpa["spec"]["metrics"]:
            if m["type"] == "Object":
                d = m["object"]["describedObject"]
                assert (
                    (ns, d["name"]) in ingresses if d["kind"] == "Ingress" else (d["kind"], ns, d["name"]) in workloads
                )
    for pdb in cluster["poddisruptionbudgets"]:
        ns = pdb["metadata"]["namespace"]
        app = pdb["spec"]["selector"]["matchLabels"]["app"]
        matches = [
            w for (k, n, _), w in workloads.items() if n == ns and w["spec"]["selector"]["matchLabels"] == {"app": app}
        ]
        assert matches, pdb["metadata"]["name"]
        st = pdb["status"]
        assert st["expectedPods"] == matches[0]["spec"]["replicas"]
        assert st["disruptionsAllowed"] == max(0, st["currentHealthy"] - st["desiredHealthy"])
    for rc in cluster["replicationcontrollers"]:
        assert rc["spec"]["selector"].items() <= rc["spec"]["template"]["metadata"]["labels"].items()


def test_network_references(cluster: dict[str, list[dict]]) -> None:
    services = by_name(cluster["services"])
    secrets = by_name(cluster["secrets"])
    classes = {c["metadata"]["name"] for c in cluster["ingressclasses"]}
    for ing in cluster["ingresses"]:
        ns, spec = ing["metadata"]["namespace"], ing["spec"]
        assert spec.get("ingressClassName", "nginx") in classes
        backends = [p["backend"] for r in spec["rules"] for p in r["http"]["paths"]]
        backends += [spec["defaultBackend"]] if "defaultBackend" in spec else []
        for b in backends:
            if "service" in b:
                svc = services[(ns, b["service"]["name"])]
                port = b["service"]["port"]
                assert any(
                    p.get("name") == port.get("name") or p["port"] == port.get("number") for p in svc["spec"]["ports"]
                )
        for tls in spec.get("tls", ()):
            assert secrets[(ns, tls["secretName"])]["type"] == "kubernetes.io/tls"
    pods = {p["metadata"]["uid"]: p for p in cluster["pods"]}
    endpoints = by_name(cluster["endpoints"])
    for key, svc in services.items():
        if svc["spec"].get("selector"):
            assert key in endpoints, key
    for key, ep in endpoints.items():
        assert key in services
        for subset in ep.get("subsets", ()):
            for field, ready in (("addresses", True), ("notReadyAddresses", False)):
                for addr in subset.get(field, ()):
                    pod = pods[addr["targetRef"]["uid"]]
                    assert pod["status"]["podIP"] == addr["ip"] and pod["spec"]["nodeName"] == addr["nodeName"]
                    assert any(c["type"] == "Ready" and (c["status"] == "True") == ready for c in conditions(pod))
    nodes = {n["metadata"]["name"]: n for n in cluster["nodes"]}
    node_leases = {
        lease["metadata"]["name"]: lease
        for lease in cluster["leases"]
        if lease["metadata"]["namespace"] == "kube-node-lease"
    }
    assert set(node_leases) == set(nodes)
    for name, lease in node_leases.items():
        assert lease["metadata"]["ownerReferences"][0]["uid"] == nodes[name]["metadata"]["uid"]
        assert lease["spec"]["holderIdentity"] == name
    namespaces = {n["metadata"]["name"] for n in cluster["namespaces"]}
    for np in cluster["networkpolicies"]:
        assert np["metadata"]["namespace"] in namespaces
    live = {n["metadata"]["name"] for n in cluster["namespaces"] if "deletionTimestamp" not in n["metadata"]}
    assert {np["metadata"]["namespace"] for np in cluster["networkpolicies"]} == live - {"kube-system"}


def test_rbac_and_account_references(cluster: dict[str, list[dict]]) -> None:
    cluster_roles = {r["metadata"]["name"] for r in cluster["clusterroles"]}
    roles = {(r["metadata"]["namespace"], r["metadata"]["name"]) for r in cluster["roles"]}
    accounts = by_name(cluster["serviceaccounts"])
    secrets = by_name(cluster["secrets"])

    def check(binding: dict, ns: str | None) -> None:
        ref = binding["roleRef"]
        assert ref["apiGroup"] == "rbac.authorization.k8s.io"
        if ref["kind"] == "ClusterRole":
            assert ref["name"] in cluster_roles, ref
        else:
            assert (ns, ref["name"]) in roles, ref
        for s in binding["subjects"]:
            if s["kind"] == "ServiceAccount":
                assert (s["namespace"], s["name"]) in accounts, s
            else:
                assert s["apiGroup"] == "rbac.authorization.k8s.io"

    for b in cluster["clusterrolebindings"]:
        check(b, None)
    for b in cluster["rolebindings"]:
        check(b, b["metadata"]["namespace"])
    for ns in {n["metadata"]["name"] for n in cluster["namespaces"]}:
        assert (ns, "default") in accounts
    for p in cluster["pods"]:
        assert (p["metadata"]["namespace"], p["spec"]["serviceAccountName"]) in accounts
    for (ns, _), sa in accounts.items():
        for ref in sa.get("secrets", ()):
            secret = secrets[(ns, ref["name"])]
            assert secret["type"] == "kubernetes.io/service-account-token"
            assert secret["metadata"]["annotations"]["kubernetes.io/service-account.uid"] == sa["metadata"]["uid"]
        for ref in sa.get("imagePullSecrets", ()):
            assert secrets[(ns, ref["name"])]["type"] == "kubernetes.io/dockerconfigjson"


def test_admission_references(cluster: dict[str, list[dict]]) -> None:
    services = by_name(cluster["services"])
    configmaps = by_name(cluster["configmaps"])
    for resource in ("validatingwebhookconfigurations", "mutatingwebhookconfigurations"):
        for cfg in cluster[resource]:
            for hook in cfg["webhooks"]:
                cc = hook["clientConfig"]
                assert ("service" in cc) != ("url" in cc) and cc["caBundle"]
                if "service" in cc:
                    assert (cc["service"]["namespace"], cc["service"]["name"]) in services
    for policies, bindings in (
        ("validatingadmissionpolicies", "validatingadmissionpolicybindings"),
        ("mutatingadmissionpolicies", "mutatingadmissionpolicybindings"),
    ):
        names = {p["metadata"]["name"]: p for p in cluster[policies]}
        for b in cluster[bindings]:
            policy = names[b["spec"]["policyName"]]
            ref = b["spec"].get("paramRef")
            if ref:
                assert policy["spec"]["paramKind"] == {"apiVersion": "v1", "kind": "ConfigMap"}
                if "name" in ref:
                    assert (ref["namespace"], ref["name"]) in configmaps


# --- variety for the metric families -------------------------------------------------------------------------


def test_variety(cluster: dict[str, list[dict]]) -> None:
    c = cluster
    assert {pv["status"]["phase"] for pv in c["persistentvolumes"]} == {
        "Pending",
        "Available",
        "Bound",
        "Released",
        "Failed",
    }
    sources = {k for pv in c["persistentvolumes"] for k in pv["spec"]} - {
        "capacity", "accessModes", "claimRef", "persistentVolumeReclaimPolicy", "storageClassName", "volumeMode",
        "nodeAffinity",
    }  # fmt: skip
    assert {"csi", "nfs", "iscsi", "fc", "local", "hostPath", "awsElasticBlockStore"} <= sources
    assert any("mounter" in (pv["spec"].get("csi") or {}).get("volumeAttributes", {}) for pv in c["persistentvolumes"])
    assert {p["status"]["phase"] for p in c["persistentvolumeclaims"]} == {"Bound", "Pending", "Lost"}
    assert {m for p in c["persistentvolumeclaims"] for m in p["spec"]["accessModes"]} == {
        "ReadWriteOnce", "ReadWriteMany", "ReadOnlyMany", "ReadWriteOncePod"}  # fmt: skip
    assert {x["type"] for p in c["persistentvolumeclaims"] for x in conditions(p)} >= {"Resizing"}
    assert {s["spec"]["type"] for s in c["services"]} == {"ClusterIP", "NodePort", "LoadBalancer", "ExternalName"}
    lb = [i for s in c["services"] for i in s["status"]["loadBalancer"].get("ingress", ())]
    assert any("ip" in i for i in lb) and any("hostname" in i for i in lb)
    assert any(s["spec"].get("loadBalancerIP") for s in c["services"])
    subsets = [s for e in c["endpoints"] for s in e.get("subsets", ())]
    assert any("addresses" in s for s in subsets) and any("notReadyAddresses" in s for s in subsets)
    assert any("hints" in ep for sl in c["endpointslices"] for ep in sl.get("endpoints") or ())  # topology-aware
    assert len({s["type"] for s in c["secrets"]}) >= 7
    hpa_metrics = collections.Counter(m["type"] for h in c["horizontalpodautoscalers"] for m in h["spec"]["metrics"])
    assert set(hpa_metrics) == {"Resource", "Pods", "Object", "External", "ContainerResource"}
    targets = {m[m_key]["target"]["type"] for h in c["horizontalpodautoscalers"] for m in h["spec"]["metrics"]
               for m_key in [next(k for k in m if k != "type")]}  # fmt: skip
    assert targets == {"Utilization", "AverageValue", "Value"}
    hpa_conds = {(x["type"], x["status"]) for h in c["horizontalpodautoscalers"] for x in conditions(h)}
    assert {("AbleToScale", "True"), ("ScalingActive", "True"), ("ScalingActive", "False"),
            ("ScalingLimited", "True"), ("ScalingLimited", "False")} <= hpa_conds  # fmt: skip
    assert any(m == {"type": ""} for h in c["horizontalpodautoscalers"] for m in h["status"]["currentMetrics"])
    assert any(
        "tolerance" in (h["spec"].get("behavior") or {}).get("scaleDown", {}) for h in c["horizontalpodautoscalers"]
    )
    csr = collections.Counter(tuple(sorted(x["type"] for x in conditions(r))) for r in c["certificatesigningrequests"])
    assert {(), ("Approved",), ("Denied",), ("Approved", "Failed")} <= set(csr)
    issued = [r for r in c["certificatesigningrequests"] if "certificate" in r["status"]]
    assert issued and len(issued) < len(c["certificatesigningrequests"])
    assert len({r["spec"]["signerName"] for r in c["certificatesigningrequests"]}) >= 3
    ing = c["ingresses"]
    assert any(i["spec"].get("tls") for i in ing)
    assert any("kubernetes.io/ingress.class" in (i["metadata"].get("annotations") or {}) for i in ing)
    assert any(
        "ingressClassName" not in i["spec"]
        and "kubernetes.io/ingress.class" not in (i["metadata"].get("annotations") or {})
        for i in ing
    )
    paths = [p for i in ing for r in i["spec"]["rules"] for p in r["http"]["paths"]]
    assert {p["pathType"] for p in paths} == {"Prefix", "Exact", "ImplementationSpecific"}
    assert any("resource" in p["backend"] for p in paths) and any(
        "name" in p["backend"].get("service", {}).get("port", {}) for p in paths
    )
    assert any(np["spec"].get("ingress") for np in c["networkpolicies"]) and any(
        np["spec"].get("egress") for np in c["networkpolicies"]
    )
    assert any(q["spec"].get("scopes") for q in c["resourcequotas"])
    assert {x["type"] for lr in c["limitranges"] for x in lr["spec"]["limits"]} == {
        "Container",
        "Pod",
        "PersistentVolumeClaim",
    }
    assert any(
        lease["metadata"]["namespace"] == "kube-system" and "acquireTime" in lease["spec"] for lease in c["leases"]
    )
    assert any(rc["spec"]["replicas"] and conditions(rc) for rc in c["replicationcontrollers"])
    assert any(sa.get("automountServiceAccountToken") is False for sa in c["serviceaccounts"])
    assert {b["spec"]["validationActions"][0] for b in c["validatingadmissionpolicybindings"]} >= {"Deny", "Warn"}
    assert any("url" in h["clientConfig"] for w in c["mutatingwebhookconfigurations"] for h in w["webhooks"])
    assert {h["reinvocationPolicy"] for w in c["mutatingwebhookconfigurations"] for h in w["webhooks"]} == {
        "Never",
        "IfNeeded",
    }
    deleting = {r for r, objs in c.items() for o in objs if "deletionTimestamp" in o["metadata"]}
    assert {"horizontalpodautoscalers", "poddisruptionbudgets", "serviceaccounts", "persistentvolumes",
            "persistentvolumeclaims", "services"} <= deleting  # fmt: skip


# --- sizes and speed -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("pods", [0, 1, 40])
def test_small_clusters(pods: int) -> None:
    c = generate_cluster(pods, seed=pods)
    uids = [o["metadata"]["uid"] for objs in c.values() for o in objs]
    assert len(uids) == len(set(uids))
    assert c["storageclasses"] and c["clusterroles"] and c["serviceaccounts"] and c["leases"]
    assert len(generate_cluster(30, namespaces=0, seed=1)["pods"]) == 30  # no app namespaces at all


def test_fast(cluster: dict[str, list[dict]]) -> None:
    t0 = time.perf_counter()
    generate_extra(cluster, seed=11, now=REFERENCE_NOW)
    assert time.perf_counter() - t0 < 2.0
