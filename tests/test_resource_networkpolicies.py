"""Golden test: NetworkPolicies as the apiserver serves them -> the exact lines upstream would write."""

from ksm_shard.generator import GenerationOptions, ResourceRenderer
from ksm_shard.resources.networkpolicies import RESOURCE

POLICY = {
    "apiVersion": "networking.k8s.io/v1",
    "kind": "NetworkPolicy",
    "metadata": {
        "name": "allow-frontend",
        "namespace": "shop",
        "uid": "1a2b3c4d-5e6f-7a8b-9c0d-e1f2a3b4c5d6",
        "resourceVersion": "66001",
        "generation": 2,
        "creationTimestamp": "2017-08-01T06:30:18Z",
        "labels": {"team": "payments"},
        "annotations": {"policy.example.com/reviewed": "2024-02"},
    },
    "spec": {
        "podSelector": {"matchLabels": {"app": "api"}},
        "ingress": [
            {
                "from": [{"podSelector": {"matchLabels": {"app": "frontend"}}}],
                "ports": [{"protocol": "TCP", "port": 8080}],
            },
            {"from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}]},
        ],
        "egress": [{"to": [{"ipBlock": {"cidr": "10.0.0.0/8", "except": ["10.1.0.0/16"]}}]}],
        "policyTypes": ["Ingress", "Egress"],
    },
}


def lines(renderer: ResourceRenderer, obj: dict) -> list[str]:
    return b"".join(renderer.render(obj)).decode().splitlines()


def test_default_families() -> None:
    i = 'namespace="shop",networkpolicy="allow-frontend"'
    assert lines(ResourceRenderer(RESOURCE), POLICY) == [
        f"kube_networkpolicy_created{{{i}}} 1.501569018e+09",
        f"kube_networkpolicy_spec_ingress_rules{{{i}}} 2",
        f"kube_networkpolicy_spec_egress_rules{{{i}}} 1",
    ]


def test_empty_cases() -> None:
    # Deny-all policy: empty podSelector, no rules (omitted). Without a creation timestamp, upstream still writes
    # kube_networkpolicy_created with Go's zero time.
    obj = {
        "metadata": {"name": "deny-all", "namespace": "ops"},
        "spec": {"podSelector": {}, "policyTypes": ["Ingress"]},
    }
    i = 'namespace="ops",networkpolicy="deny-all"'
    assert lines(ResourceRenderer(RESOURCE), obj) == [
        f"kube_networkpolicy_created{{{i}}} -6.21355968e+10",
        f"kube_networkpolicy_spec_ingress_rules{{{i}}} 0",
        f"kube_networkpolicy_spec_egress_rules{{{i}}} 0",
    ]


def test_odd_shapes_do_not_crash() -> None:
    r = ResourceRenderer(RESOURCE)
    i = 'namespace="n",networkpolicy="odd"'
    for spec in ({"ingress": "x", "egress": {"a": 1}}, None, "x"):
        obj = {"metadata": {"name": "odd", "namespace": "n", "creationTimestamp": None}, "spec": spec}
        assert lines(r, obj) == [
            f"kube_networkpolicy_created{{{i}}} -6.21355968e+10",
            f"kube_networkpolicy_spec_ingress_rules{{{i}}} 0",
            f"kube_networkpolicy_spec_egress_rules{{{i}}} 0",
        ]
    assert r.errors == 0


def test_labels_and_annotations_allowlists() -> None:
    opts = GenerationOptions(labels_allowlist={"networkpolicies": ["team"]}, annotations_allowlist={"*": ["*"]})
    out = lines(ResourceRenderer(RESOURCE, opts), POLICY)
    i = 'namespace="shop",networkpolicy="allow-frontend"'
    assert out[1:3] == [
        f'kube_networkpolicy_annotations{{{i},annotation_policy_example_com_reviewed="2024-02"}} 1',
        f'kube_networkpolicy_labels{{{i},label_team="payments"}} 1',
    ]


def test_headers_in_family_order() -> None:
    r = ResourceRenderer(RESOURCE)
    names = [h.decode().split()[2] for h in r.headers]
    assert names == [
        "kube_networkpolicy_created",
        "kube_networkpolicy_annotations",
        "kube_networkpolicy_labels",
        "kube_networkpolicy_spec_ingress_rules",
        "kube_networkpolicy_spec_egress_rules",
    ]
    assert all("[STABLE]" not in h.decode() for h in r.headers)
