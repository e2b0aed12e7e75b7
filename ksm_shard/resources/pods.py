"""Pod families (upstream internal/store/pod.go).

Pods are the hottest path (most objects, most watch events), so the generators below read each field once,
avoid regexes (anything parsed per name is cached) and iterate ``status.containerStatuses`` once per family.
Container and init-container families share their generator factories, parameterized by the spec/status keys.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from functools import lru_cache

from ksm_shard.kube.kinds import KINDS
from ksm_shard.resources.base import (
    NONE,
    STABLE,
    Family,
    Generator,
    ResourceDef,
    annotations_family,
    condition_samples,
    created,
    deletion_timestamp,
    kube_labels_to_pairs,
    labels_family,
    owner_samples,
    quantity_int,
    quantity_milli,
    timestamp,
    ts_sample,
)

_CONTAINERS, _CONTAINER_STATUSES = "containers", "containerStatuses"
_INIT_CONTAINERS, _INIT_CONTAINER_STATUSES = "initContainers", "initContainerStatuses"

# time.Time{}.Unix(): what upstream writes when a metav1.Time it reads unconditionally is null/absent
# (e.g. the startedAt/finishedAt of a kubelet "ContainerStatusUnknown" termination).
_GO_ZERO_UNIX = -62135596800


def _identity(obj: dict) -> tuple[str, str, str]:
    md = obj["metadata"]
    return md.get("namespace", ""), md["name"], md.get("uid", "")


def _unix(v: object) -> int | None:
    """A metav1.Time read like upstream: null/absent -> Go zero time; unparseable -> None (no sample)."""
    if v is None:
        return _GO_ZERO_UNIX
    return timestamp(v) if v.__class__ is str else None


def _status(obj: dict) -> dict:
    st = obj.get("status")
    return st if st.__class__ is dict else {}


def _spec(obj: dict) -> dict:
    spec = obj.get("spec")
    return spec if spec.__class__ is dict else {}


def _list(d: dict, key: str) -> list | tuple:
    v = d.get(key)
    return v if v.__class__ is list else ()


def _sub(d: dict, key: str) -> dict | None:
    v = d.get(key)
    return v if v.__class__ is dict else None


# --- container (and init container) status families -----------------------------------------------------------


def _statuses_of(status_key: str) -> Callable[[dict], list | tuple]:
    def statuses(obj: dict) -> list | tuple:
        st = obj.get("status")
        if st.__class__ is dict:
            v = st.get(status_key)
            if v.__class__ is list:
                return v
        return ()

    return statuses


def _container_info_gen(spec_key: str, status_key: str, init: bool) -> Generator:
    """One sample per spec container (spec order) that has a status entry of the same name."""

    def gen(obj: dict) -> list | tuple:
        st = obj.get("status")
        if st.__class__ is not dict:
            return NONE
        by_name = {}
        for cs in _list(st, status_key):
            if cs.__class__ is dict:
                n = cs.get("name")
                if n.__class__ is str:
                    by_name[n] = cs
        if not by_name:
            return NONE
        out = []
        for c in _list(_spec(obj), spec_key):
            if c.__class__ is not dict:
                continue
            n = c.get("name")
            cs = by_name.get(n) if n.__class__ is str else None
            if cs is None:
                continue
            if init:
                labels = (n, c.get("image"), cs.get("image"), cs.get("imageID"), cs.get("containerID"),
                          c.get("restartPolicy"))  # fmt: skip
            else:
                labels = (n, c.get("image"), cs.get("image"), cs.get("imageID"), cs.get("containerID"))
            out.append((labels, 1))
        return out

    return gen


def _state_started_gen(status_key: str) -> Generator:
    statuses = _statuses_of(status_key)

    def gen(obj: dict) -> list:
        out = []
        for cs in statuses(obj):
            if cs.__class__ is not dict:
                continue
            state = cs.get("state")
            if state.__class__ is not dict:
                continue
            s = state.get("running")
            if s.__class__ is not dict:
                s = state.get("terminated")
                if s.__class__ is not dict:
                    continue
            t = _unix(s.get("startedAt"))
            if t is not None:
                out.append(((cs.get("name"),), t))
        return out

    return gen


def _last_terminated_gen(status_key: str, what: str) -> Generator:
    """``reason`` (labels container, reason; value 1), ``exitcode`` or ``timestamp`` of lastState.terminated."""
    statuses = _statuses_of(status_key)

    def gen(obj: dict) -> list:
        out = []
        for cs in statuses(obj):
            if cs.__class__ is not dict:
                continue
            last = cs.get("lastState")
            if last.__class__ is not dict:
                continue
            t = last.get("terminated")
            if t.__class__ is not dict:
                continue
            if what == "reason":
                out.append(((cs.get("name"), t.get("reason")), 1))
            elif what == "exitcode":
                code = t.get("exitCode", 0)
                if code.__class__ is int:
                    out.append(((cs.get("name"),), code))
            else:
                ts = _unix(t.get("finishedAt"))
                if ts is not None:
                    out.append(((cs.get("name"),), ts))
        return out

    return gen


def _ready_gen(status_key: str) -> Generator:
    statuses = _statuses_of(status_key)

    def gen(obj: dict) -> list:
        return [((cs.get("name"),), 1 if cs.get("ready") is True else 0) for cs in statuses(obj)
                if cs.__class__ is dict]  # fmt: skip

    return gen


def _restarts_gen(status_key: str) -> Generator:
    statuses = _statuses_of(status_key)

    def gen(obj: dict) -> list:
        out = []
        for cs in statuses(obj):
            if cs.__class__ is dict:
                n = cs.get("restartCount", 0)
                out.append(((cs.get("name"),), n if n.__class__ is int else 0))
        return out

    return gen


def _in_state_gen(status_key: str, state_name: str) -> Generator:
    """1 if the container's current state is ``state_name`` (running/terminated/waiting), else 0."""
    statuses = _statuses_of(status_key)

    def gen(obj: dict) -> list:
        out = []
        for cs in statuses(obj):
            if cs.__class__ is dict:
                state = cs.get("state")
                cur = state.get(state_name) if state.__class__ is dict else None
                out.append(((cs.get("name"),), 1 if cur.__class__ is dict else 0))
        return out

    return gen


