"""Node families (upstream internal/store/node.go)."""

import re
from functools import lru_cache

from ksm_shard.kube.kinds import KINDS
from ksm_shard.resources.base import (
    NONE,
    STABLE,
    Family,
    ResourceDef,
    annotations_family,
    conditions_by_type,
    created,
    deletion_timestamp,
    iter_dicts,
    labels_family,
    name_only,
    quantity_milli,
)


def _sub(obj: dict, key: str) -> dict:
    v = obj.get(key)
    return v if isinstance(v, dict) else {}


def node_info(obj: dict) -> tuple:
    spec = _sub(obj, "spec")
    status = _sub(obj, "status")
    ni = status.get("nodeInfo")
    if not isinstance(ni, dict):
        ni = {}
    internal_ip = ""
    for a in iter_dicts(status.get("addresses")):
        if a.get("type") == "InternalIP":  # the last InternalIP entry wins, as upstream
            internal_ip = a.get("address", "")
    return ((
        (ni.get("kernelVersion", ""), ni.get("osImage", ""), ni.get("containerRuntimeVersion", ""),
         ni.get("kubeletVersion", ""), "deprecated", spec.get("providerID", ""), spec.get("podCIDR", ""),
         ni.get("systemUUID", ""), internal_ip),
        1,
    ),)  # fmt: skip


_ROLE_PREFIX = "node-role.kubernetes.io/"
_ROLE_PREFIX_LEN = len(_ROLE_PREFIX)


def role(obj: dict) -> list | tuple:
    labels = obj["metadata"].get("labels")
    if not isinstance(labels, dict):
        return NONE
    return [((k[_ROLE_PREFIX_LEN:],), 1) for k in labels if k.__class__ is str and k.startswith(_ROLE_PREFIX)]


def spec_pod_cidrs(obj: dict) -> list | tuple:
    cidrs = _sub(obj, "spec").get("podCIDRs")
    if not isinstance(cidrs, list):
        return NONE
    return [((c,), 1) for c in cidrs]


def spec_taint(obj: dict) -> list:
    return [((t.get("key", ""), t.get("value", ""), t.get("effect", "")), 1)
            for t in iter_dicts(_sub(obj, "spec").get("taints"))]  # fmt: skip


def spec_unschedulable(obj: dict) -> tuple:
    return (((), 1 if _sub(obj, "spec").get("unschedulable") is True else 0),)


# --- allocatable / capacity: which resource names are exported, and with which unit -----------------------------

_INVALID_LABEL_CHARS = re.compile(r"[^a-zA-Z0-9_]")
_DNS1123_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
_QUALIFIED_NAME = re.compile(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]")
_BYTE_RESOURCES = frozenset({"memory", "storage", "ephemeral-storage"})


def _is_extended_resource_name(name: str) -> bool:
    """Domain-prefixed, not in *kubernetes.io/, and ``requests.<name>`` is a valid qualified name (upstream rule)."""
    if "/" not in name or "kubernetes.io/" in name or name.startswith("requests."):
        return False
    parts = ("requests." + name).split("/")
    if len(parts) != 2:
        return False
    prefix, short = parts
    if len(prefix) > 253 or not _DNS1123_SUBDOMAIN.fullmatch(prefix):
        return False
    return 0 < len(short) <= 63 and _QUALIFIED_NAME.fullmatch(short) is not None


@lru_cache(maxsize=1024)
def resource_units(name: str) -> tuple[tuple[str, str], ...]:
    """``(resource label, unit)`` samples a node resource name yields (none for unrecognised names).

    Mirrors upstream's switch: cpu/memory/storage/ephemeral-storage/pods by name; otherwise the hugepages-,
    attachable-volumes- and extended-resource checks are independent, so one name could match more than one.
    """
    label = _INVALID_LABEL_CHARS.sub("_", name)  # case kept, unlike the label_* names
    if name == "cpu":
        return ((label, "core"),)
    if name in _BYTE_RESOURCES:
        return ((label, "byte"),)
    if name == "pods":
        return ((label, "integer"),)
    out = []
    if name.startswith("hugepages-"):
        out.append((label, "byte"))
    if name.startswith("attachable-volumes-"):
        out.append((label, "byte"))
    if _is_extended_resource_name(name):
        out.append((label, "integer"))
    return tuple(out)


def _resource_samples(resources: object) -> list | tuple:
    if not isinstance(resources, dict) or not resources:
        return NONE
    out = []
    for name, q in resources.items():
        if name.__class__ is not str:
            continue
        units = resource_units(name)
        if not units:
            continue
        v = quantity_milli(q)
        if v is None:  # not a quantity (or NaN/Infinity): upstream could not have decoded the object at all
            continue
        for lv in units:
            out.append((lv, v))
    return out


def status_allocatable(obj: dict) -> list | tuple:
    return _resource_samples(_sub(obj, "status").get("allocatable"))


def status_capacity(obj: dict) -> list | tuple:
    return _resource_samples(_sub(obj, "status").get("capacity"))


def status_condition(obj: dict) -> list:
    return conditions_by_type(_sub(obj, "status").get("conditions"))


def status_addresses(obj: dict) -> list:
    return [((a.get("type", ""), a.get("address", "")), 1) for a in iter_dicts(_sub(obj, "status").get("addresses"))]


RESOURCE = ResourceDef(
    kind=KINDS["nodes"],
    identity_labels=("node",),
    identity=name_only,
    families=(
        annotations_family("node", "Node annotations allowed by --metric-annotations-allowlist, as Prometheus labels."),
        Family("kube_node_created", "When the Node was created, in Unix seconds.", created, stability=STABLE),
        Family("kube_node_deletion_timestamp", "When the Node was marked for deletion, in Unix seconds.",
               deletion_timestamp),
        Family("kube_node_info", "Constant 1 per Node, describing its versions, provider ID, pod CIDR and internal IP.",
               node_info, ("kernel_version", "os_image", "container_runtime_version", "kubelet_version",
                           "kubeproxy_version", "provider_id", "pod_cidr", "system_uuid", "internal_ip"),
               stability=STABLE),
        labels_family("node", "Node labels allowed by --metric-labels-allowlist, as Prometheus labels."),
        Family("kube_node_role", "Constant 1 per node-role.kubernetes.io/<role> label of the Node.", role, ("role",)),
        Family("kube_node_spec_pod_cidrs", "Constant 1 per pod CIDR range assigned to the Node.", spec_pod_cidrs,
               ("pod_cidr",)),
        Family("kube_node_spec_taint", "Constant 1 per taint on the Node.", spec_taint, ("key", "value", "effect"),
               stability=STABLE),
        Family("kube_node_spec_unschedulable", "1 when the Node is cordoned (spec.unschedulable), else 0.",
               spec_unschedulable, stability=STABLE),
        Family("kube_node_status_allocatable", "Node resources available for scheduling, per resource and unit.",
               status_allocatable, ("resource", "unit"), stability=STABLE),
        Family("kube_node_status_capacity", "Node resource capacity, per resource and unit.", status_capacity,
               ("resource", "unit"), stability=STABLE),
        Family("kube_node_status_condition", "Node conditions: 1 on the status each condition has.", status_condition,
               ("condition", "status"), stability=STABLE),
        Family("kube_node_status_addresses", "Constant 1 per address reported in the Node status.", status_addresses,
               ("type", "address")),
    ),
)  # fmt: skip
