"""Golden test: StatefulSets as the apiserver serves them -> the exact lines upstream would write."""

import pytest

from ksm_shard.generator import GenerationOptions, ResourceRenderer
from ksm_shard.resources.statefulsets import RESOURCE

# A database StatefulSet mid rolling update, numbered from 1, being deleted.
STATEFULSET = {
    "metadata": {
        "name": "postgres",
        "namespace": "db",
        "uid": "5e6f7a8b-1c2d-4e3f-9a0b-1c2d3e4f5a6b",
        "resourceVersion": "300411",
        "generation": 9,
        "creationTimestamp": "2017-08-01T06:30:18Z",
        "deletionTimestamp": "2024-03-05T10:00:00Z",
        "labels": {"app.kubernetes.io/name": "postgres"},
        "annotations": {"backup.example.com/schedule": "daily"},
    },
    "spec": {
        "replicas": 3,
        "selector": {"matchLabels": {"app.kubernetes.io/name": "postgres"}},
        "serviceName": "postgres",
        "template": {
            "metadata": {"labels": {"app.kubernetes.io/name": "postgres"}},
            "spec": {"containers": [{"name": "postgres", "image": "postgres:16"}]},
        },
        "podManagementPolicy": "OrderedReady",
        "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}},
        "revisionHistoryLimit": 10,
        "ordinals": {"start": 1},
        "persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Delete", "whenScaled": "Retain"},
    },
    "status": {
        "observedGeneration": 8,
        "replicas": 3,
        "readyReplicas": 2,
        "currentReplicas": 2,
        "updatedReplicas": 1,
        "currentRevision": "postgres-7c9d8b6f5",
        "updateRevision": "postgres-6b5c4d3e2",
        "collisionCount": 0,
        "availableReplicas": 2,
    },
}

# Freshly created: the apiserver defaulted the retention policy, the controller wrote nothing yet.
MINIMAL = {
    "metadata": {"name": "cache", "namespace": "db", "uid": "u-2", "resourceVersion": "77"},
    "spec": {
        "selector": {"matchLabels": {"app": "cache"}},
        "serviceName": "cache",
        "template": {"metadata": {"labels": {"app": "cache"}}, "spec": {"containers": [{"name": "c"}]}},
    },
    "status": {"replicas": 0, "availableReplicas": 0},
}


def lines(renderer: ResourceRenderer, obj: dict) -> list[str]:
    return b"".join(renderer.render(obj)).decode().splitlines()


def test_default_families() -> None:
    i = 'namespace="db",statefulset="postgres"'
    assert lines(ResourceRenderer(RESOURCE), STATEFULSET) == [
        f"kube_statefulset_created{{{i}}} 1.501569018e+09",
        f"kube_statefulset_status_replicas{{{i}}} 3",
        f"kube_statefulset_status_replicas_available{{{i}}} 2",
        f"kube_statefulset_status_replicas_current{{{i}}} 2",
        f"kube_statefulset_status_replicas_ready{{{i}}} 2",
        f"kube_statefulset_status_replicas_updated{{{i}}} 1",
        f"kube_statefulset_status_observed_generation{{{i}}} 8",
        f"kube_statefulset_replicas{{{i}}} 3",
        f"kube_statefulset_ordinals_start{{{i}}} 1",
        f"kube_statefulset_metadata_generation{{{i}}} 9",
        f'kube_statefulset_persistentvolumeclaim_retention_policy{{{i},when_deleted="Delete",when_scaled="Retain"}} 1',
        f'kube_statefulset_status_current_revision{{{i},revision="postgres-7c9d8b6f5"}} 1',
        f'kube_statefulset_status_update_revision{{{i},revision="postgres-6b5c4d3e2"}} 1',
        f"kube_statefulset_deletion_timestamp{{{i}}} 1.7096328e+09",
    ]


def test_empty_cases() -> None:
    i = 'namespace="db",statefulset="cache"'
    assert lines(ResourceRenderer(RESOURCE), MINIMAL) == [
        f"kube_statefulset_status_replicas{{{i}}} 0",
        f"kube_statefulset_status_replicas_available{{{i}}} 0",
        f"kube_statefulset_status_replicas_current{{{i}}} 0",
        f"kube_statefulset_status_replicas_ready{{{i}}} 0",
        f"kube_statefulset_status_replicas_updated{{{i}}} 0",
        f"kube_statefulset_status_observed_generation{{{i}}} 0",
        f"kube_statefulset_metadata_generation{{{i}}} 0",
        f'kube_statefulset_status_current_revision{{{i},revision=""}} 1',
        f'kube_statefulset_status_update_revision{{{i},revision=""}} 1',
    ]


