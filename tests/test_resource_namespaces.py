"""Golden test: Namespaces as the apiserver serves them -> the exact lines upstream would write."""

from ksm_shard.generator import GenerationOptions, ResourceRenderer
from ksm_shard.resources.namespaces import RESOURCE

ACTIVE = {
    "metadata": {
        "name": "team-a",
        "uid": "0b7d3c2e-59a8-4a43-9d39-4c8f1d2a6e01",
        "resourceVersion": "4242",
        "creationTimestamp": "2017-08-01T06:30:18Z",
        "labels": {"kubernetes.io/metadata.name": "team-a", "team": "a"},
        "annotations": {"owner": "ops"},
    },
    "spec": {"finalizers": ["kubernetes"]},
    "status": {"phase": "Active"},
}

TERMINATING = {
    "metadata": {
        "name": "old",
        "uid": "5f0c9d4b-1d7e-4a2b-8e3c-2f9a7b6c5d40",
        "resourceVersion": "9001",
        "creationTimestamp": "2023-03-14T15:09:26Z",
        "deletionTimestamp": "2024-01-02T03:04:05Z",
        "labels": {"kubernetes.io/metadata.name": "old"},
    },
    "spec": {"finalizers": ["kubernetes"]},
    "status": {
        "phase": "Terminating",
        "conditions": [
            {
                "type": "NamespaceDeletionDiscoveryFailure",
                "status": "False",
                "lastTransitionTime": "2024-01-02T03:04:10Z",
                "reason": "ResourcesDiscovered",
                "message": "All resources successfully discovered",
            },
            {
                "type": "NamespaceContentRemaining",
                "status": "True",
                "lastTransitionTime": "2024-01-02T03:04:10Z",
                "reason": "SomeResourcesRemain",
                "message": "Some resources are remaining: pods. has 1 resource instances",
            },
            {"type": "NamespaceFinalizersRemaining", "status": "Unknown"},
        ],
    },
}


def lines(renderer: ResourceRenderer, obj: dict) -> list[str]:
    return b"".join(renderer.render(obj)).decode().splitlines()


def test_active_namespace() -> None:
    assert lines(ResourceRenderer(RESOURCE), ACTIVE) == [
        'kube_namespace_created{namespace="team-a"} 1.501569018e+09',
        'kube_namespace_status_phase{namespace="team-a",phase="Active"} 1',
        'kube_namespace_status_phase{namespace="team-a",phase="Terminating"} 0',
    ]


def test_terminating_namespace_with_conditions() -> None:
    assert lines(ResourceRenderer(RESOURCE), TERMINATING) == [
        'kube_namespace_created{namespace="old"} 1.678806566e+09',
        'kube_namespace_status_phase{namespace="old",phase="Active"} 0',
        'kube_namespace_status_phase{namespace="old",phase="Terminating"} 1',
        'kube_namespace_status_condition{namespace="old",condition="NamespaceDeletionDiscoveryFailure",status="true"} 0',  # noqa: E501
        'kube_namespace_status_condition{namespace="old",condition="NamespaceDeletionDiscoveryFailure",status="false"} 1',  # noqa: E501
        'kube_namespace_status_condition{namespace="old",condition="NamespaceDeletionDiscoveryFailure",status="unknown"} 0',  # noqa: E501
        'kube_namespace_status_condition{namespace="old",condition="NamespaceContentRemaining",status="true"} 1',
        'kube_namespace_status_condition{namespace="old",condition="NamespaceContentRemaining",status="false"} 0',
        'kube_namespace_status_condition{namespace="old",condition="NamespaceContentRemaining",status="unknown"} 0',
        'kube_namespace_status_condition{namespace="old",condition="NamespaceFinalizersRemaining",status="true"} 0',
        'kube_namespace_status_condition{namespace="old",condition="NamespaceFinalizersRemaining",status="false"} 0',
        'kube_namespace_status_condition{namespace="old",condition="NamespaceFinalizersRemaining",status="unknown"} 1',
    ]


def test_empty_cases() -> None:
    # No creation timestamp, no status: the phase family still writes both samples (0, 0).
    obj = {"metadata": {"name": "bare"}}
    assert lines(ResourceRenderer(RESOURCE), obj) == [
        'kube_namespace_status_phase{namespace="bare",phase="Active"} 0',
        'kube_namespace_status_phase{namespace="bare",phase="Terminating"} 0',
    ]


def test_odd_types_do_not_crash() -> None:
    obj = {"metadata": {"name": "odd", "creationTimestamp": 5}, "status": {"phase": 3, "conditions": {"a": 1}}}
    r = ResourceRenderer(RESOURCE)
    assert lines(r, obj) == [
        'kube_namespace_status_phase{namespace="odd",phase="Active"} 0',
        'kube_namespace_status_phase{namespace="odd",phase="Terminating"} 0',
    ]
    assert lines(r, {"metadata": {"name": "odd2"}, "status": "weird"})[0].endswith('phase="Active"} 0')
    assert r.errors == 0


def test_labels_and_annotations_allowlists() -> None:
    opts = GenerationOptions(labels_allowlist={"namespaces": ["kubernetes.io/*", "team"]},
                             annotations_allowlist={"*": ["missing"]})  # fmt: skip
    out = lines(ResourceRenderer(RESOURCE, opts), ACTIVE)
    assert out[:3] == [
        'kube_namespace_created{namespace="team-a"} 1.501569018e+09',
        'kube_namespace_annotations{namespace="team-a"} 1',
        'kube_namespace_labels{namespace="team-a",label_kubernetes_io_metadata_name="team-a",label_team="a"} 1',
    ]


def test_headers_in_family_order() -> None:
    r = ResourceRenderer(RESOURCE)
    names = [h.decode().split()[2] for h in r.headers]
    assert names == [
        "kube_namespace_created",
        "kube_namespace_annotations",
        "kube_namespace_labels",
        "kube_namespace_status_phase",
        "kube_namespace_status_condition",
    ]
    assert r.headers[0].decode().startswith("# HELP kube_namespace_created [STABLE] ")
    assert r.headers[1].decode().startswith("# HELP kube_namespace_annotations Namespace ")
    assert r.headers[4].decode().endswith("# TYPE kube_namespace_status_condition gauge\n")
