"""Pod families (upstream internal/store/pod.go).

Pods are the hottest path (most objects, most watch events), so the generators below read each field once and
avoid regexes (anything parsed per name is cached). Families reading the same list are ``Fused``: one pass over
``status.containerStatuses`` yields all the per-container status families, one over ``spec.containers`` the info
and resource families, one over ``status.conditions`` the condition families. Container and init-container
families share their generator factories, parameterized by the spec/status keys.
"""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache

from ksm_shard.kube.kinds import KINDS
from ksm_shard.resources.base import (
    NONE,
    STABLE,
    Family,
    Fused,
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

# Every per-container status family reads status.<containerStatuses>[]: one pass fills them all (samples in
# status order, as each family's own loop would). ``completion_time`` (regular containers only) rides along.
_STATUS_MEMBERS = ("state_started", "last_terminated_reason", "last_terminated_exitcode", "last_terminated_timestamp",
                   "ready", "restarts", "running", "terminated", "terminated_reason", "waiting", "waiting_reason",
                   "completion_time")  # fmt: skip
_NO_STATUSES = (NONE,) * len(_STATUS_MEMBERS)


def _container_statuses(status_key: str) -> Fused:
    def gen(obj: dict) -> tuple:
        st = obj.get("status")
        statuses = st.get(status_key) if st.__class__ is dict else None
        if statuses.__class__ is not list or not statuses:
            return _NO_STATUSES
        started, last_reason, last_code, last_time, ready, restarts = [], [], [], [], [], []
        running, terminated, terminated_reason, waiting, waiting_reason = [], [], [], [], []
        completed = 0  # latest finishedAt of the containers currently terminated
        for cs in statuses:
            if cs.__class__ is not dict:
                continue
            name = cs.get("name")
            label = (name,)
            ready.append((label, 1 if cs.get("ready") is True else 0))
            n = cs.get("restartCount", 0)
            restarts.append((label, n if n.__class__ is int else 0))
            state = cs.get("state")
            if state.__class__ is dict:
                run, term, wait = state.get("running"), state.get("terminated"), state.get("waiting")
                running.append((label, 1 if run.__class__ is dict else 0))
                terminated.append((label, 1 if term.__class__ is dict else 0))
                waiting.append((label, 1 if wait.__class__ is dict else 0))
                # started: of the running state, else of the terminated one
                s = run if run.__class__ is dict else term if term.__class__ is dict else None
                if s is not None:
                    t = _unix(s.get("startedAt"))
                    if t is not None:
                        started.append((label, t))
                if term.__class__ is dict:
                    terminated_reason.append(((name, term.get("reason")), 1))
                    ft = _unix(term.get("finishedAt"))
                    if ft is not None and (completed == 0 or completed < ft):
                        completed = ft
                if wait.__class__ is dict:
                    waiting_reason.append(((name, wait.get("reason")), 1))
            else:
                running.append((label, 0))
                terminated.append((label, 0))
                waiting.append((label, 0))
            last = cs.get("lastState")
            if last.__class__ is dict:
                t = last.get("terminated")
                if t.__class__ is dict:
                    last_reason.append(((name, t.get("reason")), 1))
                    code = t.get("exitCode", 0)
                    if code.__class__ is int:
                        last_code.append((label, code))
                    ts = _unix(t.get("finishedAt"))
                    if ts is not None:
                        last_time.append((label, ts))
        return (started, last_reason, last_code, last_time, ready, restarts, running, terminated, terminated_reason,
                waiting, waiting_reason, (((), completed),) if completed > 0 else NONE)  # fmt: skip

    gen.__name__ = f"container_statuses_{status_key}"
    return Fused(gen, _STATUS_MEMBERS)


_CONTAINER_STATUS = _container_statuses(_CONTAINER_STATUSES)
_INIT_CONTAINER_STATUS = _container_statuses(_INIT_CONTAINER_STATUSES)


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


def _add_quantities(out: list, quantities: dict, name: object, node: object) -> None:
    """One sample per entry of a container's resources.limits/requests, map order kept."""
    for rname, q in quantities.items():
        kind = _resource_kind(rname)
        if kind is None or q.__class__ not in (str, int, float):
            continue
        v = _quantity(q, kind[2])
        if v is not None:
            out.append(((name, node, kind[0], kind[1]), v))


_SPEC_MEMBERS = ("info", "limits", "requests")
_NO_CONTAINERS = (NONE,) * len(_SPEC_MEMBERS)


def _containers(spec_key: str, status_key: str, init: bool) -> Fused:
    """The families read from spec.<containers>[] (in spec order), in one pass.

    ``info``: one sample per container that has a status entry of the same name (statuses matched by name);
    ``limits``/``requests``: one sample per resource of the container's limits/requests.
    """

    def gen(obj: dict) -> tuple:
        spec = obj.get("spec")
        containers = spec.get(spec_key) if spec.__class__ is dict else None
        if containers.__class__ is not list:
            return _NO_CONTAINERS
        by_name = {}
        st = obj.get("status")
        if st.__class__ is dict:
            for cs in _list(st, status_key):
                if cs.__class__ is dict:
                    n = cs.get("name")
                    if n.__class__ is str:
                        by_name[n] = cs
        node = spec.get("nodeName")
        info, limits, requests = [], [], []
        for c in containers:
            if c.__class__ is not dict:
                continue
            name = c.get("name")
            cs = by_name.get(name) if by_name and name.__class__ is str else None
            if cs is not None:
                if init:
                    labels = (name, c.get("image"), cs.get("image"), cs.get("imageID"), cs.get("containerID"),
                              c.get("restartPolicy"))  # fmt: skip
                else:
                    labels = (name, c.get("image"), cs.get("image"), cs.get("imageID"), cs.get("containerID"))
                info.append((labels, 1))
            res = c.get("resources")
            if res.__class__ is dict:
                quantities = res.get("limits")
                if quantities.__class__ is dict:
                    _add_quantities(limits, quantities, name, node)
                quantities = res.get("requests")
                if quantities.__class__ is dict:
                    _add_quantities(requests, quantities, name, node)
        return info, limits, requests

    gen.__name__ = f"containers_{spec_key}"
    return Fused(gen, _SPEC_MEMBERS)


_CONTAINER_SPEC = _containers(_CONTAINERS, _CONTAINER_STATUSES, False)
_INIT_CONTAINER_SPEC = _containers(_INIT_CONTAINERS, _INIT_CONTAINER_STATUSES, True)


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


# A dotted-quad IPv4 address as ipaddress (and Go's net.ParseIP) accept it: 0-255 each, ASCII digits, no leading
# zeros. Pod IPs are unique, so the cache below seldom helps: the common case skips parsing the address.
_IPV4 = re.compile(r"(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)", re.ASCII)


def _ip_family(ip: str) -> str | None:
    """ "4"/"6" like Go's net.ParseIP + To4 (IPv4-mapped IPv6 is "4"); None when it does not parse."""
    return "4" if _IPV4.fullmatch(ip) else _parsed_ip_family(ip)


@lru_cache(maxsize=16384)
def _parsed_ip_family(ip: str) -> str | None:
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


def _pvc_volumes(obj: dict) -> tuple[list, list]:
    """Per PVC-backed or generic ephemeral volume, labels (volume, claim, ephemeral): ``info`` 1, ``readonly``."""
    info, readonly = [], []
    pod = None
    for v in _list(_spec(obj), "volumes"):
        if v.__class__ is not dict:
            continue
        name = v.get("name")
        pvc = v.get("persistentVolumeClaim")
        if pvc.__class__ is dict:
            labels = (name, pvc.get("claimName"), "false")
            info.append((labels, 1))
            readonly.append((labels, 1 if pvc.get("readOnly") is True else 0))
        if v.get("ephemeral").__class__ is dict:
            if pod is None:
                pod = obj["metadata"].get("name", "")
            labels = (name, f"{pod}-{name or ''}", "true")
            info.append((labels, 1))
            readonly.append((labels, 0))
    return info, readonly


_PVC_VOLUMES = Fused(_pvc_volumes, ("info", "readonly"))


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


_CONDITION_STATES = {s: condition_samples(s) for s in ("True", "False", "Unknown")}
_CONDITION_NONE = condition_samples(None)

_POD_REASONS = ("Evicted", "NodeAffinity", "NodeLost", "PreemptionByScheduler", "SchedulingGated", "Shutdown",
                "TerminationByKubelet", "UnexpectedAdmissionError")  # fmt: skip
_POD_REASON_SET = frozenset(_POD_REASONS)
_DISRUPTION_REASONS = frozenset(("PreemptionByScheduler", "DeletionByTaintManager", "EvictionByEvictionAPI",
                                 "DeletionByPodGC", "TerminationByKubelet"))  # fmt: skip

_CONDITION_MEMBERS = ("ready", "ready_time", "initialized_time", "container_ready_time", "scheduled", "scheduled_time",
                      "unschedulable", "unscheduled_time", "reason", "disruption_reason")  # fmt: skip
_NO_CONDITIONS = (NONE,) * len(_CONDITION_MEMBERS)


def _conditions(obj: dict) -> tuple:
    """The families read from status.conditions[], in one pass (samples in condition order).

    ``ready``/``scheduled``: three samples ``condition=true|false|unknown`` per Ready/PodScheduled condition;
    ``*_time``: lastTransitionTime of each condition of the type with status True (``unscheduled_time``:
    PodScheduled False); ``unschedulable``: 1 per PodScheduled False; ``disruption_reason``: per
    DisruptionTarget condition, its reason if known, else Other; ``reason``: the known reasons found in
    status.reason, condition reasons and the terminated containers' reasons, plus Other for an unknown
    status.reason.
    """
    st = obj.get("status")
    if st.__class__ is not dict:
        return _NO_CONDITIONS
    ready, ready_time, init_time, cready_time, sched, sched_time = [], [], [], [], [], []
    unsched, unsched_time, disruption = [], [], []
    found = set()  # reasons seen, for ``reason``
    reason = st.get("reason")
    if reason.__class__ is not str:
        reason = ""
    elif reason:
        found.add(reason)
    for c in _list(st, "conditions"):
        if c.__class__ is not dict:
            continue
        r = c.get("reason")
        if r.__class__ is str:
            found.add(r)
        ctype = c.get("type")
        if ctype.__class__ is not str:
            continue
        s = c.get("status")
        if ctype == "Ready":
            ready.extend(_CONDITION_STATES.get(s, _CONDITION_NONE) if s.__class__ is str else _CONDITION_NONE)
            times = ready_time if s == "True" else None
        elif ctype == "PodScheduled":
            sched.extend(_CONDITION_STATES.get(s, _CONDITION_NONE) if s.__class__ is str else _CONDITION_NONE)
            if s == "False":
                unsched.append(((), 1))
                times = unsched_time
            else:
                times = sched_time if s == "True" else None
        elif ctype == "Initialized":
            times = init_time if s == "True" else None
        elif ctype == "ContainersReady":
            times = cready_time if s == "True" else None
        else:
            if ctype == "DisruptionTarget":
                disruption.append(((r if r.__class__ is str and r in _DISRUPTION_REASONS else "Other",), 1))
            continue
        if times is not None:
            t = _unix(c.get("lastTransitionTime"))
            if t is not None:
                times.append(((), t))
    for cs in _list(st, _CONTAINER_STATUSES):
        if cs.__class__ is dict:
            state = cs.get("state")
            if state.__class__ is dict:
                t = state.get("terminated")
                if t.__class__ is dict:
                    r = t.get("reason")
                    if r.__class__ is str:
                        found.add(r)
    reasons: list | tuple = NONE
    if found:
        reasons = [((r,), 1) for r in _POD_REASONS if r in found]
        if reason and reason not in _POD_REASON_SET:
            reasons.append((("Other",), 1))
    return (ready, ready_time, init_time, cready_time, sched, sched_time, unsched, unsched_time, reasons,
            disruption)  # fmt: skip


_CONDITIONS = Fused(_conditions, _CONDITION_MEMBERS)


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
            _CONTAINER_STATUS["completion_time"],
            stability=STABLE,
        ),
        Family(
            "kube_pod_container_info",
            "Constant 1 per container, with its spec image and the image and IDs it runs.",
            _CONTAINER_SPEC["info"],
            _INFO_LABELS,
            stability=STABLE,
        ),
        Family(
            "kube_pod_container_resource_limits",
            "Resource limit of a container, per resource.",
            _CONTAINER_SPEC["limits"],
            _RESOURCE_LABELS,
            stability=STABLE,
        ),
        Family(
            "kube_pod_container_resource_requests",
            "Resource request of a container, per resource.",
            _CONTAINER_SPEC["requests"],
            _RESOURCE_LABELS,
            stability=STABLE,
        ),
        Family(
            "kube_pod_container_state_started",
            "When the container started, in Unix seconds.",
            _CONTAINER_STATUS["state_started"],
            _CTR,
            stability=STABLE,
        ),
        Family(
            "kube_pod_container_status_last_terminated_reason",
            "Reason of the container's previous termination.",
            _CONTAINER_STATUS["last_terminated_reason"],
            _CTR_REASON,
        ),
        Family(
            "kube_pod_container_status_last_terminated_exitcode",
            "Exit code of the container's previous termination.",
            _CONTAINER_STATUS["last_terminated_exitcode"],
            _CTR,
        ),
        Family(
            "kube_pod_container_status_last_terminated_timestamp",
            "When the container's previous run ended, in Unix seconds.",
            _CONTAINER_STATUS["last_terminated_timestamp"],
            _CTR,
        ),
        Family(
            "kube_pod_container_status_ready",
            "1 if the container passes its readiness check, else 0.",
            _CONTAINER_STATUS["ready"],
            _CTR,
            stability=STABLE,
        ),
        Family(
            "kube_pod_container_status_restarts_total",
            "How often the container was restarted.",
            _CONTAINER_STATUS["restarts"],
            _CTR,
            type="counter",
            stability=STABLE,
        ),
        Family(
            "kube_pod_container_status_running",
            "1 if the container is running, else 0.",
            _CONTAINER_STATUS["running"],
            _CTR,
            stability=STABLE,
        ),
        Family(
            "kube_pod_container_status_terminated",
            "1 if the container is terminated, else 0.",
            _CONTAINER_STATUS["terminated"],
            _CTR,
            stability=STABLE,
        ),
        Family(
            "kube_pod_container_status_terminated_reason",
            "Why the container is terminated.",
            _CONTAINER_STATUS["terminated_reason"],
            _CTR_REASON,
        ),
        Family(
            "kube_pod_container_status_waiting",
            "1 if the container is waiting, else 0.",
            _CONTAINER_STATUS["waiting"],
            _CTR,
            stability=STABLE,
        ),
        Family(
            "kube_pod_container_status_waiting_reason",
            "Why the container is waiting.",
            _CONTAINER_STATUS["waiting_reason"],
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
            _INIT_CONTAINER_SPEC["info"],
            (*_INFO_LABELS, "restart_policy"),
            stability=STABLE,
        ),
        Family(
            "kube_pod_init_container_resource_limits",
            "Resource limit of an init container, per resource.",
            _INIT_CONTAINER_SPEC["limits"],
            _RESOURCE_LABELS,
        ),
        Family(
            "kube_pod_init_container_resource_requests",
            "Resource request of an init container, per resource.",
            _INIT_CONTAINER_SPEC["requests"],
            _RESOURCE_LABELS,
        ),
        Family(
            "kube_pod_init_container_state_started",
            "When the init container started, in Unix seconds.",
            _INIT_CONTAINER_STATUS["state_started"],
            _CTR,
        ),
        Family(
            "kube_pod_init_container_status_last_terminated_reason",
            "Reason of the init container's previous termination.",
            _INIT_CONTAINER_STATUS["last_terminated_reason"],
            _CTR_REASON,
        ),
        Family(
            "kube_pod_init_container_status_last_terminated_exitcode",
            "Exit code of the init container's previous termination.",
            _INIT_CONTAINER_STATUS["last_terminated_exitcode"],
            _CTR,
        ),
        Family(
            "kube_pod_init_container_status_last_terminated_timestamp",
            "When the init container's previous run ended, in Unix seconds.",
            _INIT_CONTAINER_STATUS["last_terminated_timestamp"],
            _CTR,
        ),
        Family(
            "kube_pod_init_container_status_ready",
            "1 if the init container is ready, else 0.",
            _INIT_CONTAINER_STATUS["ready"],
            _CTR,
            stability=STABLE,
        ),
        Family(
            "kube_pod_init_container_status_restarts_total",
            "How often the init container was restarted.",
            _INIT_CONTAINER_STATUS["restarts"],
            _CTR,
            type="counter",
            stability=STABLE,
        ),
        Family(
            "kube_pod_init_container_status_running",
            "1 if the init container is running, else 0.",
            _INIT_CONTAINER_STATUS["running"],
            _CTR,
            stability=STABLE,
        ),
        Family(
            "kube_pod_init_container_status_terminated",
            "1 if the init container is terminated, else 0.",
            _INIT_CONTAINER_STATUS["terminated"],
            _CTR,
            stability=STABLE,
        ),
        Family(
            "kube_pod_init_container_status_terminated_reason",
            "Why the init container is terminated.",
            _INIT_CONTAINER_STATUS["terminated_reason"],
            _CTR_REASON,
        ),
        Family(
            "kube_pod_init_container_status_waiting",
            "1 if the init container is waiting, else 0.",
            _INIT_CONTAINER_STATUS["waiting"],
            _CTR,
            stability=STABLE,
        ),
        Family(
            "kube_pod_init_container_status_waiting_reason",
            "Why the init container is waiting.",
            _INIT_CONTAINER_STATUS["waiting_reason"],
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
            _PVC_VOLUMES["info"],
            _PVC_LABELS,
            stability=STABLE,
        ),
        Family(
            "kube_pod_spec_volumes_persistentvolumeclaims_readonly",
            "1 if a PersistentVolumeClaim volume is mounted read-only, else 0.",
            _PVC_VOLUMES["readonly"],
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
            _CONDITIONS["ready"],
            ("condition",),
            stability=STABLE,
        ),
        Family(
            "kube_pod_status_ready_time",
            "When the pod became ready, in Unix seconds.",
            _CONDITIONS["ready_time"],
        ),
        Family(
            "kube_pod_status_initialized_time",
            "When the pod was initialized, in Unix seconds.",
            _CONDITIONS["initialized_time"],
        ),
        Family(
            "kube_pod_status_container_ready_time",
            "When all the pod's containers became ready, in Unix seconds.",
            _CONDITIONS["container_ready_time"],
        ),
        Family(
            "kube_pod_status_reason",
            "Known reasons the pod is in its current state, 1 each.",
            _CONDITIONS["reason"],
            ("reason",),
        ),
        Family(
            "kube_pod_status_disruption_reason",
            "Why the pod is about to be disrupted, per DisruptionTarget condition.",
            _CONDITIONS["disruption_reason"],
            ("reason",),
        ),
        Family(
            "kube_pod_status_scheduled",
            "Status of the pod's PodScheduled condition.",
            _CONDITIONS["scheduled"],
            ("condition",),
            stability=STABLE,
        ),
        Family(
            "kube_pod_status_scheduled_time",
            "When the pod was scheduled, in Unix seconds.",
            _CONDITIONS["scheduled_time"],
            stability=STABLE,
        ),
        Family(
            "kube_pod_status_unschedulable",
            "1 while the scheduler cannot place the pod.",
            _CONDITIONS["unschedulable"],
            stability=STABLE,
        ),
        Family(
            "kube_pod_status_unscheduled_time",
            "When the pod was found unschedulable, in Unix seconds.",
            _CONDITIONS["unscheduled_time"],
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
