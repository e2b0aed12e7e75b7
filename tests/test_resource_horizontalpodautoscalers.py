# ruff: noqa: E501
"""Golden test: HorizontalPodAutoscalers (autoscaling/v2) as the apiserver serves them -> the exact lines upstream
would write."""

import json
from pathlib import Path

from ksm_shard.generator import GenerationOptions, ResourceRenderer
from ksm_shard.resources.horizontalpodautoscalers import RESOURCE

SPEC = Path(__file__).parents[1].parent / "shared/spec/metrics.json"

# An HPA using every metric source type, with configurable tolerances, after a few reconciliations.
HPA = {
    "metadata": {
        "name": "web",
        "namespace": "shop",
        "uid": "2b3c4d5e-0000-4000-8000-0000000000cc",
        "resourceVersion": "310022",
        "generation": 4,
        "creationTimestamp": "2024-04-02T10:20:30Z",
        "labels": {"app.kubernetes.io/name": "web"},
        "annotations": {"autoscaling.example.com/owner": "sre"},
    },
    "spec": {
        "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
        "minReplicas": 2,
        "maxReplicas": 20,
        "metrics": [
            {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}}},
            {"type": "Resource", "resource": {"name": "memory", "target": {"type": "AverageValue", "averageValue": "512Mi"}}},
            {"type": "ContainerResource", "containerResource": {"name": "cpu", "container": "app", "target": {"type": "Utilization", "averageUtilization": 60}}},
            {"type": "Pods", "pods": {"metric": {"name": "requests_per_second"}, "target": {"type": "AverageValue", "averageValue": "250m"}}},
            {"type": "Object", "object": {
                "describedObject": {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "name": "web"},
                "metric": {"name": "hits_per_second"}, "target": {"type": "Value", "value": "10k"}}},
            {"type": "External", "external": {
                "metric": {"name": "queue_depth", "selector": {"matchLabels": {"queue": "orders"}}},
                "target": {"type": "Value", "value": "30"}}},
        ],
        "behavior": {
            "scaleUp": {"stabilizationWindowSeconds": 0, "selectPolicy": "Max", "tolerance": "50m",
                        "policies": [{"type": "Percent", "value": 100, "periodSeconds": 15}]},
            "scaleDown": {"stabilizationWindowSeconds": 300, "selectPolicy": "Max", "tolerance": "100m",
                          "policies": [{"type": "Percent", "value": 100, "periodSeconds": 15}]},
        },
    },
    "status": {
        "observedGeneration": 4,
        "lastScaleTime": "2024-04-02T11:00:00Z",
        "currentReplicas": 5,
        "desiredReplicas": 6,
        "currentMetrics": [
            {"type": "Resource", "resource": {"name": "cpu", "current": {"averageValue": "350m", "averageUtilization": 82}}},
            {"type": "Resource", "resource": {"name": "memory", "current": {"averageValue": "402653184"}}},
            {"type": "ContainerResource", "containerResource": {"name": "cpu", "container": "app", "current": {"averageValue": "300m", "averageUtilization": 71}}},
            {"type": "Pods", "pods": {"metric": {"name": "requests_per_second"}, "current": {"averageValue": "1234m"}}},
            {"type": "Object", "object": {
                "describedObject": {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "name": "web"},
                "metric": {"name": "hits_per_second"}, "current": {"value": "12500"}}},
            {"type": "External", "external": {"metric": {"name": "queue_depth"}, "current": {"value": "42"}}},
        ],
        "conditions": [
            {"type": "AbleToScale", "status": "True", "lastTransitionTime": "2024-04-02T10:21:00Z",
             "reason": "ReadyForNewScale", "message": "recommended size matches current size"},
            {"type": "ScalingActive", "status": "True", "lastTransitionTime": "2024-04-02T10:21:00Z",
             "reason": "ValidMetricFound", "message": "the HPA was able to successfully calculate a replica count"},
            {"type": "ScalingLimited", "status": "False", "lastTransitionTime": "2024-04-02T10:21:00Z",
             "reason": "DesiredWithinRange", "message": "the desired count is within the acceptable range"},
        ],
    },
}  # fmt: skip

