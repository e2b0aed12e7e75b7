"""Golden test: Ingresses as the apiserver serves them -> the exact lines upstream would write."""

from ksm_shard.generator import GenerationOptions, ResourceRenderer
from ksm_shard.resources.ingresses import RESOURCE

INGRESS = {
    "metadata": {
        "name": "shop",
        "namespace": "web",
        "uid": "0c1d2e3f-4a5b-6c7d-8e9f-0a1b2c3d4e5f",
        "resourceVersion": "502113",
        "generation": 3,
        "creationTimestamp": "2017-08-01T06:30:18Z",
        "labels": {"app.kubernetes.io/name": "shop"},
        "annotations": {"nginx.ingress.kubernetes.io/rewrite-target": "/"},
    },
    "spec": {
        "ingressClassName": "nginx",
        "defaultBackend": {"service": {"name": "fallback", "port": {"number": 80}}},
        "tls": [
            {"hosts": ["shop.example.com", "www.shop.example.com"], "secretName": "shop-tls"},
            {"hosts": ["api.example.com"]},  # no secretName: SNI-less default certificate
        ],
        "rules": [
            {
                "host": "shop.example.com",
                "http": {
                    "paths": [
                        {
                            "path": "/",
                            "pathType": "Prefix",
                            "backend": {"service": {"name": "frontend", "port": {"number": 8080}}},
                        },
                        {
                            "path": "/api",
                            "pathType": "ImplementationSpecific",
                            "backend": {"service": {"name": "api", "port": {"name": "http"}}},
                        },
                        {
                            "path": "/static",
                            "pathType": "Exact",
                            "backend": {
                                "resource": {"apiGroup": "k8s.example.com", "kind": "StorageBucket", "name": "assets"}
                            },
                        },
                    ]
                },
            },
            {"host": "nohttp.example.com"},  # a rule without http is skipped
            {
                "http": {
                    "paths": [
                        {
                            "path": "/icons",
                            "pathType": "Prefix",
                            "backend": {"resource": {"kind": "ConfigMap", "name": "icons"}},  # core group: no apiGroup
                        }
                    ]
                }
            },
        ],
    },
    "status": {"loadBalancer": {"ingress": [{"ip": "198.51.100.7"}]}},
}


def lines(renderer: ResourceRenderer, obj: dict) -> list[str]:
    return b"".join(renderer.render(obj)).decode().splitlines()


def test_default_families() -> None:
    i = 'namespace="web",ingress="shop"'
    p = "kube_ingress_path"
    h = 'host="shop.example.com"'
    assert lines(ResourceRenderer(RESOURCE), INGRESS) == [
        f'kube_ingress_info{{{i},ingressclass="nginx"}} 1',
        f"kube_ingress_created{{{i}}} 1.501569018e+09",
        f"kube_ingress_metadata_resource_version{{{i}}} 502113",
        f'{p}{{{i},{h},path="/",path_type="Prefix",service_name="frontend",service_port="8080"}} 1',
        f'{p}{{{i},{h},path="/api",path_type="ImplementationSpecific",service_name="api",service_port="0"}} 1',
        f'{p}{{{i},{h},path="/static",path_type="Exact",resource_api_group="k8s.example.com",'
        'resource_kind="StorageBucket",resource_name="assets"} 1',
        f'{p}{{{i},host="",path="/icons",path_type="Prefix",resource_api_group="",resource_kind="ConfigMap",'
        'resource_name="icons"} 1',
        f'kube_ingress_tls{{{i},tls_host="shop.example.com",secret="shop-tls"}} 1',
        f'kube_ingress_tls{{{i},tls_host="www.shop.example.com",secret="shop-tls"}} 1',
        f'kube_ingress_tls{{{i},tls_host="api.example.com",secret=""}} 1',
    ]


def test_empty_cases() -> None:
    # Only a default backend: no rules, no TLS, no class; resourceVersion not numeric.
    obj = {
        "metadata": {"name": "catchall", "namespace": "ops", "resourceVersion": "x1"},
        "spec": {"defaultBackend": {"service": {"name": "fallback", "port": {"number": 80}}}},
        "status": {"loadBalancer": {}},
    }
    assert lines(ResourceRenderer(RESOURCE), obj) == [
        'kube_ingress_info{namespace="ops",ingress="catchall",ingressclass="_default"} 1'
    ]


