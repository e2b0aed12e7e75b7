"""Realistic changes to a simulated cluster, applied to a ``ksm_shard.sim.storage.Storage`` at a given rate.

The change mix is what an exporter sees from a busy cluster: container restarts and readiness flips, pending pods
starting, pods replaced by their controllers, deployments scaling, ConfigMaps edited, Jobs finishing (and CronJobs
starting new ones), nodes going NotReady and back. Every change is one write to the storage; a change that needs
several writes (a scale-up: Deployment, ReplicaSet, new pods, Deployment status) is queued and its writes are
applied one by one, in the order a controller would make them.

Another actor may change or delete objects concurrently; a write that hits ``NotFound``/``Conflict`` is skipped.
Choices are drawn from ``random.Random(f"churn-{seed}")`` (apart from the generator's stream, so new objects
never reuse generated UIDs); timestamps use the wall clock.
"""

from __future__ import annotations

import calendar
import hashlib
import inspect
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from random import Random
from typing import Any

import msgspec

from ksm_shard.sim.cluster import (
    CREATING,
    RUNNING,
    SUCCEEDED,
    NodeInfo,
    PodFactory,
    image_id,
    name_suffix,
    new_uid,
    owner_ref,
    rfc3339,
    sorted_map,
)
from ksm_shard.sim.storage import AlreadyExists, Conflict, NotFound

__all__ = ["Churner", "restart_container"]

log = logging.getLogger(__name__)

Change = tuple[str, str, str, str | None]  # (verb, resource, namespace or "", name)
_Key = tuple[str, str]  # (namespace, name)

_SKIP = (NotFound, Conflict, AlreadyExists)
_clone = msgspec.json.Decoder().decode
_enc = msgspec.json.Encoder().encode

# Go field order of the objects the churner rewrites (so rebuilt dicts keep the apiserver's layout).
_CS_ORDER = ("name", "state", "lastState", "ready", "restartCount", "image", "imageID", "containerID", "started")
_POD_SPEC_ORDER = (
    "volumes initContainers containers ephemeralContainers restartPolicy terminationGracePeriodSeconds "
    "activeDeadlineSeconds dnsPolicy nodeSelector serviceAccountName serviceAccount automountServiceAccountToken "
    "nodeName hostNetwork hostPID hostIPC shareProcessNamespace securityContext imagePullSecrets hostname subdomain "
    "affinity schedulerName tolerations hostAliases priorityClassName priority dnsConfig readinessGates "
    "runtimeClassName enableServiceLinks preemptionPolicy overhead topologySpreadConstraints"
).split()
_COND_ORDER = ("type", "status", "lastProbeTime", "lastTransitionTime", "reason", "message")


def _parse_ts(s: str | None, default: int) -> int:
    if not s:
        return default
    try:
        return calendar.timegm(time.strptime(s, "%Y-%m-%dT%H:%M:%SZ"))
    except ValueError:
        return default


def _reorder(d: dict, order: Iterable[str]) -> dict:
    out = {k: d[k] for k in order if k in d}
    out.update((k, v) for k, v in d.items() if k not in out)
    return out


def _set_cond(conds: list[dict], ctype: str, status: str, t: str, reason: str | None, message: str | None) -> None:
    """Set a pod condition; lastTransitionTime moves only when the status changes (as the kubelet does)."""
    for i, c in enumerate(conds):
        if c.get("type") == ctype:
            new = dict(c)
            if c.get("status") != status:
                new["lastTransitionTime"] = t
            new["status"] = status
            new.pop("reason", None)
            new.pop("message", None)
            if reason:
                new["reason"] = reason
            if message:
                new["message"] = message
            conds[i] = _reorder(new, _COND_ORDER)
            return
    c = {"type": ctype, "status": status, "lastProbeTime": None, "lastTransitionTime": t}
    if reason:
        c["reason"] = reason
    if message:
        c["message"] = message
    conds.append(c)


def _refresh_ready(pod: dict, t: str) -> None:
    """Recompute ContainersReady/Ready from the container statuses."""
    status = pod["status"]
    statuses = status.get("containerStatuses") or []
    sidecars = {c["name"] for c in pod["spec"].get("initContainers") or () if c.get("restartPolicy") == "Always"}
    sidecar_ready = all(s.get("ready") for s in status.get("initContainerStatuses") or () if s["name"] in sidecars)
    unready = [s["name"] for s in statuses if not s.get("ready")]
    ready = bool(statuses) and not unready and sidecar_ready
    msg = f"containers with unready status: [{' '.join(unready)}]" if unready else None
    conds = status.setdefault("conditions", [])
    reason = None if ready else "ContainersNotReady"
    _set_cond(conds, "Ready", "True" if ready else "False", t, reason, msg)
    _set_cond(conds, "ContainersReady", "True" if ready else "False", t, reason, msg)


def _pod_is_ready(pod: dict) -> bool:
    return any(c.get("type") == "Ready" and c.get("status") == "True" for c in pod["status"].get("conditions") or ())


def _restart(
    pod: dict, index: int, now: int, *, crash: bool, exit_code: int, reason: str, new_container_id: str
) -> dict:
    """``pod`` with container ``index`` restarted once: restartCount+1, the old run in lastState.terminated."""
    statuses = pod.get("status", {}).get("containerStatuses") or []
    if not 0 <= index < len(statuses):
        raise IndexError(f"pod {pod['metadata']['name']} has no status for container index {index}")
    st = dict(statuses[index])
    state = st.get("state") or {}
    old_id = st.get("containerID") or new_container_id
    prev_start = (state.get("running") or {}).get("startedAt") or rfc3339(now - 60)
    st["lastState"] = {
        "terminated": {
            "exitCode": exit_code,
            "reason": reason,
            "startedAt": prev_start,
            "finishedAt": rfc3339(now - 1 if now - 1 >= _parse_ts(prev_start, 0) else now),
            "containerID": old_id,
        }
    }
    st["restartCount"] = int(st.get("restartCount") or 0) + 1
    st["imageID"] = st.get("imageID") or image_id(st["image"])
    if crash:
        backoff = min(10 * 2 ** min(st["restartCount"] - 1, 5), 300)
        delay = f"{backoff // 60}m{backoff % 60}s" if backoff >= 60 else f"{backoff}s"
        md = pod["metadata"]
        st["state"] = {
            "waiting": {
                "reason": "CrashLoopBackOff",
                "message": f"back-off {delay} restarting failed container={st['name']} "
                f"pod={md['name']}_{md.get('namespace', '')}({md.get('uid', '')})",
            }
        }
        st["ready"] = False
        st["containerID"] = old_id
        st["started"] = False
    else:
        st["state"] = {"running": {"startedAt": rfc3339(now)}}
        st["ready"] = True
        st["containerID"] = new_container_id
        st["started"] = True
    statuses = list(statuses)
    statuses[index] = _reorder(st, _CS_ORDER)
    pod["status"]["containerStatuses"] = statuses
    _refresh_ready(pod, rfc3339(now))
    return pod


