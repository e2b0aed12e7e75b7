# ruff: noqa: E501
"""Golden test: LimitRanges as the apiserver serves them -> the exact lines upstream would write."""

from ksm_shard.generator import ResourceRenderer
from ksm_shard.resources.limitranges import RESOURCE

LIMITS = {
    "metadata": {
        "name": "defaults",
        "namespace": "team-a",
        "uid": "7b8c9d0e-0000-4000-8000-0000000000bb",
        "resourceVersion": "4410",
        "creationTimestamp": "2024-02-01T09:15:30Z",
    },
    "spec": {
        "limits": [
            {
                "type": "Container",
                # The apiserver writes the keys of each map sorted; the maps appear in the struct's field order.
                "max": {"cpu": "2", "memory": "1Gi"},
                "min": {"cpu": "10m", "memory": "4Mi"},
                "default": {"cpu": "500m", "memory": "256Mi"},
                "defaultRequest": {"cpu": "100m", "memory": "128Mi"},
                "maxLimitRequestRatio": {"cpu": "10"},
            },
            {"type": "Pod", "max": {"cpu": "4", "memory": "2Gi"}},
            {"type": "PersistentVolumeClaim", "max": {"storage": "50Gi"}, "min": {"storage": "1Gi"}},
        ]
    },
}


def lines(obj: dict) -> list[str]:
    r = ResourceRenderer(RESOURCE)
    out = b"".join(r.render(obj)).decode().splitlines()
    assert r.errors == 0
    return out


def test_limit_range() -> None:
    i = 'namespace="team-a",limitrange="defaults"'
    assert lines(LIMITS) == [
        # Per entry: min, max, default, defaultRequest, maxLimitRequestRatio (not the JSON field order).
        f'kube_limitrange{{{i},resource="cpu",type="Container",constraint="min"}} 0.01',
        f'kube_limitrange{{{i},resource="memory",type="Container",constraint="min"}} 4.194304e+06',
        f'kube_limitrange{{{i},resource="cpu",type="Container",constraint="max"}} 2',
        f'kube_limitrange{{{i},resource="memory",type="Container",constraint="max"}} 1.073741824e+09',
        f'kube_limitrange{{{i},resource="cpu",type="Container",constraint="default"}} 0.5',
        f'kube_limitrange{{{i},resource="memory",type="Container",constraint="default"}} 2.68435456e+08',
        f'kube_limitrange{{{i},resource="cpu",type="Container",constraint="defaultRequest"}} 0.1',
        f'kube_limitrange{{{i},resource="memory",type="Container",constraint="defaultRequest"}} 1.34217728e+08',
        f'kube_limitrange{{{i},resource="cpu",type="Container",constraint="maxLimitRequestRatio"}} 10',
        f'kube_limitrange{{{i},resource="cpu",type="Pod",constraint="max"}} 4',
        f'kube_limitrange{{{i},resource="memory",type="Pod",constraint="max"}} 2.147483648e+09',
        f'kube_limitrange{{{i},resource="storage",type="PersistentVolumeClaim",constraint="min"}} 1.073741824e+09',
        f'kube_limitrange{{{i},resource="storage",type="PersistentVolumeClaim",constraint="max"}} 5.36870912e+10',
        f"kube_limitrange_created{{{i}}} 1.70677893e+09",
    ]


def test_empty_limit_range() -> None:
    # No limits (the apiserver omits the empty list) and no creation timestamp: nothing at all.
    assert lines({"metadata": {"name": "empty", "namespace": "n"}, "spec": {}}) == []
    # An entry whose maps are all empty yields nothing either.
    assert lines({"metadata": {"name": "e", "namespace": "n"}, "spec": {"limits": [{"type": "Container"}]}}) == []


def test_odd_shapes() -> None:
    obj = {
        "metadata": {"name": "odd", "namespace": "n"},
        "spec": {"limits": ["junk", {"type": 5, "max": {"cpu": "x", "memory": "1Ki"}, "min": ["cpu"]}]},
    }
    assert lines(obj) == [
        'kube_limitrange{namespace="n",limitrange="odd",resource="memory",type="",constraint="max"} 1024'
    ]
    assert lines({"metadata": {"name": "odd", "namespace": "n"}, "spec": None}) == []
