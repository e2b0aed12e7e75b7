"""Synthetic Kubernetes clusters for the simulated apiserver, tests, the demo and benchmarks.

``generate_cluster(pods)`` returns plain dicts shaped exactly like the JSON a real apiserver serves:

* keys in Go struct field order (``kind, apiVersion, metadata, spec, status``; metadata ``name, generateName,
  namespace, uid, ...``), so byte-level scanners (e.g. "find ``"uid":"`` early") see realistic layouts;
* map-typed fields (labels, annotations, resource lists, data) with sorted keys, as Go's encoder writes them;
* empty optional fields omitted, but the fields Go always writes kept (``"resources":{}``, ``"lastState":{}``,
  ``"lastProbeTime":null``, ``"ready":false``, ``"restartCount":0``);
* quantities as strings, timestamps as RFC 3339 UTC seconds, owner references with controller flags.

``resourceVersion`` is never set: the storage assigns it. Everything is derived from ``random.Random(seed)`` and a
fixed reference clock, so a seed always yields the same cluster (byte for byte).
"""

from __future__ import annotations

import base64
import gc
import hashlib
import time
from itertools import accumulate
from random import Random
from typing import Any

import msgspec

# The generated cluster's "now": fixed so output is deterministic. 2026-11-20T10:00:00Z.
REFERENCE_NOW = 1795168800

DAY = 86400

# Alphabet apimachinery's rand.String/SafeEncodeString use for generated name suffixes and pod-template-hash.
_SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"

__all__ = [
    "REFERENCE_NOW",
    "NodeInfo",
    "PodFactory",
    "generate_cluster",
    "image_id",
    "name_suffix",
    "new_uid",
    "owner_ref",
    "qos_class",
    "rfc3339",
    "sorted_map",
]


# ---------------------------------------------------------------------------------------------------------------------
# Small helpers (also used by churn.py)
# ---------------------------------------------------------------------------------------------------------------------


_DAY_PREFIX: dict[int, str] = {}


def rfc3339(t: float) -> str:
    """Unix seconds -> ``2026-11-20T10:00:00Z`` (metav1.Time has second precision on the wire)."""
    day, sec = divmod(int(t), 86400)
    prefix = _DAY_PREFIX.get(day)
    if prefix is None:  # strftime once per day; generation formats ~10 timestamps per pod
        prefix = _DAY_PREFIX[day] = time.strftime("%Y-%m-%dT", time.gmtime(day * 86400))
    h, rem = divmod(sec, 3600)
    m, s = divmod(rem, 60)
    return f"{prefix}{h:02d}:{m:02d}:{s:02d}Z"


def new_uid(rng: Random) -> str:
    """A uuid4-format string drawn from ``rng`` (the apiserver uses random v4 UUIDs)."""
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:32]}"


def name_suffix(rng: Random, n: int = 5) -> str:
    """Random name suffix in apimachinery's alphabet (5 chars for generateName, 10 for pod-template-hash)."""
    return "".join(rng.choices(_SAFE_ALPHABET, k=n))


def hex64(rng: Random) -> str:
    return f"{rng.getrandbits(256):064x}"


def sorted_map(d: dict[str, Any]) -> dict[str, Any]:
    """Go's encoding/json writes map keys sorted; so do we."""
    return {k: d[k] for k in sorted(d)}


def owner_ref(obj: dict) -> dict:
    """The controller owner reference a built-in controller puts on what it creates."""
    md = obj["metadata"]
    return {
        "apiVersion": obj["apiVersion"],
        "kind": obj["kind"],
        "name": md["name"],
        "uid": md["uid"],
        "controller": True,
        "blockOwnerDeletion": True,
    }


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _fake_pem(rng: Random, kind: str = "CERTIFICATE", size: int = 800) -> str:
    body = _b64(rng.randbytes(size))
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return f"-----BEGIN {kind}-----\n" + "\n".join(lines) + f"\n-----END {kind}-----\n"


# ---------------------------------------------------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------------------------------------------------

_TEAMS = (
    "payments checkout catalog search identity billing analytics platform monitoring logging ingress data ml "
    "notifications orders inventory shipping frontend backend auth cache streaming reports media"
).split()
_ENVS = ("prod", "staging", "dev", "qa")
_APPS = (
    "api web worker gateway scheduler indexer consumer producer frontend backend cache proxy collector exporter "
    "ingester querier compactor router notifier renderer uploader resizer pricing ledger session profile cart "
    "recommender fraud-detector ranker crawler mailer webhook sync importer"
).split()
_SIDECARS = ("envoy", "log-shipper", "metrics-exporter", "config-reloader", "oauth-proxy")
_INITS = ("init-db", "wait-for-deps", "setup-certs", "migrate")
_JOBS = ("backup", "report", "cleanup", "db-migrate", "reindex", "export", "rotate-keys", "compact", "sync-users")
_STATEFUL = ("postgres", "redis", "kafka", "zookeeper", "elasticsearch", "rabbitmq", "etcd", "mongodb")
_REGION = "us-east-1"
_ZONES = ("us-east-1a", "us-east-1b", "us-east-1c")
# (instance type, cpu cores, memory GiB, architecture, weight)
_INSTANCE_TYPES = (
    ("m5.xlarge", 4, 16, "amd64", 4),
    ("m5.2xlarge", 8, 32, "amd64", 5),
    ("c5.4xlarge", 16, 32, "amd64", 2),
    ("r5.2xlarge", 8, 64, "amd64", 2),
    ("m7g.2xlarge", 8, 32, "arm64", 2),
)
_KUBELET_VERSIONS = ("v1.34.2", "v1.34.2", "v1.34.2", "v1.34.2", "v1.33.5")
_KERNELS = {"amd64": "6.1.155-176.282.amzn2023.x86_64", "arm64": "6.1.155-176.282.amzn2023.aarch64"}
_OS_IMAGE = "Amazon Linux 2023.9.20251027"
_RUNTIME = "containerd://2.1.4"

_DEFAULT_TOLERATIONS = (
    ("node.kubernetes.io/not-ready", "NoExecute"),
    ("node.kubernetes.io/unreachable", "NoExecute"),
)


def _default_tolerations() -> list[dict]:
    # Added to every pod by the DefaultTolerationSeconds admission plugin.
    return [
        {"key": key, "operator": "Exists", "effect": effect, "tolerationSeconds": 300}
        for key, effect in _DEFAULT_TOLERATIONS
    ]


# ---------------------------------------------------------------------------------------------------------------------
# Pods: built from a workload's pod template, as the controller + admission + scheduler + kubelet would leave them
# ---------------------------------------------------------------------------------------------------------------------

# Pod states the generator and the churner use. Phase follows from the state.
RUNNING, RESTARTED, CRASHLOOP, NOT_READY = "running", "restarted", "crashloop", "not-ready"
CREATING, IMAGE_PULL, UNSCHEDULABLE = "creating", "image-pull", "unschedulable"
EVICTED, SUCCEEDED, FAILED = "evicted", "succeeded", "failed"
_PHASE = {
    RUNNING: "Running",
    RESTARTED: "Running",
    CRASHLOOP: "Running",
    NOT_READY: "Running",
    CREATING: "Pending",
    IMAGE_PULL: "Pending",
    UNSCHEDULABLE: "Pending",
    EVICTED: "Failed",
    SUCCEEDED: "Succeeded",
    FAILED: "Failed",
}

_TOKEN_PLACEHOLDER = "@@@@@"  # "@" is outside the name alphabet, so the byte replace cannot hit anything else
_SA_MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount"
_PRIORITIES = {"system-node-critical": 2000001000, "system-cluster-critical": 2000000000, "high-priority": 1000000}
_EVICTION_MESSAGE = (
    "The node was low on resource: memory. Threshold quantity: 100Mi, available: 81920Ki. "
    "Container {c} was using 1433600Ki, request is 256Mi, has larger consumption of memory. "
)
_json_encode = msgspec.json.Encoder().encode
_json_decode = msgspec.json.Decoder().decode

_image_ids: dict[str, str] = {}


def image_id(image: str) -> str:
    """The digest the runtime reports for an image; a pure function of the name so every pod agrees."""
    iid = _image_ids.get(image)
    if iid is None:
        digest = hashlib.sha256(image.encode()).hexdigest()
        iid = _image_ids[image] = f"{image.rsplit(':', 1)[0]}@sha256:{digest}"
    return iid


def qos_class(containers: list[dict]) -> str:
    """Kubernetes' QoS rule over all (init and regular) containers."""
    any_set = False
    guaranteed = True
    for c in containers:
        res = c.get("resources") or {}
        req = res.get("requests") or {}
        lim = res.get("limits") or {}
        if req or lim:
            any_set = True
        for r in ("cpu", "memory"):
            if r not in lim or req.get(r, lim[r]) != lim[r]:
                guaranteed = False
    if not any_set:
        return "BestEffort"
    return "Guaranteed" if guaranteed else "Burstable"


def _pod_cond(ctype: str, status: str, t: str, reason: str | None = None, message: str | None = None) -> dict:
    c = {"type": ctype, "status": status, "lastProbeTime": None, "lastTransitionTime": t}
    if reason:
        c["reason"] = reason
    if message:
        c["message"] = message
    return c


class NodeInfo:
    """What pod placement needs to know about a node: name, addresses, pod CIDR(s), health."""

    __slots__ = (
        "name",
        "ip",
        "ipv6",
        "zone",
        "cidr_base",
        "cidr6_base",
        "next_ip",
        "ready",
        "schedulable",
        "cp",
        "created",
        "uid",
    )

    def __init__(self, name: str, ip: str, ipv6: str | None, zone: str, cidr_base: str, cidr6_base: str | None):
        self.name = name
        self.ip = ip
        self.ipv6 = ipv6
        self.zone = zone
        self.cidr_base = cidr_base  # "10.65.3." - pods get .1 .. .254
        self.cidr6_base = cidr6_base  # "fd00:10:244:3::" on dual-stack nodes
        self.next_ip = 1
        self.ready = True
        self.schedulable = True
        self.cp = False
        self.created = 0
        self.uid = ""

    @classmethod
    def from_node(cls, node: dict) -> NodeInfo:
        """Rebuild from a Node object (the churner reads nodes back from storage)."""
        spec, status = node.get("spec") or {}, node.get("status") or {}
        ips = [a["address"] for a in status.get("addresses", ()) if a.get("type") == "InternalIP"]
        cidrs = spec.get("podCIDRs") or [spec.get("podCIDR", "10.255.255.0/24")]
        labels = node["metadata"].get("labels") or {}
        info = cls(
            node["metadata"]["name"],
            ips[0] if ips else "",
            next((ip for ip in ips if ":" in ip), None),
            labels.get("topology.kubernetes.io/zone", ""),
            cidrs[0].rsplit(".", 1)[0] + ".",
            next((c.split("/")[0] for c in cidrs if ":" in c), None),
        )
        info.ready = any(c.get("type") == "Ready" and c.get("status") == "True" for c in status.get("conditions") or ())
        info.schedulable = not spec.get("unschedulable")
        info.cp = "node-role.kubernetes.io/control-plane" in labels
        info.uid = node["metadata"].get("uid", "")
        return info

    def pod_ips(self) -> tuple[str, str | None]:
        n = self.next_ip
        self.next_ip = n % 254 + 1
        return self.cidr_base + str(n), (f"{self.cidr6_base}{n:x}" if self.cidr6_base else None)


class _Compiled:
    """A pod template prepared for stamping out many pods quickly.

    The container/volume lists (the bulk of a pod) are pre-encoded with the service-account token volume already
    added and a placeholder for its random suffix, so each pod gets fresh, unshared dicts from one C-level decode.
    """

    __slots__ = ("spec", "labels", "annotations", "blob", "qos", "inits", "containers", "names", "images_all")

    def __init__(self, template: dict, *, for_status_only: bool = False) -> None:
        spec = template["spec"]
        md = template.get("metadata") or {}
        self.spec = spec
        self.labels = md.get("labels") or {}
        self.annotations = md.get("annotations") or {}
        inits = spec.get("initContainers") or []
        containers = spec["containers"]
        volumes = list(spec.get("volumes") or [])
        token = spec.get("automountServiceAccountToken", True) and not for_status_only
        if token:
            vol_name = "kube-api-access-" + _TOKEN_PLACEHOLDER
            volumes.append(_token_volume(vol_name))
            mount = {"name": vol_name, "readOnly": True, "mountPath": _SA_MOUNT_PATH}
            inits = [_with_mount(c, mount) for c in inits]
            containers = [_with_mount(c, mount) for c in containers]
        self.blob = b"" if for_status_only else _json_encode({"v": volumes, "i": inits, "c": containers})
        self.qos = qos_class(inits + containers)
        self.inits = [(c["name"], c["image"], c.get("restartPolicy") == "Always") for c in inits]
        self.containers = [(c["name"], c["image"]) for c in containers]
        self.names = [c["name"] for c in containers]
        self.images_all = [c["image"] for c in inits + containers]


_NAMESPACE_FIELD_REF = {"apiVersion": "v1", "fieldPath": "metadata.namespace"}


