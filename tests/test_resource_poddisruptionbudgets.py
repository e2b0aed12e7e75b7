# ruff: noqa: E501
"""Golden test: PodDisruptionBudgets as the apiserver serves them -> the exact lines upstream would write."""

from ksm_shard.generator import GenerationOptions, ResourceRenderer
from ksm_shard.resources.poddisruptionbudgets import RESOURCE

PDB = {
    "metadata": {
        "name": "web-pdb",
        "namespace": "shop",
        "uid": "1d2c3b4a-0000-4000-8000-00000000abcd",
        "resourceVersion": "77123",
        "generation": 2,
        "creationTimestamp": "2024-03-10T12:00:00Z",
        "labels": {"app.kubernetes.io/name": "web", "team": "storefront"},
        "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}"},
    },
    "spec": {"minAvailable": 2, "selector": {"matchLabels": {"app": "web"}}},
    "status": {
        "observedGeneration": 2,
        "disruptionsAllowed": 1,
        "currentHealthy": 3,
        "desiredHealthy": 2,
        "expectedPods": 3,
        "conditions": [
            {"type": "DisruptionAllowed", "status": "True", "reason": "SufficientPods",
             "lastTransitionTime": "2024-03-10T12:00:05Z", "observedGeneration": 2, "message": ""},
        ],
    },
}  # fmt: skip

# Being deleted, and the disruption controller has not written a status yet (zero counts are omitted).
DELETING = {
    "metadata": {
        "name": "batch-pdb",
        "namespace": "jobs",
        "uid": "u-2",
        "generation": 1,
        "creationTimestamp": "2024-03-10T12:00:00Z",
        "deletionTimestamp": "2024-03-11T08:30:00Z",
        "finalizers": ["example.com/hold"],
    },
    "spec": {"maxUnavailable": "50%", "selector": {"matchLabels": {"app": "batch"}}},
    "status": {"disruptionsAllowed": 0, "currentHealthy": 0, "desiredHealthy": 0, "expectedPods": 0},
}


def lines(obj: dict, opts: GenerationOptions | None = None) -> list[str]:
    r = ResourceRenderer(RESOURCE, opts)
    out = b"".join(r.render(obj)).decode().splitlines()
    assert r.errors == 0
    return out


def test_healthy_pdb() -> None:
    i = 'namespace="shop",poddisruptionbudget="web-pdb"'
    assert lines(PDB) == [
        f"kube_poddisruptionbudget_created{{{i}}} 1.710072e+09",
        f"kube_poddisruptionbudget_status_current_healthy{{{i}}} 3",
        f"kube_poddisruptionbudget_status_desired_healthy{{{i}}} 2",
        f"kube_poddisruptionbudget_status_pod_disruptions_allowed{{{i}}} 1",
        f"kube_poddisruptionbudget_status_expected_pods{{{i}}} 3",
        f"kube_poddisruptionbudget_status_observed_generation{{{i}}} 2",
    ]


def test_deleting_pdb_with_empty_status() -> None:
    i = 'namespace="jobs",poddisruptionbudget="batch-pdb"'
    assert lines(DELETING) == [
        f"kube_poddisruptionbudget_created{{{i}}} 1.710072e+09",
        f"kube_poddisruptionbudget_status_current_healthy{{{i}}} 0",
        f"kube_poddisruptionbudget_status_desired_healthy{{{i}}} 0",
        f"kube_poddisruptionbudget_status_pod_disruptions_allowed{{{i}}} 0",
        f"kube_poddisruptionbudget_status_expected_pods{{{i}}} 0",
        f"kube_poddisruptionbudget_status_observed_generation{{{i}}} 0",
        f"kube_poddisruptionbudget_deletion_timestamp{{{i}}} 1.7101458e+09",
    ]


def test_no_status_no_timestamps() -> None:
    i = 'namespace="a",poddisruptionbudget="b"'
    assert lines({"metadata": {"name": "b", "namespace": "a"}, "spec": {}}) == [
        f"kube_poddisruptionbudget_status_current_healthy{{{i}}} 0",
        f"kube_poddisruptionbudget_status_desired_healthy{{{i}}} 0",
        f"kube_poddisruptionbudget_status_pod_disruptions_allowed{{{i}}} 0",
        f"kube_poddisruptionbudget_status_expected_pods{{{i}}} 0",
        f"kube_poddisruptionbudget_status_observed_generation{{{i}}} 0",
    ]
    # Hostile types: counts that are not integers read as 0, a non-dict status as empty.
    odd = {"metadata": {"name": "b", "namespace": "a"}, "status": {"currentHealthy": "3", "expectedPods": None}}
    assert lines(odd)[0] == f"kube_poddisruptionbudget_status_current_healthy{{{i}}} 0"
    assert len(lines({"metadata": {"name": "b", "namespace": "a"}, "status": []})) == 5


def test_labels_and_annotations_allowlists() -> None:
    opts = GenerationOptions(labels_allowlist={"poddisruptionbudgets": ["*"]},
                             annotations_allowlist={"poddisruptionbudgets": ["missing"]})  # fmt: skip
    i = 'namespace="shop",poddisruptionbudget="web-pdb"'
    assert lines(PDB, opts)[:2] == [
        f"kube_poddisruptionbudget_annotations{{{i}}} 1",
        f'kube_poddisruptionbudget_labels{{{i},label_app_kubernetes_io_name="web",label_team="storefront"}} 1',
    ]


def test_headers() -> None:
    r = ResourceRenderer(RESOURCE)
    assert r.headers[1].decode().startswith("# HELP kube_poddisruptionbudget_labels Pod")  # ALPHA: no [STABLE]
    assert r.headers[2].decode().startswith("# HELP kube_poddisruptionbudget_created [STABLE] ")