def restart_container(storage: Any, namespace: str, pod: str, container_index: int = 0) -> dict:
    """Simulate one restart of a container, deterministically: restartCount+1, lastState.terminated with exit
    code 1 and reason ``Error``, the container running again (ready) under a new containerID derived from the old
    one. Returns the pod as stored. Raises ``NotFound`` if the pod is gone, ``IndexError`` for a bad index."""
    obj = storage.get("pods", namespace, pod)
    statuses = obj.get("status", {}).get("containerStatuses") or []
    old = statuses[container_index].get("containerID", "") if 0 <= container_index < len(statuses) else ""
    seed = f"{old}/{namespace}/{pod}/{container_index}".encode()
    new_id = "containerd://" + hashlib.sha256(seed).hexdigest()
    obj = _restart(
        obj, container_index, int(time.time()), crash=False, exit_code=1, reason="Error", new_container_id=new_id
    )
    return storage.update("pods", obj)


class _Bag:
    """A set with O(1) random choice (for picking a random pod out of 150k)."""

    __slots__ = ("items", "index")

    def __init__(self) -> None:
        self.items: list = []
        self.index: dict = {}

    def add(self, item: Any) -> None:
        if item not in self.index:
            self.index[item] = len(self.items)
            self.items.append(item)

    def discard(self, item: Any) -> None:
        i = self.index.pop(item, None)
        if i is None:
            return
        last = self.items.pop()
        if i < len(self.items):
            self.items[i] = last
            self.index[last] = i

    def choice(self, rng: Random) -> Any:
        return self.items[rng.randrange(len(self.items))]

    def __len__(self) -> int:
        return len(self.items)

    def __contains__(self, item: Any) -> bool:
        return item in self.index