def _state_reason_gen(status_key: str, state_name: str) -> Generator:
    """Value 1 with the reason, only for containers currently in ``state_name`` (terminated/waiting)."""
    statuses = _statuses_of(status_key)

    def gen(obj: dict) -> list:
        out = []
        for cs in statuses(obj):
            if cs.__class__ is dict:
                state = cs.get("state")
                if state.__class__ is dict:
                    cur = state.get(state_name)
                    if cur.__class__ is dict:
                        out.append(((cs.get("name"), cur.get("reason")), 1))
        return out

    return gen


def _completion_time(obj: dict) -> tuple:
    """Latest finishedAt of the regular containers currently terminated; nothing unless positive."""
    last = 0
    for cs in _list(_status(obj), _CONTAINER_STATUSES):
        if cs.__class__ is not dict:
            continue
        state = cs.get("state")
        if state.__class__ is not dict:
            continue
        t = state.get("terminated")
        if t.__class__ is dict:
            ft = _unix(t.get("finishedAt"))
            if ft is not None and (last == 0 or last < ft):
                last = ft
    return (((), last),) if last > 0 else NONE


# --- resource requests / limits ----------------------------------------------------------------------------------

_INVALID_CHARS = re.compile(r"[^a-zA-Z0-9_]")
_DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_QUALIFIED_NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
_BYTE_RESOURCES = frozenset(("memory", "storage", "ephemeral-storage"))


