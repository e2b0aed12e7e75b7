"""Golden test: EndpointSlices as the apiserver serves them -> the exact lines upstream would write."""

from ksm_shard.generator import GenerationOptions, ResourceRenderer
from ksm_shard.resources.endpointslices import RESOURCE

SLICE = {
    "kind": "EndpointSlice",
    "apiVersion": "discovery.k8s.io/v1",
    "metadata": {
        "name": "web-7xk2p",
        "generateName": "web-",
        "namespace": "shop",
        "uid": "8a7b6c5d-4e3f-2a1b-0c9d-8e7f6a5b4c3d",
        "resourceVersion": "77120",
        "creationTimestamp": "2017-08-01T06:30:18Z",
        "labels": {"kubernetes.io/service-name": "web", "endpointslice.kubernetes.io/managed-by": "x"},
        "annotations": {"endpoints.kubernetes.io/last-change-trigger-time": "2024-03-05T09:59:00Z"},
        "ownerReferences": [{"apiVersion": "v1", "kind": "Service", "name": "web", "uid": "s", "controller": True}],
    },
    "addressType": "IPv4",
    "endpoints": [
        {
            "addresses": ["10.244.1.5"],
            "conditions": {"ready": True, "serving": True, "terminating": False},
            "targetRef": {"kind": "Pod", "namespace": "shop", "name": "web-1", "uid": "p1"},
            "nodeName": "node-a",
            "zone": "eu-west-1a",
            "hints": {"forZones": [{"name": "eu-west-1a"}, {"name": "eu-west-1b"}]},
        },
        {
            "addresses": ["10.244.2.7", "10.244.2.8"],
            "conditions": {"ready": False, "serving": True, "terminating": True},
            "hostname": "web-2",
            "targetRef": {"kind": "Pod", "namespace": "shop", "name": "web-2", "uid": "p2"},
            "nodeName": "node-b",
            "zone": "eu-west-1b",
        },
        # A manually managed endpoint: no conditions at all, no target, no location.
        {"addresses": ["10.0.0.9"], "conditions": {}},
    ],
    "ports": [
        {"name": "http", "protocol": "TCP", "port": 8080},
        {"name": "", "protocol": "UDP", "port": 53},
    ],
}


def lines(renderer: ResourceRenderer, obj: dict) -> list[str]:
    return b"".join(renderer.render(obj)).decode().splitlines()


def test_default_families() -> None:
    i = 'endpointslice="web-7xk2p",namespace="shop"'
    e = "kube_endpointslice_endpoints"
    assert lines(ResourceRenderer(RESOURCE), SLICE) == [
        f'kube_endpointslice_info{{{i},addresstype="IPv4"}} 1',
        f"kube_endpointslice_created{{{i}}} 1.501569018e+09",
        f'kube_endpointslice_endpoints_hints{{{i},address="10.244.1.5",for_zone="eu-west-1a"}} 1',
        f'kube_endpointslice_endpoints_hints{{{i},address="10.244.1.5",for_zone="eu-west-1b"}} 1',
        f'{e}{{{i},ready="true",serving="true",hostname="",terminating="false",targetref_kind="Pod",'
        'targetref_name="web-1",targetref_namespace="shop",endpoint_nodename="node-a",endpoint_zone="eu-west-1a",'
        'address="10.244.1.5"} 1',
        f'{e}{{{i},ready="false",serving="true",hostname="web-2",terminating="true",targetref_kind="Pod",'
        'targetref_name="web-2",targetref_namespace="shop",endpoint_nodename="node-b",endpoint_zone="eu-west-1b",'
        'address="10.244.2.7"} 1',
        f'{e}{{{i},ready="false",serving="true",hostname="web-2",terminating="true",targetref_kind="Pod",'
        'targetref_name="web-2",targetref_namespace="shop",endpoint_nodename="node-b",endpoint_zone="eu-west-1b",'
        'address="10.244.2.8"} 1',
        f'{e}{{{i},ready="",serving="",hostname="",terminating="",targetref_kind="",targetref_name="",'
        'targetref_namespace="",endpoint_nodename="",endpoint_zone="",address="10.0.0.9"} 1',
        f'kube_endpointslice_ports{{{i},port_name="http",port_protocol="TCP",port_number="8080"}} 1',
        f'kube_endpointslice_ports{{{i},port_name="",port_protocol="UDP",port_number="53"}} 1',
    ]