# Freshly created against a target without apiVersion, being deleted; the controller has not written metrics yet.
NEW_HPA = {
    "metadata": {
        "name": "worker",
        "namespace": "jobs",
        "uid": "u-2",
        "generation": 1,
        "creationTimestamp": "2024-04-02T10:20:30Z",
        "deletionTimestamp": "2024-04-03T00:00:00Z",
        "finalizers": ["example.com/keep"],
    },
    "spec": {
        "scaleTargetRef": {"kind": "StatefulSet", "name": "worker"},
        "minReplicas": 1,
        "maxReplicas": 3,
        "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}}}],
    },
    "status": {
        "desiredReplicas": 0,
        "currentMetrics": [{"type": ""}],  # what the controller writes for a metric it could not read
        "conditions": [
            {"type": "AbleToScale", "status": "True", "reason": "SucceededGetScale", "lastTransitionTime": "2024-04-02T10:21:00Z"},
            {"type": "ScalingActive", "status": "False", "reason": "FailedGetResourceMetric", "lastTransitionTime": "2024-04-02T10:21:00Z"},
        ],
    },
}  # fmt: skip


def lines(obj: dict, opts: GenerationOptions | None = None) -> list[str]:
    r = ResourceRenderer(RESOURCE, opts)
    out = b"".join(r.render(obj)).decode().splitlines()
    assert r.errors == 0
    return out


def test_full_hpa() -> None:
    i = 'namespace="shop",horizontalpodautoscaler="web"'
    s = "kube_horizontalpodautoscaler_spec_target_metric"
    c = "kube_horizontalpodautoscaler_status_target_metric"
    cond = "kube_horizontalpodautoscaler_status_condition"
    assert lines(HPA) == [
        f'kube_horizontalpodautoscaler_info{{{i},scaletargetref_api_version="apps/v1",scaletargetref_kind="Deployment",scaletargetref_name="web"}} 1',
        f"kube_horizontalpodautoscaler_metadata_generation{{{i}}} 4",
        f"kube_horizontalpodautoscaler_spec_max_replicas{{{i}}} 20",
        f"kube_horizontalpodautoscaler_spec_min_replicas{{{i}}} 2",
        f'{s}{{{i},metric_name="cpu",metric_target_type="utilization",container=""}} 70',
        f'{s}{{{i},metric_name="memory",metric_target_type="average",container=""}} 5.36870912e+08',
        f'{s}{{{i},metric_name="cpu",metric_target_type="utilization",container="app"}} 60',
        f'{s}{{{i},metric_name="requests_per_second",metric_target_type="average",container=""}} 0.25',
        f'{s}{{{i},metric_name="hits_per_second",metric_target_type="value",container=""}} 10000',
        f'{s}{{{i},metric_name="queue_depth",metric_target_type="value",container=""}} 30',
        f"kube_horizontalpodautoscaler_spec_behavior_scale_down_tolerance{{{i}}} 0.1",
        f"kube_horizontalpodautoscaler_spec_behavior_scale_up_tolerance{{{i}}} 0.05",
        f'{c}{{{i},metric_name="cpu",metric_target_type="utilization",container=""}} 82',
        f'{c}{{{i},metric_name="cpu",metric_target_type="average",container=""}} 0.35',
        f'{c}{{{i},metric_name="memory",metric_target_type="average",container=""}} 4.02653184e+08',
        f'{c}{{{i},metric_name="cpu",metric_target_type="utilization",container="app"}} 71',
        f'{c}{{{i},metric_name="cpu",metric_target_type="average",container="app"}} 0.3',
        f'{c}{{{i},metric_name="requests_per_second",metric_target_type="average",container=""}} 1.234',
        f'{c}{{{i},metric_name="hits_per_second",metric_target_type="value",container=""}} 12500',
        f'{c}{{{i},metric_name="queue_depth",metric_target_type="value",container=""}} 42',
        f"kube_horizontalpodautoscaler_status_current_replicas{{{i}}} 5",
        f"kube_horizontalpodautoscaler_status_desired_replicas{{{i}}} 6",
        f'{cond}{{{i},condition="AbleToScale",status="true"}} 1',
        f'{cond}{{{i},condition="AbleToScale",status="false"}} 0',
        f'{cond}{{{i},condition="AbleToScale",status="unknown"}} 0',
        f'{cond}{{{i},condition="ScalingActive",status="true"}} 1',
        f'{cond}{{{i},condition="ScalingActive",status="false"}} 0',
        f'{cond}{{{i},condition="ScalingActive",status="unknown"}} 0',
        f'{cond}{{{i},condition="ScalingLimited",status="true"}} 0',
        f'{cond}{{{i},condition="ScalingLimited",status="false"}} 1',
        f'{cond}{{{i},condition="ScalingLimited",status="unknown"}} 0',
        f"kube_horizontalpodautoscaler_created{{{i}}} 1.71205323e+09",
    ]