def _is_extended_resource(name: str) -> bool:
    """Upstream isExtendedResourceName: domain-prefixed, not kubernetes.io, and a qualified name as a quota key."""
    if "/" not in name or "kubernetes.io/" in name or name.startswith("requests."):
        return False
    prefix, _, rest = ("requests." + name).partition("/")
    return (
        "/" not in rest
        and 0 < len(prefix) <= 253
        and _DNS1123_SUBDOMAIN.fullmatch(prefix) is not None  # fullmatch: "$" alone would accept a trailing "\n"
        and 0 < len(rest) <= 63
        and _QUALIFIED_NAME.fullmatch(rest) is not None
    )


@lru_cache(maxsize=1024)
def _resource_kind(name: str) -> tuple[str, str, bool] | None:
    """Resource name -> (sanitized ``resource`` label, ``unit``, milli precision?), or None when upstream drops it."""
    if name == "cpu":
        return "cpu", "core", True
    if name in _BYTE_RESOURCES or name.startswith(("hugepages-", "attachable-volumes-")):
        unit = "byte"
    elif _is_extended_resource(name):
        unit = "integer"
    else:
        return None
    return _INVALID_CHARS.sub("_", name), unit, False


@lru_cache(maxsize=4096)
def _quantity(q: str | int | float, milli: bool) -> float | int | None:
    """Cached quantity conversion: the same few quantity strings recur across pods and events."""
    return quantity_milli(q) if milli else quantity_int(q)


def _resources_gen(spec_key: str, which: str) -> Generator:
    """One sample per entry of spec.<containers>[].resources.<which>, containers in spec order, map order kept."""

    def gen(obj: dict) -> list | tuple:
        spec = obj.get("spec")
        if spec.__class__ is not dict:
            return NONE
        containers = spec.get(spec_key)
        if containers.__class__ is not list:
            return NONE
        node = spec.get("nodeName")
        out = []
        for c in containers:
            if c.__class__ is not dict:
                continue
            res = c.get("resources")
            if res.__class__ is not dict:
                continue
            quantities = res.get(which)
            if quantities.__class__ is not dict:
                continue
            name = c.get("name")
            for rname, q in quantities.items():
                kind = _resource_kind(rname)
                if kind is None or q.__class__ not in (str, int, float):
                    continue
                v = _quantity(q, kind[2])
                if v is not None:
                    out.append(((name, node, kind[0], kind[1]), v))
        return out

    return gen


# --- pod-level families ------------------------------------------------------------------------------------------


def _info(obj: dict) -> tuple:
    spec, st = _spec(obj), _status(obj)
    kind = name = ""
    for ref in _list(obj["metadata"], "ownerReferences"):  # metav1.GetControllerOf: first controller ref
        if ref.__class__ is dict and ref.get("controller") is True:
            kind, name = ref.get("kind") or "", ref.get("name") or ""
            break
    host_network = "true" if spec.get("hostNetwork") is True else "false"
    return (((st.get("hostIP"), st.get("podIP"), spec.get("nodeName"), kind, name, spec.get("priorityClassName"),
              host_network), 1),)  # fmt: skip


@lru_cache(maxsize=16384)
def _ip_family(ip: str) -> str | None:
    """ "4"/"6" like Go's net.ParseIP + To4 (IPv4-mapped IPv6 is "4"); None when it does not parse."""
    if "%" in ip:  # zoned IPv6 addresses do not parse with net.ParseIP
        return None
    try:
        addr = ipaddress.ip_address(ip)
    except ValueError:
        return None
    if addr.version == 4 or addr.ipv4_mapped is not None:
        return "4"
    return "6"


def _ips(obj: dict) -> list:
    out = []
    for entry in _list(_status(obj), "podIPs"):
        if entry.__class__ is dict:
            ip = entry.get("ip")
            if ip.__class__ is str:
                fam = _ip_family(ip)
                if fam is not None:
                    out.append(((ip, fam), 1))
    return out


