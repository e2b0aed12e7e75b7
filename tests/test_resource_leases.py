# ruff: noqa: E501
"""Golden test: Leases as the apiserver serves them -> the exact lines upstream would write."""

from ksm_shard.generator import ResourceRenderer
from ksm_shard.resources.leases import RESOURCE

# A node heartbeat lease (owned by its Node, renewed every 10s).
NODE_LEASE = {
    "metadata": {
        "name": "worker-1",
        "namespace": "kube-node-lease",
        "uid": "4a5b6c7d-1111-2222-3333-444455556666",
        "resourceVersion": "812734",
        "creationTimestamp": "2024-05-01T08:00:00Z",
        "ownerReferences": [
            {"apiVersion": "v1", "kind": "Node", "name": "worker-1", "uid": "9f8e7d6c-aaaa-bbbb-cccc-ddddeeeeffff"}
        ],
    },
    "spec": {
        "holderIdentity": "worker-1",
        "leaseDurationSeconds": 40,
        "renewTime": "2024-06-01T10:00:05.123456Z",
    },
}

# A leader-election lease without owners.
LEADER_LEASE = {
    "metadata": {
        "name": "kube-controller-manager",
        "namespace": "kube-system",
        "uid": "u-2",
        "resourceVersion": "900001",
        "creationTimestamp": "2024-05-01T08:00:00Z",
    },
    "spec": {
        "holderIdentity": "cp-1_7d3c0a52-1a0b-4c53-9b9e-2f0d3b0c1d2e",
        "leaseDurationSeconds": 15,
        "acquireTime": "2024-05-01T08:00:10.000000Z",
        "renewTime": "2024-06-01T10:00:07.000000Z",
        "leaseTransitions": 3,
    },
}

# A freshly created lease nobody holds yet: spec is empty, so the apiserver omits every field.
EMPTY_LEASE = {"metadata": {"name": "idle", "namespace": "apps", "uid": "u-3"}, "spec": {}}


def lines(obj: dict) -> list[str]:
    r = ResourceRenderer(RESOURCE)
    out = b"".join(r.render(obj)).decode().splitlines()
    assert r.errors == 0
    return out


def test_node_lease() -> None:
    assert lines(NODE_LEASE) == [
        'kube_lease_owner{lease="worker-1",owner_kind="Node",owner_name="worker-1",namespace="kube-node-lease",lease_holder="worker-1"} 1',
        'kube_lease_renew_time{lease="worker-1",namespace="kube-node-lease"} 1.717236005e+09',
    ]


def test_leader_lease_without_owner() -> None:
    assert lines(LEADER_LEASE) == [
        'kube_lease_owner{lease="kube-controller-manager",owner_kind="",owner_name="",namespace="kube-system",lease_holder="cp-1_7d3c0a52-1a0b-4c53-9b9e-2f0d3b0c1d2e"} 1',
        'kube_lease_renew_time{lease="kube-controller-manager",namespace="kube-system"} 1.717236007e+09',
    ]


def test_empty_lease() -> None:
    # No holder -> empty lease_holder; no renewTime -> no renew_time sample.
    assert lines(EMPTY_LEASE) == [
        'kube_lease_owner{lease="idle",owner_kind="",owner_name="",namespace="apps",lease_holder=""} 1',
    ]


def test_odd_types_do_not_crash() -> None:
    obj = {
        "metadata": {"name": "odd", "namespace": "x", "ownerReferences": ["junk", {"kind": 3}]},
        "spec": {"holderIdentity": 7, "renewTime": "not a time"},
    }
    assert lines(obj) == ['kube_lease_owner{lease="odd",owner_kind="",owner_name="",namespace="x",lease_holder=""} 1']
    assert lines({"metadata": {"name": "n", "namespace": "x"}, "spec": None}) == [
        'kube_lease_owner{lease="n",owner_kind="",owner_name="",namespace="x",lease_holder=""} 1'
    ]
