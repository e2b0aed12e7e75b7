"""StorageClass families (upstream internal/store/storageclass.go)."""

# ruff: noqa: E501  (the family table keeps one row per line)

from __future__ import annotations

from ksm_shard.kube.kinds import KINDS
from ksm_shard.resources.base import (
    STABLE,
    Family,
    ResourceDef,
    annotations_family,
    created,
    labels_family,
    name_only,
)


def _str_or(v: object, default: str) -> str:
    """A pointer-to-string field: the default when unset (absent or null), else the value as sent."""
    if v is None:
        return default
    return v if v.__class__ is str else str(v)


def storageclass_info(obj: dict) -> tuple:
    # provisioner, reclaimPolicy and volumeBindingMode are top-level fields of a StorageClass (no spec).
    p = obj.get("provisioner")
    return ((
        (p if p.__class__ is str else "", _str_or(obj.get("reclaimPolicy"), "Delete"),
         _str_or(obj.get("volumeBindingMode"), "Immediate")),
        1,
    ),)  # fmt: skip


RESOURCE = ResourceDef(
    kind=KINDS["storageclasses"],
    identity_labels=("storageclass",),
    identity=name_only,
    families=(
        Family("kube_storageclass_info", "Constant 1 per StorageClass, with its provisioner, reclaim policy and volume binding mode.", storageclass_info, ("provisioner", "reclaim_policy", "volume_binding_mode"), stability=STABLE),
        Family("kube_storageclass_created", "When the StorageClass was created, in Unix seconds.", created, stability=STABLE),
        annotations_family("storageclass", "StorageClass annotations allowed by --metric-annotations-allowlist, as Prometheus labels."),
        labels_family("storageclass", "StorageClass labels allowed by --metric-labels-allowlist, as Prometheus labels."),
    ),
)  # fmt: skip
