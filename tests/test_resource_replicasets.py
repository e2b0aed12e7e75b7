"""Golden test: ReplicaSets as the apiserver serves them -> the exact lines upstream would write."""

from ksm_shard.generator import GenerationOptions, ResourceRenderer
from ksm_shard.resources.replicasets import RESOURCE

# A ReplicaSet a Deployment created, scaling down (one pod terminating).
REPLICASET = {
    "metadata": {
        "name": "web-5d8f7c9b6",
        "namespace": "shop",
        "uid": "a1b2c3d4-0000-4000-8000-000000000001",
        "resourceVersion": "884300",
        "generation": 3,
        "creationTimestamp": "2017-08-01T06:30:18Z",
        "labels": {"app.kubernetes.io/name": "web", "pod-template-hash": "5d8f7c9b6"},
        "annotations": {
            "deployment.kubernetes.io/desired-replicas": "10",
            "deployment.kubernetes.io/max-replicas": "13",
            "deployment.kubernetes.io/revision": "4",
        },
        "ownerReferences": [
            {
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "name": "web",
                "uid": "0b7d4a52-5a7e-4c0a-9d3e-1f2a3b4c5d6e",
                "controller": True,
                "blockOwnerDeletion": True,
            }
        ],
    },
    "spec": {
        "replicas": 10,
        "selector": {"matchLabels": {"app.kubernetes.io/name": "web", "pod-template-hash": "5d8f7c9b6"}},
        "template": {
            "metadata": {"labels": {"app.kubernetes.io/name": "web", "pod-template-hash": "5d8f7c9b6"}},
            "spec": {"containers": [{"name": "web", "image": "nginx:1.25"}]},
        },
    },
    "status": {
        "replicas": 11,
        "fullyLabeledReplicas": 11,
        "readyReplicas": 9,
        "availableReplicas": 9,
        "terminatingReplicas": 1,
        "observedGeneration": 3,
    },
}

# A bare ReplicaSet scaled to zero: replicas 0 is written, the zero status counters are omitted.
SCALED_DOWN = {
    "metadata": {"name": "old", "namespace": "ops", "uid": "u-2", "resourceVersion": "12", "generation": 1},
    "spec": {"replicas": 0, "selector": {"matchLabels": {"app": "old"}}, "template": {}},
    "status": {"replicas": 0, "observedGeneration": 1},
}

# Never seen by the controller: no spec.replicas (a hostile client may omit it), no status.
MINIMAL = {"metadata": {"name": "bare", "namespace": "ops"}, "spec": {}}


def lines(renderer: ResourceRenderer, obj: dict) -> list[str]:
    return b"".join(renderer.render(obj)).decode().splitlines()


def test_default_families() -> None:
    i = 'namespace="shop",replicaset="web-5d8f7c9b6"'
    assert lines(ResourceRenderer(RESOURCE), REPLICASET) == [
        f"kube_replicaset_created{{{i}}} 1.501569018e+09",
        f"kube_replicaset_status_replicas{{{i}}} 11",
        f"kube_replicaset_status_fully_labeled_replicas{{{i}}} 11",
        f"kube_replicaset_status_ready_replicas{{{i}}} 9",
        f"kube_replicaset_status_terminating_replicas{{{i}}} 1",
        f"kube_replicaset_status_observed_generation{{{i}}} 3",
        f"kube_replicaset_spec_replicas{{{i}}} 10",
        f"kube_replicaset_metadata_generation{{{i}}} 3",
        f'kube_replicaset_owner{{{i},owner_kind="Deployment",owner_name="web",owner_is_controller="true"}} 1',
    ]


def test_scaled_down_and_empty_cases() -> None:
    i = 'namespace="ops",replicaset="old"'
    assert lines(ResourceRenderer(RESOURCE), SCALED_DOWN) == [
        f"kube_replicaset_status_replicas{{{i}}} 0",
        f"kube_replicaset_status_fully_labeled_replicas{{{i}}} 0",
        f"kube_replicaset_status_ready_replicas{{{i}}} 0",
        f"kube_replicaset_status_observed_generation{{{i}}} 1",
        f"kube_replicaset_spec_replicas{{{i}}} 0",
        f"kube_replicaset_metadata_generation{{{i}}} 1",
        f'kube_replicaset_owner{{{i},owner_kind="",owner_name="",owner_is_controller=""}} 1',
    ]
    i = 'namespace="ops",replicaset="bare"'
    assert lines(ResourceRenderer(RESOURCE), MINIMAL) == [
        f"kube_replicaset_status_replicas{{{i}}} 0",
        f"kube_replicaset_status_fully_labeled_replicas{{{i}}} 0",
        f"kube_replicaset_status_ready_replicas{{{i}}} 0",
        f"kube_replicaset_status_observed_generation{{{i}}} 0",
        f"kube_replicaset_metadata_generation{{{i}}} 0",
        f'kube_replicaset_owner{{{i},owner_kind="",owner_name="",owner_is_controller=""}} 1',
    ]


