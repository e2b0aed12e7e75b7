"""Golden test: StorageClasses as the apiserver serves them -> the exact lines upstream would write."""

# ruff: noqa: E501

from ksm_shard.generator import GenerationOptions, ResourceRenderer
from ksm_shard.resources.storageclasses import RESOURCE

STORAGECLASS = {
    "apiVersion": "storage.k8s.io/v1",
    "kind": "StorageClass",
    "metadata": {
        "name": "gp3",
        "uid": "5d0b7a9e-2f41-4c1e-8a6b-0e3f9c2d1a77",
        "resourceVersion": "4412",
        "creationTimestamp": "2017-08-01T06:30:18Z",
        "labels": {"app.kubernetes.io/managed-by": "Helm", "tier": "fast"},
        "annotations": {"storageclass.kubernetes.io/is-default-class": "true"},
    },
    "provisioner": "ebs.csi.aws.com",
    "parameters": {"type": "gp3", "encrypted": "true"},
    "reclaimPolicy": "Retain",
    "allowVolumeExpansion": True,
    "volumeBindingMode": "WaitForFirstConsumer",
}

# Fields the apiserver would default are left out to exercise upstream's nil fallbacks.
MINIMAL = {"metadata": {"name": "legacy"}, "provisioner": "kubernetes.io/no-provisioner"}


def lines(renderer: ResourceRenderer, obj: dict) -> list[str]:
    return b"".join(renderer.render(obj)).decode().splitlines()


def test_default_families() -> None:
    assert lines(ResourceRenderer(RESOURCE), STORAGECLASS) == [
        'kube_storageclass_info{storageclass="gp3",provisioner="ebs.csi.aws.com",reclaim_policy="Retain",volume_binding_mode="WaitForFirstConsumer"} 1',
        'kube_storageclass_created{storageclass="gp3"} 1.501569018e+09',
    ]


def test_defaults_and_empty_cases() -> None:
    assert lines(ResourceRenderer(RESOURCE), MINIMAL) == [
        'kube_storageclass_info{storageclass="legacy",provisioner="kubernetes.io/no-provisioner",reclaim_policy="Delete",volume_binding_mode="Immediate"} 1',
    ]


def test_odd_shapes_do_not_crash() -> None:
    obj = {"metadata": {"name": "x", "creationTimestamp": "not-a-time"}, "provisioner": None, "reclaimPolicy": None}
    assert lines(ResourceRenderer(RESOURCE), obj) == [
        'kube_storageclass_info{storageclass="x",provisioner="",reclaim_policy="Delete",volume_binding_mode="Immediate"} 1',
    ]


def test_labels_and_annotations_allowlists() -> None:
    opts = GenerationOptions(labels_allowlist={"storageclasses": ["*"]},
                             annotations_allowlist={"storageclasses": ["storageclass.kubernetes.io/*"]})  # fmt: skip
    out = lines(ResourceRenderer(RESOURCE, opts), STORAGECLASS)
    assert out[2:] == [
        'kube_storageclass_annotations{storageclass="gp3",annotation_storageclass_kubernetes_io_is_default_class="true"} 1',
        'kube_storageclass_labels{storageclass="gp3",label_app_kubernetes_io_managed_by="Helm",label_tier="fast"} 1',
    ]
    # An entry that matches nothing still yields one sample with the identity labels only.
    opts = GenerationOptions(labels_allowlist={"storageclasses": ["missing"]})
    assert lines(ResourceRenderer(RESOURCE, opts), MINIMAL)[1:] == ['kube_storageclass_labels{storageclass="legacy"} 1']


def test_headers_in_family_order() -> None:
    r = ResourceRenderer(RESOURCE)
    names = [h.decode().split()[2] for h in r.headers]
    assert names == [
        "kube_storageclass_info",
        "kube_storageclass_created",
        "kube_storageclass_annotations",
        "kube_storageclass_labels",
    ]
    assert r.headers[0].decode().startswith("# HELP kube_storageclass_info [STABLE] ")
    assert r.headers[2].decode().startswith("# HELP kube_storageclass_annotations StorageClass")
