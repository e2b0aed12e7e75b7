"""Golden test: StorageClasses as the apiserver serves them -> the exact lines upstream would write."""

# ruff: noqa: E501

import json
from pathlib import Path

import pytest

from ksm_shard.generator import GenerationOptions, ResourceRenderer
from ksm_shard.resources.storageclasses import RESOURCE

SPEC = Path(__file__).parents[1].parent / "shared/spec/metrics.json"

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


@pytest.mark.skipif(not SPEC.exists(), reason="metrics.json not available")
def test_matches_catalog() -> None:
    spec = next(r for r in json.loads(SPEC.read_text())["resources"] if r["name"] == "storageclasses")
    assert list(RESOURCE.identity_labels) == spec["identity_labels"]
    r = ResourceRenderer(RESOURCE)
    assert [f.name for f in r.families] == [f["name"] for f in spec["families"] if not f["opt_in"]]
    assert [f.name for f in RESOURCE.families] == [f["name"] for f in spec["families"]]
    for fam, want in zip(RESOURCE.families, spec["families"], strict=True):
        labels = [*RESOURCE.identity_labels, *fam.labels]
        if fam.pairs:
            labels.append(want["labels"][-1])  # the dynamic label_* / annotation_* group
        assert labels == want["labels"], fam.name
        assert fam.pairs == ("dynamic_label_prefix" in want or "label_variants" in want), fam.name
        assert (fam.type, fam.stability, fam.opt_in, fam.deprecated_since) == (
            want["type"],
            want["stability"],
            want["opt_in"],
            want.get("deprecated_since"),
        ), fam.name
