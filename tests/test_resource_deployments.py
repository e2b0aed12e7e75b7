"""Golden test: Deployments as the apiserver serves them -> the exact lines upstream would write."""

import pytest

from ksm_shard.generator import GenerationOptions, ResourceRenderer
from ksm_shard.resources.deployments import RESOURCE, scaled_int_or_percent

DEPLOYMENT = {
    "metadata": {
        "name": "web",
        "namespace": "shop",
        "uid": "0b7d4a52-5a7e-4c0a-9d3e-1f2a3b4c5d6e",
        "resourceVersion": "884211",
        "generation": 7,
        "creationTimestamp": "2017-08-01T06:30:18Z",
        "deletionTimestamp": "2024-03-05T10:00:00Z",
        "deletionGracePeriodSeconds": 0,
        "labels": {"app.kubernetes.io/name": "web", "tier": "frontend"},
        "annotations": {"deployment.kubernetes.io/revision": "4"},
    },
    "spec": {
        "replicas": 10,
        "selector": {"matchLabels": {"app.kubernetes.io/name": "web"}},
        "template": {
            "metadata": {"labels": {"app.kubernetes.io/name": "web"}},
            "spec": {"containers": [{"name": "web", "image": "nginx:1.25", "resources": {}}]},
        },
        "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}},
        "revisionHistoryLimit": 10,
        "progressDeadlineSeconds": 600,
    },
    "status": {
        "observedGeneration": 6,
        "replicas": 11,
        "updatedReplicas": 4,
        "readyReplicas": 9,
        "availableReplicas": 8,
        "unavailableReplicas": 3,
        "terminatingReplicas": 1,
        "conditions": [
            {
                "type": "Available",
                "status": "True",
                "lastUpdateTime": "2024-03-01T09:00:00Z",
                "lastTransitionTime": "2024-03-01T09:00:00Z",
                "reason": "MinimumReplicasAvailable",
                "message": "Deployment has minimum availability.",
            },
            {
                "type": "Progressing",
                "status": "Unknown",
                "lastUpdateTime": "2024-03-05T09:59:00Z",
                "lastTransitionTime": "2024-03-01T08:59:00Z",
                "reason": "ReplicaSetUpdated",
                "message": 'ReplicaSet "web-5d8f7c9b6" is progressing.',
            },
            {
                "type": "ReplicaFailure",
                "status": "False",
                "lastUpdateTime": "2024-03-05T09:59:00Z",
                "lastTransitionTime": "2024-03-05T09:59:00Z",
                "reason": "FailedCreate",
                "message": 'pods "web-5d8f7c9b6-x" is forbidden: exceeded quota',
            },
        ],
    },
}

# A freshly created Recreate-strategy Deployment the controller has not seen yet: replicas unset, no status.
MINIMAL = {
    "metadata": {"name": "batch", "namespace": "ops", "uid": "u-2", "resourceVersion": "12"},
    "spec": {
        "selector": {"matchLabels": {"app": "batch"}},
        "template": {"metadata": {"labels": {"app": "batch"}}, "spec": {"containers": [{"name": "c", "image": "x"}]}},
        "strategy": {"type": "Recreate"},
    },
    "status": {},
}


def lines(renderer: ResourceRenderer, obj: dict) -> list[str]:
    return b"".join(renderer.render(obj)).decode().splitlines()


def test_default_families() -> None:
    i = 'namespace="shop",deployment="web"'
    c = "kube_deployment_status_condition"
    assert lines(ResourceRenderer(RESOURCE), DEPLOYMENT) == [
        f'kube_deployment_owner{{{i},owner_kind="",owner_name=""}} 1',
        f"kube_deployment_created{{{i}}} 1.501569018e+09",
        f"kube_deployment_status_replicas{{{i}}} 11",
        f"kube_deployment_status_replicas_ready{{{i}}} 9",
        f"kube_deployment_status_replicas_available{{{i}}} 8",
        f"kube_deployment_status_replicas_unavailable{{{i}}} 3",
        f"kube_deployment_status_replicas_updated{{{i}}} 4",
        f"kube_deployment_status_terminating_replicas{{{i}}} 1",
        f"kube_deployment_status_observed_generation{{{i}}} 6",
        f'{c}{{{i},reason="MinimumReplicasAvailable",condition="Available",status="true"}} 1',
        f'{c}{{{i},reason="MinimumReplicasAvailable",condition="Available",status="false"}} 0',
        f'{c}{{{i},reason="MinimumReplicasAvailable",condition="Available",status="unknown"}} 0',
        f'{c}{{{i},reason="ReplicaSetUpdated",condition="Progressing",status="true"}} 0',
        f'{c}{{{i},reason="ReplicaSetUpdated",condition="Progressing",status="false"}} 0',
        f'{c}{{{i},reason="ReplicaSetUpdated",condition="Progressing",status="unknown"}} 1',
        f'{c}{{{i},reason="unknown",condition="ReplicaFailure",status="true"}} 0',
        f'{c}{{{i},reason="unknown",condition="ReplicaFailure",status="false"}} 1',
        f'{c}{{{i},reason="unknown",condition="ReplicaFailure",status="unknown"}} 0',
        f"kube_deployment_spec_replicas{{{i}}} 10",
        f"kube_deployment_spec_paused{{{i}}} 0",
        f"kube_deployment_spec_strategy_rollingupdate_max_unavailable{{{i}}} 2",  # 25% of 10 = 2.5, rounded down
        f"kube_deployment_spec_strategy_rollingupdate_max_surge{{{i}}} 3",  # rounded up
        f"kube_deployment_metadata_generation{{{i}}} 7",
        f"kube_deployment_deletion_timestamp{{{i}}} 1.7096328e+09",
    ]


