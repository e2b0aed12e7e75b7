"""Flags that shape /metrics change the output exactly as upstream's do (in-process exporters, HTTP to the sim)."""

from __future__ import annotations

import re

import pytest
from factories import configmap, pod

from ksm_shard.cli import UsageError, parse_options


def families(exporter, openmetrics: bool = False) -> list[str]:  # noqa: ANN001
    text = b"".join(exporter.scrape(openmetrics=openmetrics)).decode()
    return [line.split()[2] for line in text.splitlines() if line.startswith("# TYPE ")]


def text_of(exporter) -> str:  # noqa: ANN001
    return b"".join(exporter.scrape()).decode()


@pytest.fixture
def objects(storage):  # noqa: ANN001
    cm = configmap("cm", "team-a", team="a", **{"app.kubernetes.io/name": "shop"})
    cm["metadata"]["annotations"] = {"owner": "ops", "note": "x"}
    storage.create("configmaps", cm)
    p = pod("p", "team-a")
    p["spec"]["nodeSelector"] = {"disktype": "ssd", "kubernetes.io/os": "linux"}
    storage.create("pods", p)
    return storage


def test_metric_allowlist_keeps_only_matching_families(objects, make_exporter) -> None:  # noqa: ANN001
    exp = make_exporter(
        ["configmaps", "pods"], metric_allowlist=[re.compile("configmap_info"), re.compile("^kube_pod_info$")]
    )
    assert families(exp) == ["kube_configmap_info", "kube_pod_info"]


def test_metric_denylist_drops_matching_families(objects, make_exporter) -> None:  # noqa: ANN001
    exp = make_exporter(["configmaps"], metric_denylist=[re.compile("_created"), re.compile("annotations")])
    assert families(exp) == ["kube_configmap_labels", "kube_configmap_info", "kube_configmap_metadata_resource_version"]


def test_opt_in_family_needs_the_opt_in_list(objects, make_exporter) -> None:  # noqa: ANN001
    assert "kube_pod_nodeselectors" not in families(make_exporter(["pods"]))
    exp = make_exporter(["pods"], metric_opt_in_list=[re.compile("nodeselectors")])
    assert "kube_pod_nodeselectors" in families(exp)
    line = next(x for x in text_of(exp).splitlines() if x.startswith("kube_pod_nodeselectors{"))
    assert line.endswith(',nodeselector_disktype="ssd",nodeselector_kubernetes_io_os="linux"} 1')
    # an opt-in family must also pass the allow/deny lists
    exp = make_exporter(
        ["pods"], metric_opt_in_list=[re.compile("nodeselectors")], metric_denylist=[re.compile("node")]
    )
    assert "kube_pod_nodeselectors" not in families(exp)


def test_labels_and_annotations_allowlists(objects, make_exporter) -> None:  # noqa: ANN001
    plain = text_of(make_exporter(["configmaps"]))
    assert "kube_configmap_labels{" not in plain and "# TYPE kube_configmap_labels gauge" in plain
    exp = make_exporter(["configmaps"], labels_allowlist={"configmaps": ["team", "app.kubernetes.io/*"]},
                        annotations_allowlist={"*": ["owner"]})  # fmt: skip
    text = text_of(exp)
    assert (
        'kube_configmap_labels{namespace="team-a",configmap="cm",label_app_kubernetes_io_name="shop",label_team="a"} 1'
        in text
    )
    assert 'kube_configmap_annotations{namespace="team-a",configmap="cm",annotation_owner="ops"} 1' in text


def test_openmetrics_headers_name_counters_without_total(objects, make_exporter) -> None:  # noqa: ANN001
    exp = make_exporter(["pods"])
    assert "kube_pod_container_status_restarts" in families(exp, openmetrics=True)
    assert "kube_pod_container_status_restarts_total" in families(exp)


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["--metric-allowlist=kube_pod_(info"], "invalid regular expression 'kube_pod_(info'"),
        (["--metric-allowlist=a", "--metric-denylist=b"], "mutually exclusive"),
        (["--metric-opt-in-list=[z-a]"], "invalid regular expression"),
    ],
)
def test_bad_filter_flags(argv: list[str], fragment: str) -> None:
    with pytest.raises(UsageError) as e:
        parse_options(argv)
    assert fragment in str(e.value)


def test_node_replicas_and_unscheduled_replica_cover_every_pod_once(storage, make_exporter) -> None:  # noqa: ANN001
    from collections import Counter

    from ksm_shard.launch import sample_lines

    for i in range(60):
        storage.create("pods", pod(f"p{i}", "ns", node=None if i % 6 == 0 else f"node-{i % 3}"))
    per_node = [make_exporter(["pods"], node=f"node-{n}") for n in range(3)]
    unscheduled = make_exporter(["pods"], track_unscheduled_pods=True)
    everything = make_exporter(["pods"])
    union = Counter(line for e in [*per_node, unscheduled] for line in sample_lines(b"".join(e.scrape())))
    assert union == Counter(sample_lines(b"".join(everything.scrape())))
    assert text_of(unscheduled).count("kube_pod_info{") == 10
    assert all(text_of(e).count("kube_pod_info{") > 0 for e in per_node)


def test_server_side_sharding_off_never_sends_the_selector(storage, sim, make_exporter) -> None:  # noqa: ANN001
    storage.create("configmaps", configmap("a"))
    exp = make_exporter(["configmaps"], shard=0, total_shards=2, server_side_sharding=False)
    assert not any("shardSelector" in q for m, p, q in list(sim.requests) if p == "/api/v1/configmaps")
    assert exp.reflectors[0].server_side_filtered is False


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["--node=n1"], "needs --resources=pods"),
        (["--resources=pods", "--node=n1", "--track-unscheduled-pods"], "mutually exclusive"),
    ],
)
def test_node_flag_validation(argv: list[str], fragment: str) -> None:
    with pytest.raises(UsageError) as e:
        parse_options(argv)
    assert fragment in str(e.value)