def _token_volume(name: str) -> dict:
    return {
        "name": name,
        "projected": {
            "sources": [
                {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
                {"downwardAPI": {"items": [{"path": "namespace", "fieldRef": _NAMESPACE_FIELD_REF}]}},
            ],
            "defaultMode": 420,
        },
    }


def _with_mount(container: dict, mount: dict) -> dict:
    """Copy of ``container`` with ``mount`` appended to volumeMounts, keeping Go field order."""
    out = {}
    done = False
    for k, v in container.items():
        if k == "volumeMounts":
            v = [*v, mount]
            done = True
        elif not done and k in _AFTER_VOLUME_MOUNTS:
            out["volumeMounts"] = [mount]
            done = True
        out[k] = v
    if not done:
        out["volumeMounts"] = [mount]
    return out


_AFTER_VOLUME_MOUNTS = frozenset(
    "volumeDevices livenessProbe readinessProbe startupProbe lifecycle terminationMessagePath "
    "terminationMessagePolicy imagePullPolicy securityContext stdin stdinOnce tty".split()
)


class PodFactory:
    """Stamps out pods from pod templates, with a status for one of the pod states above."""

    def __init__(self, rng: Random, nodes_total: int) -> None:
        self.rng = rng
        self.nodes_total = nodes_total

    def compile(self, template: dict) -> _Compiled:
        """Prepare a PodTemplateSpec once when stamping many pods from it."""
        return _Compiled(template)

    def pod(
        self,
        template: dict | _Compiled,
        *,
        name: str,
        namespace: str,
        state: str,
        node: NodeInfo | None,
        created: int,
        now: int,
        generate_name: str | None = None,
        owner: dict | None = None,
        extra_labels: dict[str, str] | None = None,
        extra_annotations: dict[str, str] | None = None,
        extra_volumes: list[dict] | None = None,
        finalizers: list[str] | None = None,
        deleting_since: int | None = None,
        affinity: dict | None = None,
        extra_tolerations: list[dict] | None = None,
        hostname: str | None = None,
        subdomain: str | None = None,
    ) -> dict:
        """One pod from ``template`` (a PodTemplateSpec or a compiled one) in ``state``, bound to ``node``."""
        rng = self.rng
        comp = template if isinstance(template, _Compiled) else _Compiled(template)
        tspec = comp.spec
        parts = _json_decode(comp.blob.replace(b"@@@@@", name_suffix(rng).encode()))
        if state == UNSCHEDULABLE:
            node = None

        md: dict[str, Any] = {"name": name}
        if generate_name:
            md["generateName"] = generate_name
        md["namespace"] = namespace
        md["uid"] = new_uid(rng)
        md["creationTimestamp"] = rfc3339(created)
        if deleting_since is not None:
            md["deletionTimestamp"] = rfc3339(deleting_since + 30)
            md["deletionGracePeriodSeconds"] = 30
        labels = comp.labels
        if extra_labels:
            labels = sorted_map({**labels, **extra_labels})
        if labels:
            md["labels"] = dict(labels)
        annotations = comp.annotations
        if extra_annotations:
            annotations = sorted_map({**annotations, **extra_annotations})
        if annotations:
            md["annotations"] = dict(annotations)
        if owner:
            md["ownerReferences"] = [dict(owner)]
        if finalizers:
            md["finalizers"] = list(finalizers)

        # PodSpec in Go field order: template fields plus what admission and the scheduler add.
        spec: dict[str, Any] = {}
        volumes = parts["v"]
        if extra_volumes:
            volumes = [*extra_volumes, *volumes]
        if volumes:
            spec["volumes"] = volumes
        if parts["i"]:
            spec["initContainers"] = parts["i"]
        spec["containers"] = parts["c"]
        spec["restartPolicy"] = tspec.get("restartPolicy", "Always")
        spec["terminationGracePeriodSeconds"] = tspec.get("terminationGracePeriodSeconds", 30)
        if "activeDeadlineSeconds" in tspec:
            spec["activeDeadlineSeconds"] = tspec["activeDeadlineSeconds"]
        spec["dnsPolicy"] = tspec.get("dnsPolicy", "ClusterFirst")
        if "nodeSelector" in tspec:
            spec["nodeSelector"] = dict(tspec["nodeSelector"])
        sa = tspec.get("serviceAccountName", "default")
        spec["serviceAccountName"] = sa
        spec["serviceAccount"] = sa
        if "automountServiceAccountToken" in tspec:
            spec["automountServiceAccountToken"] = tspec["automountServiceAccountToken"]
        if node is not None:
            spec["nodeName"] = node.name
        if tspec.get("hostNetwork"):
            spec["hostNetwork"] = True
        sc = tspec.get("securityContext")
        spec["securityContext"] = _json_decode(_json_encode(sc)) if sc else {}
        if hostname:
            spec["hostname"] = hostname
        if subdomain:
            spec["subdomain"] = subdomain
        aff = affinity or tspec.get("affinity")
        if aff:
            spec["affinity"] = _json_decode(_json_encode(aff))
        spec["schedulerName"] = tspec.get("schedulerName", "default-scheduler")
        tolerations = [dict(t) for t in tspec.get("tolerations") or ()]
        if extra_tolerations:
            tolerations.extend(dict(t) for t in extra_tolerations)
        tolerated = {(t.get("key"), t.get("effect")) for t in tolerations}
        if (None, None) not in tolerated and (None, "NoExecute") not in tolerated:
            # DefaultTolerationSeconds admission: only when the pod does not already tolerate these.
            tolerations.extend(t for t in _default_tolerations() if (t["key"], t["effect"]) not in tolerated)
        spec["tolerations"] = tolerations
        pc = tspec.get("priorityClassName")
        if pc:
            spec["priorityClassName"] = pc
        spec["priority"] = _PRIORITIES.get(pc, 0) if pc else 0
        spec["enableServiceLinks"] = tspec.get("enableServiceLinks", True)
        spec["preemptionPolicy"] = "PreemptLowerPriority"

        status = self.status(comp, state, node, created, now, pod_name=name, namespace=namespace, uid=md["uid"])
        status["qosClass"] = comp.qos
        if tspec.get("hostNetwork") and node is not None and "podIP" in status:
            status["podIP"] = node.ip
            status["podIPs"] = [{"ip": node.ip}] + ([{"ip": node.ipv6}] if node.ipv6 else [])
        return {"kind": "Pod", "apiVersion": "v1", "metadata": md, "spec": spec, "status": status}

    def status_for_spec(self, spec: dict, state: str, node: NodeInfo | None, created: int, now: int, **kw: Any) -> dict:
        """A PodStatus (with qosClass) for an existing pod's spec, e.g. when the churner starts a pending pod."""
        comp = _Compiled({"spec": spec}, for_status_only=True)
        status = self.status(comp, state, node, created, now, **kw)
        status["qosClass"] = comp.qos
        return status

    def status(
        self,
        comp: _Compiled,
        state: str,
        node: NodeInfo | None,
        created: int,
        now: int,
        *,
        pod_name: str = "",
        namespace: str = "",
        uid: str = "",
    ) -> dict:
        """A PodStatus for ``state``, with plausible timings between ``created`` and ``now``."""
        rng = self.rng
        ts = rfc3339
        phase = _PHASE[state]
        t_sched = created
        if state == UNSCHEDULABLE:
            n = self.nodes_total
            msg = (
                f"0/{n} nodes are available: {n} Insufficient memory. preemption: 0/{n} nodes are available: "
                f"{n} No preemption victims found for incoming pod."
            )
            return {
                "phase": "Pending",
                "conditions": [_pod_cond("PodScheduled", "False", ts(t_sched), "Unschedulable", msg)],
            }

        span = max(now - created, 10)
        t_start = created + 1
        t_sandbox = t_start + min(2 + rng.randrange(3), span // 4)
        has_init = any(not sidecar for _, _, sidecar in comp.inits)
        t_init = t_sandbox + (min(3 + rng.randrange(8), span // 4) if has_init else 0)
        t_run = t_init + 1
        t_ready = t_run + min(3 + rng.randrange(30), span // 4)
        finished = state in (SUCCEEDED, FAILED, EVICTED)
        t_end = max(min(t_run + 5 + rng.randrange(600), now - 1), t_run) if finished else now
        t_cr = t_ready  # when ContainersReady/Ready last changed

        # --- init containers ----------------------------------------------------------------------------------------
        init_statuses = []
        init_pending = state == CREATING and has_init
        for cname, image, sidecar in comp.inits:
            if init_pending:
                st = _waiting_status(cname, image, "PodInitializing")
            elif sidecar:
                if finished:
                    st = self._terminated(cname, image, 0, "Completed", t_init, t_end)
                else:
                    st = self._running(cname, image, t_sandbox + 1, ready=True)
            else:
                st = self._terminated(cname, image, 0, "Completed", t_sandbox + 1, t_init)
            init_statuses.append(st)

        # --- containers ---------------------------------------------------------------------------------------------
        statuses = []
        for i, (cname, image) in enumerate(comp.containers):
            if state == CREATING:
                st = _waiting_status(cname, image, "PodInitializing" if has_init else "ContainerCreating")
            elif state == IMAGE_PULL and i == 0:
                st = _waiting_status(cname, image, "ImagePullBackOff", f'Back-off pulling image "{image}"')
            elif state == CRASHLOOP and i == 0:
                restarts = 3 + int(rng.expovariate(1 / 20))
                st = _waiting_status(
                    cname,
                    image,
                    "CrashLoopBackOff",
                    f"back-off 5m0s restarting failed container={cname} pod={pod_name}_{namespace}({uid})",
                )
                last_end = now - rng.randrange(10, 290)
                reason, code = ("OOMKilled", 137) if rng.random() < 0.4 else ("Error", 1)
                st["lastState"] = {"terminated": self._term(code, reason, last_end - rng.randrange(1, 20), last_end)}
                st["restartCount"] = restarts
                st["imageID"] = image_id(image)
            elif state == SUCCEEDED or (finished and i > 0):
                st = self._terminated(cname, image, 0, "Completed", t_run, t_end)
            elif state == FAILED:
                st = self._terminated(cname, image, 1, "Error", t_run, t_end)
            elif state == EVICTED:
                st = self._terminated(cname, image, 137, "Error", t_run, t_end)
            elif state == RESTARTED and i == 0:
                started = now - min(int(rng.expovariate(1 / 7200)) + 60, span // 2)
                st = self._running(cname, image, started, ready=True)
                t_cr = max(t_ready, started + 2)
                reason, code = rng.choice((("OOMKilled", 137), ("Error", 1), ("Error", 2), ("Completed", 0)))
                st["lastState"] = {"terminated": self._term(code, reason, max(t_run, started - 3000), started - 1)}
                st["restartCount"] = 1 + int(rng.expovariate(1 / 2))
            else:
                ready = not (state == NOT_READY and i == 0)
                st = self._running(cname, image, t_run, ready=ready)
            statuses.append(st)

        # --- conditions ---------------------------------------------------------------------------------------------
        sandbox = state not in (CREATING,) and not finished
        initialized = not init_pending
        containers_ready = all(s["ready"] for s in statuses) and all(
            s["ready"] for s, (_, _, sc) in zip(init_statuses, comp.inits, strict=True) if sc
        )
        if finished:
            done_reason = "PodCompleted" if state == SUCCEEDED else "PodFailed"
            conditions = [
                _pod_cond("PodReadyToStartContainers", "False", ts(t_end + 1)),
                _pod_cond("Initialized", "True", ts(t_init), "PodCompleted" if not has_init else None),
                _pod_cond("Ready", "False", ts(t_end + 1), done_reason),
                _pod_cond("ContainersReady", "False", ts(t_end + 1), done_reason),
                _pod_cond("PodScheduled", "True", ts(t_sched)),
            ]
            if state == EVICTED:
                msg = _EVICTION_MESSAGE.format(c=comp.names[0])
                conditions.insert(0, _pod_cond("DisruptionTarget", "True", ts(t_end), "TerminationByKubelet", msg))
        else:
            unready = [s["name"] for s in statuses if not s["ready"]]
            not_ready_msg = f"containers with unready status: [{' '.join(unready)}]" if unready else None
            if not containers_ready:
                t_cr = t_start if state in (CREATING, IMAGE_PULL) else max(t_ready, now - rng.randrange(5, 600))
            pod_ready = containers_ready and (node is None or node.ready)
            conditions = [
                _pod_cond("PodReadyToStartContainers", "True" if sandbox else "False", ts(t_sandbox)),
                _pod_cond(
                    "Initialized",
                    "True" if initialized else "False",
                    ts(t_init),
                    None if initialized else "ContainersNotInitialized",
                    None
                    if initialized
                    else f"containers with incomplete status: [{' '.join(n for n, _, sc in comp.inits if not sc)}]",
                ),
                _pod_cond(
                    "Ready",
                    "True" if pod_ready else "False",
                    ts(t_cr),
                    None if pod_ready else ("ContainersNotReady" if unready else "PodNotReady"),
                    not_ready_msg,
                ),
                _pod_cond(
                    "ContainersReady",
                    "True" if containers_ready else "False",
                    ts(t_cr),
                    None if containers_ready else "ContainersNotReady",
                    not_ready_msg,
                ),
                _pod_cond("PodScheduled", "True", ts(t_sched)),
            ]

        status: dict[str, Any] = {"phase": phase, "conditions": conditions}
        if state == EVICTED:
            status["message"] = _EVICTION_MESSAGE.format(c=comp.names[0])
            status["reason"] = "Evicted"
        if node is not None:
            status["hostIP"] = node.ip
            status["hostIPs"] = [{"ip": node.ip}] + ([{"ip": node.ipv6}] if node.ipv6 else [])
            if sandbox or state in (SUCCEEDED, FAILED):
                ip4, ip6 = node.pod_ips()
                status["podIP"] = ip4
                status["podIPs"] = [{"ip": ip4}] + ([{"ip": ip6}] if ip6 else [])
        status["startTime"] = ts(t_start)
        if init_statuses:
            status["initContainerStatuses"] = init_statuses
        status["containerStatuses"] = statuses
        return status

    def _term(self, code: int, reason: str, started: int, finished: int) -> dict:
        return {
            "exitCode": code,
            "reason": reason,
            "startedAt": rfc3339(started),
            "finishedAt": rfc3339(finished),
            "containerID": "containerd://" + hex64(self.rng),
        }

    def _running(self, name: str, image: str, started: int, *, ready: bool) -> dict:
        return {
            "name": name,
            "state": {"running": {"startedAt": rfc3339(started)}},
            "lastState": {},
            "ready": ready,
            "restartCount": 0,
            "image": image,
            "imageID": image_id(image),
            "containerID": "containerd://" + hex64(self.rng),
            "started": True,
        }

    def _terminated(self, name: str, image: str, code: int, reason: str, started: int, finished: int) -> dict:
        term = self._term(code, reason, started, finished)
        return {
            "name": name,
            "state": {"terminated": term},
            "lastState": {},
            "ready": False,
            "restartCount": 0,
            "image": image,
            "imageID": image_id(image),
            "containerID": term["containerID"],
            "started": False,
        }


def _waiting_status(name: str, image: str, reason: str, message: str | None = None) -> dict:
    waiting = {"reason": reason}
    if message:
        waiting["message"] = message
    return {
        "name": name,
        "state": {"waiting": waiting},
        "lastState": {},
        "ready": False,
        "restartCount": 0,
        "image": image,
        "imageID": "",
        "started": False,
    }


# ---------------------------------------------------------------------------------------------------------------------
# The generator
# ---------------------------------------------------------------------------------------------------------------------


class _Gen:
    def __init__(self, rng: Random, now: int) -> None:
        self.rng = rng
        self.now = now
        self.out: dict[str, list[dict]] = {}
        self.node_images: dict[str, set[str]] = {}
        self.ca_pem = _fake_pem(rng, size=780)
        self.pods = PodFactory(rng, 1)
        self.pvc_requests: list[tuple] = []  # (ns, name, access mode, storage class, size, node or None/"", labels)
        self.backends: list[tuple] = []  # (ns, name, kind, pods, created): what gets a Service + EndpointSlices
        self.used_ips: set[int] = set()
        self.live_ns: list[_NS] = []
        self.node_zone: dict[str, str] = {}
        self.app_nodes: list[NodeInfo] = []

    def add(self, resource: str, obj: dict) -> dict:
        self.out.setdefault(resource, []).append(obj)
        return obj

    def uid(self) -> str:
        return new_uid(self.rng)

    def ts(self, t: float) -> str:
        return rfc3339(t)

    # --- namespaces --------------------------------------------------------------------------------------------------

    def namespace_names(self, n: int) -> list[str]:
        rng = self.rng
        combos = [f"{t}-{e}" for e in _ENVS for t in _TEAMS]
        rng.shuffle(combos)
        # Most clusters mix bare team namespaces and team-env ones.
        names = list(_TEAMS)
        rng.shuffle(names)
        pool = names[: len(names) // 2] + combos
        out = pool[:n]
        i = 0
        while len(out) < n:
            out.append(f"{pool[i % len(pool)]}-{i // len(pool) + 2}")
            i += 1
        return out

    def namespace(self, name: str, created: int, *, terminating_since: int | None = None) -> dict:
        labels = {"kubernetes.io/metadata.name": name}
        if name != "kube-system":
            team, _, env = name.partition("-")
            labels["team"] = team
            if env in _ENVS:
                labels["environment"] = env
        md: dict[str, Any] = {"name": name, "uid": self.uid(), "creationTimestamp": self.ts(created)}
        status: dict[str, Any] = {"phase": "Active"}
        if terminating_since is not None:
            md["deletionTimestamp"] = self.ts(terminating_since)
            t = self.ts(terminating_since + 2)
            status = {"phase": "Terminating", "conditions": _terminating_ns_conditions(t)}
        md["labels"] = sorted_map(labels)
        return self.add(
            "namespaces",
            {
                "kind": "Namespace",
                "apiVersion": "v1",
                "metadata": md,
                "spec": {"finalizers": ["kubernetes"]},
                "status": status,
            },
        )

    # --- nodes -------------------------------------------------------------------------------------------------------

    def nodes(self, n: int) -> list[NodeInfo]:
        rng, now = self.rng, self.now
        cp = 0 if n < 3 else 1 if n < 10 else 3
        space = 16 * 256 * 254
        slots = rng.sample(range(space), n)
        weights = [t[4] for t in _INSTANCE_TYPES]
        nodes: list[NodeInfo] = []
        # Which workers are unhealthy/cordoned. Node 0 (first worker) always stays healthy so pods have a home.
        workers = list(range(cp, n))
        spare = workers[1:]
        rng.shuffle(spare)
        not_ready = set(spare[: max(1, n // 50)]) if n >= 5 else set()
        unknown = {spare[len(not_ready)]} if n >= 10 else set()
        cordoned = set(spare[len(not_ready) + len(unknown) : len(not_ready) + len(unknown) + max(1, n // 40)])
        if n < 5:
            cordoned = set()
        for i in range(n):
            k = slots[i]
            o2, rem = divmod(k, 256 * 254)
            o3, o4 = divmod(rem, 254)
            ip = f"10.{16 + o2}.{o3}.{o4 + 1}"
            hostname = f"ip-10-{16 + o2}-{o3}-{o4 + 1}.ec2.internal"
            dual = i % 4 == 3  # a quarter of the nodes (one node pool) is dual-stack
            zone = _ZONES[i % 3] if i < cp else rng.choice(_ZONES)
            itype, cpu, mem_gib, arch, _ = _INSTANCE_TYPES[0] if i < cp else rng.choices(_INSTANCE_TYPES, weights)[0]
            node = NodeInfo(
                hostname,
                ip,
                f"2600:1f18:{rng.getrandbits(16):x}:{rng.getrandbits(16):x}::{i + 1:x}" if dual else None,
                zone,
                f"10.{64 + i // 256}.{i % 256}.",
                f"fd00:10:244:{i:x}::" if dual else None,
            )
            node.cp = i < cp
            if i in not_ready or i in unknown:
                node.ready = False
            if i in cordoned:
                node.schedulable = False
            created = now - (rng.randint(300, 420) * DAY if node.cp else rng.randint(3600, 90 * DAY))
            node.created = created
            self.node_obj(node, i, itype, cpu, mem_gib, arch, created, "Unknown" if i in unknown else None)
            nodes.append(node)
        return nodes

    def node_obj(
        self, node: NodeInfo, i: int, itype: str, cpu: int, mem_gib: int, arch: str, created: int, health: str | None
    ) -> dict:
        rng, now = self.rng, self.now
        instance_id = f"i-0{rng.getrandbits(64):016x}"[:19]
        labels = {
            "beta.kubernetes.io/arch": arch,
            "beta.kubernetes.io/instance-type": itype,
            "beta.kubernetes.io/os": "linux",
            "failure-domain.beta.kubernetes.io/region": _REGION,
            "failure-domain.beta.kubernetes.io/zone": node.zone,
            "kubernetes.io/arch": arch,
            "kubernetes.io/hostname": node.name,
            "kubernetes.io/os": "linux",
            "node.kubernetes.io/instance-type": itype,
            "topology.kubernetes.io/region": _REGION,
            "topology.kubernetes.io/zone": node.zone,
        }
        if node.cp:
            labels["node-role.kubernetes.io/control-plane"] = ""
            labels["node.kubernetes.io/exclude-from-external-load-balancers"] = ""
        else:
            labels["node.kubernetes.io/pool"] = "dual-stack" if node.ipv6 else ("general" if i % 4 else "compute")
        annotations = {
            "alpha.kubernetes.io/provided-node-ip": node.ip if not node.ipv6 else f"{node.ip},{node.ipv6}",
            "csi.volume.kubernetes.io/nodeid": f'{{"ebs.csi.aws.com":"{instance_id}"}}',
            "node.alpha.kubernetes.io/ttl": "0",
            "volumes.kubernetes.io/controller-managed-attach-detach": "true",
        }
        spec: dict[str, Any] = {"podCIDR": node.cidr_base + "0/24", "podCIDRs": [node.cidr_base + "0/24"]}
        if node.cidr6_base:
            spec["podCIDRs"].append(node.cidr6_base + "/64")
        spec["providerID"] = f"aws:///{node.zone}/{instance_id}"
        if not node.schedulable:
            spec["unschedulable"] = True
        taints = []
        if node.cp:
            taints.append({"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"})
        if not node.schedulable:
            taints.append(
                {"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule", "timeAdded": self.ts(now - 7200)}
            )
        if health == "Unknown":
            since = self.ts(now - rng.randint(120, 3600))
            taints.append({"key": "node.kubernetes.io/unreachable", "effect": "NoSchedule", "timeAdded": since})
            taints.append({"key": "node.kubernetes.io/unreachable", "effect": "NoExecute", "timeAdded": since})
        elif not node.ready:
            since = self.ts(now - rng.randint(60, 1800))
            taints.append({"key": "node.kubernetes.io/not-ready", "effect": "NoSchedule", "timeAdded": since})
            taints.append({"key": "node.kubernetes.io/not-ready", "effect": "NoExecute", "timeAdded": since})
        elif i % 7 == 5 and not node.cp:
            taints.append({"key": "dedicated", "value": "batch", "effect": "PreferNoSchedule"})
        if taints:
            spec["taints"] = taints

        mem_ki = int(mem_gib * 1048576 * 0.968) + rng.randint(0, 4095)
        eph_ki = 104845292 + rng.randint(0, 1024)
        capacity = {
            "cpu": str(cpu),
            "ephemeral-storage": f"{eph_ki}Ki",
            "hugepages-1Gi": "0",
            "hugepages-2Mi": "0",
            "memory": f"{mem_ki}Ki",
            "pods": "110",
        }
        allocatable = {
            "cpu": f"{cpu * 1000 - 80 - 10 * (cpu // 8)}m",
            "ephemeral-storage": str(int(eph_ki * 1024 * 0.9)),
            "hugepages-1Gi": "0",
            "hugepages-2Mi": "0",
            "memory": f"{mem_ki - 102400 - 1433600 * mem_gib // 64 - 262144}Ki",
            "pods": "110",
        }
        boot = created + rng.randint(5, 60)
        ready_since = boot + rng.randint(20, 90)
        heartbeat = self.ts(now - rng.randint(0, 50))
        conditions = []
        for ctype, reason, msg in (
            ("MemoryPressure", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
            ("DiskPressure", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
            ("PIDPressure", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
            ("Ready", "KubeletReady", "kubelet is posting ready status"),
        ):
            status = "True" if ctype == "Ready" else "False"
            transition = ready_since if ctype == "Ready" else boot
            if health == "Unknown":
                status, reason, msg = "Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status."
                transition = now - rng.randint(120, 3600)
            elif ctype == "Ready" and not node.ready:
                status, reason = "False", "KubeletNotReady"
                msg = (
                    "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady "
                    "message:Network plugin returns error: cni plugin not initialized"
                )
                transition = now - rng.randint(60, 1800)
            conditions.append(
                {
                    "type": ctype,
                    "status": status,
                    "lastHeartbeatTime": heartbeat if health != "Unknown" else self.ts(transition - 40),
                    "lastTransitionTime": self.ts(transition),
                    "reason": reason,
                    "message": msg,
                }
            )
        addresses = [{"type": "InternalIP", "address": node.ip}]
        if node.ipv6:
            addresses.append({"type": "InternalIP", "address": node.ipv6})
        if i % 3 == 0 and not node.cp:
            ext = f"54.{rng.randint(64, 250)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
            addresses.append({"type": "ExternalIP", "address": ext})
        addresses.append({"type": "InternalDNS", "address": node.name})
        addresses.append({"type": "Hostname", "address": node.name})
        kubelet = _KUBELET_VERSIONS[0] if node.cp else rng.choice(_KUBELET_VERSIONS)
        status = {
            "capacity": capacity,
            "allocatable": allocatable,
            "conditions": conditions,
            "addresses": addresses,
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {
                "machineID": f"ec2{rng.getrandbits(116):029x}",
                "systemUUID": f"ec2{rng.getrandbits(20):05x}-{rng.getrandbits(16):04x}-{rng.getrandbits(16):04x}-"
                f"{rng.getrandbits(16):04x}-{rng.getrandbits(48):012x}",
                "bootID": self.uid(),
                "kernelVersion": _KERNELS[arch],
                "osImage": _OS_IMAGE,
                "containerRuntimeVersion": _RUNTIME,
                "kubeletVersion": kubelet,
                "kubeProxyVersion": kubelet,
                "operatingSystem": "linux",
                "architecture": arch,
                "swap": {},
            },
            "images": [],  # filled once pods are placed (keeps Go field order)
            "runtimeHandlers": [
                {"name": "runc", "features": {"recursiveReadOnlyMounts": True, "userNamespaces": True}},
                {"name": "", "features": {"recursiveReadOnlyMounts": True, "userNamespaces": True}},
            ],
            "features": {"supplementalGroupsPolicy": True},
        }
        labels = sorted_map(labels)
        self.node_images[node.name] = set()
        node.uid = self.uid()
        return self.add(
            "nodes",
            {
                "kind": "Node",
                "apiVersion": "v1",
                "metadata": {
                    "name": node.name,
                    "uid": node.uid,
                    "creationTimestamp": self.ts(created),
                    "labels": labels,
                    "annotations": annotations,
                },
                "spec": spec,
                "status": status,
            },
        )

    # --- pod templates -----------------------------------------------------------------------------------------------

    def resources(self, qos: str, main: bool) -> dict:
        """A ResourceRequirements for one container of a pod of QoS class ``qos``."""
        rng = self.rng
        if qos == "BestEffort":
            return {}
        ci = rng.randrange(2, 7) if main else rng.randrange(0, 3)
        mi = rng.randrange(2, 7) if main else rng.randrange(0, 3)
        cpu, mem = _CPU_STEPS[ci], _MEM_STEPS[mi]
        if qos == "Guaranteed":
            return {"limits": {"cpu": cpu, "memory": mem}, "requests": {"cpu": cpu, "memory": mem}}
        if not main and rng.random() < 0.3:
            return {}
        requests = {"cpu": cpu, "memory": mem}
        if main and rng.random() < 0.05:
            requests["ephemeral-storage"] = "1Gi"
        r = rng.random()
        if r < 0.35:
            return {"requests": sorted_map(requests)}
        if r < 0.8:
            limits = {"memory": _MEM_STEPS[mi + rng.randrange(0, 2)]}
        else:
            limits = {"cpu": _CPU_STEPS[ci + rng.randrange(1, 3)], "memory": _MEM_STEPS[mi + rng.randrange(1, 3)]}
        if main and rng.random() < 0.01:
            limits["nvidia.com/gpu"] = requests["nvidia.com/gpu"] = "1"
        return {"limits": sorted_map(limits), "requests": sorted_map(requests)}

    def container(
        self,
        name: str,
        image: str,
        resources: dict,
        *,
        port: int | None = None,
        env: list[dict] | None = None,
        mounts: list[dict] | None = None,
        probes: bool = False,
        secure: bool = False,
        restart_policy: str | None = None,
        command: list[str] | None = None,
        args: list[str] | None = None,
    ) -> dict:
        # Container fields in Go order; terminationMessage*/imagePullPolicy are apiserver defaults.
        c: dict[str, Any] = {"name": name, "image": image}
        if command:
            c["command"] = command
        if args:
            c["args"] = args
        if port:
            c["ports"] = [{"name": "http", "containerPort": port, "protocol": "TCP"}]
        if env:
            c["env"] = env
        c["resources"] = resources
        if restart_policy:
            c["restartPolicy"] = restart_policy
        if mounts:
            c["volumeMounts"] = mounts
        if probes and port:
            c["livenessProbe"] = _http_probe("/healthz", port, initial_delay=10)
            c["readinessProbe"] = _http_probe("/ready", port)
        c["terminationMessagePath"] = "/dev/termination-log"
        c["terminationMessagePolicy"] = "File"
        c["imagePullPolicy"] = "IfNotPresent"
        if secure:
            c["securityContext"] = {
                "capabilities": {"drop": ["ALL"]},
                "runAsNonRoot": True,
                "readOnlyRootFilesystem": True,
                "allowPrivilegeEscalation": False,
            }
        return c

    def pod_template(
        self,
        ns: _NS,
        app: str,
        *,
        labels: dict[str, str],
        restart_policy: str = "Always",
        long_running: bool = True,
        allow_pvc: bool = True,
        sidecars: bool = True,
    ) -> dict:
        """A PodTemplateSpec as the apiserver stores it in a workload (defaults applied, no admission fields)."""
        rng = self.rng
        qos = rng.choices(_QOS, _QOS_WEIGHTS)[0]
        maj, minor, patch = rng.randrange(0, 4), rng.randrange(3, 30), rng.randrange(0, 20)
        image = f"registry.example.com/{ns.team}/{app}:v{maj}.{minor}.{patch}"
        secure = rng.random() < 0.5
        volumes: list[dict] = []
        mounts: list[dict] = []
        if ns.configmaps and rng.random() < 0.35:
            cm = rng.choice(ns.configmaps)
            volumes.append({"name": "config", "configMap": {"name": cm, "defaultMode": 420}})
            mounts.append({"name": "config", "readOnly": True, "mountPath": "/etc/config"})
        if ns.tls_secret and rng.random() < 0.1:
            volumes.append({"name": "tls", "secret": {"secretName": ns.tls_secret, "defaultMode": 420}})
            mounts.append({"name": "tls", "readOnly": True, "mountPath": "/etc/tls"})
        if allow_pvc and rng.random() < 0.04:
            claim = f"{app}-data"
            self.pvc_requests.append((ns, claim, "ReadWriteMany", "efs-sc", "50Gi", None, {"app": app}))
            volumes.append({"name": "data", "persistentVolumeClaim": {"claimName": claim}})
            mounts.append({"name": "data", "mountPath": "/data"})
        if secure or rng.random() < 0.2:
            volumes.append({"name": "tmp", "emptyDir": {}})
            mounts.append({"name": "tmp", "mountPath": "/tmp"})
        env = [{"name": "LOG_LEVEL", "value": rng.choice(("info", "info", "debug", "warn"))}]
        if rng.random() < 0.5:
            env.append(
                {"name": "POD_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}}}
            )
        port = 8080 if long_running else None
        containers = [
            self.container(
                app,
                image,
                self.resources(qos, True),
                port=port,
                env=env,
                mounts=mounts or None,
                probes=long_running and rng.random() < 0.8,
                secure=secure,
                command=None if long_running else ["/bin/run-job"],
                args=None if long_running else ["--once"],
            )
        ]
        n_side = rng.choices((0, 1, 2), (62, 30, 8))[0] if sidecars else 0
        for side in rng.sample(_SIDECARS, n_side):
            side_image = f"registry.example.com/platform/{side}:v1.{rng.randrange(2, 9)}.0"
            containers.append(self.container(side, side_image, self.resources(qos, False)))
        inits = []
        r = rng.random() if sidecars else 1.0
        if r < 0.2:
            init = rng.choice(_INITS)
            inits.append(
                self.container(init, f"registry.example.com/platform/{init}:v2.1.0", self.resources(qos, False))
            )
        if r < 0.08 or 0.9 < r < 0.95:
            # A native sidecar: an init container with restartPolicy Always.
            inits.append(
                self.container(
                    "log-forwarder",
                    "registry.example.com/platform/log-forwarder:v3.0.1",
                    self.resources(qos, False),
                    restart_policy="Always",
                )
            )
        spec: dict[str, Any] = {}
        if volumes:
            spec["volumes"] = volumes
        if inits:
            spec["initContainers"] = inits
        spec["containers"] = containers
        spec["restartPolicy"] = restart_policy
        spec["terminationGracePeriodSeconds"] = 30 if rng.random() < 0.8 else 60
        spec["dnsPolicy"] = "ClusterFirst"
        if rng.random() < 0.1:
            spec["nodeSelector"] = {"kubernetes.io/os": "linux"}
        if rng.random() < 0.4:
            spec["serviceAccountName"] = app
            spec["serviceAccount"] = app
        spec["securityContext"] = (
            {"runAsUser": 1000, "runAsGroup": 1000, "fsGroup": 1000, "seccompProfile": {"type": "RuntimeDefault"}}
            if secure
            else {}
        )
        if long_running and rng.random() < 0.3:
            spec["affinity"] = {
                "podAntiAffinity": {
                    "preferredDuringSchedulingIgnoredDuringExecution": [
                        {
                            "weight": 100,
                            "podAffinityTerm": {
                                "labelSelector": {"matchLabels": {"app": app}},
                                "topologyKey": "kubernetes.io/hostname",
                            },
                        }
                    ]
                }
            }
        spec["schedulerName"] = "default-scheduler"
        if rng.random() < 0.05:
            spec["tolerations"] = [{"key": "dedicated", "operator": "Equal", "value": "batch", "effect": "NoSchedule"}]
        if rng.random() < 0.1:
            spec["priorityClassName"] = "high-priority"
        md: dict[str, Any] = {"labels": sorted_map(labels)}
        if long_running and rng.random() < 0.3:
            md["annotations"] = {"prometheus.io/port": "8080", "prometheus.io/scrape": "true"}
        return {"metadata": md, "spec": spec}

    # --- placement helpers -------------------------------------------------------------------------------------------

    def pick_node(self, state: str) -> NodeInfo | None:
        return None if state == UNSCHEDULABLE else self.rng.choice(self.app_nodes)

    def pod_created(self, lo: int, state: str) -> int:
        """Creation time of a pod whose owner/node appeared at ``lo``: new for pending pods, else skewed early."""
        now = self.now
        lo = min(lo, now - 120)
        if state in (CREATING, IMAGE_PULL, UNSCHEDULABLE):
            return max(lo, now - self.rng.randrange(20, 900))
        return lo + int((now - 60 - lo) * self.rng.random() ** 2)

    def unique_name(self, ns: _NS, base: str) -> str:
        name, i = base, 2
        while name in ns.names:
            name = f"{base}-{i}"
            i += 1
        ns.names.add(name)
        return name

    def pod_name(self, ns: _NS, prefix: str) -> str:
        while True:
            name = prefix + name_suffix(self.rng)
            if name not in ns.pod_names:
                ns.pod_names.add(name)
                return name

    def stamp_pod(self, comp: _Compiled, ns: _NS, name: str, state: str, lo: int, **kw: Any) -> dict:
        node = kw.pop("node", None) if "node" in kw else self.pick_node(state)
        if node is not None:
            lo = max(lo, node.created)
        at = kw.pop("at", None)
        created = self.pod_created(lo, state) if at is None else min(max(at, lo), self.now - 30)
        pod = self.pods.pod(
            comp, name=name, namespace=ns.name, state=state, node=node, created=created, now=self.now, **kw
        )
        if node is not None:
            self.node_images[node.name].update(comp.images_all)
        return self.add("pods", pod)

    # --- deployments and replicasets ---------------------------------------------------------------------------------

    def deployment(self, ns: _NS, app: str, npods: int, *, template: dict | None = None) -> None:
        """A Deployment with ``npods`` pods, its current ReplicaSet and 1-2 older ones (scaled to zero)."""
        rng, now, ts = self.rng, self.now, self.ts
        zero = npods == 0
        name = self.unique_name(ns, app)
        states = rng.choices(_RS_STATES, cum_weights=_RS_CUM, k=npods)
        replicas = sum(1 for s in states if s != EVICTED)
        labels = {"app": name, "app.kubernetes.io/name": name, "app.kubernetes.io/part-of": ns.team}
        helm = rng.random() < 0.3
        if helm:
            labels["app.kubernetes.io/managed-by"] = "Helm"
        if template is None:
            template = self.pod_template(ns, name, labels={"app": name, "app.kubernetes.io/name": name})
        created = ns.created + int((now - 2 * DAY - ns.created) * rng.random())
        n_old = rng.choice((1, 1, 2))
        first_rev = 1 + (rng.randrange(0, 6) if rng.random() < 0.3 else 0)
        rollout = replicas >= 2 and rng.random() < 0.04
        stuck = rollout and rng.random() < 0.3
        paused = not rollout and rng.random() < 0.02
        if rollout:
            current_created = now - (rng.randrange(700, 7200) if stuck else rng.randrange(30, 500))
        else:
            current_created = max(created + 60, now - int(rng.expovariate(1 / (10 * DAY))) - 300)
        rs_times = sorted(created + int((current_created - created) * rng.random()) for _ in range(n_old))
        rs_times[0] = created
        rs_times.append(current_created)
        recreate = rng.random() < 0.05
        if recreate:
            strategy: dict[str, Any] = {"type": "Recreate"}
            max_unavailable = 0
        else:
            mu, ms = rng.choice((("25%", "25%"), ("25%", "25%"), ("25%", "25%"), (0, 1), (1, 1), (1, 0), ("50%", 0)))
            strategy = {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": mu, "maxSurge": ms}}
            max_unavailable = replicas * int(mu[:-1]) // 100 if isinstance(mu, str) else mu
        revision = first_rev + n_old
        generation = 1 + n_old + rng.randrange(0, 4)
        observed = generation - 1 if rng.random() < 0.01 else generation  # the controller rarely lags
        annotations = {"deployment.kubernetes.io/revision": str(revision)}
        if helm:
            annotations["meta.helm.sh/release-name"] = name
            annotations["meta.helm.sh/release-namespace"] = ns.name
        deploy: dict[str, Any] = {
            "kind": "Deployment",
            "apiVersion": "apps/v1",
            "metadata": {
                "name": name,
                "namespace": ns.name,
                "uid": self.uid(),
                "generation": generation,
                "creationTimestamp": ts(created),
                "labels": sorted_map(labels),
                "annotations": sorted_map(annotations),
            },
            "spec": {
                "replicas": 0 if zero else replicas,
                "selector": {"matchLabels": {"app": name}},
                "template": template,
                "strategy": strategy,
                "revisionHistoryLimit": 10,
                "progressDeadlineSeconds": 600,
            },
        }
        if paused:
            deploy["spec"]["paused"] = True
        self.add("deployments", deploy)
        dref = owner_ref(deploy)

        # Revisions oldest first; the last is current. Older ones run an older image tag.
        new_count = rng.randrange(1, replicas) if rollout else replicas
        pod_slots = {n_old: states}
        if rollout:
            # Split the states: the new ReplicaSet gets the first pods, the previous one the rest.
            k = 0
            for i, s in enumerate(states):
                if s != EVICTED:
                    k += 1
                if k == new_count:
                    pod_slots = {n_old: states[: i + 1], n_old - 1: states[i + 1 :]}
                    break
        ready_total = active_total = new_active = 0
        surge = _resolve_surge(strategy, replicas)
        pods_all: list[dict] = []
        current_rs_name = ""
        for rev_i in range(n_old + 1):
            tmpl = template if rev_i == n_old else _retag(template, n_old - rev_i)
            h = name_suffix(rng, 10)
            rs_name = f"{name}-{h}"
            if rev_i == n_old:
                current_rs_name = rs_name
            rs_labels = sorted_map({**tmpl["metadata"]["labels"], "pod-template-hash": h})
            # Own copy: generated objects never share mutable parts (callers may edit one without the others).
            rs_template = _json_decode(
                _json_encode({"metadata": {**tmpl["metadata"], "labels": rs_labels}, "spec": tmpl["spec"]})
            )
            my_states = pod_slots.get(rev_i, [])
            active = sum(1 for s in my_states if s != EVICTED)
            rs_gen = 1 + (rev_i < n_old) + rng.randrange(0, 2)
            rs: dict[str, Any] = {
                "kind": "ReplicaSet",
                "apiVersion": "apps/v1",
                "metadata": {
                    "name": rs_name,
                    "namespace": ns.name,
                    "uid": self.uid(),
                    "generation": rs_gen,
                    "creationTimestamp": ts(rs_times[rev_i]),
                    "labels": rs_labels,
                    "annotations": {
                        "deployment.kubernetes.io/desired-replicas": str(replicas),
                        "deployment.kubernetes.io/max-replicas": str(replicas + surge),
                        "deployment.kubernetes.io/revision": str(first_rev + rev_i),
                    },
                    "ownerReferences": [dict(dref)],
                },
                "spec": {
                    "replicas": 0 if zero else active,
                    "selector": {"matchLabels": {"app": name, "pod-template-hash": h}},
                    "template": rs_template,
                },
            }
            self.add("replicasets", rs)
            comp = self.pods.compile(rs_template)
            rsref = owner_ref(rs)
            ready = 0
            lo = rs_times[rev_i]
            for s in my_states if not zero else ():
                pname = self.pod_name(ns, rs_name + "-")
                pod = self.stamp_pod(comp, ns, pname, s, lo, generate_name=rs_name + "-", owner=rsref)
                pods_all.append(pod)
                if s != EVICTED and _pod_ready(pod):
                    ready += 1
            if zero:
                active = 0
            rs_status: dict[str, Any] = {"replicas": active}
            if active:
                rs_status["fullyLabeledReplicas"] = active
            if ready:
                rs_status["readyReplicas"] = ready
                rs_status["availableReplicas"] = ready
            rs_status["observedGeneration"] = rs_gen
            rs["status"] = rs_status
            ready_total += ready
            active_total += active
            if rev_i == n_old:
                new_active = active

        spec_replicas = deploy["spec"]["replicas"]
        status: dict[str, Any] = {"observedGeneration": observed}
        for key, val in (
            ("replicas", active_total),
            ("updatedReplicas", new_active),
            ("readyReplicas", ready_total),
            ("availableReplicas", ready_total),
            ("unavailableReplicas", max(0, spec_replicas - ready_total)),
        ):
            if val:
                status[key] = val
        # Conditions as the deployment controller leaves them (Available first, then Progressing).
        if ready_total >= spec_replicas - max_unavailable:
            t = ts(max(current_created, now - rng.randrange(60, 30 * DAY)))
            available = _deploy_cond("Available", "True", "MinimumReplicasAvailable", _MSG_AVAILABLE, t, t)
        else:
            t = ts(now - rng.randrange(30, 1800))
            available = _deploy_cond("Available", "False", "MinimumReplicasUnavailable", _MSG_UNAVAILABLE, t, t)
        rs_q = f'ReplicaSet "{current_rs_name}"'
        since = ts(created + 1)
        if paused:
            t = ts(now - rng.randrange(60, DAY))
            progressing = _deploy_cond("Progressing", "Unknown", "DeploymentPaused", "Deployment is paused", t, t)
        elif stuck:
            t = ts(current_created + 601)
            msg = f"{rs_q} has timed out progressing."
            progressing = _deploy_cond("Progressing", "False", "ProgressDeadlineExceeded", msg, t, t)
        elif rollout:
            t = ts(max(current_created + 5, now - rng.randrange(5, 30)))
            progressing = _deploy_cond("Progressing", "True", "ReplicaSetUpdated", f"{rs_q} is progressing.", t, since)
        else:
            t = ts(current_created + rng.randrange(5, 90))
            msg = f"{rs_q} has successfully progressed."
            progressing = _deploy_cond("Progressing", "True", "NewReplicaSetAvailable", msg, t, since)
        status["conditions"] = [available, progressing]
        deploy["status"] = status
        if not zero:
            self.backends.append((ns, name, "Deployment", pods_all, created))

    # --- jobs and cronjobs -------------------------------------------------------------------------------------------

    def job(
        self,
        ns: _NS,
        name: str,
        outcome: str,
        max_pods: int,
        *,
        created: int,
        template: dict | None = None,
        cron: dict | None = None,
        backoff_limit: int | None = None,
    ) -> tuple[dict, int]:
        """A Job that is ``complete``, ``failed`` or ``active``, plus its pods. Returns (job, pods made)."""
        rng, now, ts = self.rng, self.now, self.ts
        uid = self.uid()
        parallelism, completions = 1, 1
        shape = rng.random()
        if outcome == "failed":
            backoff = rng.choice((0, 0, 1, 2)) if backoff_limit is None else backoff_limit
            npods = backoff + 1
        else:
            backoff = (6 if rng.random() < 0.7 else rng.choice((0, 2, 3))) if backoff_limit is None else backoff_limit
            if shape < 0.1:
                parallelism = completions = 2
            elif shape < 0.2:
                parallelism, completions = 2, None  # a work queue: no completions count
            npods = parallelism if outcome == "active" or completions is None else completions
        npods = max(1, min(npods, max_pods))
        if outcome == "failed":
            backoff = npods - 1
        elif completions is not None:
            parallelism = completions = npods
        else:
            parallelism = npods
        job_labels = {
            "batch.kubernetes.io/controller-uid": uid,
            "batch.kubernetes.io/job-name": name,
            "controller-uid": uid,
            "job-name": name,
        }
        if template is None:
            base = self.pod_template(
                ns,
                name,
                labels={"app": name},
                restart_policy="Never",
                long_running=False,
                allow_pvc=False,
                sidecars=False,
            )
        else:
            base = template
        tmpl = {
            "metadata": {
                **base["metadata"],
                "labels": sorted_map({**base["metadata"].get("labels", {}), **job_labels}),
            },
            "spec": _json_decode(_json_encode(base["spec"])),
        }
        md: dict[str, Any] = {
            "name": name,
            "namespace": ns.name,
            "uid": uid,
            "generation": 1,
            "creationTimestamp": ts(created),
            "labels": sorted_map(job_labels),
        }
        if cron is not None:
            md["annotations"] = {"batch.kubernetes.io/cronjob-scheduled-timestamp": ts(created)}
            md["ownerReferences"] = [owner_ref(cron)]
        spec: dict[str, Any] = {"parallelism": parallelism}
        if completions is not None:
            spec["completions"] = completions
        if rng.random() < 0.2:
            spec["activeDeadlineSeconds"] = rng.choice((600, 3600, 7200))
        spec["backoffLimit"] = backoff
        spec["selector"] = {"matchLabels": {"batch.kubernetes.io/controller-uid": uid}}
        spec["template"] = tmpl
        if cron is None and rng.random() < 0.3:
            spec["ttlSecondsAfterFinished"] = 86400
        spec["completionMode"] = "NonIndexed"
        spec["suspend"] = False
        spec["podReplacementPolicy"] = "TerminatingOrFailed"
        job = {"kind": "Job", "apiVersion": "batch/v1", "metadata": md, "spec": spec}
        self.add("jobs", job)

        comp = self.pods.compile(tmpl)
        jref = owner_ref(job)
        start = created + 1
        state = {"complete": SUCCEEDED, "failed": FAILED}.get(outcome, RUNNING)
        ready = 0
        for _ in range(npods):
            s = state if state != RUNNING or rng.random() < 0.85 else CREATING
            pod = self.stamp_pod(
                comp,
                ns,
                self.pod_name(ns, name + "-"),
                s,
                start,
                at=start + rng.randrange(0, 3),
                generate_name=name + "-",
                owner=jref,
                finalizers=["batch.kubernetes.io/job-tracking"] if state == RUNNING else None,
            )
            ready += _pod_ready(pod)
        status: dict[str, Any] = {}
        if outcome == "complete":
            t = ts(min(start + rng.randrange(10, 900), now - 1))
            msg = "Reached expected number of succeeded pods"
            status["conditions"] = [
                _job_cond("SuccessCriteriaMet", "CompletionsReached", msg, t),
                _job_cond("Complete", "CompletionsReached", msg, t),
            ]
            status["startTime"] = ts(start)
            status["completionTime"] = t
            status["succeeded"] = npods
        elif outcome == "failed":
            t = ts(min(start + rng.randrange(10, 900), now - 1))
            msg = "Job has reached the specified backoff limit"
            status["conditions"] = [
                _job_cond("FailureTarget", "BackoffLimitExceeded", msg, t),
                _job_cond("Failed", "BackoffLimitExceeded", msg, t),
            ]
            status["startTime"] = ts(start)
            status["failed"] = npods
        else:
            status["startTime"] = ts(start)
            status["active"] = npods
        status["terminating"] = 0
        status["uncountedTerminatedPods"] = {}
        status["ready"] = ready
        job["status"] = status
        return job, npods

    def standalone_jobs(self, budget: int) -> int:
        used = 0
        i = 0
        while used < budget:
            ns = self.rng.choice(self.live_ns)
            outcome = _FORCED_OUTCOMES[i] if i < len(_FORCED_OUTCOMES) else self.rng.choices(_OUTCOMES, _OUTCOME_W)[0]
            name = self.unique_name(ns, self.rng.choice(_JOBS) + "-" + name_suffix(self.rng))
            created = self.now - int(self.rng.expovariate(1 / (2 * DAY))) - 120
            _, n = self.job(ns, name, outcome, budget - used, created=max(created, ns.created + 60))
            used += n
            i += 1
        return used

    def cronjob(self, ns: _NS, budget: int) -> int:
        rng, now, ts = self.rng, self.now, self.ts
        name = self.unique_name(ns, rng.choice(_JOBS))
        schedule, period, offset = rng.choice(_SCHEDULES)
        suspended = rng.random() < 0.05
        created = ns.created + int((now - 3 * DAY - ns.created) * rng.random())
        policy = rng.choice(("Forbid", "Forbid", "Allow", "Replace"))
        labels = {"app": name}
        template = self.pod_template(
            ns, name, labels=labels, restart_policy=rng.choice(("Never", "OnFailure")), long_running=False,
            allow_pvc=False, sidecars=False,
        )  # fmt: skip
        job_spec: dict[str, Any] = {}
        backoff = rng.choice((None, 0, 2, 3))
        if backoff is not None:
            job_spec["backoffLimit"] = backoff
        job_spec["template"] = template
        spec: dict[str, Any] = {"schedule": schedule}
        if rng.random() < 0.2:
            spec["timeZone"] = rng.choice(("Europe/Berlin", "America/New_York", "Etc/UTC"))
        if rng.random() < 0.3:
            spec["startingDeadlineSeconds"] = 200
        spec["concurrencyPolicy"] = policy
        spec["suspend"] = suspended
        spec["jobTemplate"] = {"metadata": {"labels": dict(labels)}, "spec": job_spec}
        spec["successfulJobsHistoryLimit"] = 3
        spec["failedJobsHistoryLimit"] = 1
        cron = {
            "kind": "CronJob",
            "apiVersion": "batch/v1",
            "metadata": {
                "name": name,
                "namespace": ns.name,
                "uid": self.uid(),
                "generation": 1 + (rng.random() < 0.2),
                "creationTimestamp": ts(created),
                "labels": labels,
            },
            "spec": spec,
        }
        self.add("cronjobs", cron)
        last = (now - offset) // period * period + offset
        if suspended:
            last -= period * rng.randrange(3, 20)
        runs = ["active"] if not suspended and rng.random() < 0.2 else []
        runs += ["complete"] * rng.randint(1, 3)
        if rng.random() < 0.25:
            runs.insert(rng.randrange(len(runs) + 1), "failed")
        used = 0
        active_refs = []
        last_success = None
        for k, outcome in enumerate(runs):
            t = last - k * period
            if used >= budget or t < created + 60:
                break
            job, n = self.job(
                ns, f"{name}-{t // 60}", outcome, budget - used, created=t, template=template, cron=cron,
                backoff_limit=backoff,
            )  # fmt: skip
            used += n
            if outcome == "active":
                md = job["metadata"]
                active_refs.append(
                    {
                        "kind": "Job",
                        "namespace": ns.name,
                        "name": md["name"],
                        "uid": md["uid"],
                        "apiVersion": "batch/v1",
                    }
                )
            elif outcome == "complete" and last_success is None:
                last_success = job["status"]["completionTime"]
        status: dict[str, Any] = {}
        if active_refs:
            status["active"] = active_refs
        if used:
            status["lastScheduleTime"] = ts(last)
        if last_success:
            status["lastSuccessfulTime"] = last_success
        cron["status"] = status
        return used

    # --- statefulsets and daemonsets ---------------------------------------------------------------------------------

    def statefulset(self, ns: _NS, npods: int) -> None:
        rng, now, ts = self.rng, self.now, self.ts
        name = self.unique_name(ns, rng.choice(_STATEFUL))
        labels = {"app": name, "app.kubernetes.io/name": name}
        template = self.pod_template(ns, name, labels=labels, allow_pvc=False)
        data_mount = {"name": "data", "mountPath": "/var/lib/data"}
        template["spec"]["containers"][0] = _with_mount(template["spec"]["containers"][0], data_mount)
        created = ns.created + int((now - 2 * DAY - ns.created) * rng.random())
        revision = f"{name}-{name_suffix(rng, 10)}"
        generation = rng.randint(1, 4)
        sts = {
            "kind": "StatefulSet",
            "apiVersion": "apps/v1",
            "metadata": {
                "name": name,
                "namespace": ns.name,
                "uid": self.uid(),
                "generation": generation,
                "creationTimestamp": ts(created),
                "labels": sorted_map(labels),
            },
            "spec": {
                "replicas": npods,
                "selector": {"matchLabels": {"app": name}},
                "template": template,
                "volumeClaimTemplates": [
                    {
                        "apiVersion": "v1",
                        "kind": "PersistentVolumeClaim",
                        "metadata": {"name": "data"},
                        "spec": {
                            "accessModes": ["ReadWriteOnce"],
                            "resources": {"requests": {"storage": "20Gi"}},
                            "storageClassName": "gp3",
                            "volumeMode": "Filesystem",
                        },
                        "status": {"phase": "Pending"},
                    }
                ],
                "serviceName": name,
                "podManagementPolicy": rng.choice(("OrderedReady", "Parallel")),
                "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}},
                "revisionHistoryLimit": 10,
                "persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Retain", "whenScaled": "Retain"},
            },
        }
        self.add("statefulsets", sts)
        comp = self.pods.compile(template)
        ref = owner_ref(sts)
        ready = 0
        pods = []
        for i in range(npods):
            pname = f"{name}-{i}"
            ns.pod_names.add(pname)
            state = rng.choices(_STS_STATES, cum_weights=_STS_CUM)[0]
            node = self.pick_node(state)
            claim = f"data-{pname}"
            self.pvc_requests.append(
                (ns, claim, "ReadWriteOnce", "gp3", "20Gi", node.name if node else None, {"app": name})
            )
            pod = self.stamp_pod(
                comp, ns, pname, state, created, node=node, owner=ref, hostname=pname, subdomain=name,
                extra_labels={
                    "apps.kubernetes.io/pod-index": str(i),
                    "controller-revision-hash": revision,
                    "statefulset.kubernetes.io/pod-name": pname,
                },
                extra_volumes=[{"name": "data", "persistentVolumeClaim": {"claimName": claim}}],
            )  # fmt: skip
            ready += _pod_ready(pod)
            pods.append(pod)
        status: dict[str, Any] = {"observedGeneration": generation, "replicas": npods}
        if ready:
            status["readyReplicas"] = ready
        if npods:
            status["currentReplicas"] = npods
            status["updatedReplicas"] = npods
        status["currentRevision"] = revision
        status["updateRevision"] = revision
        status["collisionCount"] = 0
        status["availableReplicas"] = ready
        sts["status"] = status
        self.backends.append((ns, name, "StatefulSet", pods, created))

    def daemonset(self, ns: _NS, name: str, template: dict, nodes: list[NodeInfo]) -> None:
        rng, ts = self.rng, self.ts
        self.unique_name(ns, name)
        created = ns.created + rng.randrange(60, 3600)
        generation = rng.randint(1, 3)
        ds = {
            "kind": "DaemonSet",
            "apiVersion": "apps/v1",
            "metadata": {
                "name": name,
                "namespace": ns.name,
                "uid": self.uid(),
                "generation": generation,
                "creationTimestamp": ts(created),
                "labels": dict(template["metadata"]["labels"]),
                "annotations": {"deprecated.daemonset.template.generation": str(generation)},
            },
            "spec": {
                "selector": {"matchLabels": {"k8s-app": name}},
                "template": template,
                "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}},
                "revisionHistoryLimit": 10,
            },
        }
        self.add("daemonsets", ds)
        comp = self.pods.compile(template)
        ref = owner_ref(ds)
        revision = name_suffix(rng, 10)
        host_network = template["spec"].get("hostNetwork", False)
        tolerations = [
            {"key": key, "operator": "Exists", "effect": effect}
            for key, effect in _DAEMONSET_TOLERATIONS
            if host_network or key != "node.kubernetes.io/network-unavailable"
        ]
        ready = 0
        for node in nodes:
            state = RUNNING if node.ready else NOT_READY
            affinity = {
                "nodeAffinity": {
                    "requiredDuringSchedulingIgnoredDuringExecution": {
                        "nodeSelectorTerms": [
                            {"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node.name]}]}
                        ]
                    }
                }
            }
            pod = self.stamp_pod(
                comp, ns, self.pod_name(ns, name + "-"), state, max(created, node.created), node=node,
                generate_name=name + "-", owner=ref, affinity=affinity, extra_tolerations=tolerations,
                extra_labels={"controller-revision-hash": revision, "pod-template-generation": str(generation)},
            )  # fmt: skip
            ready += _pod_ready(pod)
        n = len(nodes)
        status: dict[str, Any] = {
            "currentNumberScheduled": n,
            "numberMisscheduled": 0,
            "desiredNumberScheduled": n,
            "numberReady": ready,
            "observedGeneration": generation,
            "updatedNumberScheduled": n,
            "numberAvailable": ready,
        }
        if n - ready:
            status["numberUnavailable"] = n - ready
        ds["status"] = status

    def system_workloads(self, ks: _NS, budget: int, nodes: list[NodeInfo]) -> int:
        """kube-proxy / CSI node daemonsets and CoreDNS, when they fit in the pod budget."""
        used = 0
        if len(nodes) <= budget * 0.1:
            self.daemonset(ks, "kube-proxy", _kube_proxy_template(), nodes)
            used += len(nodes)
        if len(nodes) * 2 <= budget * 0.1:
            self.daemonset(ks, "ebs-csi-node", _ebs_csi_template(), nodes)
            used += len(nodes)
        if budget - used >= 20:
            self.deployment(ks, "coredns", 2, template=_coredns_template())
            used += 2
        return used

    def standalone_pods(self, budget: int) -> int:
        rng = self.rng
        for _ in range(budget):
            ns = rng.choice(self.live_ns)
            base = rng.choice(("debug", "netshoot", "curl-test", "load-test", "psql-client"))
            state = rng.choices((RUNNING, SUCCEEDED, FAILED, CREATING), (60, 30, 5, 5))[0]
            template = self.pod_template(
                ns, base, labels={"run": base}, restart_policy="Always" if state == RUNNING else "Never",
                long_running=False, allow_pvc=False, sidecars=False,
            )  # fmt: skip
            name = self.pod_name(ns, base + "-")
            self.stamp_pod(self.pods.compile(template), ns, name, state, ns.created)
        return budget

    def stuck_terminating_pod(self, ns: _NS) -> None:
        template = self.pod_template(ns, "leftover", labels={"run": "leftover"}, long_running=False, sidecars=False)
        since = ns.deleting_since or self.now - 600
        self.stamp_pod(
            self.pods.compile(template), ns, "leftover-" + name_suffix(self.rng), RUNNING, ns.created,
            deleting_since=since, finalizers=["example.com/block-deletion"],
        )  # fmt: skip

    # --- services, endpointslices, volumes, configmaps, secrets ------------------------------------------------------

    def cluster_ip(self) -> str:
        while True:
            k = self.rng.randrange(256, 1 << 20)
            if k not in self.used_ips:
                self.used_ips.add(k)
                return f"10.{96 + (k >> 16)}.{(k >> 8) & 255}.{k & 255}"

    def services(self) -> None:
        rng, now, ts = self.rng, self.now, self.ts
        for ns, name, kind, pods, created in self.backends:
            headless = kind == "StatefulSet"
            if not headless and rng.random() < 0.2:
                continue
            port = 5432 if headless else 8080
            svc_type = "ClusterIP" if headless else rng.choices(_SVC_TYPES, _SVC_WEIGHTS)[0]
            dual = not headless and rng.random() < 0.1
            svc_port: dict[str, Any] = {"name": "tcp" if headless else "http", "protocol": "TCP"}
            svc_port["port"] = port if headless else 80
            svc_port["targetPort"] = port
            if svc_type != "ClusterIP":
                svc_port["nodePort"] = rng.randrange(30000, 32768)
            spec: dict[str, Any] = {"ports": [svc_port], "selector": {"app": name}}
            if headless:
                spec["clusterIP"] = "None"
                spec["clusterIPs"] = ["None"]
            else:
                ip = self.cluster_ip()
                spec["clusterIP"] = ip
                spec["clusterIPs"] = [ip, f"fd00:10:96::{rng.getrandbits(16):x}"] if dual else [ip]
            spec["type"] = svc_type
            if svc_type == "NodePort" and rng.random() < 0.3:
                spec["externalIPs"] = [f"203.0.113.{rng.randrange(1, 255)}"]
            spec["sessionAffinity"] = "None"
            if svc_type != "ClusterIP":
                spec["externalTrafficPolicy"] = rng.choice(("Cluster", "Cluster", "Local"))
            spec["ipFamilies"] = ["IPv4", "IPv6"] if dual else ["IPv4"]
            spec["ipFamilyPolicy"] = "PreferDualStack" if dual else "SingleStack"
            if svc_type == "LoadBalancer":
                spec["allocateLoadBalancerNodePorts"] = True
            spec["internalTrafficPolicy"] = "Cluster"
            lb: dict[str, Any] = {}
            if svc_type == "LoadBalancer":
                host = f"k8s-{ns.name[:8]}-{name[:8]}-{rng.getrandbits(40):010x}.elb.{_REGION}.amazonaws.com"
                lb = {"ingress": [{"hostname": host}]}
            md: dict[str, Any] = {
                "name": name,
                "namespace": ns.name,
                "uid": self.uid(),
                "creationTimestamp": ts(created),
                "labels": {"app": name},
            }
            if svc_type == "LoadBalancer":
                md["annotations"] = {"service.beta.kubernetes.io/aws-load-balancer-type": "external"}
            svc = self.add(
                "services",
                {"kind": "Service", "apiVersion": "v1", "metadata": md, "spec": spec, "status": {"loadBalancer": lb}},
            )
            endpoints = []
            for pod in pods:
                st = pod["status"]
                if "podIP" not in st or st["phase"] in ("Succeeded", "Failed"):
                    continue
                ready = _pod_ready(pod)
                ep: dict[str, Any] = {
                    "addresses": [st["podIP"]],
                    "conditions": {"ready": ready, "serving": ready, "terminating": False},
                }
                if headless:
                    ep["hostname"] = pod["metadata"]["name"]
                pmd = pod["metadata"]
                ep["targetRef"] = {"kind": "Pod", "namespace": ns.name, "name": pmd["name"], "uid": pmd["uid"]}
                node = pod["spec"]["nodeName"]
                ep["nodeName"] = node
                ep["zone"] = self.node_zone[node]
                endpoints.append(ep)
            ref = owner_ref(svc)
            for i in range(0, max(len(endpoints), 1), 100):
                chunk = endpoints[i : i + 100]
                self.add(
                    "endpointslices",
                    {
                        "kind": "EndpointSlice",
                        "apiVersion": "discovery.k8s.io/v1",
                        "metadata": {
                            "name": f"{name}-{name_suffix(rng)}",
                            "generateName": f"{name}-",
                            "namespace": ns.name,
                            "uid": self.uid(),
                            "generation": 1 + rng.randrange(0, 8),
                            "creationTimestamp": ts(created + 1),
                            "labels": {
                                "app": name,
                                "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
                                "kubernetes.io/service-name": name,
                            },
                            "annotations": {
                                "endpoints.kubernetes.io/last-change-trigger-time": ts(now - rng.randrange(60, DAY))
                            },
                            "ownerReferences": [dict(ref)],
                        },
                        "addressType": "IPv4",
                        "endpoints": chunk or None,
                        "ports": [{"name": svc_port["name"], "protocol": "TCP", "port": port}],
                    },
                )

    def volume_claims(self) -> None:
        rng, now, ts = self.rng, self.now, self.ts
        seen = set()
        for ns in self.live_ns[:: max(1, len(self.live_ns) // 5)]:
            # Unused claims waiting for a first consumer (WaitForFirstConsumer storage class).
            self.pvc_requests.append((ns, f"scratch-{name_suffix(rng)}", "ReadWriteOnce", "gp3", "5Gi", "", {}))
        for ns, name, mode, sc, size, node, labels in self.pvc_requests:
            if (ns.name, name) in seen:
                continue
            seen.add((ns.name, name))
            bound = node != ""
            provisioner = "efs.csi.aws.com" if sc == "efs-sc" else "ebs.csi.aws.com"
            created = ns.created + int((now - ns.created) * rng.random() ** 2)
            md: dict[str, Any] = {"name": name, "namespace": ns.name, "uid": self.uid()}
            md["creationTimestamp"] = ts(created)
            if labels:
                md["labels"] = labels
            ann = {"volume.beta.kubernetes.io/storage-provisioner": provisioner}
            ann["volume.kubernetes.io/storage-provisioner"] = provisioner
            if bound:
                ann["pv.kubernetes.io/bind-completed"] = "yes"
                ann["pv.kubernetes.io/bound-by-controller"] = "yes"
                if node:
                    ann["volume.kubernetes.io/selected-node"] = node
            md["annotations"] = sorted_map(ann)
            md["finalizers"] = ["kubernetes.io/pvc-protection"]
            spec: dict[str, Any] = {"accessModes": [mode], "resources": {"requests": {"storage": size}}}
            if bound:
                spec["volumeName"] = "pvc-" + self.uid()
            spec["storageClassName"] = sc
            spec["volumeMode"] = "Filesystem"
            if bound:
                status: dict[str, Any] = {"phase": "Bound", "accessModes": [mode], "capacity": {"storage": size}}
                if rng.random() < 0.02:
                    t = ts(now - rng.randrange(60, DAY))
                    status["conditions"] = [
                        {
                            "type": "FileSystemResizePending",
                            "status": "True",
                            "lastProbeTime": None,
                            "lastTransitionTime": t,
                            "message": "Waiting for user to (re-)start a pod to finish file system resize of volume "
                            "on node.",
                        }
                    ]
            else:
                status = {"phase": "Pending"}
            self.add(
                "persistentvolumeclaims",
                {"kind": "PersistentVolumeClaim", "apiVersion": "v1", "metadata": md, "spec": spec, "status": status},
            )

    def namespace_objects(self, ns: _NS, system: bool) -> None:
        """kube-root-ca.crt plus 1-2 app ConfigMaps, and a few Secrets, created with the namespace."""
        rng, ts = self.rng, self.ts
        t = ns.created + 1

        def meta(name: str, created: int, **extra: Any) -> dict:
            md = {"name": name, "namespace": ns.name, "uid": self.uid(), "creationTimestamp": ts(created)}
            md.update(extra)
            return md

        self.add(
            "configmaps",
            {
                "kind": "ConfigMap",
                "apiVersion": "v1",
                "metadata": meta("kube-root-ca.crt", t, annotations={"kubernetes.io/description": _ROOT_CA_DESC}),
                "data": {"ca.crt": self.ca_pem},
            },
        )
        names = ["coredns", "kube-proxy"] if system else [f"{ns.team}-config", "feature-flags"][: rng.randint(1, 2)]
        for name in names:
            data = _configmap_data(rng, name)
            created = ns.created + rng.randrange(60, 3 * DAY)
            labels = {"app.kubernetes.io/part-of": ns.team} if not system else {"k8s-app": name}
            self.add(
                "configmaps",
                {"kind": "ConfigMap", "apiVersion": "v1", "metadata": meta(name, created, labels=labels), "data": data},
            )
            ns.configmaps.append(name)
        if system:
            ns.configmaps = []
            return
        ns.tls_secret = f"{ns.team}-tls"
        secrets = [
            (
                ns.tls_secret,
                "kubernetes.io/tls",
                {"tls.crt": _fake_pem(rng), "tls.key": _fake_pem(rng, "PRIVATE KEY", 300)},
            ),
            ("regcred", "kubernetes.io/dockerconfigjson", {".dockerconfigjson": _dockerconfig(rng)}),
            ("db-credentials", "Opaque", {"password": name_suffix(rng, 24), "username": ns.team}),
        ]
        for name, stype, data in secrets[: 2 + (rng.random() < 0.7)]:
            created = ns.created + rng.randrange(60, 3 * DAY)
            obj: dict[str, Any] = {"kind": "Secret", "apiVersion": "v1", "metadata": meta(name, created)}
            if name == "regcred" and rng.random() < 0.5:
                obj["immutable"] = True
            obj["data"] = {k: _b64(v.encode()) for k, v in sorted(data.items())}
            obj["type"] = stype
            self.add("secrets", obj)

    def node_image_lists(self) -> None:
        # Kubelet reports up to 50 images, largest first; every node also has the pause image.
        for node in self.out["nodes"]:
            images = self.node_images[node["metadata"]["name"]] | {"registry.k8s.io/pause:3.10"}
            entries = []
            for image in images:
                size = 500_000 + int(hashlib.md5(image.encode()).hexdigest()[:7], 16) % 400_000_000
                entries.append({"names": [image_id(image), image], "sizeBytes": size})
            entries.sort(key=lambda e: -e["sizeBytes"])
            node["status"]["images"] = entries[:50]

    # --- the whole cluster -------------------------------------------------------------------------------------------

    def build(self, pods: int, n_nodes: int, n_ns: int) -> dict[str, list[dict]]:
        rng, now = self.rng, self.now
        for resource in _OUTPUT_RESOURCES:
            self.out[resource] = []
        cluster_created = now - rng.randrange(400, 700) * DAY
        ks = _NS("kube-system", "kube-system", cluster_created)
        self.namespace("kube-system", cluster_created)
        self.namespace_objects(ks, system=True)
        app_ns = []
        names = self.namespace_names(n_ns)
        for i, name in enumerate(names):
            created = cluster_created + DAY + int((now - 3 * DAY - cluster_created) * rng.random())
            ns = _NS(name, name.partition("-")[0], created)
            if n_ns >= 5 and i == n_ns - 1:
                ns.deleting_since = now - rng.randrange(300, 3 * DAY)
            self.namespace(name, created, terminating_since=ns.deleting_since)
            self.namespace_objects(ns, system=False)
            app_ns.append(ns)
        self.live_ns = [ns for ns in app_ns if ns.deleting_since is None] or [ks]

        nodes = self.nodes(n_nodes)
        self.node_zone = {n.name: n.zone for n in nodes}
        self.pods.nodes_total = n_nodes
        self.app_nodes = [n for n in nodes if not n.cp and n.ready] or [nodes[0]]

        budget = pods
        budget -= self.system_workloads(ks, budget, nodes)
        terminating = [ns for ns in app_ns if ns.deleting_since is not None]
        for ns in terminating[:budget]:
            self.stuck_terminating_pod(ns)
            budget -= 1
        standalone = min(budget, max(1 if pods >= 20 else 0, round(pods * 0.01)))
        sts_budget = min(budget - standalone, round(pods * 0.03))
        job_budget = min(budget - standalone - sts_budget, round(pods * 0.05))
        budget -= standalone + sts_budget + job_budget
        while sts_budget > 0:
            n = min(sts_budget, rng.choice((1, 2, 3, 3, 3, 5)))
            self.statefulset(rng.choice(self.live_ns), n)
            sts_budget -= n
        # About 60% of job pods come from CronJobs, the rest from one-off Jobs.
        cron_budget = job_budget * 3 // 5
        misses = 0
        while cron_budget > 0 and misses < 20:
            used = self.cronjob(rng.choice(self.live_ns), cron_budget)
            cron_budget -= used
            job_budget -= used
            misses += not used
        self.standalone_jobs(job_budget)
        self.standalone_pods(standalone)
        n_deploy = 0
        while budget > 0:
            size = min(budget, rng.choices(_DEPLOY_SIZES, _DEPLOY_SIZE_W)[0])
            ns = rng.choice(self.live_ns)
            self.deployment(ns, rng.choice(_APPS), size)
            budget -= size
            n_deploy += 1
        for _ in range(n_deploy // 50):
            self.deployment(rng.choice(self.live_ns), rng.choice(_APPS), 0)  # scaled to zero

        self.services()
        self.volume_claims()
        self.node_image_lists()
        return self.out


_NS_DELETION_CONDITIONS = (
    ("NamespaceDeletionDiscoveryFailure", "False", "ResourcesDiscovered", "All resources successfully discovered"),
    ("NamespaceDeletionGroupVersionParsingFailure", "False", "ParsedGroupVersions", "All legacy kube types parsed"),
    ("NamespaceDeletionContentFailure", "False", "ContentDeleted", "All content successfully deleted"),
    ("NamespaceContentRemaining", "True", "SomeResourcesRemain", "Some resources are remaining: pods. has 1 instances"),
    ("NamespaceFinalizersRemaining", "False", "ContentHasNoFinalizers", "All content-preserving finalizers finished"),
)


def _terminating_ns_conditions(t: str) -> list[dict]:
    return [
        {"type": c, "status": s, "lastTransitionTime": t, "reason": r, "message": m}
        for c, s, r, m in _NS_DELETION_CONDITIONS
    ]


# ---------------------------------------------------------------------------------------------------------------------
# Tables and small builders used by the generator
# ---------------------------------------------------------------------------------------------------------------------

_OUTPUT_RESOURCES = (
    "namespaces nodes deployments replicasets pods jobs cronjobs configmaps secrets services endpointslices "
    "statefulsets daemonsets persistentvolumeclaims"
).split()
_CPU_STEPS = ("10m", "50m", "100m", "200m", "250m", "500m", "1", "2", "4")
_MEM_STEPS = ("32Mi", "64Mi", "128Mi", "256Mi", "512Mi", "1Gi", "2Gi", "4Gi", "8Gi")
_QOS, _QOS_WEIGHTS = ("BestEffort", "Burstable", "Guaranteed"), (8, 77, 15)
# Pod states of controller-managed long-running pods (~95% Running, a few pending / broken / evicted).
_RS_STATES = (RUNNING, RESTARTED, CRASHLOOP, NOT_READY, CREATING, IMAGE_PULL, UNSCHEDULABLE, EVICTED)
_RS_CUM = tuple(accumulate((925, 30, 10, 5, 8, 4, 8, 10)))
_STS_STATES = _RS_STATES[:-1]
_STS_CUM = _RS_CUM[:-1]
_DEPLOY_SIZES = (1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 30, 50)
_DEPLOY_SIZE_W = (25, 25, 20, 8, 6, 4, 4, 3, 2, 1.5, 1, 0.5, 0.3)
_OUTCOMES, _OUTCOME_W = ("complete", "failed", "active"), (70, 10, 20)
_FORCED_OUTCOMES = ("complete", "failed", "active")  # the first one-off jobs, so even small clusters show all three
# (schedule, period seconds, offset of the first run from the Unix epoch)
_SCHEDULES = (
    ("*/5 * * * *", 300, 0),
    ("*/15 * * * *", 900, 0),
    ("0 * * * *", 3600, 0),
    ("0 */6 * * *", 21600, 0),
    ("30 2 * * *", DAY, 9000),
    ("0 3 * * 0", 7 * DAY, 3 * DAY + 10800),
)
_SVC_TYPES, _SVC_WEIGHTS = ("ClusterIP", "NodePort", "LoadBalancer"), (88, 6, 6)
_DAEMONSET_TOLERATIONS = (
    ("node.kubernetes.io/not-ready", "NoExecute"),
    ("node.kubernetes.io/unreachable", "NoExecute"),
    ("node.kubernetes.io/disk-pressure", "NoSchedule"),
    ("node.kubernetes.io/memory-pressure", "NoSchedule"),
    ("node.kubernetes.io/pid-pressure", "NoSchedule"),
    ("node.kubernetes.io/unschedulable", "NoSchedule"),
    ("node.kubernetes.io/network-unavailable", "NoSchedule"),
)
_MSG_AVAILABLE = "Deployment has minimum availability."
_MSG_UNAVAILABLE = "Deployment does not have minimum availability."
_ROOT_CA_DESC = (
    "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the "
    "internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes "
    "clusters."
)
_TERMINATION = {"terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File"}


class _NS:
    """Per-namespace bookkeeping: names in use (so nothing collides) and what pods may mount."""

    __slots__ = ("name", "team", "created", "configmaps", "tls_secret", "names", "pod_names", "deleting_since")

    def __init__(self, name: str, team: str, created: int) -> None:
        self.name = name
        self.team = team
        self.created = created
        self.configmaps: list[str] = []
        self.tls_secret: str | None = None
        self.names: set[str] = set()
        self.pod_names: set[str] = set()
        self.deleting_since: int | None = None


def _http_probe(path: str, port: int, *, initial_delay: int | None = None) -> dict:
    probe: dict[str, Any] = {"httpGet": {"path": path, "port": port, "scheme": "HTTP"}}
    if initial_delay:
        probe["initialDelaySeconds"] = initial_delay
    probe.update(timeoutSeconds=1, periodSeconds=10, successThreshold=1, failureThreshold=3)
    return probe


def _retag(template: dict, back: int) -> dict:
    """A copy of ``template`` whose main container runs an image ``back`` releases older (an older revision)."""
    out = _json_decode(_json_encode(template))
    c = out["spec"]["containers"][0]
    repo, _, tag = c["image"].rpartition(":")
    parts = tag.lstrip("v").split(".")
    if len(parts) == 3 and all(p.isdigit() for p in parts) and int(parts[1]) >= back:
        tag = f"v{parts[0]}.{int(parts[1]) - back}.{parts[2]}"
    else:
        tag = f"{tag}-r{back}"
    c["image"] = f"{repo}:{tag}"
    return out


def _resolve_surge(strategy: dict, replicas: int) -> int:
    ms = (strategy.get("rollingUpdate") or {}).get("maxSurge", 0)
    if isinstance(ms, str):
        return -(-replicas * int(ms.rstrip("%")) // 100)
    return ms


def _pod_ready(pod: dict) -> bool:
    for c in pod["status"].get("conditions", ()):
        if c["type"] == "Ready":
            return c["status"] == "True"
    return False


def _deploy_cond(ctype: str, status: str, reason: str, message: str, updated: str, transition: str) -> dict:
    return {
        "type": ctype,
        "status": status,
        "lastUpdateTime": updated,
        "lastTransitionTime": transition,
        "reason": reason,
        "message": message,
    }


def _job_cond(ctype: str, reason: str, message: str, t: str) -> dict:
    return {
        "type": ctype,
        "status": "True",
        "lastProbeTime": t,
        "lastTransitionTime": t,
        "reason": reason,
        "message": message,
    }


def _system_container(name: str, image: str, resources: dict, **fields: Any) -> dict:
    """A kube-system container; ``fields`` are placed by Go field order around the defaults."""
    c: dict[str, Any] = {"name": name, "image": image}
    for k in ("command", "args", "ports", "env"):
        if k in fields:
            c[k] = fields[k]
    c["resources"] = resources
    for k in ("volumeMounts", "livenessProbe", "readinessProbe"):
        if k in fields:
            c[k] = fields[k]
    c.update(_TERMINATION)
    c["imagePullPolicy"] = "IfNotPresent"
    if "securityContext" in fields:
        c["securityContext"] = fields["securityContext"]
    return c


def _system_spec(containers: list[dict], volumes: list[dict], sa: str, **fields: Any) -> dict:
    spec: dict[str, Any] = {"volumes": volumes, "containers": containers, "restartPolicy": "Always"}
    spec["terminationGracePeriodSeconds"] = 30
    spec["dnsPolicy"] = fields.get("dnsPolicy", "ClusterFirst")
    spec["nodeSelector"] = {"kubernetes.io/os": "linux"}
    spec["serviceAccountName"] = sa
    spec["serviceAccount"] = sa
    if fields.get("hostNetwork"):
        spec["hostNetwork"] = True
    spec["securityContext"] = {}
    if "affinity" in fields:
        spec["affinity"] = fields["affinity"]
    spec["schedulerName"] = "default-scheduler"
    spec["tolerations"] = fields.get("tolerations", [{"operator": "Exists"}])
    spec["priorityClassName"] = fields.get("priorityClassName", "system-node-critical")
    return spec


def _kube_proxy_template() -> dict:
    env = [{"name": "NODE_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "spec.nodeName"}}}]
    container = _system_container(
        "kube-proxy",
        "registry.k8s.io/kube-proxy:v1.34.2",
        {"requests": {"cpu": "100m"}},
        command=["kube-proxy", "--config=/var/lib/kube-proxy/config.conf", "--hostname-override=$(NODE_NAME)"],
        env=env,
        volumeMounts=[
            {"name": "kube-proxy", "mountPath": "/var/lib/kube-proxy"},
            {"name": "xtables-lock", "mountPath": "/run/xtables.lock"},
            {"name": "lib-modules", "readOnly": True, "mountPath": "/lib/modules"},
        ],
        securityContext={"privileged": True},
    )
    volumes = [
        {"name": "kube-proxy", "configMap": {"name": "kube-proxy", "defaultMode": 420}},
        {"name": "xtables-lock", "hostPath": {"path": "/run/xtables.lock", "type": "FileOrCreate"}},
        {"name": "lib-modules", "hostPath": {"path": "/lib/modules", "type": ""}},
    ]
    return {
        "metadata": {"labels": {"k8s-app": "kube-proxy"}},
        "spec": _system_spec([container], volumes, "kube-proxy", hostNetwork=True),
    }


def _ebs_csi_template() -> dict:
    res = {"limits": {"memory": "256Mi"}, "requests": {"cpu": "10m", "memory": "40Mi"}}
    socket = {"name": "plugin-dir", "mountPath": "/csi"}
    containers = [
        _system_container(
            "ebs-plugin",
            "public.ecr.aws/ebs-csi-driver/aws-ebs-csi-driver:v1.48.0",
            res,
            args=["node", "--endpoint=$(CSI_ENDPOINT)", "--logging-format=text", "--v=2"],
            ports=[{"name": "healthz", "containerPort": 9808, "protocol": "TCP"}],
            env=[{"name": "CSI_ENDPOINT", "value": "unix:/csi/csi.sock"}],
            volumeMounts=[
                {"name": "kubelet-dir", "mountPath": "/var/lib/kubelet", "mountPropagation": "Bidirectional"},
                socket,
            ],
            livenessProbe=_http_probe("/healthz", 9808, initial_delay=10),
            securityContext={"privileged": True, "readOnlyRootFilesystem": True},
        ),
        _system_container(
            "node-driver-registrar",
            "public.ecr.aws/csi-components/csi-node-driver-registrar:v2.14.0",
            res,
            args=["--csi-address=$(ADDRESS)", "--kubelet-registration-path=$(DRIVER_REG_SOCK_PATH)", "--v=2"],
            volumeMounts=[socket, {"name": "registration-dir", "mountPath": "/registration"}],
        ),
        _system_container(
            "liveness-probe",
            "public.ecr.aws/csi-components/livenessprobe:v2.16.0",
            res,
            args=["--csi-address=/csi/csi.sock"],
            volumeMounts=[socket],
        ),
    ]
    volumes = [
        {"name": "kubelet-dir", "hostPath": {"path": "/var/lib/kubelet", "type": "Directory"}},
        {
            "name": "plugin-dir",
            "hostPath": {"path": "/var/lib/kubelet/plugins/ebs.csi.aws.com/", "type": "DirectoryOrCreate"},
        },
        {"name": "registration-dir", "hostPath": {"path": "/var/lib/kubelet/plugins_registry/", "type": "Directory"}},
    ]
    template = {
        "metadata": {"labels": {"app": "ebs-csi-node", "k8s-app": "ebs-csi-node"}},
        "spec": _system_spec(containers, volumes, "ebs-csi-node-sa"),
    }
    return _json_decode(_json_encode(template))  # unshare ``res`` / ``socket``


def _coredns_template() -> dict:
    container = _system_container(
        "coredns",
        "registry.k8s.io/coredns/coredns:v1.12.1",
        {"limits": {"memory": "170Mi"}, "requests": {"cpu": "100m", "memory": "70Mi"}},
        args=["-conf", "/etc/coredns/Corefile"],
        ports=[
            {"name": "dns", "containerPort": 53, "protocol": "UDP"},
            {"name": "dns-tcp", "containerPort": 53, "protocol": "TCP"},
            {"name": "metrics", "containerPort": 9153, "protocol": "TCP"},
        ],
        volumeMounts=[{"name": "config-volume", "readOnly": True, "mountPath": "/etc/coredns"}],
        livenessProbe=_http_probe("/health", 8080, initial_delay=60),
        readinessProbe=_http_probe("/ready", 8181),
        securityContext={
            "capabilities": {"add": ["NET_BIND_SERVICE"], "drop": ["ALL"]},
            "readOnlyRootFilesystem": True,
            "allowPrivilegeEscalation": False,
        },
    )
    volumes = [
        {
            "name": "config-volume",
            "configMap": {"name": "coredns", "items": [{"key": "Corefile", "path": "Corefile"}], "defaultMode": 420},
        }
    ]
    tolerations = [
        {"key": "CriticalAddonsOnly", "operator": "Exists"},
        {"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"},
    ]
    return {
        "metadata": {"labels": {"app": "coredns", "k8s-app": "kube-dns"}},
        "spec": _system_spec(
            [container],
            volumes,
            "coredns",
            dnsPolicy="Default",
            tolerations=tolerations,
            priorityClassName="system-cluster-critical",
        ),
    }


_COREFILE = """.:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30
    loop
    reload
    loadbalance
}
"""

_KUBE_PROXY_CONF = """apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
bindAddress: 0.0.0.0
clientConnection:
  kubeconfig: /var/lib/kube-proxy/kubeconfig.conf
clusterCIDR: 10.64.0.0/10
metricsBindAddress: 0.0.0.0:10249
mode: iptables
"""


def _configmap_data(rng: Random, name: str) -> dict[str, str]:
    if name == "coredns":
        return {"Corefile": _COREFILE}
    if name == "kube-proxy":
        return {"config.conf": _KUBE_PROXY_CONF}
    if name == "feature-flags":
        flags = {f"enable-{w}": rng.choice(("true", "false")) for w in rng.sample(_APPS, 4)}
        return {"flags.json": _json_encode(sorted_map(flags)).decode()}
    app_yaml = (
        f"server:\n  port: 8080\n  shutdownTimeout: {rng.choice((10, 20, 30))}s\n"
        f"cache:\n  ttl: {rng.choice((60, 300, 900))}\n"
        f"upstream:\n  url: http://{rng.choice(_APPS)}.{name.split('-')[0]}.svc.cluster.local:80\n"
    )
    return {"LOG_FORMAT": "json", "MAX_CONNECTIONS": str(rng.choice((50, 100, 200))), "application.yaml": app_yaml}


def _dockerconfig(rng: Random) -> str:
    password = name_suffix(rng, 32)
    auth = _b64(f"robot$ci:{password}".encode())
    return (
        '{"auths":{"registry.example.com":{"username":"robot$ci","password":"' + password + '","auth":"' + auth + '"}}}'
    )


# ---------------------------------------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------------------------------------


def generate_cluster(
    pods: int,
    *,
    seed: int = 0,
    nodes: int | None = None,
    namespaces: int | None = None,
    now: int | None = None,
) -> dict[str, list[dict]]:
    """A synthetic cluster with exactly ``pods`` pods, keyed by resource plural name.

    ``nodes`` defaults to ~pods/30 (at least 1); ``namespaces`` (application namespaces, kube-system comes on top)
    to max(3, pods/100). ``now`` (Unix seconds) is the cluster's present; it defaults to the fixed REFERENCE_NOW so
    the output depends on the arguments only.
    """
    if pods < 0:
        raise ValueError("pods must be >= 0")
    n_nodes = max(1, round(pods / 30)) if nodes is None else nodes
    if n_nodes < 1:
        raise ValueError("a cluster needs at least one node")
    n_ns = max(3, pods // 100) if namespaces is None else max(0, namespaces)
    gen = _Gen(Random(seed), REFERENCE_NOW if now is None else int(now))
    # Millions of fresh dicts make the cyclic GC rescan an ever-growing heap (quadratic time); none of them form
    # cycles, so pause it while building.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        out = gen.build(pods, n_nodes, n_ns)
        from ksm_shard.sim.cluster_extra import generate_extra  # imports this module: import late

        for resource, objs in generate_extra(out, seed=seed, now=gen.now).items():  # the remaining kinds
            out.setdefault(resource, []).extend(objs)
        return out
    finally:
        if was_enabled:
            gc.enable()