def _overhead_gen(resource: str) -> Generator:
    milli = resource == "cpu"

    def gen(obj: dict) -> tuple:
        overhead = _sub(_spec(obj), "overhead")
        if overhead is None:
            return NONE
        q = overhead.get(resource)
        v = _quantity(q, milli) if q.__class__ in (str, int, float) else None
        return NONE if v is None else (((), v),)

    return gen


def _resourceclaim_info(obj: dict) -> list | tuple:
    claims = _list(_spec(obj), "resourceClaims")
    if not claims:
        return NONE
    resolved: dict | None = None  # claim entry name -> generated ResourceClaim name, built on first need
    out = []
    for c in claims:
        if c.__class__ is not dict:
            continue
        direct = c.get("resourceClaimName")
        if direct is not None:
            out.append(((c.get("name"), direct, ""), 1))
            continue
        template = c.get("resourceClaimTemplateName")
        if template is None:
            continue
        if resolved is None:
            resolved = {}
            for s in _list(_status(obj), "resourceClaimStatuses"):
                if s.__class__ is dict and s.get("name").__class__ is str:
                    resolved[s["name"]] = s.get("resourceClaimName")
        n = c.get("name")
        out.append(((n, resolved.get(n) if n.__class__ is str else None, template), 1))
    return out


def _restart_policy(obj: dict) -> tuple:
    return (((_spec(obj).get("restartPolicy"),), 1),)


def _runtimeclass_name(obj: dict) -> tuple:
    rc = _spec(obj).get("runtimeClassName")
    return NONE if rc is None else (((rc,), 1),)


def _pvc_volumes(obj: dict) -> list[tuple[tuple, bool]]:
    """(volume, claim, ephemeral) labels and readOnly for each PVC-backed or generic ephemeral volume."""
    out = []
    pod = None
    for v in _list(_spec(obj), "volumes"):
        if v.__class__ is not dict:
            continue
        name = v.get("name")
        pvc = v.get("persistentVolumeClaim")
        if pvc.__class__ is dict:
            out.append(((name, pvc.get("claimName"), "false"), pvc.get("readOnly") is True))
        if v.get("ephemeral").__class__ is dict:
            if pod is None:
                pod = obj["metadata"].get("name", "")
            out.append(((name, f"{pod}-{name or ''}", "true"), False))
    return out


def _pvc_info(obj: dict) -> list:
    return [(labels, 1) for labels, _ in _pvc_volumes(obj)]


def _pvc_readonly(obj: dict) -> list:
    return [(labels, 1 if ro else 0) for labels, ro in _pvc_volumes(obj)]


def _start_time(obj: dict) -> tuple:
    st = obj.get("status")
    return ts_sample(st.get("startTime")) if st.__class__ is dict else NONE


def _enum_table(values: tuple[str, ...]) -> tuple[dict[str, tuple], tuple]:
    """Precomputed sample tuples per current value (1 on it), plus the all-zero set for unknown values."""
    table = {cur: tuple(((v,), 1 if v == cur else 0) for v in values) for cur in values}
    return table, tuple(((v,), 0) for v in values)


_PHASES, _PHASE_NONE = _enum_table(("Pending", "Succeeded", "Failed", "Unknown", "Running"))
_QOS, _QOS_NONE = _enum_table(("BestEffort", "Burstable", "Guaranteed"))


def _phase(obj: dict) -> tuple:
    p = _status(obj).get("phase")
    if not p or p.__class__ is not str:
        return NONE
    return _PHASES.get(p, _PHASE_NONE)


def _qos_class(obj: dict) -> tuple:
    q = _status(obj).get("qosClass")
    if not q or q.__class__ is not str:
        return NONE
    return _QOS.get(q, _QOS_NONE)


def _condition_gen(ctype: str) -> Generator:
    """Three samples ``condition=true|false|unknown`` per condition of type ``ctype``."""

    def gen(obj: dict) -> list:
        out: list = []
        for c in _list(_status(obj), "conditions"):
            if c.__class__ is dict and c.get("type") == ctype:
                out.extend(condition_samples(c.get("status")))
        return out

    return gen


