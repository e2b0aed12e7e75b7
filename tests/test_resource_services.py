"""Golden test: Services as the apiserver serves them -> the exact lines upstream would write."""

from ksm_shard.generator import GenerationOptions, ResourceRenderer
from ksm_shard.resources.services import RESOURCE

LOAD_BALANCER = {
    "metadata": {
        "name": "web",
        "namespace": "shop",
        "uid": "3f2a9c1e-7b4d-4e8a-9c0f-1a2b3c4d5e6f",
        "resourceVersion": "991",
        "creationTimestamp": "2017-08-01T06:30:18Z",
        "deletionTimestamp": "2024-03-05T10:00:00Z",
        "labels": {"app.kubernetes.io/name": "web"},
        "annotations": {"service.beta.kubernetes.io/aws-load-balancer-type": "nlb"},
    },
    "spec": {
        "ports": [{"name": "http", "protocol": "TCP", "port": 80, "targetPort": 8080, "nodePort": 31080}],
        "selector": {"app.kubernetes.io/name": "web"},
        "clusterIP": "10.96.12.34",
        "clusterIPs": ["10.96.12.34"],
        "type": "LoadBalancer",
        "externalIPs": ["203.0.113.10", "203.0.113.11"],
        "loadBalancerIP": "198.51.100.7",
        "sessionAffinity": "None",
        "externalTrafficPolicy": "Local",
        "healthCheckNodePort": 32000,
        "ipFamilies": ["IPv4"],
        "ipFamilyPolicy": "SingleStack",
        "allocateLoadBalancerNodePorts": True,
        "internalTrafficPolicy": "Cluster",
    },
    "status": {
        "loadBalancer": {
            "ingress": [
                {"ip": "198.51.100.7", "ipMode": "VIP"},
                {"hostname": "web-123.elb.example.com"},
            ]
        }
    },
}

# An ExternalName Service: no cluster IP, no external IPs, empty load balancer status, no deletion.
EXTERNAL_NAME = {
    "metadata": {
        "name": "db",
        "namespace": "ops",
        "uid": "u-2",
        "resourceVersion": "17",
        "creationTimestamp": "2024-01-02T03:04:05Z",
    },
    "spec": {"type": "ExternalName", "externalName": "db.example.com", "sessionAffinity": "None"},
    "status": {"loadBalancer": {}},
}


def lines(renderer: ResourceRenderer, obj: dict) -> list[str]:
    return b"".join(renderer.render(obj)).decode().splitlines()


def test_default_families() -> None:
    i = 'namespace="shop",service="web",uid="3f2a9c1e-7b4d-4e8a-9c0f-1a2b3c4d5e6f"'
    assert lines(ResourceRenderer(RESOURCE), LOAD_BALANCER) == [
        f'kube_service_info{{{i},cluster_ip="10.96.12.34",external_name="",load_balancer_ip="198.51.100.7",'
        'external_traffic_policy="Local"} 1',
        f"kube_service_created{{{i}}} 1.501569018e+09",
        f'kube_service_spec_type{{{i},type="LoadBalancer"}} 1',
        f'kube_service_spec_external_ip{{{i},external_ip="203.0.113.10"}} 1',
        f'kube_service_spec_external_ip{{{i},external_ip="203.0.113.11"}} 1',
        f'kube_service_status_load_balancer_ingress{{{i},ip="198.51.100.7",hostname=""}} 1',
        f'kube_service_status_load_balancer_ingress{{{i},ip="",hostname="web-123.elb.example.com"}} 1',
        f"kube_service_deletion_timestamp{{{i}}} 1.7096328e+09",
    ]


def test_empty_cases() -> None:
    i = 'namespace="ops",service="db",uid="u-2"'
    assert lines(ResourceRenderer(RESOURCE), EXTERNAL_NAME) == [
        f'kube_service_info{{{i},cluster_ip="",external_name="db.example.com",load_balancer_ip="",'
        'external_traffic_policy=""} 1',
        f"kube_service_created{{{i}}} 1.704164645e+09",
        f'kube_service_spec_type{{{i},type="ExternalName"}} 1',
    ]


def test_minimal_and_odd_shapes() -> None:
    r = ResourceRenderer(RESOURCE)
    # No uid, spec or status at all: info and spec_type still carry empty labels.
    assert lines(r, {"metadata": {"name": "s", "namespace": "n"}}) == [
        'kube_service_info{namespace="n",service="s",uid="",cluster_ip="",external_name="",load_balancer_ip="",'
        'external_traffic_policy=""} 1',
        'kube_service_spec_type{namespace="n",service="s",uid="",type=""} 1',
    ]
    odd = {
        "metadata": {"name": "s", "namespace": "n", "uid": "u", "creationTimestamp": "not a time"},
        "spec": {"clusterIP": 5, "type": ["x"], "externalIPs": "1.2.3.4"},
        "status": {"loadBalancer": {"ingress": ["x", {"ip": None, "hostname": "h"}]}},
    }
    i = 'namespace="n",service="s",uid="u"'
    assert lines(r, odd) == [
        f'kube_service_info{{{i},cluster_ip="",external_name="",load_balancer_ip="",external_traffic_policy=""}} 1',
        f'kube_service_spec_type{{{i},type=""}} 1',
        f'kube_service_status_load_balancer_ingress{{{i},ip="",hostname=""}} 1',
        f'kube_service_status_load_balancer_ingress{{{i},ip="",hostname="h"}} 1',
    ]
    assert lines(r, {"metadata": {"name": "s", "namespace": "n"}, "spec": [], "status": "x"})[0].startswith(
        "kube_service_info"
    )
    assert r.errors == 0


def test_labels_and_annotations_allowlists() -> None:
    opts = GenerationOptions(
        labels_allowlist={"services": ["app.kubernetes.io/name"]},
        annotations_allowlist={"services": ["missing"]},
    )
    out = lines(ResourceRenderer(RESOURCE, opts), LOAD_BALANCER)
    i = 'namespace="shop",service="web",uid="3f2a9c1e-7b4d-4e8a-9c0f-1a2b3c4d5e6f"'
    assert out[3:5] == [
        f"kube_service_annotations{{{i}}} 1",
        f'kube_service_labels{{{i},label_app_kubernetes_io_name="web"}} 1',
    ]


def test_headers_in_family_order() -> None:
    r = ResourceRenderer(RESOURCE)
    names = [h.decode().split()[2] for h in r.headers]
    assert names == [
        "kube_service_info",
        "kube_service_created",
        "kube_service_spec_type",
        "kube_service_annotations",
        "kube_service_labels",
        "kube_service_spec_external_ip",
        "kube_service_status_load_balancer_ingress",
        "kube_service_deletion_timestamp",
    ]
    assert r.headers[0].decode().startswith("# HELP kube_service_info [STABLE] ")
    assert not r.headers[3].decode().startswith("# HELP kube_service_annotations [STABLE]")