def test_new_hpa_being_deleted() -> None:
    i = 'namespace="jobs",horizontalpodautoscaler="worker"'
    cond = "kube_horizontalpodautoscaler_status_condition"
    assert lines(NEW_HPA) == [
        # No apiVersion on the target: the label is left out entirely, not written empty.
        f'kube_horizontalpodautoscaler_info{{{i},scaletargetref_kind="StatefulSet",scaletargetref_name="worker"}} 1',
        f"kube_horizontalpodautoscaler_metadata_generation{{{i}}} 1",
        f"kube_horizontalpodautoscaler_spec_max_replicas{{{i}}} 3",
        f"kube_horizontalpodautoscaler_spec_min_replicas{{{i}}} 1",
        f'kube_horizontalpodautoscaler_spec_target_metric{{{i},metric_name="cpu",metric_target_type="utilization",container=""}} 80',
        # no behavior -> no tolerances; the untyped current metric is skipped; currentReplicas omitted -> 0
        f"kube_horizontalpodautoscaler_status_current_replicas{{{i}}} 0",
        f"kube_horizontalpodautoscaler_status_desired_replicas{{{i}}} 0",
        f'{cond}{{{i},condition="AbleToScale",status="true"}} 1',
        f'{cond}{{{i},condition="AbleToScale",status="false"}} 0',
        f'{cond}{{{i},condition="AbleToScale",status="unknown"}} 0',
        f'{cond}{{{i},condition="ScalingActive",status="true"}} 0',
        f'{cond}{{{i},condition="ScalingActive",status="false"}} 1',
        f'{cond}{{{i},condition="ScalingActive",status="unknown"}} 0',
        f"kube_horizontalpodautoscaler_created{{{i}}} 1.71205323e+09",
        f"kube_horizontalpodautoscaler_deletion_timestamp{{{i}}} 1.7121024e+09",
    ]


