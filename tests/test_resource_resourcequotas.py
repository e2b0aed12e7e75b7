# ruff: noqa: E501
"""Golden test: ResourceQuotas as the apiserver serves them -> the exact lines upstream would write."""

from ksm_shard.generator import GenerationOptions, ResourceRenderer
from ksm_shard.resources.resourcequotas import RESOURCE, quantity_float

QUOTA = {
    "metadata": {
        "name": "compute",
        "namespace": "team-a",
        "uid": "5e6f7a8b-0000-4000-8000-0000000000aa",
        "resourceVersion": "55001",
        "creationTimestamp": "2024-02-01T09:15:30Z",
        "labels": {"quota-tier": "gold"},
        "annotations": {"owner": "platform"},
    },
    "spec": {
        "hard": {"count/pods": "20", "limits.memory": "16Gi", "requests.cpu": "4", "requests.memory": "8Gi"},
    },
    "status": {
        # Go's encoding/json writes map keys sorted, so this is the order the apiserver sends.
        "hard": {"count/pods": "20", "limits.memory": "16Gi", "requests.cpu": "4", "requests.memory": "8Gi"},
        "used": {"count/pods": "3", "limits.memory": "1536Mi", "requests.cpu": "750m", "requests.memory": "768Mi"},
    },
}

# Just created: the quota controller has not filled in the status yet.
NEW_QUOTA = {
    "metadata": {"name": "objects", "namespace": "team-b", "uid": "u-2", "creationTimestamp": "2024-02-01T09:15:30Z"},
    "spec": {"hard": {"configmaps": "10", "services.loadbalancers": "0"}},
}

# Status with hard limits but nothing in use yet ("used" has zeros, which are still written).
IDLE_QUOTA = {
    "metadata": {"name": "objects", "namespace": "team-b", "uid": "u-2"},
    "spec": {"hard": {"configmaps": "10", "services.loadbalancers": "0"}},
    "status": {
        "hard": {"configmaps": "10", "services.loadbalancers": "0"},
        "used": {"configmaps": "1", "services.loadbalancers": "0"},
    },
}


def lines(obj: dict, opts: GenerationOptions | None = None) -> list[str]:
    r = ResourceRenderer(RESOURCE, opts)
    out = b"".join(r.render(obj)).decode().splitlines()
    assert r.errors == 0
    return out


def test_quota_in_use() -> None:
    i = 'namespace="team-a",resourcequota="compute"'
    assert lines(QUOTA) == [
        f"kube_resourcequota_created{{{i}}} 1.70677893e+09",
        f'kube_resourcequota{{{i},resource="count/pods",type="hard"}} 20',
        f'kube_resourcequota{{{i},resource="limits.memory",type="hard"}} 1.7179869184e+10',
        f'kube_resourcequota{{{i},resource="requests.cpu",type="hard"}} 4',
        f'kube_resourcequota{{{i},resource="requests.memory",type="hard"}} 8.589934592e+09',
        f'kube_resourcequota{{{i},resource="count/pods",type="used"}} 3',
        f'kube_resourcequota{{{i},resource="limits.memory",type="used"}} 1.610612736e+09',
        f'kube_resourcequota{{{i},resource="requests.cpu",type="used"}} 0.75',
        f'kube_resourcequota{{{i},resource="requests.memory",type="used"}} 8.05306368e+08',
    ]


def test_quota_without_status() -> None:
    # spec.hard is not read: without status there are no kube_resourcequota samples.
    assert lines(NEW_QUOTA) == ['kube_resourcequota_created{namespace="team-b",resourcequota="objects"} 1.70677893e+09']


def test_idle_quota_and_no_timestamp() -> None:
    i = 'namespace="team-b",resourcequota="objects"'
    assert lines(IDLE_QUOTA) == [
        f'kube_resourcequota{{{i},resource="configmaps",type="hard"}} 10',
        f'kube_resourcequota{{{i},resource="services.loadbalancers",type="hard"}} 0',
        f'kube_resourcequota{{{i},resource="configmaps",type="used"}} 1',
        f'kube_resourcequota{{{i},resource="services.loadbalancers",type="used"}} 0',
    ]


def test_odd_values_are_skipped() -> None:
    obj = {
        "metadata": {"name": "q", "namespace": "n"},
        "status": {"hard": {"cpu": "lots", "pods": None, "memory": "1Mi"}, "used": "junk"},
    }
    assert lines(obj) == [
        'kube_resourcequota{namespace="n",resourcequota="q",resource="memory",type="hard"} 1.048576e+06'
    ]
    assert lines({"metadata": {"name": "q", "namespace": "n"}, "status": None}) == []


def test_quantity_conversion() -> None:
    # Milli precision, rounded up like Quantity.MilliValue ...
    assert quantity_float("250m") == 0.25
    assert quantity_float("1n") == 0.001
    assert quantity_float("1.5Gi") == 1610612736.0
    # ... unless MilliValue would overflow int64: then the whole-unit Value().
    assert quantity_float("10E") == 1e19
    assert quantity_float("9223372036854776") == 9223372036854776.0
    assert quantity_float("x") is None and quantity_float(None) is None and quantity_float(True) is None


def test_labels_and_annotations_allowlists() -> None:
    opts = GenerationOptions(
        labels_allowlist={"*": ["quota-tier"]}, annotations_allowlist={"resourcequotas": ["owner"]}
    )
    i = 'namespace="team-a",resourcequota="compute"'
    assert lines(QUOTA, opts)[-2:] == [
        f'kube_resourcequota_annotations{{{i},annotation_owner="platform"}} 1',
        f'kube_resourcequota_labels{{{i},label_quota_tier="gold"}} 1',
    ]
