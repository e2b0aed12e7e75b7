"""Golden test: a ConfigMap as the apiserver serves it -> the exact lines upstream would write."""

from ksm_shard.generator import GenerationOptions, ResourceRenderer
from ksm_shard.resources.configmaps import RESOURCE

CONFIGMAP = {
    "metadata": {
        "name": "app-config",
        "namespace": "team-a",
        "uid": "6f1c1f0e-2c34-4a8e-9d5e-5b1f2f1c7a11",
        "resourceVersion": "123456",
        "creationTimestamp": "2017-08-01T06:30:18Z",
        "labels": {"app.kubernetes.io/name": "shop", "team": "a"},
        "annotations": {"owner": "ops"},
    },
    "data": {"key": "value"},
}


def lines(renderer: ResourceRenderer, obj: dict) -> list[str]:
    return b"".join(renderer.render(obj)).decode().splitlines()


def test_default_families() -> None:
    assert lines(ResourceRenderer(RESOURCE), CONFIGMAP) == [
        'kube_configmap_info{namespace="team-a",configmap="app-config"} 1',
        'kube_configmap_created{namespace="team-a",configmap="app-config"} 1.501569018e+09',
        'kube_configmap_metadata_resource_version{namespace="team-a",configmap="app-config"} 123456',
    ]


def test_empty_cases() -> None:
    obj = {"metadata": {"name": "c", "namespace": "n", "resourceVersion": "abc"}}
    assert lines(ResourceRenderer(RESOURCE), obj) == ['kube_configmap_info{namespace="n",configmap="c"} 1']


def test_labels_and_annotations_allowlists() -> None:
    opts = GenerationOptions(labels_allowlist={"configmaps": ["app.kubernetes.io/*"]},
                             annotations_allowlist={"configmaps": ["missing"]})  # fmt: skip
    out = lines(ResourceRenderer(RESOURCE, opts), CONFIGMAP)
    assert out[0] == 'kube_configmap_annotations{namespace="team-a",configmap="app-config"} 1'
    assert (
        out[1]
        == 'kube_configmap_labels{namespace="team-a",configmap="app-config",label_app_kubernetes_io_name="shop"} 1'
    )  # noqa: E501


def test_headers_in_family_order() -> None:
    r = ResourceRenderer(RESOURCE)
    names = [h.decode().split()[2] for h in r.headers]
    assert names == [
        "kube_configmap_annotations",
        "kube_configmap_labels",
        "kube_configmap_info",
        "kube_configmap_created",
        "kube_configmap_metadata_resource_version",
    ]
    assert r.headers[1].decode().startswith("# HELP kube_configmap_labels [STABLE] ")