@pytest.mark.parametrize(
    ("spec", "ordinals", "policy"),
    [
        # ordinals present with the zero start omitted -> start 0
        ({"ordinals": {}}, ["0"], []),
        ({"ordinals": {"start": 0}}, ["0"], []),
        ({"ordinals": None}, [], []),
        # retention policy: one side set is enough; both empty -> no sample
        (
            {"persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Retain"}},
            [],
            ['when_deleted="Retain",when_scaled=""'],
        ),
        (
            {"persistentVolumeClaimRetentionPolicy": {"whenScaled": "Delete"}},
            [],
            ['when_deleted="",when_scaled="Delete"'],
        ),
        ({"persistentVolumeClaimRetentionPolicy": {}}, [], []),
        ({"persistentVolumeClaimRetentionPolicy": {"whenDeleted": "", "whenScaled": ""}}, [], []),
    ],
)
def test_ordinals_and_retention_policy(spec: dict, ordinals: list[str], policy: list[str]) -> None:
    i = 'namespace="n",statefulset="s"'
    out = lines(ResourceRenderer(RESOURCE), {"metadata": {"name": "s", "namespace": "n"}, "spec": spec})
    assert [x for x in out if x.startswith("kube_statefulset_ordinals_start")] == [
        f"kube_statefulset_ordinals_start{{{i}}} {v}" for v in ordinals
    ]
    assert [x for x in out if x.startswith("kube_statefulset_persistentvolumeclaim_retention_policy")] == [
        f"kube_statefulset_persistentvolumeclaim_retention_policy{{{i},{p}}} 1" for p in policy
    ]


def test_odd_shapes_do_not_crash() -> None:
    r = ResourceRenderer(RESOURCE)
    obj = {
        "metadata": {"name": "odd", "namespace": "n"},
        "spec": {"replicas": "3", "ordinals": "1", "persistentVolumeClaimRetentionPolicy": {"whenDeleted": 5}},
        "status": {"currentRevision": ["x"], "updateRevision": None, "replicas": "2"},
    }
    i = 'namespace="n",statefulset="odd"'
    out = lines(r, obj)
    assert f'kube_statefulset_status_current_revision{{{i},revision=""}} 1' in out
    assert f"kube_statefulset_status_replicas{{{i}}} 0" in out
    assert not any("ordinals" in x or "retention" in x or "kube_statefulset_replicas{" in x for x in out)
    assert len(lines(r, {"metadata": {"name": "s", "namespace": "n"}, "spec": [], "status": "x"})) == 9
    assert r.errors == 0


def test_labels_and_annotations_allowlists() -> None:
    opts = GenerationOptions(
        labels_allowlist={"statefulsets": ["app.kubernetes.io/name"]},
        annotations_allowlist={"*": ["backup.example.com/*"]},
    )
    out = lines(ResourceRenderer(RESOURCE, opts), STATEFULSET)
    i = 'namespace="db",statefulset="postgres"'
    assert out[11:13] == [
        f'kube_statefulset_annotations{{{i},annotation_backup_example_com_schedule="daily"}} 1',
        f'kube_statefulset_labels{{{i},label_app_kubernetes_io_name="postgres"}} 1',
    ]


def test_headers_in_family_order() -> None:
    r = ResourceRenderer(RESOURCE)
    names = [h.decode().split()[2] for h in r.headers]
    assert names == [
        "kube_statefulset_created",
        "kube_statefulset_status_replicas",
        "kube_statefulset_status_replicas_available",
        "kube_statefulset_status_replicas_current",
        "kube_statefulset_status_replicas_ready",
        "kube_statefulset_status_replicas_updated",
        "kube_statefulset_status_observed_generation",
        "kube_statefulset_replicas",
        "kube_statefulset_ordinals_start",
        "kube_statefulset_metadata_generation",
        "kube_statefulset_persistentvolumeclaim_retention_policy",
        "kube_statefulset_annotations",
        "kube_statefulset_labels",
        "kube_statefulset_status_current_revision",
        "kube_statefulset_status_update_revision",
        "kube_statefulset_deletion_timestamp",
    ]
    assert all(b"[STABLE] " in h for h in r.headers)  # every StatefulSet family is STABLE