def _condition_time_gen(ctype: str, status: str) -> Generator:
    """lastTransitionTime of each ``ctype`` condition whose status is ``status``."""

    def gen(obj: dict) -> list:
        out = []
        for c in _list(_status(obj), "conditions"):
            if c.__class__ is dict and c.get("type") == ctype and c.get("status") == status:
                t = _unix(c.get("lastTransitionTime"))
                if t is not None:
                    out.append(((), t))
        return out

    return gen


def _unschedulable(obj: dict) -> list:
    return [((), 1) for c in _list(_status(obj), "conditions")
            if c.__class__ is dict and c.get("type") == "PodScheduled" and c.get("status") == "False"]  # fmt: skip


_POD_REASONS = ("Evicted", "NodeAffinity", "NodeLost", "PreemptionByScheduler", "SchedulingGated", "Shutdown",
                "TerminationByKubelet", "UnexpectedAdmissionError")  # fmt: skip
_POD_REASON_SET = frozenset(_POD_REASONS)


def _status_reason(obj: dict) -> list | tuple:
    st = obj.get("status")
    if st.__class__ is not dict:
        return NONE
    found = set()
    reason = st.get("reason")
    if reason.__class__ is not str:
        reason = ""
    elif reason:
        found.add(reason)
    for c in _list(st, "conditions"):
        if c.__class__ is dict:
            r = c.get("reason")
            if r.__class__ is str:
                found.add(r)
    for cs in _list(st, _CONTAINER_STATUSES):
        if cs.__class__ is dict:
            state = cs.get("state")
            if state.__class__ is dict:
                t = state.get("terminated")
                if t.__class__ is dict:
                    r = t.get("reason")
                    if r.__class__ is str:
                        found.add(r)
    if not found:
        return NONE
    out = [((r,), 1) for r in _POD_REASONS if r in found]
    if reason and reason not in _POD_REASON_SET:
        out.append((("Other",), 1))
    return out


_DISRUPTION_REASONS = frozenset(("PreemptionByScheduler", "DeletionByTaintManager", "EvictionByEvictionAPI",
                                 "DeletionByPodGC", "TerminationByKubelet"))  # fmt: skip


def _disruption_reason(obj: dict) -> list:
    out = []
    for c in _list(_status(obj), "conditions"):
        if c.__class__ is dict and c.get("type") == "DisruptionTarget":
            r = c.get("reason")
            out.append(((r if r.__class__ is str and r in _DISRUPTION_REASONS else "Other",), 1))
    return out


def _text(v: object) -> str:
    """A label value as a hashable string: absent/empty -> "", a value of a wrong type -> its str()."""
    return v if v.__class__ is str else str(v) if v else ""


def _tolerations(obj: dict) -> list | tuple:
    tolerations = _list(_spec(obj), "tolerations")
    if not tolerations:
        return NONE
    seen = set()
    out = []
    for t in tolerations:
        if t.__class__ is not dict:
            continue
        secs = t.get("tolerationSeconds")
        labels = (_text(t.get("key")), _text(t.get("operator")), _text(t.get("value")), _text(t.get("effect")),
                  str(secs) if secs.__class__ is int else "")  # fmt: skip
        if labels in seen:
            continue
        seen.add(labels)
        out.append((labels, 1))
    return out


def _nodeselectors(obj: dict) -> tuple:
    selector = _spec(obj).get("nodeSelector")
    pairs = kube_labels_to_pairs("nodeselector_", selector) if selector.__class__ is dict and selector else ()
    return ((pairs, 1),)


def _service_account(obj: dict) -> tuple:
    return (((_spec(obj).get("serviceAccountName"),), 1),)


def _scheduler(obj: dict) -> tuple:
    return (((_spec(obj).get("schedulerName"),), 1),)


# --- the family table (metrics.json order) ---------------------------------------------------------------------

