"""VolumeAttachment families (upstream internal/store/volumeattachment.go).

Unlike every other resource, ``kube_volumeattachment_labels`` ignores --metric-labels-allowlist and always exports
all labels; ``kube_volumeattachment_status_attachment_metadata`` does the same for status.attachmentMetadata.
"""

# ruff: noqa: E501  (the family table keeps one row per line)

from __future__ import annotations

from ksm_shard.kube.kinds import KINDS
from ksm_shard.resources.base import (
    NONE,
    Family,
    ResourceDef,
    created,
    kube_labels_to_pairs,
    name_only,
)


def _sub(obj: dict, key: str) -> dict:
    v = obj.get(key)
    return v if v.__class__ is dict else {}


def _pairs_sample(prefix: str, kv: object) -> tuple:
    """Always one sample: every key of the map as a ``<prefix><key>`` label (no allowlist)."""
    return ((kube_labels_to_pairs(prefix, kv) if kv.__class__ is dict and kv else (), 1),)


def labels(obj: dict) -> tuple:
    return _pairs_sample("label_", obj["metadata"].get("labels"))


def volumeattachment_info(obj: dict) -> tuple:
    spec = _sub(obj, "spec")
    return (((spec.get("attacher", ""), spec.get("nodeName", "")), 1),)


def spec_source_persistentvolume(obj: dict) -> tuple:
    pv = _sub(_sub(obj, "spec"), "source").get("persistentVolumeName")
    if pv.__class__ is not str:  # unset (nil pointer): an inline volume source
        return NONE
    return (((pv,), 1),)


def status_attached(obj: dict) -> tuple:
    return (((), 1 if _sub(obj, "status").get("attached") is True else 0),)


def status_attachment_metadata(obj: dict) -> tuple:
    return _pairs_sample("metadata_", _sub(obj, "status").get("attachmentMetadata"))


RESOURCE = ResourceDef(
    kind=KINDS["volumeattachments"],
    identity_labels=("volumeattachment",),
    identity=name_only,
    families=(
        Family("kube_volumeattachment_labels", "Every label of the VolumeAttachment as a Prometheus label (no allowlist applies).", labels, pairs=True),
        Family("kube_volumeattachment_info", "Constant 1 per VolumeAttachment, with its attacher and node.", volumeattachment_info, ("attacher", "node")),
        Family("kube_volumeattachment_created", "When the VolumeAttachment was created, in Unix seconds.", created),
        Family("kube_volumeattachment_spec_source_persistentvolume", "Constant 1 naming the PersistentVolume the VolumeAttachment attaches.", spec_source_persistentvolume, ("volumename",)),
        Family("kube_volumeattachment_status_attached", "1 when the volume is attached (status.attached), else 0.", status_attached),
        Family("kube_volumeattachment_status_attachment_metadata", "Every status.attachmentMetadata entry of the VolumeAttachment as a Prometheus label.", status_attachment_metadata, pairs=True),
    ),
)  # fmt: skip