# (operation, resource it changes, weight). Controller follow-ups (ReplicaSet/Deployment/... status syncs) are queued
# by the operations themselves.
_OPS = (
    ("restart", "pods", 25),
    ("readiness", "pods", 15),
    ("start_pending", "pods", 10),
    ("replace_pod", "pods", 15),
    ("scale", "deployments", 6),
    ("configmap", "configmaps", 12),
    ("job_complete", "jobs", 5),
    ("job_start", "jobs", 5),
    ("node_flip", "nodes", 4),
)
_REPLACEABLE = frozenset({"ReplicaSet", "StatefulSet", "DaemonSet"})
_OWNER_RESOURCE = {"ReplicaSet": "replicasets", "StatefulSet": "statefulsets", "DaemonSet": "daemonsets", "Job": "jobs"}
_JOB_TRACKING = "batch.kubernetes.io/job-tracking"
_NOT_READY_MSG = (
    "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady "
    "message:Network plugin returns error: cni plugin not initialized"
)
_HEALTHY_NODE = {
    "MemoryPressure": ("False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
    "DiskPressure": ("False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
    "PIDPressure": ("False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
    "Ready": ("True", "KubeletReady", "kubelet is posting ready status"),
}


class Churner:
    """Applies ~``rate`` realistic changes per second to ``storage`` (see the module docstring).

    ``resources`` limits which resources the churner writes (e.g. ``["pods", "configmaps"]``); by default all.
    ``step(n)`` applies exactly ``n`` writes synchronously (fewer only if nothing is left to change);
    ``start()``/``stop()`` run it in a background thread, spreading writes evenly over each second.
    """

    def __init__(self, storage: Any, rate: float, *, seed: int = 0, resources: Iterable[str] | None = None) -> None:
        self.storage = storage
        self.rate = float(rate)
        # Not Random(seed): generate_cluster(seed) draws its UIDs from that stream, and new objects must not
        # reuse the UIDs of existing ones when both use the same seed.
        self.rng = Random(f"churn-{seed}")
        self.resources = frozenset(resources) if resources is not None else None
        self.changes = 0
        self._lock = threading.RLock()
        self._queue: deque[Callable[[], Change | None]] = deque()
        self._queued_syncs: set[tuple[str, str]] = set()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        try:
            self._preconditions = "precondition_rv" in inspect.signature(storage.update).parameters
        except (TypeError, ValueError):
            self._preconditions = False
        self._index()

    # --- the index: what exists, so picks are O(1) and names never repeat --------------------------------------------

    def _objects(self, resource: str) -> list[dict]:
        snapshot = getattr(self.storage, "snapshot", None)
        if snapshot is not None:  # the stored dicts, read-only: avoids decoding 150k pods
            snap = snapshot(resource)[1]
            return [snap.entries[k][0] for k in snap.keys]
        return self.storage.list(resource)

    def _index(self) -> None:
        rng = self.rng
        self.pods = _Bag()
        self.pending = _Bag()
        self.pod_owner: dict[_Key, tuple[str, str]] = {}  # pod -> (owner kind, owner uid)
        self.owned: dict[str, set[_Key]] = {}  # owner uid -> pods
        self.used_names: set[_Key] = set()
        self.pod_state: dict[_Key, int] = {}  # _TERMINAL / _ACTIVE / _READY, as last written
        self.uid_key: dict[str, tuple[str, _Key]] = {}  # uid -> (resource, key) for owners we may sync
        self.job_uid: dict[_Key, str] = {}
        self.rs_owner: dict[str, str] = {}  # ReplicaSet uid -> Deployment uid
        self.deploy_rs: dict[str, list[str]] = {}  # Deployment uid -> ReplicaSet uids
        self.deployments = _Bag()
        self._initial_replicas: dict[_Key, int] = {}
        self._cron_minute: dict[str, int] = {}  # CronJob uid -> minute of its last Job (names must not repeat)
        self.configmaps = _Bag()
        self.active_jobs = _Bag()
        self.cronjobs = _Bag()
        self.cron_jobs: dict[str, list[tuple[int, _Key]]] = {}  # CronJob uid -> (created, job) oldest first
        self.nodes: dict[str, NodeInfo] = {}
        self._schedulable: list[NodeInfo] | None = None

        for n in self._objects("nodes"):
            info = NodeInfo.from_node(n)
            info.next_ip = rng.randrange(1, 255)  # do not hand out .1, .2 ... again
            self.nodes[info.name] = info
        self.factory = PodFactory(rng, max(1, len(self.nodes)))
        self._baseline_not_ready = sum(1 for n in self.nodes.values() if not n.ready and not n.cp)
        for resource in ("replicasets", "statefulsets", "daemonsets", "jobs", "deployments", "cronjobs"):
            for o in self._objects(resource):
                md = o["metadata"]
                key = (md.get("namespace", ""), md["name"])
                self.uid_key[md["uid"]] = (resource, key)
                if resource == "replicasets":
                    ref = _controller(md)
                    if ref and ref["kind"] == "Deployment":
                        self.rs_owner[md["uid"]] = ref["uid"]
                        self.deploy_rs.setdefault(ref["uid"], []).append(md["uid"])
                elif resource == "deployments":
                    self.deployments.add(key)
                elif resource == "cronjobs":
                    self.cronjobs.add(key)
                elif resource == "jobs":
                    self.job_uid[key] = md["uid"]
                    conds = {c.get("type") for c in (o.get("status") or {}).get("conditions") or ()}
                    if not conds & {"Complete", "Failed"}:
                        self.active_jobs.add(key)
                    ref = _controller(md)
                    if ref and ref["kind"] == "CronJob":
                        created = _parse_ts(md.get("creationTimestamp"), 0)
                        self.cron_jobs.setdefault(ref["uid"], []).append((created, key))
        for jobs in self.cron_jobs.values():
            jobs.sort()
        for o in self._objects("configmaps"):
            md = o["metadata"]
            if md["name"] != "kube-root-ca.crt":
                self.configmaps.add((md["namespace"], md["name"]))
        for o in self._objects("pods"):
            self._track_pod(o)

    def _track_pod(self, pod: dict) -> None:
        md = pod["metadata"]
        key = (md["namespace"], md["name"])
        self.pods.add(key)
        self.used_names.add(key)
        self._note_pod(key, pod)
        ref = _controller(md)
        if ref:
            self.pod_owner[key] = (ref["kind"], ref["uid"])
            self.owned.setdefault(ref["uid"], set()).add(key)

    def _note_pod(self, key: _Key, pod: dict) -> None:
        """Remember the pod's phase/readiness: owner status syncs count from this instead of re-reading pods
        (a DaemonSet owns one pod per node: 5000 reads per sync would dominate everything)."""
        phase = (pod.get("status") or {}).get("phase")
        if phase in ("Succeeded", "Failed"):
            self.pod_state[key] = _TERMINAL
        else:
            self.pod_state[key] = _READY if _pod_is_ready(pod) else _ACTIVE
        if phase == "Pending":
            self.pending.add(key)
        else:
            self.pending.discard(key)

    def _forget_pod(self, key: _Key) -> None:
        self.pods.discard(key)
        self.pending.discard(key)
        self.pod_state.pop(key, None)
        owner = self.pod_owner.pop(key, None)
        if owner:
            pods = self.owned.get(owner[1])
            if pods:
                pods.discard(key)

    def _fresh_pod_name(self, namespace: str, prefix: str) -> str:
        while True:
            name = prefix + name_suffix(self.rng)
            if (namespace, name) not in self.used_names:
                self.used_names.add((namespace, name))
                return name

    def _schedulable_node(self) -> NodeInfo | None:
        nodes = self._schedulable
        if nodes is None:  # recomputed only after a node flip (5000 nodes, one pick per new pod)
            nodes = [n for n in self.nodes.values() if n.ready and n.schedulable and not n.cp]
            if not nodes:
                nodes = [n for n in self.nodes.values() if n.ready] or list(self.nodes.values())
            self._schedulable = nodes
        return self.rng.choice(nodes) if nodes else None

    # --- storage access ----------------------------------------------------------------------------------------------

    def _allowed(self, resource: str) -> bool:
        return self.resources is None or resource in self.resources

    def _get_pod(self, key: _Key) -> dict:
        try:
            return self.storage.get("pods", key[0], key[1])
        except NotFound:
            self._forget_pod(key)
            raise

    def _update(self, resource: str, obj: dict) -> Change:
        md = obj["metadata"]
        if self._preconditions:  # optimistic concurrency, as controllers do: a concurrent writer wins
            self.storage.update(resource, obj, precondition_rv=md.get("resourceVersion"))
        else:
            self.storage.update(resource, obj)
        if resource == "pods":
            self._note_pod((md["namespace"], md["name"]), obj)
        return ("update", resource, md.get("namespace", ""), md["name"])

    def _now(self) -> int:
        return int(time.time())

    # --- stepping ----------------------------------------------------------------------------------------------------

    def step(self, n: int = 1) -> list[Change]:
        """Apply ``n`` writes now; returns them as (verb, resource, namespace or "", name)."""
        out: list[Change] = []
        with self._lock:
            misses = 0
            while len(out) < n and misses < 100 + 10 * n:
                if not self._queue and not self._plan():
                    misses += 1
                    continue
                thunk = self._queue.popleft()
                try:
                    change = thunk()
                except _SKIP:
                    change = None  # someone else changed or deleted it first: skip, like a controller would
                if change is None:
                    misses += 1
                    continue
                out.append(change)
                self.changes += 1
        return out

    def _plan(self) -> bool:
        """Pick an operation and queue its writes; False if the chosen one had nothing to do."""
        ops = [(name, w) for name, resource, w in _OPS if self._allowed(resource)]
        if not ops:
            return False
        name = self.rng.choices([o[0] for o in ops], [o[1] for o in ops])[0]
        thunks = getattr(self, "_plan_" + name)()
        self._queue.extend(thunks)
        return bool(thunks)

    def _queue_sync(self, kind: str, uid: str) -> None:
        """Queue the owning controller's status update (deduplicated while pending)."""
        if (kind, uid) in self._queued_syncs or not self._allowed(_OWNER_RESOURCE.get(kind, "deployments")):
            return
        self._queued_syncs.add((kind, uid))

        def sync() -> Change | None:
            self._queued_syncs.discard((kind, uid))
            return self._sync(kind, uid)

        self._queue.append(sync)

    def _after_pod_change(self, key: _Key) -> None:
        owner = self.pod_owner.get(key)
        if owner and owner[0] in _OWNER_RESOURCE:
            self._queue_sync(owner[0], owner[1])

    # --- rate thread ---------------------------------------------------------------------------------------------

    def start(self) -> None:
        """Apply ~rate changes per second in a background thread until ``stop()``."""
        if self._thread is not None or self.rate <= 0:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="churner", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def _run(self) -> None:
        rate = self.rate
        # Never more than ~20 ms worth of changes in one go, so the stream stays smooth at high rates too.
        batch = max(1, int(rate * 0.02))
        t0 = time.monotonic()
        done = 0
        while not self._stop.is_set():
            elapsed = time.monotonic() - t0
            due = int(elapsed * rate) - done
            if due > rate:  # more than a second behind (slow storage): drop the backlog instead of bursting
                done += due
                continue
            if due > 0:
                n = min(due, batch)
                try:
                    self.step(n)
                except Exception:  # keep churning; a bug here must not silently stop the simulation
                    log.exception("churn step failed")
                    self._stop.wait(0.1)
                done += n
                continue
            self._stop.wait(min(max((done + 1) / rate - elapsed, 0.0005), 0.1))

    # --- pod operations ----------------------------------------------------------------------------------------------

    def _pick_running_pod(self) -> tuple[_Key, dict] | None:
        for _ in range(8):
            if not self.pods:
                return None
            key = self.pods.choice(self.rng)
            try:
                pod = self._get_pod(key)
            except NotFound:
                continue
            status = pod.get("status") or {}
            if status.get("phase") == "Running" and status.get("containerStatuses"):
                return key, pod
        return None

    def _plan_restart(self) -> list:
        def restart() -> Change | None:
            picked = self._pick_running_pod()
            if picked is None:
                return None
            key, pod = picked
            rng = self.rng
            statuses = pod["status"]["containerStatuses"]
            i = 0 if rng.random() < 0.7 else rng.randrange(len(statuses))
            waiting = (statuses[i].get("state") or {}).get("waiting") or {}
            crash = rng.random() < (0.5 if waiting.get("reason") == "CrashLoopBackOff" else 0.3)
            reason, code = rng.choice((("Error", 1), ("OOMKilled", 137), ("Error", 2), ("Completed", 0)))
            cid = f"containerd://{rng.getrandbits(256):064x}"
            _restart(pod, i, self._now(), crash=crash, exit_code=code, reason=reason, new_container_id=cid)
            change = self._update("pods", pod)
            self._after_pod_change(key)
            return change

        return [restart] if self.pods else []

    def _plan_readiness(self) -> list:
        def flip() -> Change | None:
            picked = self._pick_running_pod()
            if picked is None:
                return None
            key, pod = picked
            statuses = list(pod["status"]["containerStatuses"])
            st = dict(statuses[0])
            if "running" not in (st.get("state") or {}):
                return None
            st["ready"] = not st.get("ready")
            statuses[0] = st
            pod["status"]["containerStatuses"] = statuses
            _refresh_ready(pod, rfc3339(self._now()))
            change = self._update("pods", pod)
            self._after_pod_change(key)
            return change

        return [flip] if self.pods else []

    def _plan_start_pending(self) -> list:
        def start() -> Change | None:
            key = self.pending.choice(self.rng)
            pod = self._get_pod(key)
            if (pod.get("status") or {}).get("phase") != "Pending":
                self.pending.discard(key)
                return None
            now = self._now()
            spec = pod["spec"]
            node = self.nodes.get(spec.get("nodeName", ""))
            if node is None:
                node = self._schedulable_node()
                if node is None:
                    return None
                spec["nodeName"] = node.name
                pod["spec"] = _reorder(spec, _POD_SPEC_ORDER)
            md = pod["metadata"]
            created = max(_parse_ts(md.get("creationTimestamp"), now), now - 60)
            status = self.factory.status_for_spec(
                pod["spec"], RUNNING, node, created, now, pod_name=md["name"], namespace=md["namespace"], uid=md["uid"]
            )
            _host_network_ips(pod["spec"], status, node)
            pod["status"] = status
            change = self._update("pods", pod)
            self._after_pod_change(key)
            return change

        return [start] if self.pending else []

    def _plan_replace_pod(self) -> list:
        """A controller replaces a pod: delete it, create a successor (new UID; fresh name unless a StatefulSet)."""
        key = None
        for _ in range(8):
            if not self.pods:
                return []
            k = self.pods.choice(self.rng)
            if self.pod_owner.get(k, ("", ""))[0] in _REPLACEABLE:
                key = k
                break
        if key is None:
            return []
        kind, owner_uid = self.pod_owner[key]
        ctx: dict[str, Any] = {}
        terminal = self.pod_state.get(key) == _TERMINAL  # an evicted pod: garbage-collected, nothing replaces it

        def delete() -> Change | None:
            try:
                ctx["old"] = self.storage.delete("pods", key[0], key[1])
            finally:
                self._forget_pod(key)
            return ("delete", "pods", key[0], key[1])

        def create() -> Change | None:
            old = ctx.get("old")
            if old is None or owner_uid not in self.uid_key:
                return None
            resource, okey = self.uid_key[owner_uid]
            self.storage.get(resource, okey[0], okey[1])  # NotFound: the owner is gone, so is the successor
            pod = self._successor(old, kind)
            self.storage.create("pods", pod)
            md = pod["metadata"]
            self._track_pod(pod)
            self._after_pod_change((md["namespace"], md["name"]))
            return ("create", "pods", md["namespace"], md["name"])

        return [delete] if terminal else [delete, create]

    def _successor(self, old: dict, kind: str) -> dict:
        rng, now = self.rng, self._now()
        omd = old["metadata"]
        ns = omd["namespace"]
        spec = old["spec"]
        if kind == "StatefulSet":
            name = omd["name"]
            self.used_names.add((ns, name))
        else:
            name = self._fresh_pod_name(ns, omd.get("generateName") or omd["name"].rsplit("-", 1)[0] + "-")
        node = self.nodes.get(spec.get("nodeName", "")) if kind in ("StatefulSet", "DaemonSet") else None
        if node is None:
            node = self._schedulable_node()
        # A new service-account token volume name, as admission would generate.
        blob = _enc(spec)
        for v in spec.get("volumes") or ():
            if v.get("name", "").startswith("kube-api-access-"):
                blob = blob.replace(v["name"].encode(), b"kube-api-access-" + name_suffix(rng).encode())
                break
        spec = _clone(blob)
        if node is not None:
            spec["nodeName"] = node.name
        else:
            spec.pop("nodeName", None)
        spec = _reorder(spec, _POD_SPEC_ORDER)
        uid = new_uid(rng)
        created = now - 30
        state = RUNNING if rng.random() < 0.5 else CREATING
        status = self.factory.status_for_spec(spec, state, node, created, now, pod_name=name, namespace=ns, uid=uid)
        _host_network_ips(spec, status, node)
        md: dict[str, Any] = {"name": name}
        if omd.get("generateName") and kind != "StatefulSet":
            md["generateName"] = omd["generateName"]
        md.update(namespace=ns, uid=uid, creationTimestamp=rfc3339(created))
        for k in ("labels", "annotations", "ownerReferences"):
            if omd.get(k):
                md[k] = omd[k]
        return {"kind": "Pod", "apiVersion": "v1", "metadata": md, "spec": spec, "status": status}

    # --- deployments -------------------------------------------------------------------------------------------------

    def _plan_scale(self) -> list:
        """Scale a Deployment by ±1-2: Deployment spec, ReplicaSet spec, pod creates/deletes, then status syncs."""
        if not self.deployments:
            return []
        rng = self.rng
        key = self.deployments.choice(rng)
        ctx: dict[str, Any] = {}

        def scale_deployment() -> Change | None:
            try:
                dep = self.storage.get("deployments", key[0], key[1])
            except NotFound:
                self.deployments.discard(key)
                raise
            replicas = dep["spec"].get("replicas", 1)
            # A random walk that leans back towards the original size, so long runs do not drift.
            initial = self._initial_replicas.setdefault(key, replicas)
            up = rng.random() < (0.5 if replicas == initial else 0.25 if replicas > initial else 0.75)
            delta = rng.choice((1, 1, 2)) * (1 if up or replicas == 0 else -1)
            delta = max(delta, -replicas)
            dep["spec"]["replicas"] = replicas + delta
            ctx["delta"], ctx["uid"] = delta, dep["metadata"]["uid"]
            return self._update("deployments", dep)

        def scale_replicaset() -> Change | None:
            delta, dep_uid = ctx.get("delta"), ctx.get("uid")
            if not delta or not self._allowed("replicasets"):
                return None
            current = None
            for rs_uid in self.deploy_rs.get(dep_uid, ()):
                resource, rkey = self.uid_key[rs_uid]
                try:
                    rs = self.storage.get(resource, rkey[0], rkey[1])
                except NotFound:
                    continue
                rev = int((rs["metadata"].get("annotations") or {}).get("deployment.kubernetes.io/revision", "0"))
                if current is None or rev > current[0]:
                    current = (rev, rs)
            if current is None:
                return None
            rs = current[1]
            rs["spec"]["replicas"] = max(0, rs["spec"].get("replicas", 0) + delta)
            change = self._update("replicasets", rs)
            rs_uid = rs["metadata"]["uid"]
            if self._allowed("pods"):
                if delta > 0:
                    self._queue.extend(self._pod_creator(rs) for _ in range(delta))
                else:
                    pods = sorted(k for k in self.owned.get(rs_uid, ()) if self.pod_state.get(k) != _TERMINAL)
                    for pkey in rng.sample(pods, min(-delta, len(pods))):
                        self._queue.append(self._pod_deleter(pkey))
            self._queue_sync("ReplicaSet", rs_uid)
            return change

        return [scale_deployment, scale_replicaset]

    def _pod_creator(self, owner: dict, finalizers: list[str] | None = None) -> Callable[[], Change | None]:
        """A thunk creating one new pod from ``owner``'s pod template (a ReplicaSet or a Job)."""

        def create() -> Change | None:
            rng, now = self.rng, self._now()
            md = owner["metadata"]
            ns = md["namespace"]
            prefix = md["name"] + "-"
            name = self._fresh_pod_name(ns, prefix)
            state = CREATING if rng.random() < 0.7 else RUNNING
            pod = self.factory.pod(
                owner["spec"]["template"], name=name, namespace=ns, state=state, node=self._schedulable_node(),
                created=now - 30, now=now, generate_name=prefix, owner=owner_ref(owner), finalizers=finalizers,
            )  # fmt: skip
            self.storage.create("pods", pod)
            self._track_pod(pod)
            return ("create", "pods", ns, name)

        return create

    def _pod_deleter(self, key: _Key) -> Callable[[], Change | None]:
        def delete() -> Change | None:
            try:
                self.storage.delete("pods", key[0], key[1])
            finally:
                self._forget_pod(key)
            return ("delete", "pods", key[0], key[1])

        return delete

    # --- configmaps --------------------------------------------------------------------------------------------------

    def _plan_configmap(self) -> list:
        if not self.configmaps:
            return []
        key = self.configmaps.choice(self.rng)

        def edit() -> Change | None:
            try:
                cm = self.storage.get("configmaps", key[0], key[1])
            except NotFound:
                self.configmaps.discard(key)
                raise
            data = dict(cm.get("data") or {})
            data["revision"] = str(int(data.get("revision", "0")) + 1)
            if "MAX_CONNECTIONS" in data and self.rng.random() < 0.5:
                data["MAX_CONNECTIONS"] = str(self.rng.choice((50, 100, 150, 200, 400)))
            cm["data"] = sorted_map(data)
            return self._update("configmaps", cm)

        return [edit]

    # --- jobs --------------------------------------------------------------------------------------------------------

    def _plan_job_complete(self) -> list:
        """An active Job finishes: its pods succeed, then the Job (and its CronJob) record completion."""
        if not self.active_jobs:
            return []
        key = self.active_jobs.choice(self.rng)
        job_uid = self.job_uid.get(key)
        if job_uid is None:
            self.active_jobs.discard(key)
            return []
        ctx = {"done": 0}
        thunks: list[Callable[[], Change | None]] = []
        if self._allowed("pods"):
            for pkey in sorted(self.owned.get(job_uid, ())):
                thunks.append(self._pod_completer(pkey, ctx))

        def finish() -> Change | None:
            try:
                job = self.storage.get("jobs", key[0], key[1])
            except NotFound:
                self.active_jobs.discard(key)
                raise
            status = dict(job.get("status") or {})
            if {c.get("type") for c in status.get("conditions") or ()} & {"Complete", "Failed"}:
                self.active_jobs.discard(key)
                return None
            t = rfc3339(self._now())
            msg = "Reached expected number of succeeded pods"
            status["conditions"] = [
                _job_cond("SuccessCriteriaMet", "CompletionsReached", msg, t),
                _job_cond("Complete", "CompletionsReached", msg, t),
            ]
            status.setdefault("startTime", t)
            status["completionTime"] = t
            status.pop("active", None)
            status["succeeded"] = int(status.get("succeeded") or 0) + max(1, ctx["done"])
            status["terminating"] = 0
            status["uncountedTerminatedPods"] = {}
            status["ready"] = 0
            job["status"] = _reorder(status, _JOB_STATUS_ORDER)
            change = self._update("jobs", job)
            self.active_jobs.discard(key)
            ref = _controller(job["metadata"])
            if ref and ref["kind"] == "CronJob" and self._allowed("cronjobs"):
                self._queue.append(self._cron_status(ref["uid"], finished=job["metadata"]["uid"], success_time=t))
            return change

        return [*thunks, finish]

    def _pod_completer(self, key: _Key, ctx: dict) -> Callable[[], Change | None]:
        def complete() -> Change | None:
            pod = self._get_pod(key)
            if (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
                return None
            now = self._now()
            spec, md = pod["spec"], pod["metadata"]
            node = self.nodes.get(spec.get("nodeName", "")) or self._schedulable_node()
            if node is not None and spec.get("nodeName") != node.name:
                spec["nodeName"] = node.name
                pod["spec"] = _reorder(spec, _POD_SPEC_ORDER)
            created = max(_parse_ts(md.get("creationTimestamp"), now), now - 3600)
            status = self.factory.status_for_spec(
                pod["spec"],
                SUCCEEDED,
                node,
                created,
                now,
                pod_name=md["name"],
                namespace=md["namespace"],
                uid=md["uid"],
            )
            pod["status"] = status
            finalizers = [f for f in md.get("finalizers") or () if f != _JOB_TRACKING]
            if finalizers:
                md["finalizers"] = finalizers
            else:
                md.pop("finalizers", None)
            change = self._update("pods", pod)
            ctx["done"] += 1
            return change

        return complete

    def _plan_job_start(self) -> list:
        """A CronJob fires: a new Job with running pods, the CronJob's status, and history cleanup."""
        if not self.cronjobs:
            return []
        key = self.cronjobs.choice(self.rng)

        def create_job() -> Change | None:
            try:
                cron = self.storage.get("cronjobs", key[0], key[1])
            except NotFound:
                self.cronjobs.discard(key)
                raise
            if cron["spec"].get("suspend"):
                return None
            now = self._now()
            cron_uid = cron["metadata"]["uid"]
            # Jobs are named after their scheduled minute; when churning faster than that, use the next free one.
            minute = max(now // 60, self._cron_minute.get(cron_uid, 0) + 1)
            self._cron_minute[cron_uid] = minute
            job = _job_from_cron(cron, new_uid(self.rng), now, minute)
            md = job["metadata"]
            self.storage.create("jobs", job)
            jkey = (md["namespace"], md["name"])
            self.uid_key[md["uid"]] = ("jobs", jkey)
            self.job_uid[jkey] = md["uid"]
            self.active_jobs.add(jkey)
            self.cron_jobs.setdefault(cron_uid, []).append((now, jkey))
            if self._allowed("pods"):
                n = job["spec"].get("parallelism", 1)
                self._queue.extend(self._pod_creator(job, [_JOB_TRACKING]) for _ in range(n))
                self._queue_sync("Job", md["uid"])
            if self._allowed("cronjobs"):
                self._queue.append(self._cron_status(cron_uid, started=job))
            self._queue.extend(self._cleanup_history(cron_uid))
            return ("create", "jobs", md["namespace"], md["name"])

        return [create_job]

    def _cron_status(
        self, cron_uid: str, *, started: dict | None = None, finished: str | None = None, success_time: str = ""
    ) -> Callable[[], Change | None]:
        def update() -> Change | None:
            entry = self.uid_key.get(cron_uid)
            if entry is None:
                return None
            cron = self.storage.get("cronjobs", entry[1][0], entry[1][1])
            status = dict(cron.get("status") or {})
            active = [r for r in status.get("active") or () if r.get("uid") != finished]
            if started is not None:
                jmd = started["metadata"]
                ref = {"kind": "Job", "namespace": jmd["namespace"], "name": jmd["name"], "uid": jmd["uid"]}
                ref["apiVersion"] = "batch/v1"
                active.append(ref)
                status["lastScheduleTime"] = jmd["creationTimestamp"]
            if success_time:
                status["lastSuccessfulTime"] = success_time
            if active:
                status["active"] = active
            else:
                status.pop("active", None)
            cron["status"] = _reorder(status, ("active", "lastScheduleTime", "lastSuccessfulTime"))
            return self._update("cronjobs", cron)

        return update

    def _cleanup_history(self, cron_uid: str) -> list[Callable[[], Change | None]]:
        """Delete the oldest finished Jobs (and their pods) beyond the CronJob's history of four."""
        jobs = self.cron_jobs.get(cron_uid, [])
        finished = [j for j in jobs if j[1] not in self.active_jobs]
        thunks: list[Callable[[], Change | None]] = []
        for entry in finished[: max(0, len(jobs) - 4)]:
            jobs.remove(entry)
            jkey = entry[1]
            uid = self.job_uid.get(jkey)
            if uid is not None and self._allowed("pods"):
                thunks.extend(self._pod_deleter(p) for p in sorted(self.owned.get(uid, ())))

            def delete_job(jkey: _Key = jkey, uid: str | None = uid) -> Change | None:
                if uid is not None:
                    self.uid_key.pop(uid, None)
                    self.owned.pop(uid, None)
                self.job_uid.pop(jkey, None)
                self.active_jobs.discard(jkey)
                self.storage.delete("jobs", jkey[0], jkey[1])
                return ("delete", "jobs", jkey[0], jkey[1])

            thunks.append(delete_job)
        return thunks

    # --- nodes -------------------------------------------------------------------------------------------------------

    def _plan_node_flip(self) -> list:
        """A worker node goes NotReady, or a NotReady one recovers (the NotReady count stays near its start)."""
        rng = self.rng
        workers = [n for n in self.nodes.values() if not n.cp]
        not_ready = [n for n in workers if not n.ready]
        ready = [n for n in workers if n.ready]
        if not workers:
            return []
        if len(not_ready) > max(1, self._baseline_not_ready) or len(ready) <= 1:
            recover = True
        elif not not_ready:
            recover = False
        else:
            recover = rng.random() < 0.5
        pool = not_ready if recover else ready
        if not pool:
            return []
        info = rng.choice(sorted(pool, key=lambda n: n.name))

        def flip() -> Change | None:
            node = self.storage.get("nodes", None, info.name)
            now = rfc3339(self._now())
            conds = []
            for c in (node.get("status") or {}).get("conditions") or ():
                c = dict(c)
                ctype = c.get("type")
                if recover and ctype in _HEALTHY_NODE:
                    status, reason, message = _HEALTHY_NODE[ctype]
                elif not recover and ctype == "Ready":
                    status, reason, message = "False", "KubeletNotReady", _NOT_READY_MSG
                else:
                    status, reason, message = c.get("status"), c.get("reason"), c.get("message")
                if c.get("status") != status:
                    c["lastTransitionTime"] = now
                c.update(status=status, lastHeartbeatTime=now, reason=reason, message=message)
                conds.append(_reorder(c, ("type", "status", "lastHeartbeatTime", "lastTransitionTime", "reason")))
            node["status"]["conditions"] = conds
            spec = node.setdefault("spec", {})
            taints = [
                t
                for t in spec.get("taints") or ()
                if t.get("key") not in ("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable")
            ]
            if not recover:
                for effect in ("NoSchedule", "NoExecute"):
                    taints.append({"key": "node.kubernetes.io/not-ready", "effect": effect, "timeAdded": now})
            if taints:
                spec["taints"] = taints
            else:
                spec.pop("taints", None)
            change = self._update("nodes", node)
            info.ready = recover
            self._schedulable = None
            return change

        return [flip]

    # --- controller status syncs -------------------------------------------------------------------------------------

    def _sync(self, kind: str, uid: str) -> Change | None:
        """Recompute an owner's status from its pods (or a Deployment's from its ReplicaSets), as its controller
        would; None when nothing changed."""
        entry = self.uid_key.get(uid)
        if entry is None:
            return None
        resource, key = entry
        obj = self.storage.get(resource, key[0], key[1])
        status = dict(obj.get("status") or {})
        gen = obj["metadata"].get("generation", 1)
        if kind == "Deployment":
            new = self._deployment_status(obj, status)
        else:
            states = [self.pod_state.get(k, _TERMINAL) for k in self.owned.get(uid, ())]
            n = sum(1 for st in states if st != _TERMINAL)
            ready = sum(1 for st in states if st == _READY)
            if kind == "ReplicaSet":
                if uid in self.rs_owner:
                    self._queue_sync("Deployment", self.rs_owner[uid])
                new = {"replicas": n}
                if n:
                    new["fullyLabeledReplicas"] = n
                if ready:
                    new["readyReplicas"] = ready
                    new["availableReplicas"] = ready
                new["observedGeneration"] = gen
                if status.get("conditions"):
                    new["conditions"] = status["conditions"]
            elif kind == "StatefulSet":
                new = {"observedGeneration": gen, "replicas": n}
                if ready:
                    new["readyReplicas"] = ready
                if n:
                    new["currentReplicas"] = new["updatedReplicas"] = n
                for k in ("currentRevision", "updateRevision", "collisionCount", "conditions"):
                    if k in status:
                        new[k] = status[k]
                new["availableReplicas"] = ready
            elif kind == "DaemonSet":
                desired = status.get("desiredNumberScheduled", n)
                new = {
                    "currentNumberScheduled": n,
                    "numberMisscheduled": status.get("numberMisscheduled", 0),
                    "desiredNumberScheduled": desired,
                    "numberReady": ready,
                    "observedGeneration": gen,
                    "updatedNumberScheduled": n,
                    "numberAvailable": ready,
                }
                if desired - ready > 0:
                    new["numberUnavailable"] = desired - ready
            else:  # Job
                new = dict(status)
                if n:
                    new["active"] = n
                else:
                    new.pop("active", None)
                new["ready"] = ready
                new = _reorder(new, _JOB_STATUS_ORDER)
        if new == status:
            return None
        obj["status"] = new
        return self._update(resource, obj)

    def _deployment_status(self, dep: dict, status: dict) -> dict:
        rs_list = []
        for rs_uid in self.deploy_rs.get(dep["metadata"]["uid"], ()):
            resource, key = self.uid_key[rs_uid]
            try:
                rs_list.append(self.storage.get(resource, key[0], key[1]))
            except NotFound:
                continue
        if not rs_list:
            return status

        def rev(rs: dict) -> int:
            return int((rs["metadata"].get("annotations") or {}).get("deployment.kubernetes.io/revision", "0"))

        current = max(rs_list, key=rev)
        total = sum(rs.get("status", {}).get("replicas", 0) for rs in rs_list)
        ready = sum(rs.get("status", {}).get("readyReplicas", 0) for rs in rs_list)
        available = sum(rs.get("status", {}).get("availableReplicas", 0) for rs in rs_list)
        spec_replicas = dep["spec"].get("replicas", 1)
        new: dict[str, Any] = {"observedGeneration": dep["metadata"].get("generation", 1)}
        for k, v in (
            ("replicas", total),
            ("updatedReplicas", current.get("status", {}).get("replicas", 0)),
            ("readyReplicas", ready),
            ("availableReplicas", available),
            ("unavailableReplicas", max(0, spec_replicas - available)),
        ):
            if v:
                new[k] = v
        conds = [dict(c) for c in status.get("conditions") or ()]
        ok = available >= spec_replicas - _max_unavailable(dep["spec"], spec_replicas)
        want = ("True", "MinimumReplicasAvailable", "Deployment has minimum availability.") if ok else (
            "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability.")  # fmt: skip
        for c in conds:
            if c.get("type") == "Available" and c.get("status") != want[0]:
                t = rfc3339(self._now())
                c.update(status=want[0], lastUpdateTime=t, lastTransitionTime=t, reason=want[1], message=want[2])
        if conds:
            new["conditions"] = conds
        if "collisionCount" in status:
            new["collisionCount"] = status["collisionCount"]
        return new


_TERMINAL, _ACTIVE, _READY = 0, 1, 2

_JOB_STATUS_ORDER = (
    "conditions startTime completionTime active succeeded failed terminating completedIndexes failedIndexes "
    "uncountedTerminatedPods ready"
).split()


def _controller(md: dict) -> dict | None:
    refs = md.get("ownerReferences") or ()
    for r in refs:
        if r.get("controller"):
            return r
    return refs[0] if refs else None


def _host_network_ips(spec: dict, status: dict, node: NodeInfo | None) -> None:
    if spec.get("hostNetwork") and node is not None and "podIP" in status:
        status["podIP"] = node.ip
        status["podIPs"] = [{"ip": node.ip}] + ([{"ip": node.ipv6}] if node.ipv6 else [])


def _max_unavailable(spec: dict, replicas: int) -> int:
    mu = ((spec.get("strategy") or {}).get("rollingUpdate") or {}).get("maxUnavailable", 0)
    if isinstance(mu, str):
        return replicas * int(mu.rstrip("%")) // 100
    return int(mu)


def _job_cond(ctype: str, reason: str, message: str, t: str) -> dict:
    return {
        "type": ctype,
        "status": "True",
        "lastProbeTime": t,
        "lastTransitionTime": t,
        "reason": reason,
        "message": message,
    }


def _job_from_cron(cron: dict, uid: str, now: int, minute: int) -> dict:
    """The Job a CronJob creates at ``now``: its jobTemplate plus the defaults and labels the apiserver adds."""
    cmd = cron["metadata"]
    name = f"{cmd['name']}-{minute}"
    job_labels = {
        "batch.kubernetes.io/controller-uid": uid,
        "batch.kubernetes.io/job-name": name,
        "controller-uid": uid,
        "job-name": name,
    }
    jt = _clone(_enc(cron["spec"]["jobTemplate"]))
    jspec = jt.get("spec") or {}
    tmpl = jspec.get("template") or {"spec": {"containers": []}}
    tmd = tmpl.get("metadata") or {}
    tmpl = {
        "metadata": {**tmd, "labels": sorted_map({**(tmd.get("labels") or {}), **job_labels})},
        "spec": tmpl["spec"],
    }
    spec: dict[str, Any] = {"parallelism": jspec.get("parallelism", 1), "completions": jspec.get("completions", 1)}
    if "activeDeadlineSeconds" in jspec:
        spec["activeDeadlineSeconds"] = jspec["activeDeadlineSeconds"]
    spec["backoffLimit"] = jspec.get("backoffLimit", 6)
    spec["selector"] = {"matchLabels": {"batch.kubernetes.io/controller-uid": uid}}
    spec["template"] = tmpl
    if "ttlSecondsAfterFinished" in jspec:
        spec["ttlSecondsAfterFinished"] = jspec["ttlSecondsAfterFinished"]
    spec.update(completionMode="NonIndexed", suspend=False, podReplacementPolicy="TerminatingOrFailed")
    ts = rfc3339(now)
    return {
        "kind": "Job",
        "apiVersion": "batch/v1",
        "metadata": {
            "name": name,
            "namespace": cmd["namespace"],
            "uid": uid,
            "creationTimestamp": ts,
            "labels": sorted_map({**((jt.get("metadata") or {}).get("labels") or {}), **job_labels}),
            "annotations": {"batch.kubernetes.io/cronjob-scheduled-timestamp": ts},
            "ownerReferences": [owner_ref(cron)],
        },
        "spec": spec,
        "status": {"startTime": ts, "terminating": 0, "uncountedTerminatedPods": {}, "ready": 0},
    }