def test_empty_cases() -> None:
    i = 'namespace="ops",deployment="batch"'
    assert lines(ResourceRenderer(RESOURCE), MINIMAL) == [
        f'kube_deployment_owner{{{i},owner_kind="",owner_name=""}} 1',
        f"kube_deployment_status_replicas{{{i}}} 0",
        f"kube_deployment_status_replicas_ready{{{i}}} 0",
        f"kube_deployment_status_replicas_available{{{i}}} 0",
        f"kube_deployment_status_replicas_unavailable{{{i}}} 0",
        f"kube_deployment_status_replicas_updated{{{i}}} 0",
        f"kube_deployment_status_observed_generation{{{i}}} 0",
        f"kube_deployment_spec_paused{{{i}}} 0",
        f"kube_deployment_metadata_generation{{{i}}} 0",
    ]


def test_owner_paused_and_integer_rolling_update() -> None:
    obj = {
        "metadata": {
            "name": "argo-app",
            "namespace": "apps",
            "generation": 2,
            "creationTimestamp": "2024-01-02T03:04:05Z",
            "ownerReferences": [
                {
                    "apiVersion": "argoproj.io/v1alpha1",
                    "kind": "Rollout",
                    "name": "argo",
                    "uid": "x",
                    "controller": True,
                },
                {"apiVersion": "v1", "kind": "ConfigMap", "name": "anchor", "uid": "y"},
            ],
        },
        "spec": {
            "replicas": 3,
            "paused": True,
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1}},
        },
        "status": {
            "observedGeneration": 2,
            "replicas": 3,
            "readyReplicas": 3,
            "availableReplicas": 3,
            "conditions": [{"type": "Progressing", "status": "False"}],  # no reason: reason=""
        },
    }
    i = 'namespace="apps",deployment="argo-app"'
    out = lines(ResourceRenderer(RESOURCE), obj)
    assert out[:2] == [
        f'kube_deployment_owner{{{i},owner_kind="Rollout",owner_name="argo"}} 1',
        f'kube_deployment_owner{{{i},owner_kind="ConfigMap",owner_name="anchor"}} 1',
    ]
    assert f"kube_deployment_spec_paused{{{i}}} 1" in out
    assert f"kube_deployment_spec_strategy_rollingupdate_max_unavailable{{{i}}} 0" in out
    assert f"kube_deployment_spec_strategy_rollingupdate_max_surge{{{i}}} 1" in out
    assert [x for x in out if x.startswith("kube_deployment_status_condition")] == [
        f'kube_deployment_status_condition{{{i},reason="",condition="Progressing",status="true"}} 0',
        f'kube_deployment_status_condition{{{i},reason="",condition="Progressing",status="false"}} 1',
        f'kube_deployment_status_condition{{{i},reason="",condition="Progressing",status="unknown"}} 0',
    ]
    assert not any(x.startswith(("kube_deployment_deletion", "kube_deployment_status_terminating")) for x in out)


@pytest.mark.parametrize(
    ("value", "total", "down", "up"),
    [
        ("25%", 10, 2, 3),
        ("25%", 4, 1, 1),
        ("0%", 7, 0, 0),
        ("100%", 7, 7, 7),
        ("33%", 10, 3, 4),
        ("+50%", 3, 1, 2),
        ("-10%", 15, -2, -1),  # floor/ceil of -1.5
        ("10%", 0, 0, 0),
        (2, 10, 2, 2),
        (0, 10, 0, 0),
        ("5", 10, None, None),  # a string that is not a percentage
        ("%", 10, None, None),
        ("1.5%", 10, None, None),
        ("1_0%", 10, None, None),
        (" 5%", 10, None, None),
        (None, 10, None, None),
        (True, 10, None, None),
        (2.5, 10, None, None),
    ],
)
def test_scaled_int_or_percent(value: object, total: int, down: int | None, up: int | None) -> None:
    assert scaled_int_or_percent(value, total, False) == down
    assert scaled_int_or_percent(value, total, True) == up


