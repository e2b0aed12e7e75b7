"""The remaining kinds of ``ksm_shard.kube.kinds.KINDS`` for a synthetic cluster from ``cluster.generate_cluster``.

``generate_extra(cluster, seed=..., now=...)`` reads the base cluster (namespaces, nodes, workloads, services,
claims, ...) and returns the objects that go with it: storage classes, volumes and attachments for the claims,
Endpoints mirroring the EndpointSlices, ingresses, network policies, quotas, leases, RBAC, service accounts, CSRs,
autoscalers, disruption budgets, admission configuration. A few objects of base kinds come along where a kind's
metrics need shapes the base generator does not make (ExternalName and IP load-balancer Services, legacy token and
other Secret types, Lost / resizing / deleting claims); they are appended after the base objects, which stay as
they are.

Same conventions as ``cluster.py``: Go field order, sorted maps, omitempty, quantities as strings, RFC 3339 UTC
timestamps, ``metadata.uid`` set and ``resourceVersion`` left to the storage, nothing shared between objects. The
random stream is separate from the base generator's, so adding kinds here never changes the base objects.
"""

from __future__ import annotations

import base64
import calendar
import hashlib
import time
from random import Random
from typing import Any

import msgspec

from ksm_shard.sim.cluster import DAY, name_suffix, new_uid, owner_ref, rfc3339, sorted_map

__all__ = ["generate_extra"]

_encode = msgspec.json.Encoder().encode
_decode = msgspec.json.Decoder().decode

_KI, _MI, _GI = 1024, 1024**2, 1024**3
_BINARY = {"Ki": _KI, "Mi": _MI, "Gi": _GI, "Ti": 1024**4}
_CONTROLLERS = (
    "attachdetach-controller bootstrap-signer certificate-controller clusterrole-aggregation-controller "
    "cronjob-controller daemon-set-controller deployment-controller disruption-controller endpoint-controller "
    "endpointslice-controller ephemeral-volume-controller generic-garbage-collector horizontal-pod-autoscaler "
    "job-controller namespace-controller node-controller persistent-volume-binder pod-garbage-collector "
    "pv-protection-controller pvc-protection-controller replicaset-controller replication-controller "
    "resourcequota-controller service-account-controller statefulset-controller ttl-after-finished-controller "
    "ttl-controller"
).split()
_BOOTSTRAP_LABELS = {"kubernetes.io/bootstrapping": "rbac-defaults"}
_AUTOUPDATE = {"rbac.authorization.kubernetes.io/autoupdate": "true"}
_RBAC = "rbac.authorization.k8s.io"


def _fresh(x: Any) -> Any:
    """A deep copy (generated objects never share mutable parts)."""
    return _decode(_encode(x))


_parsed: dict[str, int] = {}


def _unix(ts: str) -> int:
    t = _parsed.get(ts)
    if t is None:
        t = _parsed[ts] = calendar.timegm(time.strptime(ts, "%Y-%m-%dT%H:%M:%SZ"))
    return t


def _micro(t: float, rng: Random) -> str:
    """metav1.MicroTime on the wire: RFC 3339 with six fractional digits."""
    return f"{rfc3339(t)[:-1]}.{rng.randrange(1_000_000):06d}Z"


def _milli(q: str) -> int:
    """CPU quantity -> millicores."""
    return int(q[:-1]) if q.endswith("m") else int(float(q) * 1000)


def _bytes(q: str) -> int:
    suffix = q[-2:]
    return int(q[:-2]) * _BINARY[suffix] if suffix in _BINARY else int(q)


