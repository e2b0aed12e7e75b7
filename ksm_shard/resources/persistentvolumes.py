"""PersistentVolume families (upstream internal/store/persistentvolume.go)."""

# ruff: noqa: E501  (the family table keeps one row per line)

from __future__ import annotations

from ksm_shard.kube.kinds import KINDS
from ksm_shard.resources.base import (
    NONE,
    STABLE,
    Family,
    ResourceDef,
    annotations_family,
    created,
    deletion_timestamp,
    labels_family,
    name_only,
    quantity_int,
)

_PHASES = ("Pending", "Available", "Bound", "Released", "Failed")


def _sub(obj: dict, key: str) -> dict:
    v = obj.get(key)
    return v if v.__class__ is dict else {}


def _str(v: object) -> str:
    return v if v.__class__ is str else ""


def _int_str(v: object) -> str:
    """An int32 field in decimal; empty for unset or oddly typed values."""
    return str(v) if v.__class__ is int else ""


def _joined(v: object) -> str:
    return ",".join(x for x in v if x.__class__ is str) if v.__class__ is list else ""


def claim_ref(obj: dict) -> tuple:
    ref = _sub(obj, "spec").get("claimRef")
    if ref.__class__ is not dict:
        return NONE
    return (((_str(ref.get("name")), _str(ref.get("namespace"))), 1),)


def status_phase(obj: dict) -> tuple:
    phase = _sub(obj, "status").get("phase")
    if not phase or phase.__class__ is not str:
        return NONE
    return tuple(((p,), 1 if p == phase else 0) for p in _PHASES)


# Volume sources in upstream's switch order; only the first one present fills its labels.
_EMPTY_SOURCE = ("",) * 18  # gce .. host_path_type, between storageclass and reclaim_policy


def _source_labels(spec: dict) -> tuple[str, ...]:
    s = spec.get("gcePersistentDisk")
    if s.__class__ is dict:
        return (_str(s.get("pdName")),) + ("",) * 17
    s = spec.get("awsElasticBlockStore")
    if s.__class__ is dict:
        return ("", _str(s.get("volumeID"))) + ("",) * 16
    s = spec.get("azureDisk")
    if s.__class__ is dict:
        return ("", "", _str(s.get("diskName"))) + ("",) * 15
    s = spec.get("fc")
    if s.__class__ is dict:
        return ("", "", "", _joined(s.get("wwids")), _int_str(s.get("lun")), _joined(s.get("targetWWNs"))) + ("",) * 12
    s = spec.get("iscsi")
    if s.__class__ is dict:
        lun = s.get("lun")  # a plain int32 upstream: "0" when unset
        return ("",) * 6 + (_str(s.get("targetPortal")), _str(s.get("iqn")), str(lun) if lun.__class__ is int else "0",
                            _str(s.get("initiatorName"))) + ("",) * 8  # fmt: skip
    s = spec.get("nfs")
    if s.__class__ is dict:
        return ("",) * 10 + (_str(s.get("server")), _str(s.get("path"))) + ("",) * 6
    s = spec.get("csi")
    if s.__class__ is dict:
        return ("",) * 12 + (_str(s.get("driver")), _str(s.get("volumeHandle"))) + ("",) * 4
    s = spec.get("local")
    if s.__class__ is dict:
        return ("",) * 14 + (_str(s.get("path")), _str(s.get("fsType")), "", "")
    s = spec.get("hostPath")
    if s.__class__ is dict:
        return ("",) * 16 + (_str(s.get("path")), _str(s.get("type")))
    return _EMPTY_SOURCE


def pv_info(obj: dict) -> tuple:
    spec = _sub(obj, "spec")
    return (
        (
            (
                _str(spec.get("storageClassName")),
                *_source_labels(spec),
                _str(spec.get("persistentVolumeReclaimPolicy")),
            ),
            1,
        ),
    )


def capacity_bytes(obj: dict) -> tuple:
    """Always one sample; 0 without a storage capacity."""
    cap = _sub(obj, "spec").get("capacity")
    v = None
    if cap.__class__ is dict and "storage" in cap:
        v = quantity_int(cap["storage"])  # None for NaN/Infinity/non-quantities (never raises)
    return (((), v if v is not None else 0),)


def csi_attributes(obj: dict) -> tuple:
    csi = _sub(obj, "spec").get("csi")
    if csi.__class__ is not dict:
        return NONE
    attrs = csi.get("volumeAttributes")
    if attrs.__class__ is not dict:
        return ((("", ""), 1),)
    return (((_str(attrs.get("mounter")), _str(attrs.get("mapOptions"))), 1),)


def volume_mode(obj: dict) -> tuple:
    mode = _sub(obj, "spec").get("volumeMode")
    return (((mode if mode.__class__ is str else "Filesystem",), 1),)  # Filesystem is the API default


def access_mode(obj: dict) -> list | tuple:
    modes = _sub(obj, "spec").get("accessModes")
    if modes.__class__ is not list:
        return NONE
    return [((m,), 1) for m in modes if m.__class__ is str]


_INFO_LABELS = (
    "storageclass", "gce_persistent_disk_name", "ebs_volume_id", "azure_disk_name", "fc_wwids", "fc_lun",
    "fc_target_wwns", "iscsi_target_portal", "iscsi_iqn", "iscsi_lun", "iscsi_initiator_name", "nfs_server",
    "nfs_path", "csi_driver", "csi_volume_handle", "local_path", "local_fs", "host_path", "host_path_type",
    "reclaim_policy",
)  # fmt: skip

RESOURCE = ResourceDef(
    kind=KINDS["persistentvolumes"],
    identity_labels=("persistentvolume",),
    identity=name_only,
    families=(
        Family("kube_persistentvolume_claim_ref", "Constant 1 naming the claim a PersistentVolume is reserved for (spec.claimRef).", claim_ref, ("name", "claim_namespace"), stability=STABLE),
        annotations_family("persistentvolume", "PersistentVolume annotations allowed by --metric-annotations-allowlist, as Prometheus labels."),
        labels_family("persistentvolume", "PersistentVolume labels allowed by --metric-labels-allowlist, as Prometheus labels."),
        Family("kube_persistentvolume_status_phase", "The PersistentVolume's phase: 1 on the current one of Pending, Available, Bound, Released and Failed.", status_phase, ("phase",), stability=STABLE),
        Family("kube_persistentvolume_info", "Constant 1 per PersistentVolume, with its storage class, reclaim policy and volume source details.", pv_info, _INFO_LABELS, stability=STABLE),
        Family("kube_persistentvolume_capacity_bytes", "Storage capacity of the PersistentVolume, in bytes.", capacity_bytes, stability=STABLE),
        Family("kube_persistentvolume_created", "When the PersistentVolume was created, in Unix seconds.", created),
        Family("kube_persistentvolume_deletion_timestamp", "When the PersistentVolume was marked for deletion, in Unix seconds.", deletion_timestamp),
        Family("kube_persistentvolume_csi_attributes", "Constant 1 per CSI PersistentVolume, with its mounter and mapOptions volume attributes.", csi_attributes, ("csi_mounter", "csi_map_options"), opt_in=True),
        Family("kube_persistentvolume_volume_mode", "Constant 1 per PersistentVolume, with its volume mode.", volume_mode, ("volumemode",)),
        Family("kube_persistentvolume_access_mode", "Constant 1 per access mode of the PersistentVolume.", access_mode, ("access_mode",)),
    ),
)  # fmt: skip
