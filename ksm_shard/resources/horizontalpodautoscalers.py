"""HorizontalPodAutoscaler (autoscaling/v2) families (upstream internal/store/horizontalpodautoscaler.go)."""

# ruff: noqa: E501

from __future__ import annotations

from typing import Any

from ksm_shard.kube.kinds import KINDS
from ksm_shard.resources.base import (
    NONE,
    STABLE,
    Family,
    ResourceDef,
    annotations_family,
    conditions_by_type,
    created,
    deletion_timestamp,
    labels_family,
    metadata_generation,
    namespace_name,
)
from ksm_shard.resources.resourcequotas import quantity_float


def _dict(v: Any) -> dict:
    return v if v.__class__ is dict else {}


def _str(v: Any) -> str:
    return v if v.__class__ is str else ""


def _count(v: Any) -> tuple:
    """A non-pointer integer: always one sample, 0 when unset."""
    return (((), v if v.__class__ is int else 0),)


def info(obj: dict) -> tuple:
    """Label pairs vary: ``scaletargetref_api_version`` only when spec.scaleTargetRef.apiVersion is non-empty."""
    ref = _dict(_dict(obj.get("spec")).get("scaleTargetRef"))
    kind_name = (("scaletargetref_kind", _str(ref.get("kind"))), ("scaletargetref_name", _str(ref.get("name"))))
    api_version = _str(ref.get("apiVersion"))
    if api_version:
        return (((("scaletargetref_api_version", api_version), *kind_name), 1),)
    return ((kind_name, 1),)


def spec_max_replicas(obj: dict) -> tuple:
    return _count(_dict(obj.get("spec")).get("maxReplicas"))


def spec_min_replicas(obj: dict) -> tuple:
    v = _dict(obj.get("spec")).get("minReplicas")
    return (((), v if v.__class__ is int else 1),)


def status_current_replicas(obj: dict) -> tuple:
    return _count(_dict(obj.get("status")).get("currentReplicas"))


def status_desired_replicas(obj: dict) -> tuple:
    return _count(_dict(obj.get("status")).get("desiredReplicas"))


def status_condition(obj: dict) -> list:
    """``condition, status``: three samples per status.conditions entry, 1 on its status."""
    return conditions_by_type(_dict(obj.get("status")).get("conditions"))


# Metric source type -> (field holding the source, whether its name is metric.name rather than the resource name).
_SOURCES = {
    "Object": ("object", True),
    "Pods": ("pods", True),
    "Resource": ("resource", False),
    "ContainerResource": ("containerResource", False),
    "External": ("external", True),
}


def _metric_samples(entries: Any, block: str) -> list | tuple:
    """``metric_name, metric_target_type, container`` for each populated field of every entry's ``block``
    (``target`` in spec.metrics, ``current`` in status.currentMetrics): value, utilization, average."""
    if entries.__class__ is not list:
        return NONE
    out: list = []
    append = out.append
    for m in entries:
        if m.__class__ is not dict:
            continue
        mtype = m.get("type")
        src = _SOURCES.get(mtype) if mtype.__class__ is str else None
        if src is None:  # unknown source type: skipped upstream
            continue
        key, by_metric = src
        source = m.get(key)
        if source.__class__ is not dict:  # the type's source struct is nil
            continue
        name = _str(_dict(source.get("metric")).get("name")) if by_metric else _str(source.get("name"))
        container = _str(source.get("container")) if key == "containerResource" else ""
        t = source.get(block)
        if t.__class__ is not dict:
            continue
        # Upstream collects these in a map, so their relative order is not defined; we use a fixed one.
        q = t.get("value")
        if q is not None and (v := quantity_float(q)) is not None:
            append(((name, "value", container), v))
        u = t.get("averageUtilization")
        if u.__class__ is int:
            append(((name, "utilization", container), u))
        q = t.get("averageValue")
        if q is not None and (v := quantity_float(q)) is not None:
            append(((name, "average", container), v))
    return out