def _fmt_cpu(milli: int) -> str:
    return str(milli // 1000) if milli % 1000 == 0 else f"{milli}m"


def _fmt_bytes(n: int) -> str:
    for suffix, size in (("Gi", _GI), ("Mi", _MI), ("Ki", _KI)):
        if n and n % size == 0:
            return f"{n // size}{suffix}"
    return str(n)


def _pem(rng: Random, kind: str, size: int) -> str:
    body = base64.b64encode(rng.randbytes(size)).decode()
    lines = "\n".join(body[i : i + 64] for i in range(0, len(body), 64))
    return f"-----BEGIN {kind}-----\n{lines}\n-----END {kind}-----\n"


def _b64(s: str | bytes) -> str:
    return base64.b64encode(s.encode() if isinstance(s, str) else s).decode()


def _cond(ctype: str, status: str, t: str, reason: str, message: str) -> dict:
    """An autoscaling condition: type, status, lastTransitionTime, reason, message (Go field order)."""
    return {"type": ctype, "status": status, "lastTransitionTime": t, "reason": reason, "message": message}


# (name, provisioner, parameters, reclaim policy, allow expansion, binding mode, default class)
_STORAGE_CLASSES = (
    ("gp3", "ebs.csi.aws.com", {"csi.storage.k8s.io/fstype": "ext4", "encrypted": "true", "type": "gp3"},
     "Delete", True, "WaitForFirstConsumer", True),
    ("gp2", "kubernetes.io/aws-ebs", {"fsType": "ext4", "type": "gp2"}, "Delete", None, "WaitForFirstConsumer", False),
    ("io2-retain", "ebs.csi.aws.com", {"iopsPerGB": "50", "type": "io2"}, "Retain", True, "WaitForFirstConsumer",
     False),
    ("efs-sc", "efs.csi.aws.com", {"directoryPerms": "700", "fileSystemId": "fs-0c3f8e2a91d4b7e65",
     "provisioningMode": "efs-ap"}, "Delete", None, "Immediate", False),
    ("local-storage", "kubernetes.io/no-provisioner", None, "Delete", None, "WaitForFirstConsumer", False),
    ("ceph-rbd", "rbd.csi.ceph.com", {"clusterID": "b9127830-b0cc-4e34-aa47-9d1a2e9949a8", "imageFeatures": "layering",
     "pool": "kubernetes", "csi.storage.k8s.io/fstype": "ext4"}, "Delete", True, "Immediate", False),
)  # fmt: skip
_PROVISIONER = {sc[0]: sc[1] for sc in _STORAGE_CLASSES}
_CSI_IDENTITY = {
    "ebs.csi.aws.com": "1763115320145-9081-ebs.csi.aws.com",
    "efs.csi.aws.com": "1763115322377-4411-efs.csi.aws.com",
    "rbd.csi.ceph.com": "1760020145561-8081-rbd.csi.ceph.com",
}
_EBS_FINALIZER = "external-attacher/ebs-csi-aws-com"


# RBAC rules, compact: (verbs, apiGroups ("core" = ""), resources) or (verbs, None, nonResourceURLs).
_R_READ = "get list watch"
_R_WRITE = "create delete deletecollection get list patch update watch"
_RULES: dict[str, tuple] = {
    "cluster-admin": (("*", "*", "*"), ("*", None, "*")),
    "admin": (("create delete deletecollection patch update", "rbac.authorization.k8s.io", "rolebindings roles"),
              (_R_READ, "authorization.k8s.io", "localsubjectaccessreviews")),
    "edit": ((_R_WRITE, "core", "configmaps endpoints persistentvolumeclaims pods secrets services"),
             (_R_WRITE, "apps", "daemonsets deployments replicasets statefulsets"),
             (_R_WRITE, "batch", "cronjobs jobs"), ("impersonate", "core", "serviceaccounts")),
    "view": ((_R_READ, "core", "configmaps endpoints persistentvolumeclaims pods replicationcontrollers services"),
             (_R_READ, "apps", "daemonsets deployments replicasets statefulsets"),
             (_R_READ, "batch", "cronjobs jobs"), (_R_READ, "policy", "poddisruptionbudgets")),
    "system:basic-user": (("create", "authorization.k8s.io", "selfsubjectaccessreviews selfsubjectrulesreviews"),
                          ("create", "authentication.k8s.io", "selfsubjectreviews")),
    "system:discovery": (("get", None, "/api /api/* /apis /apis/* /healthz /livez /openapi /openapi/* /readyz "
                                       "/version /version/"),),
    "system:public-info-viewer": (("get", None, "/healthz /livez /readyz /version /version/"),),
    "system:monitoring": (("get", None, "/healthz /healthz/* /livez /livez/* /metrics /metrics/slis /readyz "
                                        "/readyz/*"),),
    "system:node": ((_R_READ, "core", "configmaps secrets services"), ("create delete get patch update", "core",
                    "nodes nodes/status pods/status"), ("get list watch create update", "coordination.k8s.io",
                                                        "leases")),
    "system:node-proxier": ((_R_READ, "core", "endpoints nodes services"), ("create patch update", "core events.k8s.io",
                            "events"), (_R_READ, "discovery.k8s.io", "endpointslices")),
    "system:kube-scheduler": ((_R_READ, "core", "nodes pods persistentvolumeclaims persistentvolumes"),
                              ("create", "core", "bindings pods/binding"),
                              ("create get update", "coordination.k8s.io", "leases")),
    "system:kube-controller-manager": ((_R_WRITE, "core", "secrets serviceaccounts"),
                                       ("create get update", "coordination.k8s.io", "leases"),
                                       ("create", "authentication.k8s.io", "tokenreviews")),
    "system:coredns": (("list watch", "core", "endpoints namespaces pods services"),
                       ("list watch", "discovery.k8s.io", "endpointslices")),
    "system:kube-dns": (("list watch", "core", "endpoints services"),),
    "system:node-bootstrapper": (("create get list watch", "certificates.k8s.io", "certificatesigningrequests"),),
    "system:certificates.k8s.io:certificatesigningrequests:nodeclient": (
        ("create", "certificates.k8s.io", "certificatesigningrequests/nodeclient"),),
    "system:certificates.k8s.io:certificatesigningrequests:selfnodeclient": (
        ("create", "certificates.k8s.io", "certificatesigningrequests/selfnodeclient"),),
    "system:auth-delegator": (("create", "authentication.k8s.io", "tokenreviews"),
                              ("create", "authorization.k8s.io", "subjectaccessreviews")),
    "system:persistent-volume-provisioner": ((_R_WRITE, "core", "persistentvolumes"),
                                             (_R_READ, "storage.k8s.io", "storageclasses")),
    "system:volume-scheduler": ((_R_READ + " patch update", "core", "persistentvolumes"),
                                (_R_READ, "storage.k8s.io", "storageclasses")),
    "ebs-csi-node-role": (("get patch", "core", "nodes"), (_R_READ, "storage.k8s.io", "volumeattachments"),
                          (_R_READ, "storage.k8s.io", "csinodes")),
    "ebs-external-attacher-role": ((_R_READ + " patch update", "core", "persistentvolumes"),
                                   (_R_READ + " patch", "storage.k8s.io", "volumeattachments"),
                                   ("patch", "storage.k8s.io", "volumeattachments/status")),
    "ebs-external-provisioner-role": ((_R_WRITE, "core", "persistentvolumes"),
                                      (_R_READ + " update", "core", "persistentvolumeclaims"),
                                      (_R_READ, "storage.k8s.io", "storageclasses csinodes")),
    "kube-state-metrics": ((_R_READ, "*", "*"),),
    "prometheus": ((_R_READ, "core", "endpoints nodes nodes/metrics pods services"), ("get", None, "/metrics")),
    # Namespaced roles
    "developer": ((_R_READ, "core", "configmaps pods pods/log services"), ("create", "core", "pods/exec"),
                  ("get list watch patch", "apps", "deployments replicasets statefulsets")),
    "leader-election": (("create get list update watch", "coordination.k8s.io", "leases"),
                        ("create patch", "core events.k8s.io", "events")),
    "secret-reader": (("get list", "core", "secrets"),),
    "extension-apiserver-authentication-reader": (("get list watch", "core", "configmaps"),),
    "system::leader-locking-kube-controller-manager": (("watch", "core", "configmaps"),
                                                       ("get update", "coordination.k8s.io", "leases")),
    "system::leader-locking-kube-scheduler": (("watch", "core", "configmaps"),
                                              ("get update", "coordination.k8s.io", "leases")),
    "system:controller:bootstrap-signer": ((_R_READ, "core", "secrets"),),
    "system:controller:token-cleaner": (("delete get list watch", "core", "secrets"),),
    "kube-proxy": (("get", "core", "configmaps"),),
}  # fmt: skip
# Roles the controller manager runs with, one system:controller:<name> ClusterRole/binding/ServiceAccount each.
_CONTROLLER_RULES = (("create patch update", "core events.k8s.io", "events"), (_R_READ, "core", "pods"))
_AGGREGATED = ("admin", "edit", "view")
# (binding, role, subjects as (kind, name)) of the bootstrap ClusterRoleBindings.
_SYSTEM_CRBS = (
    ("cluster-admin", "cluster-admin", (("Group", "system:masters"),)),
    ("system:basic-user", "system:basic-user", (("Group", "system:authenticated"),)),
    ("system:discovery", "system:discovery", (("Group", "system:authenticated"),)),
    ("system:public-info-viewer", "system:public-info-viewer",
     (("Group", "system:authenticated"), ("Group", "system:unauthenticated"))),
    ("system:monitoring", "system:monitoring", (("Group", "system:monitoring"),)),
    ("system:node-proxier", "system:node-proxier", (("User", "system:kube-proxy"),)),
    ("system:kube-scheduler", "system:kube-scheduler", (("User", "system:kube-scheduler"),)),
    ("system:kube-controller-manager", "system:kube-controller-manager",
     (("User", "system:kube-controller-manager"),)),
    ("system:volume-scheduler", "system:volume-scheduler", (("User", "system:kube-scheduler"),)),
    ("kubeadm:kubelet-bootstrap", "system:node-bootstrapper",
     (("Group", "system:bootstrappers:kubeadm:default-node-token"),)),
    ("kubeadm:node-autoapprove-bootstrap", "system:certificates.k8s.io:certificatesigningrequests:nodeclient",
     (("Group", "system:bootstrappers:kubeadm:default-node-token"),)),
    ("kubeadm:node-autoapprove-certificate-rotation",
     "system:certificates.k8s.io:certificatesigningrequests:selfnodeclient", (("Group", "system:nodes"),)),
    ("kubeadm:node-proxier", "system:node-proxier", (("ServiceAccount", "kube-proxy"),)),
    ("system:coredns", "system:coredns", (("ServiceAccount", "coredns"),)),
    ("ebs-csi-node-binding", "ebs-csi-node-role", (("ServiceAccount", "ebs-csi-node-sa"),)),
    ("ebs-csi-attacher-binding", "ebs-external-attacher-role", (("ServiceAccount", "ebs-csi-controller-sa"),)),
    ("ebs-csi-provisioner-binding", "ebs-external-provisioner-role", (("ServiceAccount", "ebs-csi-controller-sa"),)),
    ("kube-state-metrics", "kube-state-metrics", (("ServiceAccount", "kube-state-metrics"),)),
    ("prometheus", "prometheus", (("ServiceAccount", "prometheus"),)),
)  # fmt: skip
_ADDON_ROLES = frozenset(
    "ebs-csi-node-role ebs-external-attacher-role ebs-external-provisioner-role kube-state-metrics prometheus "
    "system:coredns".split()
)
_SYSTEM_SAS = ("coredns", "kube-proxy", "ebs-csi-node-sa", "ebs-csi-controller-sa", "kube-state-metrics",
               "prometheus", "token-cleaner")  # fmt: skip
# (binding, role, subjects) of kube-system's RoleBindings; the role is a Role of the same namespace.
_SYSTEM_RBS = (
    ("system::extension-apiserver-authentication-reader", "extension-apiserver-authentication-reader",
     (("User", "system:kube-controller-manager"), ("User", "system:kube-scheduler"))),
    ("system::leader-locking-kube-controller-manager", "system::leader-locking-kube-controller-manager",
     (("User", "system:kube-controller-manager"),)),
    ("system::leader-locking-kube-scheduler", "system::leader-locking-kube-scheduler",
     (("User", "system:kube-scheduler"),)),
    ("system:controller:bootstrap-signer", "system:controller:bootstrap-signer",
     (("ServiceAccount", "bootstrap-signer"),)),
    ("system:controller:token-cleaner", "system:controller:token-cleaner", (("ServiceAccount", "token-cleaner"),)),
    ("kube-proxy", "kube-proxy", (("Group", "system:bootstrappers:kubeadm:default-node-token"),)),
)  # fmt: skip


def _rules(name: str) -> list[dict]:
    out = []
    for verbs, groups, things in _RULES.get(name, _CONTROLLER_RULES):
        rule: dict[str, Any] = {"verbs": verbs.split()}
        if groups is None:
            rule["nonResourceURLs"] = things.split()
        else:
            rule["apiGroups"] = ["" if g == "core" else g for g in groups.split()]
            rule["resources"] = things.split()
        out.append(rule)
    return out


def _subject(kind: str, name: str, namespace: str) -> dict:
    if kind == "ServiceAccount":
        return {"kind": kind, "name": name, "namespace": namespace}
    return {"kind": kind, "apiGroup": _RBAC, "name": name}


_TEAMS_FOR_CSR = ("platform", "payments", "data", "ml", "search")
_SELF_APPROVED = "Auto approving self kubelet client certificate after SubjectAccessReview."


class _Extra:
    def __init__(self, cluster: dict[str, list[dict]], rng: Random, now: int) -> None:
        self.c = cluster
        self.rng = rng
        self.now = now
        self.out: dict[str, list[dict]] = {}
        self.ts = rfc3339
        namespaces = cluster.get("namespaces") or []
        self.ns_created = {n["metadata"]["name"]: _unix(n["metadata"]["creationTimestamp"]) for n in namespaces}
        self.terminating = [n["metadata"]["name"] for n in namespaces if "deletionTimestamp" in n["metadata"]]
        self.app_ns = [
            n["metadata"]["name"]
            for n in namespaces
            if n["metadata"]["name"] != "kube-system" and "deletionTimestamp" not in n["metadata"]
        ]
        self.app_ns_set = set(self.app_ns)
        self.cluster_created = self.ns_created.get("kube-system", now - 500 * DAY)
        self.nodes = cluster.get("nodes") or []
        self.node_by_name = {n["metadata"]["name"]: n for n in self.nodes}
        # Names in use per (resource, namespace), so supplements to base kinds never collide.
        self.names: dict[tuple[str, str], set[str]] = {}
        for resource in ("services", "secrets", "persistentvolumeclaims", "endpointslices"):
            for o in cluster.get(resource) or ():
                md = o["metadata"]
                self.names.setdefault((resource, md.get("namespace", "")), set()).add(md["name"])

    # --- small builders ------------------------------------------------------------------------------------------

    def add(self, resource: str, obj: dict) -> dict:
        self.out.setdefault(resource, []).append(obj)
        return obj

    def uid(self) -> str:
        return new_uid(self.rng)

    def unique(self, resource: str, ns: str, base: str) -> str:
        used = self.names.setdefault((resource, ns), set())
        name, i = base, 2
        while name in used:
            name = f"{base}-{i}"
            i += 1
        used.add(name)
        return name

    def meta(
        self,
        name: str,
        namespace: str | None = None,
        *,
        created: int,
        generate_name: str | None = None,
        generation: int | None = None,
        deleted: int | None = None,
        labels: dict[str, str] | None = None,
        annotations: dict[str, str] | None = None,
        owner: dict | None = None,
        finalizers: list[str] | None = None,
    ) -> dict:
        """ObjectMeta in Go field order; empty parts omitted."""
        md: dict[str, Any] = {"name": name}
        if generate_name:
            md["generateName"] = generate_name
        if namespace is not None:
            md["namespace"] = namespace
        md["uid"] = self.uid()
        if generation is not None:
            md["generation"] = generation
        md["creationTimestamp"] = self.ts(created)
        if deleted is not None:
            md["deletionTimestamp"] = self.ts(deleted)
            md["deletionGracePeriodSeconds"] = 0
        if labels:
            md["labels"] = sorted_map(labels)
        if annotations:
            md["annotations"] = sorted_map(annotations)
        if owner:
            md["ownerReferences"] = [owner]
        if finalizers:
            md["finalizers"] = list(finalizers)
        return md

    def created_in(self, ns: str | None, *, lo: int | None = None, margin: int = 3600) -> int:
        """A creation time after the namespace (or ``lo``) appeared and before now."""
        start = lo if lo is not None else self.ns_created.get(ns or "", self.cluster_created)
        end = max(start + 1, self.now - margin)
        return start + int((end - start) * self.rng.random())

    # --- storage: classes, claims the base lacks, volumes, attachments ----------------------------------------------

    def storage_classes(self) -> None:
        for name, provisioner, params, reclaim, expand, binding, default in _STORAGE_CLASSES:
            ann = {"storageclass.kubernetes.io/is-default-class": "true"} if default else None
            obj: dict[str, Any] = {
                "kind": "StorageClass",
                "apiVersion": "storage.k8s.io/v1",
                "metadata": self.meta(name, created=self.created_in(None, margin=30 * DAY), annotations=ann),
                "provisioner": provisioner,
            }
            if params:
                obj["parameters"] = sorted_map(params)
            obj["reclaimPolicy"] = reclaim
            if name == "ceph-rbd":
                obj["mountOptions"] = ["discard"]
            if expand:
                obj["allowVolumeExpansion"] = True
            obj["volumeBindingMode"] = binding
            if name == "io2-retain":
                zones = {"key": "topology.ebs.csi.aws.com/zone", "values": ["us-east-1a", "us-east-1b"]}
                obj["allowedTopologies"] = [{"matchLabelExpressions": [zones]}]
            self.add("storageclasses", obj)

    def claim(
        self, ns: str, base: str, app: str, mode: str, sc: str, size: str, *, phase: str = "Bound", **kw: Any
    ) -> dict:
        """A supplementary PersistentVolumeClaim (a shape the base generator does not make)."""
        rng, now, ts = self.rng, self.now, self.ts
        name = self.unique("persistentvolumeclaims", ns, base)
        provisioner = _PROVISIONER[sc]
        ann = {"volume.beta.kubernetes.io/storage-provisioner": provisioner}
        ann["volume.kubernetes.io/storage-provisioner"] = provisioner
        ann["pv.kubernetes.io/bind-completed"] = "yes"
        ann["pv.kubernetes.io/bound-by-controller"] = "yes"
        created = self.created_in(ns, margin=2 * DAY)
        md = self.meta(
            name, ns, created=created, deleted=kw.get("deleted"), labels={"app": app},
            annotations=ann, finalizers=["kubernetes.io/pvc-protection"],
        )  # fmt: skip
        request = kw.get("request", size)
        spec = {"accessModes": [mode], "resources": {"requests": {"storage": request}}}
        spec["volumeName"] = "pvc-" + self.uid()
        spec["storageClassName"] = sc
        spec["volumeMode"] = "Filesystem"
        status: dict[str, Any] = {"phase": phase}
        if phase == "Bound":
            status["accessModes"] = [mode]
            status["capacity"] = {"storage": size}
        if request != size:  # an expansion in progress
            t = ts(now - rng.randrange(30, 900))
            status["conditions"] = [
                {"type": "Resizing", "status": "True", "lastProbeTime": None, "lastTransitionTime": t}
            ]
            status["allocatedResources"] = {"storage": request}
            status["allocatedResourceStatuses"] = {"storage": "ControllerResizeInProgress"}
        return self.add(
            "persistentvolumeclaims",
            {"kind": "PersistentVolumeClaim", "apiVersion": "v1", "metadata": md, "spec": spec, "status": status},
        )

    def extra_claims(self) -> None:
        rng, now = self.rng, self.now
        if not self.app_ns:
            return
        for _ in range(max(1, len(self.app_ns) // 30)):
            ns = rng.choice(self.app_ns)
            self.claim(ns, "archive-data", "archiver", "ReadWriteOnce", "gp3", "50Gi", phase="Lost")
            self.claim(
                ns, "export-data", "exporter", "ReadWriteOnce", "gp3", "10Gi", deleted=now - rng.randrange(60, 3600)
            )
            self.claim(
                rng.choice(self.app_ns), "search-index", "indexer", "ReadWriteOnce", "gp3", "100Gi", request="200Gi"
            )
            self.claim(rng.choice(self.app_ns), "shared-assets", "frontend", "ReadOnlyMany", "efs-sc", "20Gi")
            self.claim(rng.choice(self.app_ns), "ledger-wal", "ledger", "ReadWriteOncePod", "io2-retain", "64Gi")
            self.claim(rng.choice(self.app_ns), "image-cache", "resizer", "ReadWriteOnce", "ceph-rbd", "30Gi")

    def volume(
        self,
        name: str,
        *,
        created: int,
        sc: str | None,
        mode: str,
        size: str,
        source: tuple[str, dict],
        phase: str,
        claim: dict | None = None,
        reclaim: str = "Delete",
        zone: str | None = None,
        hostname: str | None = None,
        finalizers: list[str] | None = None,
        deleted: int | None = None,
        status_message: str | None = None,
    ) -> dict:
        rng, ts = self.rng, self.ts
        provisioner = _PROVISIONER.get(sc or "", "")
        ann = None
        if source[0] == "csi" or provisioner == "kubernetes.io/aws-ebs":
            ann = {"pv.kubernetes.io/provisioned-by": provisioner}
            if source[0] == "csi":
                ann["volume.kubernetes.io/provisioner-deletion-secret-name"] = ""
                ann["volume.kubernetes.io/provisioner-deletion-secret-namespace"] = ""
        created = min(created, self.now - 1)
        md = self.meta(name, created=created, deleted=deleted, annotations=ann, finalizers=finalizers)
        spec: dict[str, Any] = {"capacity": {"storage": size}, source[0]: source[1], "accessModes": [mode]}
        if claim is not None:
            cmd = claim["metadata"]
            spec["claimRef"] = {
                "kind": "PersistentVolumeClaim",
                "namespace": cmd["namespace"],
                "name": cmd["name"],
                "uid": cmd["uid"],
                "apiVersion": "v1",
                "resourceVersion": str(rng.randrange(10_000, 90_000_000)),
            }
        spec["persistentVolumeReclaimPolicy"] = reclaim
        if sc:
            spec["storageClassName"] = sc
        spec["volumeMode"] = "Filesystem"
        if zone or hostname:
            key, value = ("topology.kubernetes.io/zone", zone) if zone else ("kubernetes.io/hostname", hostname)
            expr = {"key": key, "operator": "In", "values": [value]}
            spec["nodeAffinity"] = {"required": {"nodeSelectorTerms": [{"matchExpressions": [expr]}]}}
        status: dict[str, Any] = {"phase": phase}
        if status_message:
            status["message"] = status_message
        status["lastPhaseTransitionTime"] = ts(min(created + rng.randrange(1, 30), self.now))
        return self.add("persistentvolumes", {"kind": "PersistentVolume", "apiVersion": "v1", "metadata": md,
                                              "spec": spec, "status": status})  # fmt: skip

    def csi_source(self, sc: str, *, attrs: dict[str, str] | None = None) -> tuple[str, dict]:
        rng = self.rng
        driver = _PROVISIONER[sc]
        if driver == "efs.csi.aws.com":
            handle = f"fs-0c3f8e2a91d4b7e65::fsap-0{rng.getrandbits(64):016x}"
        elif driver == "rbd.csi.ceph.com":
            handle = f"0001-0024-b9127830-b0cc-4e34-aa47-9d1a2e9949a8-0000000000000003-{new_uid(rng)}"
        else:
            handle = f"vol-0{rng.getrandbits(64):016x}"[:21]
        src: dict[str, Any] = {"driver": driver, "volumeHandle": handle}
        if driver != "efs.csi.aws.com":
            src["fsType"] = "ext4"
        attributes = {"storage.kubernetes.io/csiProvisionerIdentity": _CSI_IDENTITY[driver], **(attrs or {})}
        src["volumeAttributes"] = sorted_map(attributes)
        return "csi", src

    def bound_volumes(self) -> list[tuple[dict, str]]:
        """A PersistentVolume for every claim that names one (except Lost claims). Returns (PV, node) to attach."""
        to_attach = []
        claims = (self.c.get("persistentvolumeclaims") or []) + self.out.get("persistentvolumeclaims", [])
        for pvc in claims:
            spec, md = pvc["spec"], pvc["metadata"]
            if not spec.get("volumeName") or pvc["status"].get("phase") != "Bound":
                continue
            sc = spec.get("storageClassName", "gp3")
            node = (md.get("annotations") or {}).get("volume.kubernetes.io/selected-node")
            node_obj = self.node_by_name.get(node or "")
            zone = node_obj["metadata"]["labels"]["topology.kubernetes.io/zone"] if node_obj else None
            ebs = _PROVISIONER[sc] == "ebs.csi.aws.com"
            if ebs and zone is None:
                zone = self.rng.choice(("us-east-1a", "us-east-1b", "us-east-1c"))
            attach = ebs and node_obj is not None
            finalizers = ["external-provisioner.volume.kubernetes.io/finalizer", "kubernetes.io/pv-protection"]
            if attach:
                finalizers.append(_EBS_FINALIZER)
            attrs = {"mapOptions": "krbd:rxbounce", "mounter": "rbd"} if sc == "ceph-rbd" else None
            pv = self.volume(
                spec["volumeName"], created=_unix(md["creationTimestamp"]) + self.rng.randrange(1, 8), sc=sc,
                mode=spec["accessModes"][0], size=pvc["status"]["capacity"]["storage"],
                source=self.csi_source(sc, attrs=attrs), phase="Bound", claim=pvc,
                reclaim="Retain" if sc == "io2-retain" else "Delete", zone=zone if ebs else None, finalizers=finalizers,
            )  # fmt: skip
            if attach:
                to_attach.append((pv, node))
        return to_attach

    def static_volumes(self) -> None:
        """Volumes in the other phases: released and failed dynamic ones, available and pending static ones."""
        rng, now = self.rng, self.now
        n = max(1, len(self.c.get("persistentvolumeclaims") or ()) // 60)
        workers = [n for n in self.nodes if "node-role.kubernetes.io/control-plane" not in n["metadata"]["labels"]]
        for i in range(n):
            ns = self.app_ns[i % len(self.app_ns)] if self.app_ns else "kube-system"
            gone = {"metadata": {"namespace": ns, "name": f"data-{name_suffix(rng)}", "uid": self.uid()}}
            old = self.created_in(ns, margin=10 * DAY)
            self.volume(
                "pvc-" + self.uid(), created=old, sc="io2-retain", mode="ReadWriteOnce", size="64Gi",
                source=self.csi_source("io2-retain"), phase="Released", claim=gone, reclaim="Retain",
                zone=rng.choice(("us-east-1a", "us-east-1b")), finalizers=["kubernetes.io/pv-protection"],
            )  # fmt: skip
            gone = {"metadata": {"namespace": ns, "name": f"cache-{name_suffix(rng)}", "uid": self.uid()}}
            self.volume(
                "pvc-" + self.uid(), created=self.created_in(ns, margin=5 * DAY), sc="ceph-rbd", mode="ReadWriteOnce",
                size="30Gi", phase="Released", claim=gone, reclaim="Retain", finalizers=["kubernetes.io/pv-protection"],
                source=self.csi_source("ceph-rbd", attrs={"mapOptions": "krbd:rxbounce", "mounter": "rbd-nbd"}),
            )  # fmt: skip
            name = "pvc-" + self.uid()
            gone = {"metadata": {"namespace": ns, "name": f"tmp-{name_suffix(rng)}", "uid": self.uid()}}
            zone = rng.choice(("us-east-1a", "us-east-1b", "us-east-1c"))
            self.volume(
                name, created=old, sc="gp2", mode="ReadWriteOnce", size="8Gi", phase="Failed", claim=gone, zone=zone,
                source=("awsElasticBlockStore", {"volumeID": f"aws://{zone}/vol-0{rng.getrandbits(64):016x}"[:34],
                                                 "fsType": "ext4"}),
                finalizers=["kubernetes.io/pv-protection"],
                status_message=f'error getting deleter volume plugin for volume "{name}": no deletable volume plugin '
                "matched",
            )  # fmt: skip
            gone = {"metadata": {"namespace": ns, "name": f"build-{name_suffix(rng)}", "uid": self.uid()}}
            self.volume(
                "pvc-" + self.uid(), created=old, sc="gp3", mode="ReadWriteOnce", size="20Gi", phase="Released",
                claim=gone, source=self.csi_source("gp3"), zone=zone, deleted=now - rng.randrange(30, 600),
                finalizers=["external-provisioner.volume.kubernetes.io/finalizer"],
            )  # fmt: skip
            created = self.created_in(None, margin=30 * DAY)
            self.volume(
                f"nfs-shared-{i}", created=created, sc=None, mode="ReadWriteMany", size="1Ti", phase="Available",
                reclaim="Retain", source=("nfs", {"server": f"10.0.12.{5 + i % 200}", "path": f"/exports/shared{i}"}),
            )  # fmt: skip
            iscsi = {
                "targetPortal": f"10.0.20.{10 + i % 200}:3260",
                "iqn": "iqn.2024-01.com.example:storage.target01",
                "lun": i % 8,
                "iscsiInterface": "default",
                "fsType": "ext4",
                "initiatorName": "iqn.2024-01.com.example:node.initiator01",
            }
            self.volume(
                f"iscsi-lun-{i}", created=created, sc=None, mode="ReadWriteOnce", size="500Gi", phase="Available",
                reclaim="Retain", source=("iscsi", iscsi),
            )  # fmt: skip
            fc = {"targetWWNs": ["500a0982991b8dc5", "500a0982891b8dc5"], "lun": 2 + i % 4, "fsType": "ext4"}
            self.volume(
                f"fc-vol-{i}", created=created, sc=None, mode="ReadWriteOnce", size="200Gi", phase="Available",
                reclaim="Retain", source=("fc", fc),
            )  # fmt: skip
            if workers:
                host = rng.choice(workers)["metadata"]["name"]
                self.volume(
                    f"local-pv-{name_suffix(rng, 8)}", created=created, sc="local-storage", mode="ReadWriteOnce",
                    size="370Gi", phase="Available", hostname=host, source=("local", {"path": "/mnt/disks/nvme0n1",
                                                                                     "fsType": "ext4"}),
                )  # fmt: skip
            self.volume(
                f"hostpath-{name_suffix(rng, 8)}", created=now - rng.randrange(1, 5), sc=None, mode="ReadWriteOnce",
                size="10Gi", phase="Pending", reclaim="Retain",
                source=("hostPath", {"path": "/var/lib/scratch", "type": "DirectoryOrCreate"}),
            )  # fmt: skip

    def volume_attachments(self, to_attach: list[tuple[dict, str]]) -> None:
        rng, now, ts = self.rng, self.now, self.ts
        for pv, node in to_attach:
            node_ann = self.node_by_name[node]["metadata"].get("annotations") or {}
            instance = node_ann.get("csi.volume.kubernetes.io/nodeid", '{"ebs.csi.aws.com":"i-0"}').split('"')[3]
            handle = pv["spec"]["csi"]["volumeHandle"]
            digest = hashlib.sha256(f"{handle}ebs.csi.aws.com{node}".encode()).hexdigest()
            created = max(_unix(pv["metadata"]["creationTimestamp"]), _unix(self.node_by_name[node]["metadata"]
                                                                               ["creationTimestamp"])) + 5  # fmt: skip
            created = min(created, now - 5)
            md = self.meta(
                "csi-" + digest, created=created, annotations={"csi.alpha.kubernetes.io/node-id": instance},
                finalizers=[_EBS_FINALIZER],
            )  # fmt: skip
            spec = {
                "attacher": "ebs.csi.aws.com",
                "source": {"persistentVolumeName": pv["metadata"]["name"]},
                "nodeName": node,
            }
            if rng.random() < 0.04:
                message = (
                    f'rpc error: code = Internal desc = Could not attach volume "{handle}" to node "{instance}": '
                    f'attachment of disk "{handle}" failed, expected device to be attached but was attaching'
                )
                status: dict[str, Any] = {
                    "attached": False,
                    "attachError": {"time": ts(now - rng.randrange(10, 600)), "message": message},
                }
            else:
                device = "/dev/xvd" + "abcdefghijklmnopqrstuvwxyz"[rng.randrange(1, 26)] * 2
                status = {"attached": True, "attachmentMetadata": {"devicePath": device}}
            self.add("volumeattachments", {"kind": "VolumeAttachment", "apiVersion": "storage.k8s.io/v1",
                                           "metadata": md, "spec": spec, "status": status})  # fmt: skip

    # --- service accounts and secrets ------------------------------------------------------------------------------

    def service_accounts(self) -> None:
        """``default`` in every namespace, every account a pod or workload names, and kube-system's own."""
        rng, now = self.rng, self.now
        wanted: dict[str, dict[str, None]] = {ns: {"default": None} for ns in self.ns_created}
        system = wanted.setdefault("kube-system", {"default": None})
        for sa in (*_CONTROLLERS, *_SYSTEM_SAS):
            system[sa] = None
        pod_spec = ("template", "spec")
        for resource, path in (
            ("pods", ()), ("deployments", pod_spec), ("statefulsets", pod_spec), ("daemonsets", pod_spec),
            ("cronjobs", ("jobTemplate", "spec", *pod_spec)),
        ):  # fmt: skip
            for o in self.c.get(resource) or ():
                spec = o["spec"]
                for key in path:
                    spec = spec[key]
                sa = spec.get("serviceAccountName")
                if sa:
                    wanted.setdefault(o["metadata"]["namespace"], {"default": None})[sa] = None
        ca = {
            cm["metadata"]["namespace"]: cm["data"]["ca.crt"]
            for cm in self.c.get("configmaps") or ()
            if cm["metadata"]["name"] == "kube-root-ca.crt"
        }
        self.sas: set[tuple[str, str]] = set()
        for ns, names in wanted.items():
            ns_created = self.ns_created.get(ns, self.cluster_created)
            deleting = ns in self.terminating
            for sa in names:
                self.sas.add((ns, sa))
                app = ns != "kube-system" and sa != "default"
                created = ns_created + 1 if not app else self.created_in(ns, lo=ns_created + 60, margin=DAY)
                labels = ann = None
                if app and rng.random() < 0.3:
                    labels = {"app.kubernetes.io/managed-by": "Helm", "app.kubernetes.io/name": sa}
                    ann = {"meta.helm.sh/release-name": sa, "meta.helm.sh/release-namespace": ns}
                if app and rng.random() < 0.25:
                    ann = {**(ann or {}), "eks.amazonaws.com/role-arn": f"arn:aws:iam::123456789012:role/{ns}-{sa}"}
                md = self.meta(
                    sa, ns, created=created, labels=labels, annotations=ann,
                    deleted=now - rng.randrange(300, 3 * DAY) if deleting else None,
                    finalizers=["example.com/block-deletion"] if deleting else None,
                )  # fmt: skip
                obj: dict[str, Any] = {"kind": "ServiceAccount", "apiVersion": "v1", "metadata": md}
                if app and ns in ca and rng.random() < 0.1:  # a legacy long-lived token Secret
                    secret = self.token_secret(ns, sa, md["uid"], ca[ns], created)
                    obj["secrets"] = [{"name": secret}]
                if sa == "default" and "regcred" in self.names.get(("secrets", ns), ()) and rng.random() < 0.5:
                    obj["imagePullSecrets"] = [{"name": "regcred"}]
                if app and rng.random() < 0.08:
                    obj["automountServiceAccountToken"] = False
                self.add("serviceaccounts", obj)

    def token_secret(self, ns: str, sa: str, sa_uid: str, ca: str, created: int) -> str:
        rng = self.rng
        name = self.unique("secrets", ns, f"{sa}-token-{name_suffix(rng)}")
        uid = self.uid()

        def part(x: bytes) -> str:
            return base64.urlsafe_b64encode(x).decode().rstrip("=")

        claims = {
            "iss": "kubernetes/serviceaccount",
            "kubernetes.io/serviceaccount/namespace": ns,
            "kubernetes.io/serviceaccount/secret.name": name,
            "kubernetes.io/serviceaccount/service-account.name": sa,
            "kubernetes.io/serviceaccount/service-account.uid": sa_uid,
            "sub": f"system:serviceaccount:{ns}:{sa}",
        }
        header = _encode({"alg": "RS256", "kid": part(rng.randbytes(32))})
        token = f"{part(header)}.{part(_encode(claims))}.{part(rng.randbytes(256))}"
        md = {"name": name, "namespace": ns, "uid": uid, "creationTimestamp": self.ts(created)}
        md["annotations"] = {"kubernetes.io/service-account.name": sa, "kubernetes.io/service-account.uid": sa_uid}
        data = {"ca.crt": _b64(ca), "namespace": _b64(ns), "token": _b64(token)}
        self.add("secrets", {"kind": "Secret", "apiVersion": "v1", "metadata": md, "data": data,
                             "type": "kubernetes.io/service-account-token"})  # fmt: skip
        return name

    def secret(self, ns: str, base: str, stype: str, data: dict[str, str], created: int, **kw: Any) -> dict:
        name = self.unique("secrets", ns, base)
        obj = {"kind": "Secret", "apiVersion": "v1", "metadata": self.meta(name, ns, created=created, **kw)}
        obj["data"] = {k: _b64(v) for k, v in sorted(data.items())}
        obj["type"] = stype
        return self.add("secrets", obj)

    def extra_secrets(self) -> None:
        """Secret types the base lacks: bootstrap token, basic-auth, ssh-auth, Helm release records."""
        rng, now, ts = self.rng, self.now, self.ts
        if "kube-system" in self.ns_created:
            token_id = name_suffix(rng, 6)
            self.secret(
                "kube-system", f"bootstrap-token-{token_id}", "bootstrap.kubernetes.io/token",
                {"auth-extra-groups": "system:bootstrappers:kubeadm:default-node-token",
                 "description": "Proxy for managing TTL for the kubeadm-certs secret", "expiration": ts(now + DAY),
                 "token-id": token_id, "token-secret": name_suffix(rng, 16),
                 "usage-bootstrap-authentication": "true", "usage-bootstrap-signing": "true"},
                now - rng.randrange(3600, 20 * 3600),
            )  # fmt: skip
        for ns in self.app_ns:
            team = ns.partition("-")[0]
            if rng.random() < 0.2:
                data = {"password": name_suffix(rng, 20), "username": f"{team}-svc"}
                self.secret(ns, f"{team}-basic-auth", "kubernetes.io/basic-auth", data, self.created_in(ns))
            if rng.random() < 0.1:
                key = _pem(rng, "OPENSSH PRIVATE KEY", 300)
                self.secret(ns, "git-ssh", "kubernetes.io/ssh-auth", {"ssh-privatekey": key}, self.created_in(ns))
        for d in self.c.get("deployments") or ():
            md = d["metadata"]
            release = (md.get("annotations") or {}).get("meta.helm.sh/release-name")
            if not release or rng.random() >= 0.3:  # one release record for a handful of charted deployments
                continue
            revisions = rng.choice((1, 1, 2))
            for v in range(1, revisions + 1):
                t = (
                    _unix(md["creationTimestamp"])
                    if v == 1
                    else self.created_in(None, lo=_unix(md["creationTimestamp"]))
                )
                labels = {"modifiedAt": str(t), "name": release, "owner": "helm", "version": str(v)}
                labels["status"] = "deployed" if v == revisions else "superseded"
                payload = "H4sIAAAAAAAC/" + base64.b64encode(rng.randbytes(240)).decode()
                self.secret(md["namespace"], f"sh.helm.release.v1.{release}.v{v}", "helm.sh/release.v1",
                            {"release": payload}, t, labels=labels)  # fmt: skip

    # --- leases ----------------------------------------------------------------------------------------------------

    def leases(self) -> None:
        """A kubelet lease per node, control-plane leader election and apiserver identity, a few app leaders."""
        rng, now = self.rng, self.now
        for node in self.nodes:
            md = node["metadata"]
            ready = next((c for c in node["status"]["conditions"] if c["type"] == "Ready"), {})
            # A node whose kubelet stopped reporting stopped renewing too.
            renew = (
                now - rng.randrange(1, 11) if ready.get("status") != "Unknown" else _unix(ready["lastHeartbeatTime"])
            )
            owner = owner_ref(node)
            self.add("leases", {
                "kind": "Lease",
                "apiVersion": "coordination.k8s.io/v1",
                "metadata": self.meta(md["name"], "kube-node-lease", created=_unix(md["creationTimestamp"]) + 1,
                                      owner=owner),
                "spec": {"holderIdentity": md["name"], "leaseDurationSeconds": 40, "renewTime": _micro(renew, rng)},
            })  # fmt: skip
        if "kube-system" not in self.ns_created:
            return
        cps = [n for n in self.nodes if "node-role.kubernetes.io/control-plane" in n["metadata"]["labels"]]
        cps = cps or self.nodes[:1]
        for name in ("kube-controller-manager", "kube-scheduler", "cloud-controller-manager"):
            holder = f"{rng.choice(cps)['metadata']['name']}_{self.uid()}" if cps else ""
            self.leader_lease("kube-system", name, holder, 15, self.cluster_created + 30)
        for node in cps:
            digest = hashlib.sha256(node["metadata"]["name"].encode()).hexdigest()[:26]
            labels = {"apiserver.kubernetes.io/identity": "kube-apiserver",
                      "kubernetes.io/hostname": node["metadata"]["name"]}  # fmt: skip
            self.add("leases", {
                "kind": "Lease",
                "apiVersion": "coordination.k8s.io/v1",
                "metadata": self.meta(f"apiserver-{digest}", "kube-system", created=now - rng.randrange(DAY, 30 * DAY),
                                      labels=labels),
                "spec": {"holderIdentity": f"apiserver-{self.uid()}", "leaseDurationSeconds": 3600,
                         "renewTime": _micro(now - rng.randrange(1, 10), rng)},
            })  # fmt: skip
        # Controllers in app namespaces that elect a leader among their running pods.
        self.pods_of: dict[tuple[str, str], list[str]] = {}
        for p in self.c.get("pods") or ():
            app = (p["metadata"].get("labels") or {}).get("app")
            if app and p["status"]["phase"] == "Running":
                self.pods_of.setdefault((p["metadata"]["namespace"], app), []).append(p["metadata"]["name"])
        self.lease_apps: list[tuple[str, str]] = []
        for d in self.c.get("deployments") or ():
            md = d["metadata"]
            if md["namespace"] == "kube-system" or not d["spec"]["replicas"] or rng.random() > 0.04:
                continue
            created = _unix(md["creationTimestamp"]) + rng.randrange(30, 300)
            pods = self.pods_of.get((md["namespace"], md["name"]))
            if not pods:
                continue
            holder = f"{rng.choice(pods)}_{self.uid()}"
            self.leader_lease(md["namespace"], f"{md['name']}-leader", holder, 15, created)
            self.lease_apps.append((md["namespace"], md["name"]))

    def leader_lease(self, ns: str, name: str, holder: str, duration: int, created: int) -> None:
        rng, now = self.rng, self.now
        acquired = created + int((now - created) * rng.random())
        spec: dict[str, Any] = {"holderIdentity": holder, "leaseDurationSeconds": duration}
        spec["acquireTime"] = _micro(acquired, rng)
        spec["renewTime"] = _micro(now - rng.randrange(1, 4), rng)
        spec["leaseTransitions"] = rng.randrange(0, 12)
        self.add("leases", {"kind": "Lease", "apiVersion": "coordination.k8s.io/v1",
                            "metadata": self.meta(name, ns, created=min(created, now - 60)), "spec": spec})  # fmt: skip

    # --- RBAC ------------------------------------------------------------------------------------------------------

    def rbac_object(
        self,
        kind: str,
        name: str,
        ns: str | None,
        created: int,
        *,
        system: bool,
        labels: dict | None = None,
        **parts: Any,
    ) -> dict:
        """A Role/ClusterRole/binding; ``parts`` (rules, aggregationRule, subjects, roleRef) in Go field order."""
        if system:
            labels = {**_BOOTSTRAP_LABELS, **(labels or {})}
        md = self.meta(name, ns, created=created, labels=labels, annotations=dict(_AUTOUPDATE) if system else None)
        return {"kind": kind, "apiVersion": f"{_RBAC}/v1", "metadata": md, **parts}

    def role_ref(self, kind: str, name: str) -> dict:
        return {"apiGroup": _RBAC, "kind": kind, "name": name}

    def rbac(self) -> None:
        rng = self.rng
        t0 = self.cluster_created
        bootstrap = [n for n in list(_RULES)[: list(_RULES).index("developer")] if n not in _ADDON_ROLES]
        # ClusterRoles: the bootstrap policy (admin, edit and view aggregate the system:aggregate-to-* roles, edit
        # and view are themselves aggregated into admin and edit), controller roles, add-on roles.
        for name in bootstrap:
            parts: dict[str, Any] = {"rules": _rules(name)}
            labels = None
            if name in _AGGREGATED:
                if name != "admin":
                    labels = {
                        f"rbac.authorization.k8s.io/aggregate-to-{_AGGREGATED[_AGGREGATED.index(name) - 1]}": "true"
                    }
                selector = {"matchLabels": {f"rbac.authorization.k8s.io/aggregate-to-{name}": "true"}}
                parts["aggregationRule"] = {"clusterRoleSelectors": [selector]}
            self.add(
                "clusterroles", self.rbac_object("ClusterRole", name, None, t0, system=True, labels=labels, **parts)
            )
            if name in _AGGREGATED:
                labels = {f"rbac.authorization.k8s.io/aggregate-to-{name}": "true"}
                self.add("clusterroles", self.rbac_object(
                    "ClusterRole", f"system:aggregate-to-{name}", None, t0, system=True, labels=labels,
                    rules=_rules(name),
                ))  # fmt: skip
        for c in _CONTROLLERS:
            name = f"system:controller:{c}"
            self.add("clusterroles", self.rbac_object("ClusterRole", name, None, t0, system=True, rules=_rules(name)))
            self.add("clusterrolebindings", self.rbac_object(
                "ClusterRoleBinding", name, None, t0, system=True,
                subjects=[_subject("ServiceAccount", c, "kube-system")], roleRef=self.role_ref("ClusterRole", name),
            ))  # fmt: skip
        have_system = "kube-system" in self.ns_created
        for name in sorted(_ADDON_ROLES):
            app = "aws-ebs-csi-driver" if name.startswith("ebs-") else name
            labels = {"app.kubernetes.io/name": app} if app != "system:coredns" else None
            self.add("clusterroles", self.rbac_object("ClusterRole", name, None, t0 + DAY, system=False,
                                                      labels=labels, rules=_rules(name)))  # fmt: skip
        for name, role, subjects in _SYSTEM_CRBS:
            if not have_system and any(k == "ServiceAccount" for k, _ in subjects):
                continue
            system = role not in _ADDON_ROLES and not name.startswith("kubeadm:")
            self.add("clusterrolebindings", self.rbac_object(
                "ClusterRoleBinding", name, None, t0 + (0 if system else DAY), system=system,
                subjects=[_subject(k, n, "kube-system") for k, n in subjects],
                roleRef=self.role_ref("ClusterRole", role),
            ))  # fmt: skip
        # Namespaced: kube-system's bootstrap Roles, then per team namespace.
        if have_system:
            for name, role, subjects in _SYSTEM_RBS:
                system = not name.startswith("kube-proxy")
                self.add("roles", self.rbac_object("Role", role, "kube-system", t0, system=system,
                                                   rules=_rules(role)))  # fmt: skip
                self.add("rolebindings", self.rbac_object(
                    "RoleBinding", name, "kube-system", t0, system=system,
                    subjects=[_subject(k, n, "kube-system") for k, n in subjects], roleRef=self.role_ref("Role", role),
                ))  # fmt: skip
        leaders: dict[str, list[str]] = {}
        for ns, app in getattr(self, "lease_apps", ()):
            leaders.setdefault(ns, []).append(app)
        for ns in self.app_ns:
            team = ns.partition("-")[0]
            t = self.created_in(ns, lo=self.ns_created[ns] + 60, margin=DAY)
            if rng.random() < 0.7:
                self.add("roles", self.rbac_object("Role", "developer", ns, t, system=False, rules=_rules("developer")))
                self.add("rolebindings", self.rbac_object(
                    "RoleBinding", "developer", ns, t, system=False,
                    subjects=[_subject("Group", f"{team}-developers", ns)], roleRef=self.role_ref("Role", "developer"),
                ))  # fmt: skip
            if rng.random() < 0.5:
                subjects = [_subject("Group", f"{team}-admins", ns), _subject("User", f"oncall@{team}.example.com", ns)]
                self.add("rolebindings", self.rbac_object(
                    "RoleBinding", f"{team}-edit", ns, t, system=False, subjects=subjects,
                    roleRef=self.role_ref("ClusterRole", "edit"),
                ))  # fmt: skip
            if ns in leaders:
                self.add("roles", self.rbac_object("Role", "leader-election", ns, t, system=False,
                                                   rules=_rules("leader-election")))  # fmt: skip
                accounts = [a if (ns, a) in self.sas else "default" for a in leaders[ns]]
                self.add("rolebindings", self.rbac_object(
                    "RoleBinding", "leader-election", ns, t, system=False,
                    subjects=[_subject("ServiceAccount", a, ns) for a in dict.fromkeys(accounts)],
                    roleRef=self.role_ref("Role", "leader-election"),
                ))  # fmt: skip
            if rng.random() < 0.2:
                self.add("roles", self.rbac_object("Role", "secret-reader", ns, t, system=False,
                                                   rules=_rules("secret-reader")))  # fmt: skip
                self.add("rolebindings", self.rbac_object(
                    "RoleBinding", "default-secret-reader", ns, t, system=False,
                    subjects=[_subject("ServiceAccount", "default", ns)],
                    roleRef=self.role_ref("Role", "secret-reader"),
                ))  # fmt: skip
        teams = sorted({ns.partition("-")[0] for ns in self.app_ns})
        for team in teams[:: max(1, len(teams) // 6)]:
            self.add("clusterrolebindings", self.rbac_object(
                "ClusterRoleBinding", f"{team}-cluster-view", None, self.created_in(None, margin=DAY), system=False,
                subjects=[_subject("Group", f"{team}-developers", "")], roleRef=self.role_ref("ClusterRole", "view"),
            ))  # fmt: skip

    # --- services the base lacks, Endpoints, ingresses, network policies -------------------------------------------

    def cluster_ip(self) -> str:
        while True:
            ip = f"10.{96 + self.rng.randrange(16)}.{self.rng.randrange(256)}.{self.rng.randrange(1, 255)}"
            if ip not in self.used_ips:
                self.used_ips.add(ip)
                return ip

    def extra_services(self) -> None:
        """ExternalName services, internal load balancers with an IP (plus their slices), one LB being deleted."""
        rng, now, ts = self.rng, self.now, self.ts
        base = self.c.get("services") or []
        self.used_ips = {s["spec"].get("clusterIP") for s in base}
        if not self.app_ns:
            return
        for ns in self.app_ns[:: max(1, len(self.app_ns) // 3)]:
            team = ns.partition("-")[0]
            name = self.unique("services", ns, "external-db")
            spec = {"type": "ExternalName", "sessionAffinity": "None"}
            spec["externalName"] = f"{team}-db.cluster-c9akciq32xyz.us-east-1.rds.amazonaws.com"
            md = self.meta(name, ns, created=self.created_in(ns), labels={"app.kubernetes.io/part-of": team})
            self.add("services", {"kind": "Service", "apiVersion": "v1", "metadata": md, "spec": spec,
                                  "status": {"loadBalancer": {}}})  # fmt: skip
        slices: dict[tuple[str, str], list[dict]] = {}
        for sl in self.c.get("endpointslices") or ():
            key = (sl["metadata"]["namespace"], sl["metadata"]["labels"]["kubernetes.io/service-name"])
            slices.setdefault(key, []).append(sl)
        candidates = [
            s for s in base
            if s["spec"]["type"] == "ClusterIP" and s["spec"].get("clusterIP") != "None" and s["metadata"][
                "namespace"] in self.ns_created and s["metadata"]["namespace"] not in self.terminating
        ]  # fmt: skip
        for svc in rng.sample(candidates, min(len(candidates), max(1, len(base) // 200))):
            ns, app = svc["metadata"]["namespace"], svc["spec"]["selector"]["app"]
            name = self.unique("services", ns, f"{svc['metadata']['name']}-internal")
            lb_ip = f"10.0.{rng.randrange(64, 128)}.{rng.randrange(2, 254)}"
            ip = self.cluster_ip()
            port = {"name": "http", "protocol": "TCP", "port": 80, "targetPort": 8080,
                    "nodePort": rng.randrange(30000, 32768)}  # fmt: skip
            spec: dict[str, Any] = {"ports": [port], "selector": {"app": app}, "clusterIP": ip, "clusterIPs": [ip]}
            spec["type"] = "LoadBalancer"
            spec["sessionAffinity"] = "None"
            spec["loadBalancerIP"] = lb_ip
            spec["loadBalancerSourceRanges"] = ["10.0.0.0/8"]
            spec["externalTrafficPolicy"] = "Local"
            spec["healthCheckNodePort"] = rng.randrange(30000, 32768)
            spec.update(ipFamilies=["IPv4"], ipFamilyPolicy="SingleStack", allocateLoadBalancerNodePorts=True)
            spec["loadBalancerClass"] = "service.k8s.aws/nlb"
            spec["internalTrafficPolicy"] = "Cluster"
            created = self.created_in(ns, lo=_unix(svc["metadata"]["creationTimestamp"]), margin=DAY)
            ann = {"service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
                   "service.beta.kubernetes.io/aws-load-balancer-type": "external",
                   "service.kubernetes.io/topology-mode": "Auto"}  # fmt: skip
            md = self.meta(name, ns, created=created, labels={"app": app}, annotations=ann,
                           finalizers=["service.kubernetes.io/load-balancer-cleanup"])  # fmt: skip
            new = self.add(
                "services",
                {
                    "kind": "Service",
                    "apiVersion": "v1",
                    "metadata": md,
                    "spec": spec,
                    "status": {"loadBalancer": {"ingress": [{"ip": lb_ip, "ipMode": "VIP"}]}},
                },
            )
            for sl in slices.get((ns, svc["metadata"]["name"]), ()):
                slice_name = self.unique("endpointslices", ns, f"{name}-{name_suffix(rng)}")
                labels = {"app": app, "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
                          "kubernetes.io/service-name": name}  # fmt: skip
                ann = {"endpoints.kubernetes.io/last-change-trigger-time": ts(now - rng.randrange(60, DAY))}
                self.add("endpointslices", {
                    "kind": "EndpointSlice",
                    "apiVersion": "discovery.k8s.io/v1",
                    "metadata": self.meta(slice_name, ns, generate_name=f"{name}-", generation=1 + rng.randrange(4),
                                          created=created + 1, labels=labels, annotations=ann, owner=owner_ref(new)),
                    "addressType": "IPv4",
                    "endpoints": self.hinted(sl.get("endpoints")),
                    "ports": [{"name": "http", "protocol": "TCP", "port": 8080}],
                })  # fmt: skip
        # A load balancer being torn down: its finalizer holds the Service until the cloud LB is gone.
        ns = rng.choice(self.app_ns)
        name = self.unique("services", ns, "legacy-elb")
        ip = self.cluster_ip()
        port = {"name": "https", "protocol": "TCP", "port": 443, "targetPort": 8443,
                "nodePort": rng.randrange(30000, 32768)}  # fmt: skip
        spec = {"ports": [port], "clusterIP": ip, "clusterIPs": [ip], "type": "LoadBalancer", "sessionAffinity": "None",
                "externalTrafficPolicy": "Cluster", "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
                "allocateLoadBalancerNodePorts": True, "internalTrafficPolicy": "Cluster"}  # fmt: skip
        host = f"a{rng.getrandbits(124):031x}-{rng.randrange(10**9)}.us-east-1.elb.amazonaws.com"
        md = self.meta(name, ns, created=self.created_in(ns, margin=10 * DAY), deleted=now - rng.randrange(30, 900),
                       finalizers=["service.kubernetes.io/load-balancer-cleanup"])  # fmt: skip
        self.add("services", {"kind": "Service", "apiVersion": "v1", "metadata": md, "spec": spec,
                              "status": {"loadBalancer": {"ingress": [{"hostname": host}]}}})  # fmt: skip

    @staticmethod
    def hinted(endpoints: list[dict] | None) -> list[dict] | None:
        """Copies of slice endpoints with topology-aware routing hints (each endpoint serves its own zone)."""
        if not endpoints:
            return None
        out = _fresh(endpoints)
        for ep in out:
            if "zone" in ep:
                ep["hints"] = {"forZones": [{"name": ep["zone"]}]}
        return out

    def endpoints(self) -> None:
        """One Endpoints per Service with a selector, mirroring its EndpointSlices (what the endpoints controller
        writes): ready addresses and notReadyAddresses, sorted by IP, one subset with the slice ports."""
        slices: dict[tuple[str, str], list[dict]] = {}
        for sl in (self.c.get("endpointslices") or []) + self.out.get("endpointslices", []):
            key = (sl["metadata"]["namespace"], sl["metadata"]["labels"]["kubernetes.io/service-name"])
            slices.setdefault(key, []).append(sl)
        for svc in (self.c.get("services") or []) + self.out.get("services", []):
            smd, spec = svc["metadata"], svc["spec"]
            if not spec.get("selector"):
                continue
            ns = smd["namespace"]
            ready: list[tuple[str, dict]] = []
            not_ready: list[tuple[str, dict]] = []
            ports: list[dict] = []
            trigger = None
            for sl in slices.get((ns, smd["name"]), ()):
                ports = sl.get("ports") or ports
                trigger = (sl["metadata"].get("annotations") or {}).get(
                    "endpoints.kubernetes.io/last-change-trigger-time"
                )
                for ep in sl.get("endpoints") or ():
                    if ep["conditions"].get("terminating"):
                        continue
                    ip = ep["addresses"][0]
                    addr: dict[str, Any] = {"ip": ip}
                    if "hostname" in ep:
                        addr["hostname"] = ep["hostname"]
                    if "nodeName" in ep:
                        addr["nodeName"] = ep["nodeName"]
                    if "targetRef" in ep:
                        addr["targetRef"] = dict(ep["targetRef"])
                    (ready if ep["conditions"].get("ready") else not_ready).append((ip, addr))
            labels = dict(smd.get("labels") or {})
            if spec.get("clusterIP") == "None":
                labels["service.kubernetes.io/headless"] = ""
            obj: dict[str, Any] = {
                "kind": "Endpoints",
                "apiVersion": "v1",
                "metadata": self.meta(
                    smd["name"], ns, created=_unix(smd["creationTimestamp"]) + 1, labels=labels,
                    annotations={"endpoints.kubernetes.io/last-change-trigger-time": trigger} if trigger else None,
                ),
            }  # fmt: skip
            if ready or not_ready:
                subset: dict[str, Any] = {}
                if ready:
                    subset["addresses"] = [a for _, a in sorted(ready, key=lambda x: x[0])]
                if not_ready:
                    subset["notReadyAddresses"] = [a for _, a in sorted(not_ready, key=lambda x: x[0])]
                subset["ports"] = [{"name": p["name"], "port": p["port"], "protocol": p["protocol"]} for p in ports]
                obj["subsets"] = [subset]
            self.add("endpoints", obj)

    def ingress_classes(self) -> None:
        t = self.cluster_created + 2 * DAY
        for name, controller, app, default in (
            ("nginx", "k8s.io/ingress-nginx", "ingress-nginx", True),
            ("alb", "ingress.k8s.aws/alb", "aws-load-balancer-controller", False),
        ):
            ann = {"ingressclass.kubernetes.io/is-default-class": "true"} if default else None
            labels = {"app.kubernetes.io/component": "controller", "app.kubernetes.io/name": app}
            spec: dict[str, Any] = {"controller": controller}
            if name == "alb":
                spec["parameters"] = {"apiGroup": "elbv2.k8s.aws", "kind": "IngressClassParams", "name": "alb"}
            md = self.meta(name, created=t, generation=1, labels=labels, annotations=ann)
            self.add("ingressclasses", {"kind": "IngressClass", "apiVersion": "networking.k8s.io/v1", "metadata": md,
                                        "spec": spec})  # fmt: skip

    def ingresses(self) -> None:
        """Ingresses for ~10% of the HTTP services: class name / legacy annotation / default class, TLS from the
        namespace's certificate Secret, several paths (other services of the namespace, a named port, a resource
        backend), load-balancer status."""
        rng = self.rng
        by_ns: dict[str, list[dict]] = {}
        for svc in self.c.get("services") or ():
            spec = svc["spec"]
            if spec.get("selector") and spec.get("clusterIP") != "None" and spec["type"] != "LoadBalancer":
                by_ns.setdefault(svc["metadata"]["namespace"], []).append(svc)
        tls_secret = {}
        for sec in self.c.get("secrets") or ():
            if sec["type"] == "kubernetes.io/tls":
                tls_secret.setdefault(sec["metadata"]["namespace"], sec["metadata"]["name"])
        nginx_lb = f"a{rng.getrandbits(124):031x}-{rng.randrange(10**9)}.elb.us-east-1.amazonaws.com"
        self.ingress_apps: dict[str, list[str]] = {}
        i = 0
        for ns, services in by_ns.items():
            if ns not in self.app_ns_set:
                continue
            for svc in services:
                if rng.random() >= 0.1:
                    continue
                variant = i if i < 6 else rng.choices(range(6), (60, 10, 5, 4, 3, 18))[0]
                i += 1
                name = svc["metadata"]["name"]
                self.ingress_apps.setdefault(ns, []).append(svc["spec"]["selector"]["app"])
                host = f"{name}.{ns}.example.com"
                ann: dict[str, str] = {}
                spec: dict[str, Any] = {}
                cls = "alb" if variant == 5 else "nginx"
                if variant == 1:
                    ann["kubernetes.io/ingress.class"] = "nginx"  # legacy annotation instead of ingressClassName
                elif variant != 2:
                    spec["ingressClassName"] = cls
                if cls == "alb":
                    ann["alb.ingress.kubernetes.io/scheme"] = "internet-facing"
                    ann["alb.ingress.kubernetes.io/target-type"] = "ip"
                elif rng.random() < 0.3:
                    ann["nginx.ingress.kubernetes.io/proxy-body-size"] = rng.choice(("8m", "16m", "64m"))
                if variant == 3:
                    spec["defaultBackend"] = {"service": {"name": name, "port": {"number": 80}}}
                if ns in tls_secret and (variant == 0 or rng.random() < 0.5):
                    hosts = [host] if rng.random() < 0.7 else [host, f"www.{host}"]
                    spec["tls"] = [{"hosts": hosts, "secretName": tls_secret[ns]}]
                paths = [
                    {"path": "/", "pathType": "Prefix", "backend": {"service": {"name": name, "port": {"number": 80}}}}
                ]
                if variant in (0, 4) or rng.random() < 0.3:
                    other = rng.choice(services)["metadata"]["name"]
                    paths.append(
                        {
                            "path": "/api",
                            "pathType": "Prefix",
                            "backend": {"service": {"name": other, "port": {"name": "http"}}},
                        }
                    )
                if variant == 0 or rng.random() < 0.1:
                    paths.append(
                        {
                            "path": "/healthz",
                            "pathType": "Exact",
                            "backend": {"service": {"name": name, "port": {"number": 80}}},
                        }
                    )
                if variant == 4:
                    paths.append(
                        {
                            "path": "/static",
                            "pathType": "ImplementationSpecific",
                            "backend": {
                                "resource": {
                                    "apiGroup": "k8s.example.com",
                                    "kind": "StorageBucket",
                                    "name": "static-assets",
                                }
                            },
                        }
                    )
                rule: dict[str, Any] = {} if variant == 3 else {"host": host}
                rule["http"] = {"paths": paths}
                spec["rules"] = [rule]
                if variant == 5:
                    lb = {"hostname": f"k8s-{ns[:8]}-{name[:8]}-{rng.getrandbits(40):010x}.us-east-1.elb.amazonaws.com"}
                else:
                    lb = {"hostname": nginx_lb}
                status = {"loadBalancer": {"ingress": [lb]} if rng.random() < 0.95 else {}}
                created = self.created_in(ns, lo=_unix(svc["metadata"]["creationTimestamp"]), margin=600)
                md = self.meta(name, ns, created=created, generation=rng.randint(1, 3),
                               labels={"app": svc["spec"]["selector"]["app"]}, annotations=ann or None)  # fmt: skip
                self.add("ingresses", {"kind": "Ingress", "apiVersion": "networking.k8s.io/v1", "metadata": md,
                                       "spec": spec, "status": status})  # fmt: skip

    def network_policies(self) -> None:
        rng = self.rng
        for ns in self.app_ns:
            t = self.created_in(ns, lo=self.ns_created[ns] + 60)

            def policy(name: str, selector: dict, types: list[str], ns: str = ns, t: int = t, **rules: Any) -> None:
                spec: dict[str, Any] = {"podSelector": selector}
                spec.update(rules)
                spec["policyTypes"] = types
                md = self.meta(name, ns, created=t, generation=1)
                self.add("networkpolicies", {"kind": "NetworkPolicy", "apiVersion": "networking.k8s.io/v1",
                                             "metadata": md, "spec": spec})  # fmt: skip

            policy("default-deny-ingress", {}, ["Ingress"])
            if rng.random() < 0.5:
                policy("allow-same-namespace", {}, ["Ingress"], ingress=[{"from": [{"podSelector": {}}]}])
            for app in getattr(self, "ingress_apps", {}).get(ns, [])[:3]:
                peer = {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}}}
                policy(f"allow-ingress-to-{app}", {"matchLabels": {"app": app}}, ["Ingress"],
                       ingress=[{"ports": [{"protocol": "TCP", "port": 8080}], "from": [peer]}])  # fmt: skip
            if rng.random() < 0.25:
                dns = {
                    "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}],
                    "to": [{"podSelector": {"matchLabels": {"k8s-app": "kube-dns"}},
                            "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}}}],
                }  # fmt: skip
                internet = {"to": [{"ipBlock": {"cidr": "0.0.0.0/0", "except": ["169.254.169.254/32"]}}]}
                web = {
                    "ports": [{"protocol": "TCP", "port": 443}, {"protocol": "TCP", "port": 30000, "endPort": 32767}]
                }
                policy("restrict-egress", {}, ["Egress"], egress=[dns, internet, web])

    # --- quotas and limits -----------------------------------------------------------------------------------------

    def namespace_usage(self) -> dict[str, dict[str, int]]:
        """What quota accounting sees per namespace: non-terminal pods and their summed requests/limits, etc."""
        usage: dict[str, dict[str, int]] = {}

        def u(ns: str) -> dict[str, int]:
            d = usage.get(ns)
            if d is None:
                d = usage[ns] = self.namespace_usage_empty()
            return d

        for p in self.c.get("pods") or ():
            if p["status"]["phase"] in ("Succeeded", "Failed"):
                continue
            d = u(p["metadata"]["namespace"])
            d["pods"] += 1
            d["besteffort"] += p["status"].get("qosClass") == "BestEffort"
            for c in p["spec"]["containers"]:
                res = c.get("resources") or {}
                for part in ("requests", "limits"):
                    q = res.get(part) or {}
                    if "cpu" in q:
                        d[f"{part}.cpu"] += _milli(q["cpu"])
                    if "memory" in q:
                        d[f"{part}.memory"] += _bytes(q["memory"])
        for pvc in (self.c.get("persistentvolumeclaims") or []) + self.out.get("persistentvolumeclaims", []):
            d = u(pvc["metadata"]["namespace"])
            d["persistentvolumeclaims"] += 1
            d["requests.storage"] += _bytes(pvc["spec"]["resources"]["requests"]["storage"])
        for svc in (self.c.get("services") or []) + self.out.get("services", []):
            u(svc["metadata"]["namespace"])["services.loadbalancers"] += svc["spec"]["type"] == "LoadBalancer"
        for d in self.c.get("deployments") or ():
            u(d["metadata"]["namespace"])["count/deployments.apps"] += 1
        return usage

    def quotas(self) -> None:
        rng = self.rng
        usage = self.namespace_usage()
        self.full_quota: dict[str, tuple[str, int]] = {}
        for i, ns in enumerate(self.app_ns):
            if i and rng.random() >= 0.35:
                continue
            used = usage.get(ns) or self.namespace_usage_empty()
            full = i == 0  # one namespace has used up its pod quota
            hard_n = {
                "pods": used["pods"] if full else max(20, -(-used["pods"] * 2 // 10) * 10),
                "requests.cpu": max(4000, -(-used["requests.cpu"] * 3 // 2000) * 1000),
                "requests.memory": max(8 * _GI, -(-used["requests.memory"] * 3 // (2 * _GI)) * _GI),
                "limits.cpu": max(8000, -(-used["limits.cpu"] * 3 // 2000) * 1000),
                "limits.memory": max(16 * _GI, -(-used["limits.memory"] * 3 // (2 * _GI)) * _GI),
            }
            self.quota(ns, "compute-resources", hard_n, used)
            if full:
                self.full_quota[ns] = ("compute-resources", used["pods"])
            if rng.random() < 0.5:
                hard_n = {
                    "count/deployments.apps": max(20, used["count/deployments.apps"] * 2),
                    "persistentvolumeclaims": max(10, used["persistentvolumeclaims"] * 2),
                    "requests.storage": max(500 * _GI, used["requests.storage"] * 2),
                    "services.loadbalancers": max(2, used["services.loadbalancers"]),
                }
                self.quota(ns, "object-counts", hard_n, used)
            if rng.random() < 0.3:
                self.quota(ns, "best-effort", {"pods": max(10, used["besteffort"] + 5)}, {"pods": used["besteffort"]},
                           scopes=["BestEffort"])  # fmt: skip

    @staticmethod
    def namespace_usage_empty() -> dict[str, int]:
        return dict.fromkeys(
            ("pods", "besteffort", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory",
             "persistentvolumeclaims", "requests.storage", "services.loadbalancers", "count/deployments.apps"),
            0,
        )  # fmt: skip

    def quota(self, ns: str, name: str, hard_n: dict[str, int], used: dict[str, int], **spec_extra: Any) -> None:
        def fmt(key: str, n: int) -> str:
            if key.endswith(".cpu"):
                return _fmt_cpu(n)
            if key.endswith((".memory", ".storage")):
                return _fmt_bytes(n)
            return str(n)

        hard = sorted_map({k: fmt(k, v) for k, v in hard_n.items()})
        spec: dict[str, Any] = {"hard": hard, **spec_extra}
        status = {"hard": dict(hard), "used": sorted_map({k: fmt(k, used[k]) for k in hard_n})}
        md = self.meta(name, ns, created=self.created_in(ns, lo=self.ns_created[ns] + 60))
        self.add("resourcequotas", {"kind": "ResourceQuota", "apiVersion": "v1", "metadata": md, "spec": spec,
                                    "status": status})  # fmt: skip

    def limit_ranges(self) -> None:
        rng = self.rng
        for i, ns in enumerate(self.app_ns):
            if i and rng.random() >= 0.25:
                continue
            limits: list[dict] = [
                {
                    "type": "Container",
                    "max": {"cpu": "4", "memory": "8Gi"},
                    "min": {"cpu": "10m", "memory": "16Mi"},
                    "default": {"cpu": "500m", "memory": "512Mi"},
                    "defaultRequest": {"cpu": "100m", "memory": "128Mi"},
                    "maxLimitRequestRatio": {"cpu": "10"},
                }
            ]
            if i == 0 or rng.random() < 0.5:
                limits.append({"type": "Pod", "max": {"cpu": "8", "memory": "16Gi"}})
            if i == 0 or rng.random() < 0.5:
                limits.append({"type": "PersistentVolumeClaim", "max": {"storage": "200Gi"}, "min": {"storage": "1Gi"}})
            md = self.meta("default-limits", ns, created=self.created_in(ns, lo=self.ns_created[ns] + 60))
            self.add("limitranges", {"kind": "LimitRange", "apiVersion": "v1", "metadata": md,
                                     "spec": {"limits": limits}})  # fmt: skip

    # --- autoscalers, disruption budgets, replication controllers --------------------------------------------------

    def scalable(self) -> list[tuple[dict, int, int]]:
        """Deployments and StatefulSets in app namespaces that run >= 2 replicas: (object, replicas, ready)."""
        out = []
        for resource in ("deployments", "statefulsets"):
            for w in self.c.get(resource) or ():
                md, spec, status = w["metadata"], w["spec"], w.get("status") or {}
                if md["namespace"] not in self.app_ns_set or spec.get("paused") or (spec.get("replicas") or 0) < 2:
                    continue
                out.append((w, spec["replicas"], status.get("readyReplicas", 0)))
        return out

    def hpas(self) -> None:
        rng, now, ts = self.rng, self.now, self.ts
        ingresses = {(i["metadata"]["namespace"], i["metadata"]["name"]) for i in self.out.get("ingresses", ())}
        i = 0
        deleting_done = False
        for w, replicas, _ready in self.scalable():
            if rng.random() >= (0.2 if w["kind"] == "Deployment" else 0.08):
                continue
            md = w["metadata"]
            ns, name = md["namespace"], md["name"]
            variant = i if i < 7 else rng.choices(range(7), (50, 15, 10, 5, 8, 5, 7))[0]
            i += 1
            container = w["spec"]["template"]["spec"]["containers"][0]["name"]
            min_r = max(1, replicas - rng.randrange(0, 2))
            max_r = max(min_r + 1, replicas * rng.choice((2, 3, 4)))
            failing = variant == 6
            metrics: list[dict] = []
            current: list[dict] = []

            def util(value: int) -> dict:
                return {"averageValue": f"{rng.randrange(5, 900)}m", "averageUtilization": value}

            cpu_now = rng.randrange(20, 110)
            if variant in (0, 1, 6):
                metrics.append({"type": "Resource", "resource": {"name": "cpu", "target": {
                    "type": "Utilization", "averageUtilization": rng.choice((60, 70, 75, 80))}}})  # fmt: skip
                current.append({"type": "Resource", "resource": {"name": "cpu", "current": util(cpu_now)}})
            if variant == 1:
                metrics.append({"type": "Resource", "resource": {"name": "memory", "target": {
                    "type": "AverageValue", "averageValue": rng.choice(("512Mi", "1Gi", "2Gi"))}}})  # fmt: skip
                current.append({"type": "Resource", "resource": {"name": "memory", "current": {
                    "averageValue": f"{rng.randrange(100_000_000, 900_000_000)}"}}})  # fmt: skip
            if variant == 2:
                metric = {"name": "http_requests_per_second"}
                metrics.append({"type": "Pods", "pods": {"metric": metric, "target": {
                    "type": "AverageValue", "averageValue": "100"}}})  # fmt: skip
                current.append({"type": "Pods", "pods": {"metric": dict(metric), "current": {
                    "averageValue": f"{rng.randrange(10_000, 140_000)}m"}}})  # fmt: skip
            if variant == 3:
                if (ns, name) in ingresses:
                    target = {"kind": "Ingress", "name": name, "apiVersion": "networking.k8s.io/v1"}
                else:
                    target = {"kind": w["kind"], "name": name, "apiVersion": "apps/v1"}
                metric = {"name": "requests-per-second"}
                metrics.append({"type": "Object", "object": {"describedObject": target, "target": {
                    "type": "Value", "value": "10k"}, "metric": metric}})  # fmt: skip
                current.append({"type": "Object", "object": {"metric": dict(metric), "current": {
                    "value": str(rng.randrange(1000, 12000))}, "describedObject": dict(target)}})  # fmt: skip
            if variant == 4:
                metric = {"name": "sqs_approximate_number_of_messages_visible",
                          "selector": {"matchLabels": {"queue": f"{name}-jobs"}}}  # fmt: skip
                metrics.append({"type": "External", "external": {"metric": metric, "target": {
                    "type": "AverageValue", "averageValue": "30"}}})  # fmt: skip
                current.append({"type": "External", "external": {"metric": _fresh(metric), "current": {
                    "averageValue": str(rng.randrange(0, 60))}}})  # fmt: skip
            if variant == 5:
                metrics.append({"type": "ContainerResource", "containerResource": {"name": "cpu", "target": {
                    "type": "Utilization", "averageUtilization": 60}, "container": container}})  # fmt: skip
                current.append({"type": "ContainerResource", "containerResource": {"name": "cpu", "current": util(
                    cpu_now), "container": container}})  # fmt: skip
            spec: dict[str, Any] = {
                "scaleTargetRef": {"kind": w["kind"], "name": name, "apiVersion": "apps/v1"},
                "minReplicas": min_r,
                "maxReplicas": max_r,
                "metrics": metrics,
            }
            if variant in (1, 4) or rng.random() < 0.2:
                policy = {"type": "Percent", "value": 50, "periodSeconds": 60}
                down: dict[str, Any] = {"stabilizationWindowSeconds": 300, "selectPolicy": "Max", "policies": [policy]}
                up: dict[str, Any] = {"stabilizationWindowSeconds": 0, "selectPolicy": "Max", "policies": [
                    {"type": "Pods", "value": 4, "periodSeconds": 15},
                    {"type": "Percent", "value": 100, "periodSeconds": 15}]}  # fmt: skip
                if variant == 1:  # HPAConfigurableTolerance
                    down["tolerance"] = "50m"
                    up["tolerance"] = "10m"
                spec["behavior"] = {"scaleUp": up, "scaleDown": down}
            desired = replicas
            if not failing and variant == 0 and cpu_now > 95:
                desired = min(max_r, replicas + 1)
            generation = rng.randint(1, 3)
            created = self.created_in(ns, lo=_unix(md["creationTimestamp"]) + 60, margin=600)
            since = ts(created + rng.randrange(60, 3600) if created + 3600 < now else created)
            status: dict[str, Any] = {"observedGeneration": generation}
            if rng.random() < 0.7:
                status["lastScaleTime"] = ts(max(created, now - rng.randrange(60, 20 * DAY)))
            status["currentReplicas"] = replicas
            status["desiredReplicas"] = desired
            status["currentMetrics"] = [{"type": ""} for _ in metrics] if failing else current
            t_recent = ts(now - rng.randrange(30, 3600))
            if desired != replicas:
                able = _cond("AbleToScale", "True", t_recent, "SucceededRescale",
                             f"the HPA controller was able to update the target scale to {desired}")  # fmt: skip
            elif rng.random() < 0.2:
                able = _cond("AbleToScale", "True", t_recent, "ScaleDownStabilized",
                             "recent recommendations were higher than current one, applying the highest recent "
                             "recommendation")  # fmt: skip
            else:
                able = _cond("AbleToScale", "True", since, "ReadyForNewScale", "recommended size matches current size")
            if failing:
                active = _cond(
                    "ScalingActive",
                    "False",
                    t_recent,
                    "FailedGetResourceMetric",
                    "the HPA was unable to compute the replica count: failed to get cpu utilization: "
                    "unable to get metrics for resource cpu: no metrics returned from resource metrics API",
                )
            else:
                source = {
                    "Resource": "cpu resource utilization (percentage of request)",
                    "Pods": "pods metric http_requests_per_second",
                    "Object": "Object metric requests-per-second",
                    "External": "external metric sqs_approximate_number_of_messages_visible(&LabelSelector{MatchLabels:"
                    f"map[string]string{{queue: {name}-jobs,}},MatchExpressions:[]LabelSelectorRequirement{{}},}})",
                    "ContainerResource": "cpu container resource utilization (percentage of request)",
                }
                active = _cond("ScalingActive", "True", since, "ValidMetricFound", "the HPA was able to successfully "
                               f"calculate a replica count from {source[metrics[0]['type']]}")  # fmt: skip
            if replicas == min_r and cpu_now < 40 and not failing:
                limited = _cond("ScalingLimited", "True", t_recent, "TooFewReplicas",
                                "the desired replica count is less than the minimum replica count")  # fmt: skip
            else:
                limited = _cond("ScalingLimited", "False", since, "DesiredWithinRange",
                                "the desired count is within the acceptable range")  # fmt: skip
            status["conditions"] = [able, active, limited]
            deleting = not deleting_done and i > 7
            deleting_done = deleting_done or deleting
            hmd = self.meta(name, ns, created=created, generation=generation,
                            deleted=now - rng.randrange(60, 3600) if deleting else None,
                            finalizers=["example.com/block-deletion"] if deleting else None,
                            labels={"app": name} if rng.random() < 0.5 else None)  # fmt: skip
            self.add("horizontalpodautoscalers", {"kind": "HorizontalPodAutoscaler", "apiVersion": "autoscaling/v2",
                                                  "metadata": hmd, "spec": spec, "status": status})  # fmt: skip

    def pdbs(self) -> None:
        rng, now, ts = self.rng, self.now, self.ts
        deleting_done = False
        for w, replicas, ready in self.scalable():
            if rng.random() >= (0.2 if w["kind"] == "Deployment" else 0.5):
                continue
            md = w["metadata"]
            ns, name = md["namespace"], md["name"]
            spec: dict[str, Any] = {}
            choice = rng.random()
            if choice < 0.4:
                spec["minAvailable"] = 1
                desired = 1
            elif choice < 0.6:
                spec["minAvailable"] = "50%"
                desired = -(-replicas * 50 // 100)
            spec["selector"] = {"matchLabels": {"app": name}}
            if choice >= 0.8:
                spec["maxUnavailable"] = "25%"
                desired = replicas - -(-replicas * 25 // 100)
            elif choice >= 0.6:
                spec["maxUnavailable"] = 1
                desired = replicas - 1
            if rng.random() < 0.2:
                spec["unhealthyPodEvictionPolicy"] = rng.choice(("AlwaysAllow", "IfHealthyBudget"))
            generation = rng.randint(1, 2)
            allowed = max(0, ready - desired)
            created = self.created_in(ns, lo=_unix(md["creationTimestamp"]) + 30, margin=600)
            t = ts(max(created + 5, now - rng.randrange(60, 10 * DAY)))
            cond = {"type": "DisruptionAllowed", "status": "True" if allowed else "False",
                    "observedGeneration": generation, "lastTransitionTime": t,
                    "reason": "SufficientPods" if allowed else "InsufficientPods", "message": ""}  # fmt: skip
            status = {"observedGeneration": generation, "disruptionsAllowed": allowed, "currentHealthy": ready,
                      "desiredHealthy": desired, "expectedPods": replicas, "conditions": [cond]}  # fmt: skip
            deleting = not deleting_done and rng.random() < 0.1
            deleting_done = deleting_done or deleting
            pmd = self.meta(f"{name}-pdb" if rng.random() < 0.5 else name, ns, created=created, generation=generation,
                            deleted=now - rng.randrange(60, 3600) if deleting else None,
                            finalizers=["example.com/block-deletion"] if deleting else None,
                            labels={"app": name})  # fmt: skip
            self.add("poddisruptionbudgets", {"kind": "PodDisruptionBudget", "apiVersion": "policy/v1",
                                              "metadata": pmd, "spec": spec, "status": status})  # fmt: skip

    def replication_controllers(self) -> None:
        """A few legacy ReplicationControllers: scaled to zero, or failing to create pods over a full quota."""
        rng, now, ts = self.rng, self.now, self.ts
        if not self.app_ns:
            return
        n = min(20, max(1, len(self.c.get("pods") or ()) // 1000))
        full = list(getattr(self, "full_quota", {}).items())
        for k in range(n):
            failing = k == 0 and full
            ns = full[0][0] if failing else rng.choice(self.app_ns)
            app = rng.choice(("legacy-api", "old-frontend", "batch-runner", "php-web", "memcached"))
            name = self.unique("replicationcontrollers", ns, app)
            replicas = 2 if failing else 0
            generation = rng.randint(1, 4)
            image = f"registry.example.com/legacy/{app}:1.{rng.randrange(0, 9)}"
            container = {"name": app, "image": image, "ports": [{"containerPort": 8080, "protocol": "TCP"}],
                         "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}},
                         "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
                         "imagePullPolicy": "IfNotPresent"}  # fmt: skip
            template = {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [container], "restartPolicy": "Always", "terminationGracePeriodSeconds": 30,
                         "dnsPolicy": "ClusterFirst", "securityContext": {}, "schedulerName": "default-scheduler"},
            }  # fmt: skip
            spec = {"replicas": replicas, "selector": {"app": name}, "template": template}
            status: dict[str, Any] = {"replicas": 0, "observedGeneration": generation}
            if failing:
                quota, used = full[0][1]
                msg = (f'pods "{name}-{name_suffix(rng)}" is forbidden: exceeded quota: {quota}, requested: pods=1, '
                       f"used: pods={used}, limited: pods={used}")  # fmt: skip
                status["conditions"] = [{"type": "ReplicaFailure", "status": "True",
                                         "lastTransitionTime": ts(now - rng.randrange(60, 7200)),
                                         "reason": "FailedCreate", "message": msg}]  # fmt: skip
            md = self.meta(name, ns, created=self.created_in(ns, margin=30 * DAY), generation=generation,
                           labels={"app": name})  # fmt: skip
            self.add("replicationcontrollers", {"kind": "ReplicationController", "apiVersion": "v1", "metadata": md,
                                                "spec": spec, "status": status})  # fmt: skip

    # --- certificate signing requests ------------------------------------------------------------------------------

    def csrs(self) -> None:
        """Kubelet client and serving CSRs (approved and issued, approved awaiting a certificate, pending) and user
        CSRs for a custom signer (denied, failed)."""
        rng, now, ts = self.rng, self.now, self.ts
        names = [n["metadata"]["name"] for n in self.nodes] or ["ip-10-16-0-1.ec2.internal"]
        count = min(300, max(6, len(names) // 4 + 4))
        used: set[str] = set()
        for i in range(count):
            kind = i if i < 6 else rng.choices(range(6), (55, 25, 8, 4, 4, 4))[0]
            node = rng.choice(names)
            request = _b64(_pem(rng, "CERTIFICATE REQUEST", 180))
            usages = ["digital signature", "client auth"]
            groups = ["system:nodes", "system:authenticated"]
            user = f"system:node:{node}"
            expiration = None
            if kind in (0, 3):  # kubelet client certificate, auto-approved and issued (or just approved)
                signer = "kubernetes.io/kube-apiserver-client-kubelet"
                if rng.random() < 0.3:
                    token = name_suffix(rng, 6)
                    user = f"system:bootstrap:{token}"
                    groups = ["system:bootstrappers", "system:bootstrappers:kubeadm:default-node-token",
                              "system:authenticated"]  # fmt: skip
                    approval = ("AutoApproved", "Auto approving kubelet client certificate after SubjectAccessReview.")
                else:
                    approval = ("AutoApproved", _SELF_APPROVED)
            elif kind in (1, 2):  # kubelet serving certificate: approved by an operator, or still pending
                signer = "kubernetes.io/kubelet-serving"
                usages = ["digital signature", "server auth"]
                approval = ("KubectlApprove", "This CSR was approved by kubectl certificate approve.")
            else:  # a user's client certificate for a custom or the apiserver client signer
                person = rng.choice(("alice", "bob", "carol", "dave", "erin", "frank"))
                user = f"oidc:{person}@example.com"
                groups = [f"{rng.choice(_TEAMS_FOR_CSR)}-developers", "system:authenticated"]
                usages = ["digital signature", "key encipherment", "client auth"]
                signer = "example.com/internal-ca" if kind == 4 else "kubernetes.io/kube-apiserver-client"
                expiration = 86400
                approval = ("KubectlApprove", "This CSR was approved by kubectl certificate approve.")
            created = now - rng.randrange(60, 3600 if kind in (0, 3, 4) else 20 * 3600)
            prefix = f"{user.split(':')[1].split('@')[0]}-" if kind >= 4 else "csr-"
            name = prefix + name_suffix(rng)
            while name in used:
                name = prefix + name_suffix(rng)
            md = self.meta(name, generate_name=prefix if kind < 4 else None, created=created)
            used.add(name)
            spec: dict[str, Any] = {"request": request, "signerName": signer}
            if expiration:
                spec["expirationSeconds"] = expiration
            spec["usages"] = usages
            spec["username"] = user
            spec["groups"] = groups
            t = ts(created + rng.randrange(1, 30))
            status: dict[str, Any] = {}
            if kind == 2:
                pass  # pending: no conditions yet
            elif kind == 4:
                status["conditions"] = [{"type": "Denied", "status": "True", "reason": "KubectlDeny",
                                         "message": "This CSR was denied by kubectl certificate deny.",
                                         "lastUpdateTime": t, "lastTransitionTime": t}]  # fmt: skip
            else:
                status["conditions"] = [
                    {
                        "type": "Approved",
                        "status": "True",
                        "reason": approval[0],
                        "message": approval[1],
                        "lastUpdateTime": t,
                        "lastTransitionTime": t,
                    }
                ]
                if kind == 5:
                    status["conditions"].append({
                        "type": "Failed", "status": "True", "reason": "SignerValidationFailure",
                        "message": "invalid usage for client certificate: key encipherment", "lastUpdateTime": t,
                        "lastTransitionTime": t})  # fmt: skip
                elif kind != 3:
                    status["certificate"] = _b64(_pem(rng, "CERTIFICATE", rng.choice((540, 560, 600))))
            self.add("certificatesigningrequests", {"kind": "CertificateSigningRequest",
                                                    "apiVersion": "certificates.k8s.io/v1", "metadata": md,
                                                    "spec": spec, "status": status})  # fmt: skip

    # --- admission: webhook configurations, validating / mutating admission policies and bindings -----------------

    def webhook_services(self) -> list[dict]:
        """Existing HTTP services that stand in as webhook backends (platform-ish namespaces first)."""
        services = [
            s for s in self.c.get("services") or ()
            if s["metadata"]["namespace"] in self.app_ns_set and s["spec"]["type"] == "ClusterIP"
            and s["spec"].get("clusterIP") != "None"
        ]  # fmt: skip
        services.sort(key=lambda s: not s["metadata"]["namespace"].startswith(("platform", "auth", "monitoring")))
        return services[:8]

    def webhooks(self) -> None:
        rng = self.rng
        services = self.webhook_services()
        ca = _b64(_pem(rng, "CERTIFICATE", 560))
        t0 = self.cluster_created + 3 * DAY

        def client(i: int, path: str) -> dict:
            if services:
                smd = services[i % len(services)]["metadata"]
                svc = {"namespace": smd["namespace"], "name": smd["name"], "path": path, "port": 80}
                return {"service": svc, "caBundle": ca}
            return {"url": f"https://webhooks.example.com{path}", "caBundle": ca}

        def rule(ops: list[str], groups: list[str], resources: list[str], scope: str = "*") -> dict:
            return {"operations": ops, "apiGroups": groups, "apiVersions": ["v1"], "resources": resources,
                    "scope": scope}  # fmt: skip

        def hook(name: str, cc: dict, rules: list[dict], failure: str, mutating: bool, **kw: Any) -> dict:
            h: dict[str, Any] = {"name": name, "clientConfig": cc, "rules": rules, "failurePolicy": failure,
                                 "matchPolicy": "Equivalent"}  # fmt: skip
            h["namespaceSelector"] = kw.get("ns_selector") or {
                "matchExpressions": [{"key": "kubernetes.io/metadata.name", "operator": "NotIn",
                                      "values": ["kube-system"]}]}  # fmt: skip
            h["objectSelector"] = kw.get("obj_selector") or {}
            h["sideEffects"] = "None"
            h["timeoutSeconds"] = kw.get("timeout", 10)
            h["admissionReviewVersions"] = ["v1", "v1beta1"] if kw.get("legacy") else ["v1"]
            if mutating:
                h["reinvocationPolicy"] = kw.get("reinvocation", "Never")
            if "conditions" in kw:
                h["matchConditions"] = kw["conditions"]
            return h

        def config(kind: str, name: str, hooks: list[dict], labels: dict | None = None) -> None:
            md = self.meta(name, created=self.created_in(None, lo=t0, margin=DAY), generation=rng.randint(1, 3),
                           labels=labels)  # fmt: skip
            resource = "mutatingwebhookconfigurations" if kind.startswith("Mutating") else (
                "validatingwebhookconfigurations")  # fmt: skip
            self.add(resource, {"kind": kind, "apiVersion": "admissionregistration.k8s.io/v1", "metadata": md,
                                "webhooks": hooks})  # fmt: skip

        v = "ValidatingWebhookConfiguration"
        config(v, "policy-validator", [
            hook("pods.policy-validator.example.com", client(0, "/validate-pods"),
                 [rule(["CREATE", "UPDATE"], [""], ["pods"], "Namespaced")], "Fail", False),
            hook("workloads.policy-validator.example.com", client(0, "/validate-workloads"),
                 [rule(["CREATE", "UPDATE"], ["apps"], ["deployments", "statefulsets", "daemonsets"])], "Ignore",
                 False, timeout=5),
        ], {"app.kubernetes.io/name": "policy-validator"})  # fmt: skip
        config(v, "aws-load-balancer-webhook", [
            hook("vtargetgroupbinding.elbv2.k8s.aws", client(1, "/validate-elbv2-k8s-aws-v1beta1-targetgroupbinding"),
                 [rule(["CREATE", "UPDATE"], ["elbv2.k8s.aws"], ["targetgroupbindings"])], "Fail", False),
            hook("vingress.elbv2.k8s.aws", client(1, "/validate-networking-v1-ingress"),
                 [rule(["CREATE", "UPDATE"], ["networking.k8s.io"], ["ingresses"])], "Fail", False,
                 conditions=[{"name": "alb-only", "expression": "object.spec.ingressClassName == 'alb'"}]),
        ], {"app.kubernetes.io/name": "aws-load-balancer-controller"})  # fmt: skip
        config(v, "external-audit", [
            hook("audit.example.com", {"url": "https://audit.example.com/validate", "caBundle": ca},
                 [rule(["CREATE", "UPDATE", "DELETE"], ["*"], ["secrets", "configmaps"], "Namespaced")], "Ignore",
                 False, timeout=3, legacy=True),
        ])  # fmt: skip
        m = "MutatingWebhookConfiguration"
        config(m, "sidecar-injector", [
            hook("sidecar-injector.example.com", client(2, "/inject"),
                 [rule(["CREATE"], [""], ["pods"], "Namespaced")], "Fail", True, reinvocation="IfNeeded",
                 ns_selector={"matchLabels": {"sidecar-injection": "enabled"}},
                 obj_selector={"matchExpressions": [{"key": "sidecar.example.com/inject", "operator": "NotIn",
                                                     "values": ["false"]}]}),
        ], {"app.kubernetes.io/name": "sidecar-injector"})  # fmt: skip
        config(m, "pod-identity-webhook", [
            hook("iam-for-pods.amazonaws.com", {"url": "https://127.0.0.1:23443/mutate", "caBundle": ca},
                 [rule(["CREATE"], [""], ["pods"])], "Ignore", True, ns_selector={}),
        ])  # fmt: skip
        config(m, "aws-load-balancer-webhook", [
            hook("mpod.elbv2.k8s.aws", client(1, "/mutate-v1-pod"), [rule(["CREATE"], [""], ["pods"])], "Fail",
                 True, ns_selector={"matchExpressions": [{"key": "elbv2.k8s.aws/pod-readiness-gate-inject",
                                                          "operator": "In", "values": ["enabled"]}]}),
            hook("mservice.elbv2.k8s.aws", client(1, "/mutate-v1-service"), [rule(["CREATE"], [""], ["services"])],
                 "Fail", True),
        ], {"app.kubernetes.io/name": "aws-load-balancer-controller"})  # fmt: skip

    def admission_policies(self) -> None:
        rng = self.rng
        t0 = self.cluster_created + 5 * DAY
        group = "admissionregistration.k8s.io/v1"

        def match(rules: list[tuple[list[str], list[str], list[str]]], ns_selector: dict | None = None) -> dict:
            out: dict[str, Any] = {"namespaceSelector": ns_selector or {}, "objectSelector": {}}
            if rules:
                out["resourceRules"] = [{"operations": ops, "apiGroups": groups, "apiVersions": ["v1"],
                                         "resources": res, "scope": "*"} for ops, groups, res in rules]  # fmt: skip
            out["matchPolicy"] = "Equivalent"
            return out

        def add(resource: str, kind: str, name: str, spec: dict, status: dict | None = None) -> None:
            generation = rng.randint(1, 3)
            obj = {"kind": kind, "apiVersion": group,
                   "metadata": self.meta(name, created=self.created_in(None, lo=t0, margin=DAY), generation=generation),
                   "spec": spec}  # fmt: skip
            if status is not None:
                obj["status"] = {"observedGeneration": generation, **status}
            self.add(resource, obj)

        workloads = (["CREATE", "UPDATE"], ["apps"], ["deployments", "statefulsets"])
        vap = "validatingadmissionpolicies"
        add(vap, "ValidatingAdmissionPolicy", "replica-limit", {
            "paramKind": {"apiVersion": "v1", "kind": "ConfigMap"},
            "matchConstraints": match([workloads]),
            "validations": [{"expression": "object.spec.replicas <= int(params.data.maxReplicas)", "reason": "Invalid",
                             "messageExpression": "'replicas must be at most ' + params.data.maxReplicas"}],
            "failurePolicy": "Fail",
        }, {"typeChecking": {}})  # fmt: skip
        add(vap, "ValidatingAdmissionPolicy", "require-team-label", {
            "matchConstraints": match([workloads, (["CREATE", "UPDATE"], ["batch"], ["cronjobs", "jobs"])]),
            "validations": [{"expression": "has(object.metadata.labels) && 'team' in object.metadata.labels",
                             "message": "every workload needs a team label"}],
            "failurePolicy": "Ignore",
            "auditAnnotations": [{"key": "missing-team", "valueExpression":
                                  "'workload ' + object.metadata.name + ' has no team label'"}],
        }, {"typeChecking": {}})  # fmt: skip
        add(vap, "ValidatingAdmissionPolicy", "deny-latest-tag", {
            "matchConstraints": match([workloads]),
            "validations": [{"expression": "variables.containers.all(c, !c.image.endsWith(':latest'))",
                             "message": "images must not use the latest tag", "reason": "Forbidden"}],
            "failurePolicy": "Fail",
            "matchConditions": [{"name": "not-kube-system", "expression": "request.namespace != 'kube-system'"}],
            "variables": [{"name": "containers", "expression": "object.spec.template.spec.containers"}],
        }, {"typeChecking": {}})  # fmt: skip
        # Bindings: the replica limit per namespace takes that namespace's config map as its parameter.
        configs = {
            cm["metadata"]["namespace"]: cm["metadata"]["name"]
            for cm in self.c.get("configmaps") or ()
            if cm["metadata"]["name"].endswith("-config") and cm["metadata"]["namespace"] in self.app_ns_set
        }
        vapb = "validatingadmissionpolicybindings"
        for ns in list(configs)[:3]:
            add(vapb, "ValidatingAdmissionPolicyBinding", f"replica-limit-{ns}", {
                "policyName": "replica-limit",
                "paramRef": {"name": configs[ns], "namespace": ns, "parameterNotFoundAction": "Deny"},
                "matchResources": match([], {"matchLabels": {"kubernetes.io/metadata.name": ns}}),
                "validationActions": ["Deny"],
            })  # fmt: skip
        add(vapb, "ValidatingAdmissionPolicyBinding", "replica-limit-by-label", {
            "policyName": "replica-limit",
            "paramRef": {"selector": {"matchLabels": {"policy.example.com/replica-limit": "true"}},
                         "parameterNotFoundAction": "Allow"},
            "matchResources": match([], {"matchExpressions": [{"key": "environment", "operator": "In",
                                                               "values": ["dev", "qa"]}]}),
            "validationActions": ["Warn"],
        })  # fmt: skip
        add(vapb, "ValidatingAdmissionPolicyBinding", "require-team-label", {
            "policyName": "require-team-label",
            "matchResources": match([], {"matchExpressions": [{"key": "team", "operator": "Exists"}]}),
            "validationActions": ["Warn", "Audit"],
        })  # fmt: skip
        add(vapb, "ValidatingAdmissionPolicyBinding", "deny-latest-tag", {
            "policyName": "deny-latest-tag", "validationActions": ["Deny"]})  # fmt: skip
        expression = 'Object{metadata: Object.metadata{labels: {"team": namespaceObject.metadata.labels["team"]}}}'
        mutation = {"patchType": "ApplyConfiguration", "applyConfiguration": {"expression": expression}}
        map_ = "mutatingadmissionpolicies"
        add(map_, "MutatingAdmissionPolicy", "add-team-label", {
            "matchConstraints": match([(["CREATE"], [""], ["pods"])]),
            "mutations": [mutation],
            "failurePolicy": "Fail",
            "matchConditions": [{"name": "no-team-label",
                                 "expression": "!has(object.metadata.labels) || !('team' in object.metadata.labels)"}],
            "reinvocationPolicy": "IfNeeded",
        })  # fmt: skip
        patch = ('[JSONPatch{op: "add", path: "/spec/containers/0/env/-", value: Object.spec.containers.env{'
                 'name: "HTTPS_PROXY", value: params.data.proxy}}]')  # fmt: skip
        add(map_, "MutatingAdmissionPolicy", "inject-proxy-env", {
            "paramKind": {"apiVersion": "v1", "kind": "ConfigMap"},
            "matchConstraints": match([(["CREATE"], [""], ["pods"])]),
            "mutations": [{"patchType": "JSONPatch", "jsonPatch": {"expression": patch}}],
            "failurePolicy": "Ignore",
            "reinvocationPolicy": "Never",
        })  # fmt: skip
        mapb = "mutatingadmissionpolicybindings"
        add(mapb, "MutatingAdmissionPolicyBinding", "add-team-label", {
            "policyName": "add-team-label",
            "matchResources": match([], {"matchExpressions": [{"key": "team", "operator": "Exists"}]}),
        })  # fmt: skip
        if configs:
            ns = next(iter(configs))
            add(mapb, "MutatingAdmissionPolicyBinding", f"inject-proxy-env-{ns}", {
                "policyName": "inject-proxy-env",
                "paramRef": {"name": configs[ns], "namespace": ns, "parameterNotFoundAction": "Allow"},
                "matchResources": match([], {"matchLabels": {"kubernetes.io/metadata.name": ns}}),
            })  # fmt: skip

    # --- everything, in dependency order ---------------------------------------------------------------------------

    def build(self) -> None:
        self.storage_classes()
        self.extra_claims()
        self.volume_attachments(self.bound_volumes())
        self.static_volumes()
        self.service_accounts()
        self.extra_secrets()
        self.leases()
        self.rbac()
        self.extra_services()
        self.endpoints()
        self.ingress_classes()
        self.ingresses()
        self.network_policies()
        self.quotas()
        self.limit_ranges()
        self.hpas()
        self.pdbs()
        self.replication_controllers()
        self.csrs()
        self.webhooks()
        self.admission_policies()


def generate_extra(cluster: dict[str, list[dict]], *, seed: int, now: int) -> dict[str, list[dict]]:
    """The kinds ``generate_cluster`` does not build itself, consistent with ``cluster``; keyed by resource.

    Kinds the base already has (services, secrets, persistentvolumeclaims, endpointslices) may appear too: those
    lists hold only the supplementary objects, to be appended to the base lists.
    """
    ex = _Extra(cluster, Random(f"ksm-shard/cluster-extra/{seed}"), int(now))
    ex.build()
    # One deep copy at the end: the builders reuse small lists and dicts (and read parts of base objects), but the
    # generated objects must share no mutable parts, with each other or with the base cluster.
    return _fresh(ex.out)
