"""PersistentVolumeClaim families (upstream internal/store/persistentvolumeclaim.go)."""

# ruff: noqa: E501  (the family table keeps one row per line)

from __future__ import annotations

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
    labels_family,
    namespace_name,
    quantity_int,
)

# The legacy annotation wins over spec.storageClassName when present (even if empty), as upstream.
_BETA_STORAGE_CLASS = "volume.beta.kubernetes.io/storage-class"
_PHASES = ("Lost", "Bound", "Pending")


def _sub(obj: dict, key: str) -> dict:
    v = obj.get(key)
    return v if v.__class__ is dict else {}


def _str(v: object) -> str:
    return v if v.__class__ is str else ""


def pvc_info(obj: dict) -> tuple:
    spec = _sub(obj, "spec")
    annotations = obj["metadata"].get("annotations")
    if annotations.__class__ is dict and _BETA_STORAGE_CLASS in annotations:
        storageclass = _str(annotations[_BETA_STORAGE_CLASS])
    else:
        storageclass = _str(spec.get("storageClassName"))
    return (((storageclass, _str(spec.get("volumeName")), _str(spec.get("volumeMode"))), 1),)


def status_phase(obj: dict) -> tuple:
    phase = _sub(obj, "status").get("phase")
    if not phase or phase.__class__ is not str:
        return NONE
    return tuple(((p,), 1 if p == phase else 0) for p in _PHASES)


def resource_requests_storage_bytes(obj: dict) -> tuple:
    requests = _sub(_sub(obj, "spec"), "resources").get("requests")
    if requests.__class__ is not dict or "storage" not in requests:
        return NONE
    v = quantity_int(requests["storage"])  # None for NaN/Infinity/non-quantities (never raises)
    return (((), v),) if v is not None else NONE


def access_mode(obj: dict) -> list | tuple:
    modes = _sub(obj, "spec").get("accessModes")
    if modes.__class__ is not list:
        return NONE
    return [((m,), 1) for m in modes if m.__class__ is str]


def status_condition(obj: dict) -> list:
    return conditions_by_type(_sub(obj, "status").get("conditions"))


RESOURCE = ResourceDef(
    kind=KINDS["persistentvolumeclaims"],
    identity_labels=("namespace", "persistentvolumeclaim"),
    identity=namespace_name,
    families=(
        labels_family("persistentvolumeclaim", "PersistentVolumeClaim labels allowed by --metric-labels-allowlist, as Prometheus labels."),
        annotations_family("persistentvolumeclaim", "PersistentVolumeClaim annotations allowed by --metric-annotations-allowlist, as Prometheus labels."),
        Family("kube_persistentvolumeclaim_info", "Constant 1 per PersistentVolumeClaim, with its storage class, bound volume and volume mode.", pvc_info, ("storageclass", "volumename", "volumemode"), stability=STABLE),
        Family("kube_persistentvolumeclaim_status_phase", "The PersistentVolumeClaim's phase: 1 on the current one of Lost, Bound and Pending.", status_phase, ("phase",), stability=STABLE),
        Family("kube_persistentvolumeclaim_resource_requests_storage_bytes", "Storage the PersistentVolumeClaim requests, in bytes.", resource_requests_storage_bytes, stability=STABLE),
        Family("kube_persistentvolumeclaim_access_mode", "Constant 1 per access mode the PersistentVolumeClaim requests.", access_mode, ("access_mode",), stability=STABLE),
        Family("kube_persistentvolumeclaim_status_condition", "PersistentVolumeClaim conditions: 1 on the status each condition has.", status_condition, ("condition", "status")),
        Family("kube_persistentvolumeclaim_created", "When the PersistentVolumeClaim was created, in Unix seconds.", created),
        Family("kube_persistentvolumeclaim_deletion_timestamp", "When the PersistentVolumeClaim was marked for deletion, in Unix seconds.", deletion_timestamp),
    ),
)  # fmt: skip