def test_ingress_class_sources() -> None:
    r = ResourceRenderer(RESOURCE)

    def cls(metadata: dict, spec: dict) -> str:
        out = lines(r, {"metadata": {"name": "i", "namespace": "n", **metadata}, "spec": spec})
        return out[0]

    prefix = 'kube_ingress_info{namespace="n",ingress="i",ingressclass='
    legacy = {"annotations": {"kubernetes.io/ingress.class": "traefik"}}
    assert cls(legacy, {"ingressClassName": "nginx"}) == prefix + '"traefik"} 1'  # the annotation wins
    assert cls(legacy, {}) == prefix + '"traefik"} 1'
    assert cls({"annotations": {"kubernetes.io/ingress.class": ""}}, {"ingressClassName": "nginx"}) == prefix + '""} 1'
    assert cls({"annotations": {"other": "x"}}, {"ingressClassName": "nginx"}) == prefix + '"nginx"} 1'
    assert cls({}, {"ingressClassName": None}) == prefix + '"_default"} 1'
    assert cls({}, {"ingressClassName": ""}) == prefix + '""} 1'


def test_odd_shapes_do_not_crash() -> None:
    r = ResourceRenderer(RESOURCE)
    obj = {
        "metadata": {"name": "odd", "namespace": "n", "annotations": {"kubernetes.io/ingress.class": 3}},
        "spec": {
            "rules": [
                "x",
                {"http": None},
                {"http": {}},
                {"http": {"paths": "x"}},
                {
                    "host": 5,
                    "http": {
                        "paths": [
                            "p",
                            {"path": "/none"},  # no backend at all: skipped (upstream would crash)
                            {"path": "/empty", "backend": {}},
                            {"path": "/svc", "pathType": 1, "backend": {"service": {"port": {"number": "80"}}}},
                            {"path": "/res", "backend": {"service": None, "resource": {"apiGroup": None}}},
                        ]
                    },
                },
            ],
            "tls": ["x", {"hosts": "h"}, {"hosts": [None], "secretName": ["s"]}],
        },
    }
    i = 'namespace="n",ingress="odd"'
    assert lines(r, obj) == [
        f'kube_ingress_info{{{i},ingressclass=""}} 1',
        f'kube_ingress_path{{{i},host="",path="/svc",path_type="",service_name="",service_port="0"}} 1',
        f'kube_ingress_path{{{i},host="",path="/res",path_type="",resource_api_group="",resource_kind="",'
        'resource_name=""} 1',
        f'kube_ingress_tls{{{i},tls_host="",secret=""}} 1',
    ]
    assert lines(r, {"metadata": {"name": "s", "namespace": "n"}, "spec": []}) == [
        'kube_ingress_info{namespace="n",ingress="s",ingressclass="_default"} 1'
    ]
    assert r.errors == 0


def test_labels_and_annotations_allowlists() -> None:
    opts = GenerationOptions(
        labels_allowlist={"ingresses": ["app.kubernetes.io/name"]},
        annotations_allowlist={"ingresses": ["nginx.ingress.kubernetes.io/*"]},
    )
    out = lines(ResourceRenderer(RESOURCE, opts), INGRESS)
    i = 'namespace="web",ingress="shop"'
    assert out[1:3] == [
        f'kube_ingress_annotations{{{i},annotation_nginx_ingress_kubernetes_io_rewrite_target="/"}} 1',
        f'kube_ingress_labels{{{i},label_app_kubernetes_io_name="shop"}} 1',
    ]


def test_headers_in_family_order() -> None:
    r = ResourceRenderer(RESOURCE)
    names = [h.decode().split()[2] for h in r.headers]
    assert names == [
        "kube_ingress_info",
        "kube_ingress_annotations",
        "kube_ingress_labels",
        "kube_ingress_created",
        "kube_ingress_metadata_resource_version",
        "kube_ingress_path",
        "kube_ingress_tls",
    ]
    assert r.headers[5].decode().startswith("# HELP kube_ingress_path [STABLE] ")
    assert not r.headers[4].decode().startswith("# HELP kube_ingress_metadata_resource_version [STABLE]")
