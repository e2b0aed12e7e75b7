"""Golden test: DaemonSets as the apiserver serves them -> the exact lines upstream would write."""

from ksm_shard.generator import GenerationOptions, ResourceRenderer
from ksm_shard.resources.daemonsets import RESOURCE

# A node-exporter DaemonSet in the middle of a rolling update, being deleted.
DAEMONSET = {
    "metadata": {
        "name": "node-exporter",
        "namespace": "monitoring",
        "uid": "6f1d2c3b-4a5e-4f60-8a71-92b3c4d5e6f7",
        "resourceVersion": "771204",
        "generation": 5,
        "creationTimestamp": "2017-08-01T06:30:18Z",
        "deletionTimestamp": "2024-03-05T10:00:00Z",
        "deletionGracePeriodSeconds": 0,
        "labels": {"app.kubernetes.io/name": "node-exporter", "app.kubernetes.io/part-of": "kube-prometheus"},
        "annotations": {"deprecated.daemonset.template.generation": "5"},
    },
    "spec": {
        "selector": {"matchLabels": {"app.kubernetes.io/name": "node-exporter"}},
        "template": {
            "metadata": {"labels": {"app.kubernetes.io/name": "node-exporter"}},
            "spec": {"containers": [{"name": "node-exporter", "image": "quay.io/prometheus/node-exporter:v1.8.0"}]},
        },
        "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}},
        "revisionHistoryLimit": 10,
    },
    "status": {
        "currentNumberScheduled": 12,
        "numberMisscheduled": 1,
        "desiredNumberScheduled": 13,
        "numberReady": 11,
        "observedGeneration": 4,
        "updatedNumberScheduled": 6,
        "numberAvailable": 10,
        "numberUnavailable": 3,
    },
}

# Just created: the controller has not written any status counter yet (all omitted as zero values).
MINIMAL = {
    "metadata": {"name": "fluent-bit", "namespace": "logging", "uid": "u-2", "resourceVersion": "17"},
    "spec": {
        "selector": {"matchLabels": {"app": "fluent-bit"}},
        "template": {"metadata": {"labels": {"app": "fluent-bit"}}, "spec": {"containers": [{"name": "c"}]}},
    },
    "status": {"currentNumberScheduled": 0, "numberMisscheduled": 0, "desiredNumberScheduled": 0, "numberReady": 0},
}


def lines(renderer: ResourceRenderer, obj: dict) -> list[str]:
    return b"".join(renderer.render(obj)).decode().splitlines()


def test_default_families() -> None:
    i = 'namespace="monitoring",daemonset="node-exporter"'
    assert lines(ResourceRenderer(RESOURCE), DAEMONSET) == [
        f"kube_daemonset_created{{{i}}} 1.501569018e+09",
        f"kube_daemonset_status_current_number_scheduled{{{i}}} 12",
        f"kube_daemonset_status_desired_number_scheduled{{{i}}} 13",
        f"kube_daemonset_status_number_available{{{i}}} 10",
        f"kube_daemonset_status_number_misscheduled{{{i}}} 1",
        f"kube_daemonset_status_number_ready{{{i}}} 11",
        f"kube_daemonset_status_number_unavailable{{{i}}} 3",
        f"kube_daemonset_status_observed_generation{{{i}}} 4",
        f"kube_daemonset_status_updated_number_scheduled{{{i}}} 6",
        f"kube_daemonset_metadata_generation{{{i}}} 5",
        f"kube_daemonset_deletion_timestamp{{{i}}} 1.7096328e+09",
    ]


def test_empty_cases() -> None:
    i = 'namespace="logging",daemonset="fluent-bit"'
    assert lines(ResourceRenderer(RESOURCE), MINIMAL) == [
        f"kube_daemonset_status_current_number_scheduled{{{i}}} 0",
        f"kube_daemonset_status_desired_number_scheduled{{{i}}} 0",
        f"kube_daemonset_status_number_available{{{i}}} 0",
        f"kube_daemonset_status_number_misscheduled{{{i}}} 0",
        f"kube_daemonset_status_number_ready{{{i}}} 0",
        f"kube_daemonset_status_number_unavailable{{{i}}} 0",
        f"kube_daemonset_status_observed_generation{{{i}}} 0",
        f"kube_daemonset_status_updated_number_scheduled{{{i}}} 0",
        f"kube_daemonset_metadata_generation{{{i}}} 0",
    ]


def test_odd_shapes_do_not_crash() -> None:
    r = ResourceRenderer(RESOURCE)
    i = 'namespace="n",daemonset="odd"'
    for status in ("x", None, [], {"numberReady": "3", "numberAvailable": None, "currentNumberScheduled": 2.5}):
        obj = {"metadata": {"name": "odd", "namespace": "n", "generation": "2"}, "status": status}
        out = lines(r, obj)
        assert len(out) == 9
        assert all(x.endswith(" 0") for x in out), out
        assert out[-1] == f"kube_daemonset_metadata_generation{{{i}}} 0"
    assert r.errors == 0


def test_labels_and_annotations_allowlists() -> None:
    opts = GenerationOptions(
        labels_allowlist={"daemonsets": ["app.kubernetes.io/*"]},
        annotations_allowlist={"daemonsets": ["missing"]},
    )
    out = lines(ResourceRenderer(RESOURCE, opts), DAEMONSET)
    i = 'namespace="monitoring",daemonset="node-exporter"'
    assert out[-2:] == [
        f"kube_daemonset_annotations{{{i}}} 1",  # an entry but no matching key: identity labels only
        f'kube_daemonset_labels{{{i},label_app_kubernetes_io_name="node-exporter",'
        f'label_app_kubernetes_io_part_of="kube-prometheus"}} 1',
    ]


def test_headers_in_family_order() -> None:
    r = ResourceRenderer(RESOURCE)
    assert r.headers[0].decode().startswith("# HELP kube_daemonset_created [STABLE] ")
    assert r.headers[10].decode().startswith("# HELP kube_daemonset_deletion_timestamp Wh")  # ALPHA: no tag
    assert [h.decode().split()[2] for h in r.headers][-2:] == ["kube_daemonset_annotations", "kube_daemonset_labels"]
