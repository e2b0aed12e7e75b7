"""Golden test: VolumeAttachments as the apiserver serves them -> the exact lines upstream would write."""

# ruff: noqa: E501

from ksm_shard.generator import GenerationOptions, ResourceRenderer
from ksm_shard.resources.volumeattachments import RESOURCE

ATTACHED = {
    "apiVersion": "storage.k8s.io/v1",
    "kind": "VolumeAttachment",
    "metadata": {
        "name": "csi-5f2b0c9d7e4a",
        "uid": "b7c1d2e3-f4a5-4b6c-8d7e-9f0a1b2c3d4e",
        "resourceVersion": "991122",
        "creationTimestamp": "2024-02-03T04:05:06Z",
        "labels": {"team": "storage", "app.kubernetes.io/managedBy": "csi", "app_kubernetes.io/managed-by": "x"},
        "finalizers": ["external-attacher/ebs-csi-aws-com"],
    },
    "spec": {
        "attacher": "ebs.csi.aws.com",
        "nodeName": "ip-10-0-1-23.eu-west-1.compute.internal",
        "source": {"persistentVolumeName": "pvc-0a1b2c3d"},
    },
    "status": {"attached": True, "attachmentMetadata": {"devicePath": "/dev/xvdba", "lun": "0"}},
}

# An inline (migrated) volume source that is not attached yet; no labels, no status.
INLINE = {
    "metadata": {"name": "csi-inline"},
    "spec": {
        "attacher": "pd.csi.storage.gke.io",
        "nodeName": "node-b",
        "source": {"inlineVolumeSpec": {"csi": {"driver": "pd.csi.storage.gke.io", "volumeHandle": "h"}}},
    },
}


def lines(renderer: ResourceRenderer, obj: dict) -> list[str]:
    return b"".join(renderer.render(obj)).decode().splitlines()


def test_default_families() -> None:
    assert lines(ResourceRenderer(RESOURCE), ATTACHED) == [
        # Sorted by original key; both keys sanitize to label_app_kubernetes_io_managed_by -> _conflictN.
        'kube_volumeattachment_labels{volumeattachment="csi-5f2b0c9d7e4a",label_app_kubernetes_io_managed_by_conflict1="csi",label_app_kubernetes_io_managed_by_conflict2="x",label_team="storage"} 1',
        'kube_volumeattachment_info{volumeattachment="csi-5f2b0c9d7e4a",attacher="ebs.csi.aws.com",node="ip-10-0-1-23.eu-west-1.compute.internal"} 1',
        'kube_volumeattachment_created{volumeattachment="csi-5f2b0c9d7e4a"} 1.706933106e+09',
        'kube_volumeattachment_spec_source_persistentvolume{volumeattachment="csi-5f2b0c9d7e4a",volumename="pvc-0a1b2c3d"} 1',
        'kube_volumeattachment_status_attached{volumeattachment="csi-5f2b0c9d7e4a"} 1',
        'kube_volumeattachment_status_attachment_metadata{volumeattachment="csi-5f2b0c9d7e4a",metadata_device_path="/dev/xvdba",metadata_lun="0"} 1',
    ]


def test_empty_cases() -> None:
    assert lines(ResourceRenderer(RESOURCE), INLINE) == [
        'kube_volumeattachment_labels{volumeattachment="csi-inline"} 1',
        'kube_volumeattachment_info{volumeattachment="csi-inline",attacher="pd.csi.storage.gke.io",node="node-b"} 1',
        'kube_volumeattachment_status_attached{volumeattachment="csi-inline"} 0',
        'kube_volumeattachment_status_attachment_metadata{volumeattachment="csi-inline"} 1',
    ]


def test_labels_ignore_the_allowlist() -> None:
    opts = GenerationOptions(labels_allowlist={"volumeattachments": ["missing"], "*": ["missing"]})
    out = lines(ResourceRenderer(RESOURCE, opts), ATTACHED)
    assert out[0].startswith(
        'kube_volumeattachment_labels{volumeattachment="csi-5f2b0c9d7e4a",label_app_kubernetes_io_managed_by_conflict1="csi",'
    )


def test_odd_shapes_do_not_crash() -> None:
    obj = {
        "metadata": {"name": "odd", "labels": None},
        "spec": None,
        "status": {"attached": "true", "attachmentMetadata": []},
    }
    assert lines(ResourceRenderer(RESOURCE), obj) == [
        'kube_volumeattachment_labels{volumeattachment="odd"} 1',
        'kube_volumeattachment_info{volumeattachment="odd",attacher="",node=""} 1',
        'kube_volumeattachment_status_attached{volumeattachment="odd"} 0',
        'kube_volumeattachment_status_attachment_metadata{volumeattachment="odd"} 1',
    ]


def test_headers_in_family_order() -> None:
    r = ResourceRenderer(RESOURCE)
    assert [h.decode().split()[2] for h in r.headers] == [
        "kube_volumeattachment_labels",
        "kube_volumeattachment_info",
        "kube_volumeattachment_created",
        "kube_volumeattachment_spec_source_persistentvolume",
        "kube_volumeattachment_status_attached",
        "kube_volumeattachment_status_attachment_metadata",
    ]
    assert r.headers[0].decode().startswith("# HELP kube_volumeattachment_labels Every label")