def test_several_owners_controller_flag() -> None:
    obj = {
        "metadata": {
            "name": "rs",
            "namespace": "n",
            "ownerReferences": [
                {"apiVersion": "apps/v1", "kind": "Deployment", "name": "d", "uid": "1", "controller": False},
                {"apiVersion": "v1", "kind": "ConfigMap", "name": "anchor", "uid": "2"},  # flag absent -> "false"
                {"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "name": "r", "uid": "3", "controller": True},
            ],
        }
    }
    out = [x for x in lines(ResourceRenderer(RESOURCE), obj) if x.startswith("kube_replicaset_owner")]
    i = 'namespace="n",replicaset="rs"'
    assert out == [
        f'kube_replicaset_owner{{{i},owner_kind="Deployment",owner_name="d",owner_is_controller="false"}} 1',
        f'kube_replicaset_owner{{{i},owner_kind="ConfigMap",owner_name="anchor",owner_is_controller="false"}} 1',
        f'kube_replicaset_owner{{{i},owner_kind="Rollout",owner_name="r",owner_is_controller="true"}} 1',
    ]


def test_odd_shapes_do_not_crash() -> None:
    r = ResourceRenderer(RESOURCE)
    obj = {
        "metadata": {"name": "odd", "namespace": "n", "ownerReferences": "nope", "generation": None},
        "spec": {"replicas": "3"},
        "status": {"replicas": None, "terminatingReplicas": "1", "readyReplicas": True},
    }
    i = 'namespace="n",replicaset="odd"'
    assert lines(r, obj) == [
        f"kube_replicaset_status_replicas{{{i}}} 0",
        f"kube_replicaset_status_fully_labeled_replicas{{{i}}} 0",
        f"kube_replicaset_status_ready_replicas{{{i}}} 0",
        f"kube_replicaset_status_observed_generation{{{i}}} 0",
        f"kube_replicaset_metadata_generation{{{i}}} 0",
        f'kube_replicaset_owner{{{i},owner_kind="",owner_name="",owner_is_controller=""}} 1',
    ]
    assert len(lines(r, {"metadata": {"name": "s", "namespace": "n"}, "spec": [], "status": "x"})) == 6
    assert r.errors == 0


def test_labels_and_annotations_allowlists() -> None:
    opts = GenerationOptions(
        labels_allowlist={"replicasets": ["*"]},
        annotations_allowlist={"replicasets": ["deployment.kubernetes.io/revision"]},
    )
    out = lines(ResourceRenderer(RESOURCE, opts), REPLICASET)
    i = 'namespace="shop",replicaset="web-5d8f7c9b6"'
    assert out[-2:] == [
        f'kube_replicaset_annotations{{{i},annotation_deployment_kubernetes_io_revision="4"}} 1',
        f'kube_replicaset_labels{{{i},label_app_kubernetes_io_name="web",label_pod_template_hash="5d8f7c9b6"}} 1',
    ]


def test_headers_in_family_order() -> None:
    r = ResourceRenderer(RESOURCE)
    names = [h.decode().split()[2] for h in r.headers]
    assert names == [
        "kube_replicaset_created",
        "kube_replicaset_status_replicas",
        "kube_replicaset_status_fully_labeled_replicas",
        "kube_replicaset_status_ready_replicas",
        "kube_replicaset_status_terminating_replicas",
        "kube_replicaset_status_observed_generation",
        "kube_replicaset_spec_replicas",
        "kube_replicaset_metadata_generation",
        "kube_replicaset_owner",
        "kube_replicaset_annotations",
        "kube_replicaset_labels",
    ]
    assert r.headers[4].decode().startswith("# HELP kube_replicaset_status_terminating_replicas Te")  # ALPHA
    assert r.headers[8].decode().startswith("# HELP kube_replicaset_owner [STABLE] ")