def test_minimal_and_odd_objects() -> None:
    i = 'namespace="n",horizontalpodautoscaler="h"'
    # Nothing set at all: minReplicas defaults to 1, counts to 0, the info sample keeps empty kind/name.
    assert lines({"metadata": {"name": "h", "namespace": "n"}}) == [
        f'kube_horizontalpodautoscaler_info{{{i},scaletargetref_kind="",scaletargetref_name=""}} 1',
        f"kube_horizontalpodautoscaler_metadata_generation{{{i}}} 0",
        f"kube_horizontalpodautoscaler_spec_max_replicas{{{i}}} 0",
        f"kube_horizontalpodautoscaler_spec_min_replicas{{{i}}} 1",
        f"kube_horizontalpodautoscaler_status_current_replicas{{{i}}} 0",
        f"kube_horizontalpodautoscaler_status_desired_replicas{{{i}}} 0",
    ]
    odd = {
        "metadata": {"name": "h", "namespace": "n"},
        "spec": {
            "scaleTargetRef": {"apiVersion": "", "kind": "Deployment", "name": 5},
            "minReplicas": "3",
            "metrics": [
                "junk",
                {"type": ["Resource"]},
                {"type": "Bogus", "bogus": {"name": "x", "target": {"value": "1"}}},
                {"type": "Resource"},  # source struct missing
                {
                    "type": "Pods",
                    "pods": {"metric": {"name": "rps"}, "target": {"averageValue": "lots", "averageUtilization": True}},
                },
                {
                    "type": "External",
                    "external": {"metric": {"name": "q"}, "target": {"value": "1500m", "averageValue": "2"}},
                },
            ],
            "behavior": {"scaleUp": {"tolerance": "x"}, "scaleDown": None},
        },
        "status": {"currentMetrics": "junk", "conditions": "junk"},
    }
    assert lines(odd) == [
        f'kube_horizontalpodautoscaler_info{{{i},scaletargetref_kind="Deployment",scaletargetref_name=""}} 1',
        f"kube_horizontalpodautoscaler_metadata_generation{{{i}}} 0",
        f"kube_horizontalpodautoscaler_spec_max_replicas{{{i}}} 0",
        f"kube_horizontalpodautoscaler_spec_min_replicas{{{i}}} 1",
        f'kube_horizontalpodautoscaler_spec_target_metric{{{i},metric_name="q",metric_target_type="value",container=""}} 1.5',
        f'kube_horizontalpodautoscaler_spec_target_metric{{{i},metric_name="q",metric_target_type="average",container=""}} 2',
        f"kube_horizontalpodautoscaler_status_current_replicas{{{i}}} 0",
        f"kube_horizontalpodautoscaler_status_desired_replicas{{{i}}} 0",
    ]


def test_info_label_sets_match_catalog_variants() -> None:
    """Every emitted kube_horizontalpodautoscaler_info label set is one of the catalog's label_variants."""
    variants = [
        [
            "namespace",
            "horizontalpodautoscaler",
            "scaletargetref_api_version",
            "scaletargetref_kind",
            "scaletargetref_name",
        ],
        ["namespace", "horizontalpodautoscaler", "scaletargetref_kind", "scaletargetref_name"],
    ]
    if SPEC.exists():
        spec = next(r for r in json.loads(SPEC.read_text())["resources"] if r["name"] == "horizontalpodautoscalers")
        variants = next(f for f in spec["families"] if f["name"] == "kube_horizontalpodautoscaler_info")[
            "label_variants"
        ]
    seen = set()
    for obj in (HPA, NEW_HPA):
        for line in lines(obj):
            if line.startswith("kube_horizontalpodautoscaler_info{"):
                body = line[line.index("{") + 1 : line.rindex("}")]
                seen.add(tuple(kv.split("=", 1)[0] for kv in body.split('",') if kv))
    assert seen == {tuple(v) for v in variants}


def test_labels_and_annotations_allowlists() -> None:
    opts = GenerationOptions(labels_allowlist={"horizontalpodautoscalers": ["app.kubernetes.io/name"]},
                             annotations_allowlist={"horizontalpodautoscalers": ["autoscaling.example.com/*"]})  # fmt: skip
    i = 'namespace="shop",horizontalpodautoscaler="web"'
    out = lines(HPA, opts)
    assert [
        x
        for x in out
        if x.startswith(("kube_horizontalpodautoscaler_annotations", "kube_horizontalpodautoscaler_labels"))
    ] == [
        f'kube_horizontalpodautoscaler_annotations{{{i},annotation_autoscaling_example_com_owner="sre"}} 1',
        f'kube_horizontalpodautoscaler_labels{{{i},label_app_kubernetes_io_name="web"}} 1',
    ]
    # They sit between status_desired_replicas and status_condition.
    k = out.index(f"kube_horizontalpodautoscaler_status_desired_replicas{{{i}}} 6")
    assert out[k + 1].startswith("kube_horizontalpodautoscaler_annotations{")
    assert out[k + 3].startswith("kube_horizontalpodautoscaler_status_condition{")
