"""Golden test: IngressClasses as the apiserver serves them -> the exact lines upstream would write."""

from ksm_shard.generator import GenerationOptions, ResourceRenderer
from ksm_shard.resources.ingressclasses import RESOURCE

INGRESS_CLASS = {
    "apiVersion": "networking.k8s.io/v1",
    "kind": "IngressClass",
    "metadata": {
        "name": "nginx",
        "uid": "9e8d7c6b-5a4f-3e2d-1c0b-a9f8e7d6c5b4",
        "resourceVersion": "1201",
        "creationTimestamp": "2017-08-01T06:30:18Z",
        "labels": {"app.kubernetes.io/component": "controller"},
        "annotations": {"ingressclass.kubernetes.io/is-default-class": "true"},
    },
    "spec": {
        "controller": "k8s.io/ingress-nginx",
        "parameters": {"apiGroup": "k8s.example.com", "kind": "IngressParameters", "name": "external-lb"},
    },
}


def lines(renderer: ResourceRenderer, obj: dict) -> list[str]:
    return b"".join(renderer.render(obj)).decode().splitlines()


def test_default_families() -> None:
    assert lines(ResourceRenderer(RESOURCE), INGRESS_CLASS) == [
        'kube_ingressclass_info{ingressclass="nginx",controller="k8s.io/ingress-nginx"} 1',
        'kube_ingressclass_created{ingressclass="nginx"} 1.501569018e+09',
    ]


def test_empty_cases() -> None:
    r = ResourceRenderer(RESOURCE)
    # No spec (controller unset) and no creation timestamp: info with an empty controller, nothing else.
    assert lines(r, {"metadata": {"name": "bare"}}) == ['kube_ingressclass_info{ingressclass="bare",controller=""} 1']
    assert lines(r, {"metadata": {"name": "odd"}, "spec": {"controller": ["x"]}}) == [
        'kube_ingressclass_info{ingressclass="odd",controller=""} 1'
    ]
    assert lines(r, {"metadata": {"name": "odd"}, "spec": "x"})[0].startswith("kube_ingressclass_info")
    assert r.errors == 0


def test_labels_and_annotations_allowlists() -> None:
    opts = GenerationOptions(
        labels_allowlist={"ingressclasses": ["app.kubernetes.io/component"]},
        annotations_allowlist={"ingressclasses": ["ingressclass.kubernetes.io/is-default-class"]},
    )
    assert lines(ResourceRenderer(RESOURCE, opts), INGRESS_CLASS)[2:] == [
        'kube_ingressclass_annotations{ingressclass="nginx",annotation_ingressclass_kubernetes_io_is_default_class='
        '"true"} 1',
        'kube_ingressclass_labels{ingressclass="nginx",label_app_kubernetes_io_component="controller"} 1',
    ]


def test_headers_in_family_order() -> None:
    r = ResourceRenderer(RESOURCE)
    names = [h.decode().split()[2] for h in r.headers]
    assert names == [
        "kube_ingressclass_info",
        "kube_ingressclass_created",
        "kube_ingressclass_annotations",
        "kube_ingressclass_labels",
    ]
    assert all("[STABLE]" not in h.decode() for h in r.headers)