_C, _CS = _CONTAINERS, _CONTAINER_STATUSES
_I, _IS = _INIT_CONTAINERS, _INIT_CONTAINER_STATUSES
_CTR = ("container",)
_CTR_REASON = ("container", "reason")
_RESOURCE_LABELS = ("container", "node", "resource", "unit")
_INFO_LABELS = ("container", "image_spec", "image", "image_id", "container_id")
_PVC_LABELS = ("volume", "persistentvolumeclaim", "ephemeral")

RESOURCE = ResourceDef(
    kind=KINDS["pods"],
    identity_labels=("namespace", "pod", "uid"),
    identity=_identity,
    families=(
        Family(
            "kube_pod_completion_time",
            "When the pod's containers last finished, in Unix seconds.",
            _completion_time,
            stability=STABLE,
        ),
        Family(
            "kube_pod_container_info",
            "Constant 1 per container, with its spec image and the image and IDs it runs.",
            _container_info_gen(_C, _CS, False),
            _INFO_LABELS,
            stability=STABLE,
        ),
        Family(
            "kube_pod_container_resource_limits",
            "Resource limit of a container, per resource.",
            _resources_gen(_C, "limits"),
            _RESOURCE_LABELS,
            stability=STABLE,
        ),
        Family(
            "kube_pod_container_resource_requests",
            "Resource request of a container, per resource.",
            _resources_gen(_C, "requests"),
            _RESOURCE_LABELS,
            stability=STABLE,
        ),
        Family(
            "kube_pod_container_state_started",
            "When the container started, in Unix seconds.",
            _state_started_gen(_CS),
            _CTR,
            stability=STABLE,
        ),
        Family(
            "kube_pod_container_status_last_terminated_reason",
            "Reason of the container's previous termination.",
            _last_terminated_gen(_CS, "reason"),
            _CTR_REASON,
        ),
        Family(
            "kube_pod_container_status_last_terminated_exitcode",
            "Exit code of the container's previous termination.",
            _last_terminated_gen(_CS, "exitcode"),
            _CTR,
        ),
        Family(
            "kube_pod_container_status_last_terminated_timestamp",
            "When the container's previous run ended, in Unix seconds.",
            _last_terminated_gen(_CS, "timestamp"),
            _CTR,
        ),
        Family(
            "kube_pod_container_status_ready",
            "1 if the container passes its readiness check, else 0.",
            _ready_gen(_CS),
            _CTR,
            stability=STABLE,
        ),
        Family(
            "kube_pod_container_status_restarts_total",
            "How often the container was restarted.",
            _restarts_gen(_CS),
            _CTR,
            type="counter",
            stability=STABLE,
        ),
        Family(
            "kube_pod_container_status_running",
            "1 if the container is running, else 0.",
            _in_state_gen(_CS, "running"),
            _CTR,
            stability=STABLE,
        ),
        Family(
            "kube_pod_container_status_terminated",
            "1 if the container is terminated, else 0.",
            _in_state_gen(_CS, "terminated"),
            _CTR,
            stability=STABLE,
        ),
        Family(
            "kube_pod_container_status_terminated_reason",
            "Why the container is terminated.",
            _state_reason_gen(_CS, "terminated"),
            _CTR_REASON,
        ),
        Family(
            "kube_pod_container_status_waiting",
            "1 if the container is waiting, else 0.",
            _in_state_gen(_CS, "waiting"),
            _CTR,
            stability=STABLE,
        ),
        Family(
            "kube_pod_container_status_waiting_reason",
            "Why the container is waiting.",
            _state_reason_gen(_CS, "waiting"),
            _CTR_REASON,
            stability=STABLE,
        ),
        Family("kube_pod_created", "When the pod was created, in Unix seconds.", created, stability=STABLE),
        Family(
            "kube_pod_deletion_timestamp", "When the pod's deletion was requested, in Unix seconds.", deletion_timestamp
        ),
        Family(
            "kube_pod_info",
            "Constant 1 per pod, with its addresses, node, controller and priority class.",
            _info,
            ("host_ip", "pod_ip", "node", "created_by_kind", "created_by_name", "priority_class", "host_network"),
            stability=STABLE,
        ),
        Family("kube_pod_ips", "Constant 1 per pod IP address, with its family.", _ips, ("ip", "ip_family")),
        Family(
            "kube_pod_init_container_info",
            "Constant 1 per init container, with its spec image, the image and IDs it runs and its restart policy.",
            _container_info_gen(_I, _IS, True),
            (*_INFO_LABELS, "restart_policy"),
            stability=STABLE,
        ),
        Family(
            "kube_pod_init_container_resource_limits",
            "Resource limit of an init container, per resource.",
            _resources_gen(_I, "limits"),
            _RESOURCE_LABELS,
        ),
        Family(
            "kube_pod_init_container_resource_requests",
            "Resource request of an init container, per resource.",
            _resources_gen(_I, "requests"),
            _RESOURCE_LABELS,
        ),
        Family(
            "kube_pod_init_container_state_started",
            "When the init container started, in Unix seconds.",
            _state_started_gen(_IS),
            _CTR,
        ),
        Family(
            "kube_pod_init_container_status_last_terminated_reason",
            "Reason of the init container's previous termination.",
            _last_terminated_gen(_IS, "reason"),
            _CTR_REASON,
        ),
        Family(
            "kube_pod_init_container_status_last_terminated_exitcode",
            "Exit code of the init container's previous termination.",
            _last_terminated_gen(_IS, "exitcode"),
            _CTR,
        ),
        Family(
            "kube_pod_init_container_status_last_terminated_timestamp",
            "When the init container's previous run ended, in Unix seconds.",
            _last_terminated_gen(_IS, "timestamp"),
            _CTR,
        ),
        Family(
            "kube_pod_init_container_status_ready",
            "1 if the init container is ready, else 0.",
            _ready_gen(_IS),
            _CTR,
            stability=STABLE,
        ),
        Family(
            "kube_pod_init_container_status_restarts_total",
            "How often the init container was restarted.",
            _restarts_gen(_IS),
            _CTR,
            type="counter",
            stability=STABLE,
        ),
        Family(
            "kube_pod_init_container_status_running",
            "1 if the init container is running, else 0.",
            _in_state_gen(_IS, "running"),
            _CTR,
            stability=STABLE,
        ),
        Family(
            "kube_pod_init_container_status_terminated",
            "1 if the init container is terminated, else 0.",
            _in_state_gen(_IS, "terminated"),
            _CTR,
            stability=STABLE,
        ),
        Family(
            "kube_pod_init_container_status_terminated_reason",
            "Why the init container is terminated.",
            _state_reason_gen(_IS, "terminated"),
            _CTR_REASON,
        ),
        Family(
            "kube_pod_init_container_status_waiting",
            "1 if the init container is waiting, else 0.",
            _in_state_gen(_IS, "waiting"),
            _CTR,
            stability=STABLE,
        ),
        Family(
            "kube_pod_init_container_status_waiting_reason",
            "Why the init container is waiting.",
            _state_reason_gen(_IS, "waiting"),
            _CTR_REASON,
        ),
        annotations_family("pod", "Pod annotations allowed by --metric-annotations-allowlist, as Prometheus labels."),
        labels_family("pod", "Pod labels allowed by --metric-labels-allowlist, as Prometheus labels."),
        Family(
            "kube_pod_overhead_cpu_cores", "CPU overhead of the pod's runtime class, in cores.", _overhead_gen("cpu")
        ),
        Family(
            "kube_pod_overhead_memory_bytes",
            "Memory overhead of the pod's runtime class, in bytes.",
            _overhead_gen("memory"),
        ),
        Family(
            "kube_pod_owner",
            "Constant 1 per owner reference of the pod.",
            owner_samples,
            ("owner_kind", "owner_name", "owner_is_controller"),
            stability=STABLE,
        ),
        Family(
            "kube_pod_resourceclaim_info",
            "Constant 1 per resource claim of the pod, with the claim and template it uses.",
            _resourceclaim_info,
            ("claim_name", "resourceclaim_name", "resourceclaim_template_name"),
        ),
        Family(
            "kube_pod_restart_policy",
            "Constant 1, with the pod's restart policy.",
            _restart_policy,
            ("type",),
            stability=STABLE,
        ),
        Family(
            "kube_pod_runtimeclass_name_info",
            "Constant 1, with the pod's runtime class when it has one.",
            _runtimeclass_name,
            ("runtimeclass_name",),
        ),
        Family(
            "kube_pod_spec_volumes_persistentvolumeclaims_info",
            "Constant 1 per volume backed by a PersistentVolumeClaim.",
            _pvc_info,
            _PVC_LABELS,
            stability=STABLE,
        ),
        Family(
            "kube_pod_spec_volumes_persistentvolumeclaims_readonly",
            "1 if a PersistentVolumeClaim volume is mounted read-only, else 0.",
            _pvc_readonly,
            _PVC_LABELS,
            stability=STABLE,
        ),
        Family(
            "kube_pod_start_time", "When the kubelet accepted the pod, in Unix seconds.", _start_time, stability=STABLE
        ),
        Family("kube_pod_status_phase", "The pod's phase: 1 on the current one.", _phase, ("phase",), stability=STABLE),
        Family("kube_pod_status_qos_class", "The pod's QoS class: 1 on the current one.", _qos_class, ("qos_class",)),
        Family(
            "kube_pod_status_ready",
            "Status of the pod's Ready condition.",
            _condition_gen("Ready"),
            ("condition",),
            stability=STABLE,
        ),
        Family(
            "kube_pod_status_ready_time",
            "When the pod became ready, in Unix seconds.",
            _condition_time_gen("Ready", "True"),
        ),
        Family(
            "kube_pod_status_initialized_time",
            "When the pod was initialized, in Unix seconds.",
            _condition_time_gen("Initialized", "True"),
        ),
        Family(
            "kube_pod_status_container_ready_time",
            "When all the pod's containers became ready, in Unix seconds.",
            _condition_time_gen("ContainersReady", "True"),
        ),
        Family(
            "kube_pod_status_reason",
            "Known reasons the pod is in its current state, 1 each.",
            _status_reason,
            ("reason",),
        ),
        Family(
            "kube_pod_status_disruption_reason",
            "Why the pod is about to be disrupted, per DisruptionTarget condition.",
            _disruption_reason,
            ("reason",),
        ),
        Family(
            "kube_pod_status_scheduled",
            "Status of the pod's PodScheduled condition.",
            _condition_gen("PodScheduled"),
            ("condition",),
            stability=STABLE,
        ),
        Family(
            "kube_pod_status_scheduled_time",
            "When the pod was scheduled, in Unix seconds.",
            _condition_time_gen("PodScheduled", "True"),
            stability=STABLE,
        ),
        Family(
            "kube_pod_status_unschedulable",
            "1 while the scheduler cannot place the pod.",
            _unschedulable,
            stability=STABLE,
        ),
        Family(
            "kube_pod_status_unscheduled_time",
            "When the pod was found unschedulable, in Unix seconds.",
            _condition_time_gen("PodScheduled", "False"),
        ),
        Family(
            "kube_pod_tolerations",
            "Constant 1 per distinct toleration of the pod.",
            _tolerations,
            ("key", "operator", "value", "effect", "toleration_seconds"),
        ),
        Family(
            "kube_pod_nodeselectors",
            "Constant 1, with the pod's node selector as Prometheus labels.",
            _nodeselectors,
            opt_in=True,
            pairs=True,
        ),
        Family(
            "kube_pod_service_account",
            "Constant 1, with the pod's service account.",
            _service_account,
            ("service_account",),
        ),
        Family("kube_pod_scheduler", "Constant 1, with the scheduler in charge of the pod.", _scheduler, ("name",)),
    ),
)
