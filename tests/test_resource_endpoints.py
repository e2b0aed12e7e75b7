"""Golden test: Endpoints objects as the apiserver serves them -> the exact lines upstream would write."""

from ksm_shard.generator import GenerationOptions, ResourceRenderer
from ksm_shard.resources.endpoints import RESOURCE

ENDPOINTS = {
    "metadata": {
        "name": "web",
        "namespace": "shop",
        "uid": "5d1c7a9e-0f2b-4c3d-8e9f-a0b1c2d3e4f5",
        "resourceVersion": "4411",
        "creationTimestamp": "2017-08-01T06:30:18Z",
        "labels": {"app.kubernetes.io/name": "web", "endpointslice.kubernetes.io/skip-mirror": "true"},
        "annotations": {"endpoints.kubernetes.io/last-change-trigger-time": "2024-03-05T09:59:00Z"},
    },
    "subsets": [
        {
            "addresses": [
                {"ip": "10.244.1.5", "nodeName": "node-a", "targetRef": {"kind": "Pod", "name": "web-1"}},
                {"ip": "10.244.2.7", "nodeName": "node-b", "targetRef": {"kind": "Pod", "name": "web-2"}},
            ],
            "notReadyAddresses": [{"ip": "10.244.3.9", "nodeName": "node-c"}],
            "ports": [
                {"name": "http", "port": 8080, "protocol": "TCP"},
                {"name": "metrics", "port": 9090, "protocol": "TCP", "appProtocol": "http"},
            ],
        },
        # A headless-style subset with one unnamed UDP port and only not-ready addresses.
        {"notReadyAddresses": [{"ip": "10.244.4.1"}], "ports": [{"port": 53, "protocol": "UDP"}]},
        # Addresses but no ports: nothing for either port family.
        {"addresses": [{"ip": "10.244.5.5"}]},
    ],
}


def lines(renderer: ResourceRenderer, obj: dict) -> list[str]:
    return b"".join(renderer.render(obj)).decode().splitlines()


def test_default_families() -> None:
    i = 'namespace="shop",endpoint="web"'
    a = "kube_endpoint_address"
    assert lines(ResourceRenderer(RESOURCE), ENDPOINTS) == [
        f"kube_endpoint_info{{{i}}} 1",
        f"kube_endpoint_created{{{i}}} 1.501569018e+09",
        f'{a}{{{i},port_protocol="TCP",port_number="8080",port_name="http",ip="10.244.1.5",ready="true"}} 1',
        f'{a}{{{i},port_protocol="TCP",port_number="8080",port_name="http",ip="10.244.2.7",ready="true"}} 1',
        f'{a}{{{i},port_protocol="TCP",port_number="8080",port_name="http",ip="10.244.3.9",ready="false"}} 1',
        f'{a}{{{i},port_protocol="TCP",port_number="9090",port_name="metrics",ip="10.244.1.5",ready="true"}} 1',
        f'{a}{{{i},port_protocol="TCP",port_number="9090",port_name="metrics",ip="10.244.2.7",ready="true"}} 1',
        f'{a}{{{i},port_protocol="TCP",port_number="9090",port_name="metrics",ip="10.244.3.9",ready="false"}} 1',
        f'{a}{{{i},port_protocol="UDP",port_number="53",port_name="",ip="10.244.4.1",ready="false"}} 1',
        f'kube_endpoint_ports{{{i},port_name="http",port_protocol="TCP",port_number="8080"}} 1',
        f'kube_endpoint_ports{{{i},port_name="metrics",port_protocol="TCP",port_number="9090"}} 1',
        f'kube_endpoint_ports{{{i},port_name="",port_protocol="UDP",port_number="53"}} 1',
    ]


def test_empty_cases() -> None:
    # A Service without ready pods: the Endpoints object has no subsets and omits the field.
    obj = {"metadata": {"name": "idle", "namespace": "ops", "resourceVersion": "3"}}
    assert lines(ResourceRenderer(RESOURCE), obj) == ['kube_endpoint_info{namespace="ops",endpoint="idle"} 1']


def test_odd_shapes_do_not_crash() -> None:
    r = ResourceRenderer(RESOURCE)
    obj = {
        "metadata": {"name": "odd", "namespace": "n"},
        "subsets": [
            "x",
            {"ports": "80"},
            {"addresses": ["x", {"ip": 7}], "ports": [{"port": "80", "protocol": None}, "y"]},
        ],
    }
    i = 'namespace="n",endpoint="odd"'
    a = "kube_endpoint_address"
    assert lines(r, obj) == [
        f"kube_endpoint_info{{{i}}} 1",
        f'{a}{{{i},port_protocol="",port_number="0",port_name="",ip="",ready="true"}} 1',
        f'{a}{{{i},port_protocol="",port_number="0",port_name="",ip="",ready="true"}} 1',
        f'{a}{{{i},port_protocol="",port_number="0",port_name="",ip="",ready="true"}} 1',
        f'{a}{{{i},port_protocol="",port_number="0",port_name="",ip="",ready="true"}} 1',
        f'kube_endpoint_ports{{{i},port_name="",port_protocol="",port_number="0"}} 1',
        f'kube_endpoint_ports{{{i},port_name="",port_protocol="",port_number="0"}} 1',
    ]
    assert lines(r, {"metadata": {"name": "s", "namespace": "n"}, "subsets": {"a": 1}}) == [
        'kube_endpoint_info{namespace="n",endpoint="s"} 1'
    ]
    assert r.errors == 0


def test_labels_and_annotations_allowlists() -> None:
    opts = GenerationOptions(labels_allowlist={"endpoints": ["*"]}, annotations_allowlist={"*": ["missing"]})
    out = lines(ResourceRenderer(RESOURCE, opts), ENDPOINTS)
    i = 'namespace="shop",endpoint="web"'
    assert out[2:4] == [
        f"kube_endpoint_annotations{{{i}}} 1",
        f'kube_endpoint_labels{{{i},label_app_kubernetes_io_name="web",'
        'label_endpointslice_kubernetes_io_skip_mirror="true"} 1',
    ]


def test_headers_in_family_order() -> None:
    r = ResourceRenderer(RESOURCE)
    names = [h.decode().split()[2] for h in r.headers]
    assert names == [
        "kube_endpoint_info",
        "kube_endpoint_created",
        "kube_endpoint_annotations",
        "kube_endpoint_labels",
        "kube_endpoint_address",
        "kube_endpoint_ports",
    ]
    assert r.headers[0].decode().startswith("# HELP kube_endpoint_info [STABLE] ")
    assert r.headers[5].decode().startswith("# HELP kube_endpoint_ports [STABLE] (Deprecated since v2.14.0) ")