def test_rolling_update_omission_rules() -> None:
    r = ResourceRenderer(RESOURCE)
    base = {"metadata": {"name": "d", "namespace": "n"}}

    def rolling(spec: dict) -> list[str]:
        out = lines(r, {**base, "spec": spec})
        return [x for x in out if "rollingupdate" in x]

    # rollingUpdate without spec.replicas, without the field itself, or with an invalid value: no sample
    assert rolling({"strategy": {"rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}}}) == []
    assert rolling({"replicas": 4, "strategy": {"type": "RollingUpdate", "rollingUpdate": {}}}) == []
    assert rolling({"replicas": 4, "strategy": {"rollingUpdate": {"maxSurge": "ten", "maxUnavailable": 1}}}) == [
        'kube_deployment_spec_strategy_rollingupdate_max_unavailable{namespace="n",deployment="d"} 1'
    ]
    assert r.errors == 0


def test_odd_shapes_do_not_crash() -> None:
    r = ResourceRenderer(RESOURCE)
    obj = {
        "metadata": {"name": "odd", "namespace": "n", "ownerReferences": "nope", "generation": "3"},
        "spec": {"replicas": "3", "paused": "true", "strategy": ["RollingUpdate"]},
        "status": {
            "replicas": None,
            "terminatingReplicas": "1",
            "conditions": [
                "x",
                {"type": "Available", "status": "true", "reason": ["r"]},  # status compared case-sensitively
            ],
        },
    }
    i = 'namespace="n",deployment="odd"'
    assert lines(r, obj) == [
        f'kube_deployment_owner{{{i},owner_kind="",owner_name=""}} 1',
        f"kube_deployment_status_replicas{{{i}}} 0",
        f"kube_deployment_status_replicas_ready{{{i}}} 0",
        f"kube_deployment_status_replicas_available{{{i}}} 0",
        f"kube_deployment_status_replicas_unavailable{{{i}}} 0",
        f"kube_deployment_status_replicas_updated{{{i}}} 0",
        f"kube_deployment_status_observed_generation{{{i}}} 0",
        f'kube_deployment_status_condition{{{i},reason="unknown",condition="Available",status="true"}} 0',
        f'kube_deployment_status_condition{{{i},reason="unknown",condition="Available",status="false"}} 0',
        f'kube_deployment_status_condition{{{i},reason="unknown",condition="Available",status="unknown"}} 0',
        f"kube_deployment_spec_paused{{{i}}} 0",
        f"kube_deployment_metadata_generation{{{i}}} 0",
    ]
    assert lines(r, {"metadata": {"name": "s", "namespace": "n"}, "spec": [], "status": "x"})[0].startswith(
        "kube_deployment_owner"
    )
    assert r.errors == 0


def test_labels_and_annotations_allowlists() -> None:
    opts = GenerationOptions(
        labels_allowlist={"deployments": ["app.kubernetes.io/*"]},
        annotations_allowlist={"deployments": ["deployment.kubernetes.io/revision"]},
    )
    out = lines(ResourceRenderer(RESOURCE, opts), DEPLOYMENT)
    i = 'namespace="shop",deployment="web"'
    assert out[-2:] == [
        f'kube_deployment_annotations{{{i},annotation_deployment_kubernetes_io_revision="4"}} 1',
        f'kube_deployment_labels{{{i},label_app_kubernetes_io_name="web"}} 1',
    ]


def test_headers_in_family_order() -> None:
    r = ResourceRenderer(RESOURCE)
    names = [h.decode().split()[2] for h in r.headers]
    assert names == [
        "kube_deployment_owner",
        "kube_deployment_created",
        "kube_deployment_status_replicas",
        "kube_deployment_status_replicas_ready",
        "kube_deployment_status_replicas_available",
        "kube_deployment_status_replicas_unavailable",
        "kube_deployment_status_replicas_updated",
        "kube_deployment_status_terminating_replicas",
        "kube_deployment_status_observed_generation",
        "kube_deployment_status_condition",
        "kube_deployment_spec_replicas",
        "kube_deployment_spec_paused",
        "kube_deployment_spec_strategy_rollingupdate_max_unavailable",
        "kube_deployment_spec_strategy_rollingupdate_max_surge",
        "kube_deployment_metadata_generation",
        "kube_deployment_deletion_timestamp",
        "kube_deployment_annotations",
        "kube_deployment_labels",
    ]
    assert r.headers[0].decode().startswith("# HELP kube_deployment_owner Th")  # ALPHA: no [STABLE] tag
    assert r.headers[1].decode().startswith("# HELP kube_deployment_created [STABLE] ")