def test_empty_cases() -> None:
    # A slice for a Service with no endpoints yet; "endpoints" is served as null, ports omitted.
    obj = {
        "metadata": {"name": "idle-abcde", "namespace": "ops", "resourceVersion": "5"},
        "addressType": "IPv6",
        "endpoints": None,
    }
    assert lines(ResourceRenderer(RESOURCE), obj) == [
        'kube_endpointslice_info{endpointslice="idle-abcde",namespace="ops",addresstype="IPv6"} 1'
    ]


def test_hints_need_zones_and_an_address_and_ports_may_be_partial() -> None:
    obj = {
        "metadata": {"name": "s", "namespace": "n"},
        "addressType": "FQDN",
        "endpoints": [
            {"addresses": [], "hints": {"forZones": [{"name": "z1"}]}},  # no address: no hint, no endpoint sample
            {"addresses": ["a.example.com"], "hints": {"forZones": []}},
            {"addresses": ["b.example.com"], "hints": {}, "conditions": {"serving": False}},
        ],
        "ports": [{"name": "dns"}, {}],  # port number (and even name/protocol) unset: empty labels
    }
    i = 'endpointslice="s",namespace="n"'
    e = "kube_endpointslice_endpoints"
    assert lines(ResourceRenderer(RESOURCE), obj) == [
        f'kube_endpointslice_info{{{i},addresstype="FQDN"}} 1',
        f'{e}{{{i},ready="",serving="",hostname="",terminating="",targetref_kind="",targetref_name="",'
        'targetref_namespace="",endpoint_nodename="",endpoint_zone="",address="a.example.com"} 1',
        f'{e}{{{i},ready="",serving="false",hostname="",terminating="",targetref_kind="",targetref_name="",'
        'targetref_namespace="",endpoint_nodename="",endpoint_zone="",address="b.example.com"} 1',
        f'kube_endpointslice_ports{{{i},port_name="dns",port_protocol="",port_number=""}} 1',
        f'kube_endpointslice_ports{{{i},port_name="",port_protocol="",port_number=""}} 1',
    ]


def test_odd_shapes_do_not_crash() -> None:
    r = ResourceRenderer(RESOURCE)
    obj = {
        "metadata": {"name": "odd", "namespace": "n"},
        "addressType": 4,
        "endpoints": [
            "x",
            {"addresses": "1.2.3.4"},
            {
                "addresses": [5],
                "conditions": {"ready": "true"},
                "targetRef": "Pod/x",
                "hints": {"forZones": ["z", {"name": None}]},
            },
        ],
        "ports": ["x", {"port": True, "name": 1}],
    }
    i = 'endpointslice="odd",namespace="n"'
    assert lines(r, obj) == [
        f'kube_endpointslice_info{{{i},addresstype=""}} 1',
        f'kube_endpointslice_endpoints_hints{{{i},address="",for_zone=""}} 1',
        f'kube_endpointslice_endpoints_hints{{{i},address="",for_zone=""}} 1',
        f'kube_endpointslice_endpoints{{{i},ready="",serving="",hostname="",terminating="",targetref_kind="",'
        'targetref_name="",targetref_namespace="",endpoint_nodename="",endpoint_zone="",address=""} 1',
        f'kube_endpointslice_ports{{{i},port_name="",port_protocol="",port_number=""}} 1',
        f'kube_endpointslice_ports{{{i},port_name="",port_protocol="",port_number=""}} 1',
    ]
    assert r.errors == 0


def test_labels_and_annotations_allowlists() -> None:
    opts = GenerationOptions(
        labels_allowlist={"endpointslices": ["kubernetes.io/*"]},
        annotations_allowlist={"endpointslices": ["endpoints.kubernetes.io/last-change-trigger-time"]},
    )
    out = lines(ResourceRenderer(RESOURCE, opts), SLICE)
    i = 'endpointslice="web-7xk2p",namespace="shop"'
    assert out[-2:] == [
        f"kube_endpointslice_annotations{{{i},annotation_endpoints_kubernetes_io_last_change_trigger_time="
        '"2024-03-05T09:59:00Z"} 1',
        f'kube_endpointslice_labels{{{i},label_kubernetes_io_service_name="web"}} 1',
    ]


def test_headers_in_family_order() -> None:
    r = ResourceRenderer(RESOURCE)
    names = [h.decode().split()[2] for h in r.headers]
    assert names == [
        "kube_endpointslice_info",
        "kube_endpointslice_created",
        "kube_endpointslice_endpoints_hints",
        "kube_endpointslice_endpoints",
        "kube_endpointslice_ports",
        "kube_endpointslice_annotations",
        "kube_endpointslice_labels",
    ]
    assert all("[STABLE]" not in h.decode() for h in r.headers)
