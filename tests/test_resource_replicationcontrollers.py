"""Golden test: ReplicationControllers as the apiserver serves them -> the exact lines upstream would write."""

from ksm_shard.generator import GenerationOptions, ResourceRenderer
from ksm_shard.resources.replicationcontrollers import RESOURCE

RC = {
    "metadata": {
        "name": "legacy-web",
        "namespace": "default",
        "uid": "c0ffee00-1111-4222-8333-444455556666",
        "resourceVersion": "5521",
        "generation": 2,
        "creationTimestamp": "2017-08-01T06:30:18Z",
        "labels": {"app": "legacy-web"},
        "ownerReferences": [
            {"apiVersion": "v1", "kind": "ConfigMap", "name": "keeper", "uid": "k-1", "controller": False}
        ],
    },
    "spec": {
        "replicas": 3,
        "minReadySeconds": 5,
        "selector": {"app": "legacy-web"},
        "template": {
            "metadata": {"labels": {"app": "legacy-web"}},
            "spec": {"containers": [{"name": "web", "image": "nginx:1.25"}]},
        },
    },
    "status": {
        "replicas": 3,
        "fullyLabeledReplicas": 3,
        "readyReplicas": 2,
        "availableReplicas": 1,
        "observedGeneration": 2,
    },
}

# Scaled to zero: spec.replicas 0 is written, zero status counters are omitted.
SCALED_DOWN = {
    "metadata": {"name": "idle", "namespace": "default", "uid": "u-2", "resourceVersion": "9", "generation": 4},
    "spec": {"replicas": 0, "selector": {"app": "idle"}, "template": {}},
    "status": {"replicas": 0, "observedGeneration": 4},
}


def lines(renderer: ResourceRenderer, obj: dict) -> list[str]:
    return b"".join(renderer.render(obj)).decode().splitlines()


def test_default_families() -> None:
    i = 'namespace="default",replicationcontroller="legacy-web"'
    assert lines(ResourceRenderer(RESOURCE), RC) == [
        f"kube_replicationcontroller_created{{{i}}} 1.501569018e+09",
        f"kube_replicationcontroller_status_replicas{{{i}}} 3",
        f"kube_replicationcontroller_status_fully_labeled_replicas{{{i}}} 3",
        f"kube_replicationcontroller_status_ready_replicas{{{i}}} 2",
        f"kube_replicationcontroller_status_available_replicas{{{i}}} 1",
        f"kube_replicationcontroller_status_observed_generation{{{i}}} 2",
        f"kube_replicationcontroller_spec_replicas{{{i}}} 3",
        f"kube_replicationcontroller_metadata_generation{{{i}}} 2",
        f'kube_replicationcontroller_owner{{{i},owner_kind="ConfigMap",owner_name="keeper",'
        'owner_is_controller="false"} 1',
    ]


def test_empty_cases() -> None:
    i = 'namespace="default",replicationcontroller="idle"'
    assert lines(ResourceRenderer(RESOURCE), SCALED_DOWN) == [
        f"kube_replicationcontroller_status_replicas{{{i}}} 0",
        f"kube_replicationcontroller_status_fully_labeled_replicas{{{i}}} 0",
        f"kube_replicationcontroller_status_ready_replicas{{{i}}} 0",
        f"kube_replicationcontroller_status_available_replicas{{{i}}} 0",
        f"kube_replicationcontroller_status_observed_generation{{{i}}} 4",
        f"kube_replicationcontroller_spec_replicas{{{i}}} 0",
        f"kube_replicationcontroller_metadata_generation{{{i}}} 4",
        f'kube_replicationcontroller_owner{{{i},owner_kind="",owner_name="",owner_is_controller=""}} 1',
    ]
    # No spec.replicas, no status at all: the pointer family is absent, counters are 0.
    i = 'namespace="n",replicationcontroller="bare"'
    assert lines(ResourceRenderer(RESOURCE), {"metadata": {"name": "bare", "namespace": "n"}}) == [
        f"kube_replicationcontroller_status_replicas{{{i}}} 0",
        f"kube_replicationcontroller_status_fully_labeled_replicas{{{i}}} 0",
        f"kube_replicationcontroller_status_ready_replicas{{{i}}} 0",
        f"kube_replicationcontroller_status_available_replicas{{{i}}} 0",
        f"kube_replicationcontroller_status_observed_generation{{{i}}} 0",
        f"kube_replicationcontroller_metadata_generation{{{i}}} 0",
        f'kube_replicationcontroller_owner{{{i},owner_kind="",owner_name="",owner_is_controller=""}} 1',
    ]


def test_controller_owner() -> None:
    obj = {
        "metadata": {
            "name": "rc",
            "namespace": "n",
            "ownerReferences": [
                {"apiVersion": "example.com/v1", "kind": "App", "name": "a", "uid": "1", "controller": True}
            ],
        }
    }
    assert lines(ResourceRenderer(RESOURCE), obj)[-1] == (
        'kube_replicationcontroller_owner{namespace="n",replicationcontroller="rc",'
        'owner_kind="App",owner_name="a",owner_is_controller="true"} 1'
    )


def test_odd_shapes_do_not_crash() -> None:
    r = ResourceRenderer(RESOURCE)
    obj = {
        "metadata": {"name": "odd", "namespace": "n", "ownerReferences": [None, "x"]},
        "spec": "x",
        "status": {"replicas": "2", "availableReplicas": [], "observedGeneration": 1.0},
    }
    out = lines(r, obj)
    assert len(out) == 7
    assert out[-1].endswith('owner_kind="",owner_name="",owner_is_controller=""} 1')
    assert r.errors == 0


def test_no_allowlist_families() -> None:
    opts = GenerationOptions(labels_allowlist={"*": ["*"]}, annotations_allowlist={"*": ["*"]})
    r = ResourceRenderer(RESOURCE, opts)
    assert len(lines(r, RC)) == 9  # ReplicationControllers have no *_labels / *_annotations families


def test_headers_in_family_order() -> None:
    r = ResourceRenderer(RESOURCE)
    names = [h.decode().split()[2] for h in r.headers]
    assert names == [
        "kube_replicationcontroller_created",
        "kube_replicationcontroller_status_replicas",
        "kube_replicationcontroller_status_fully_labeled_replicas",
        "kube_replicationcontroller_status_ready_replicas",
        "kube_replicationcontroller_status_available_replicas",
        "kube_replicationcontroller_status_observed_generation",
        "kube_replicationcontroller_spec_replicas",
        "kube_replicationcontroller_metadata_generation",
        "kube_replicationcontroller_owner",
    ]
    assert r.headers[0].decode().startswith("# HELP kube_replicationcontroller_created [STABLE] ")
    assert r.headers[8].decode().startswith("# HELP kube_replicationcontroller_owner Th")  # ALPHA: no tag