def spec_target_metric(obj: dict) -> list | tuple:
    return _metric_samples(_dict(obj.get("spec")).get("metrics"), "target")


def status_target_metric(obj: dict) -> list | tuple:
    return _metric_samples(_dict(obj.get("status")).get("currentMetrics"), "current")


def _tolerance(obj: dict, direction: str) -> tuple:
    rules = _dict(_dict(_dict(obj.get("spec")).get("behavior")).get(direction))
    q = rules.get("tolerance")
    v = quantity_float(q) if q is not None else None
    return NONE if v is None else (((), v),)


def scale_down_tolerance(obj: dict) -> tuple:
    return _tolerance(obj, "scaleDown")


def scale_up_tolerance(obj: dict) -> tuple:
    return _tolerance(obj, "scaleUp")


_TARGET_LABELS = ("metric_name", "metric_target_type", "container")

RESOURCE = ResourceDef(
    kind=KINDS["horizontalpodautoscalers"],
    identity_labels=("namespace", "horizontalpodautoscaler"),
    identity=namespace_name,
    families=(
        Family("kube_horizontalpodautoscaler_info", "Constant 1 naming the HorizontalPodAutoscaler's scale target (spec.scaleTargetRef).", info, ("scaletargetref_api_version", "scaletargetref_kind", "scaletargetref_name"), pairs=True),
        Family("kube_horizontalpodautoscaler_metadata_generation", "The HorizontalPodAutoscaler's metadata.generation.", metadata_generation, stability=STABLE),
        Family("kube_horizontalpodautoscaler_spec_max_replicas", "Most pods the autoscaler may scale to (spec.maxReplicas).", spec_max_replicas, stability=STABLE),
        Family("kube_horizontalpodautoscaler_spec_min_replicas", "Fewest pods the autoscaler may scale to (spec.minReplicas, 1 when unset).", spec_min_replicas, stability=STABLE),
        Family("kube_horizontalpodautoscaler_spec_target_metric", "Target values of the metrics the autoscaler scales on (spec.metrics).", spec_target_metric, _TARGET_LABELS),
        Family("kube_horizontalpodautoscaler_spec_behavior_scale_down_tolerance", "Scale-down tolerance of the autoscaler (spec.behavior.scaleDown.tolerance).", scale_down_tolerance),
        Family("kube_horizontalpodautoscaler_spec_behavior_scale_up_tolerance", "Scale-up tolerance of the autoscaler (spec.behavior.scaleUp.tolerance).", scale_up_tolerance),
        Family("kube_horizontalpodautoscaler_status_target_metric", "Current values of the metrics the autoscaler scales on (status.currentMetrics).", status_target_metric, _TARGET_LABELS, stability=STABLE),
        Family("kube_horizontalpodautoscaler_status_current_replicas", "Pods the autoscaler currently manages (status.currentReplicas).", status_current_replicas, stability=STABLE),
        Family("kube_horizontalpodautoscaler_status_desired_replicas", "Pods the autoscaler last computed it wants (status.desiredReplicas).", status_desired_replicas, stability=STABLE),
        annotations_family("horizontalpodautoscaler", "HorizontalPodAutoscaler annotations allowed by --metric-annotations-allowlist, as Prometheus labels."),
        labels_family("horizontalpodautoscaler", "HorizontalPodAutoscaler labels allowed by --metric-labels-allowlist, as Prometheus labels."),
        Family("kube_horizontalpodautoscaler_status_condition", "The autoscaler's status conditions, 1 on each condition's current status.", status_condition, ("condition", "status"), stability=STABLE),
        Family("kube_horizontalpodautoscaler_created", "When the HorizontalPodAutoscaler was created, in Unix seconds.", created),
        Family("kube_horizontalpodautoscaler_deletion_timestamp", "When the HorizontalPodAutoscaler was marked for deletion, in Unix seconds.", deletion_timestamp),
    ),
)  # fmt: skip
