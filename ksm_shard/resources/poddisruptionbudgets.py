"""PodDisruptionBudget families (upstream internal/store/poddisruptionbudget.go)."""

# ruff: noqa: E501

from __future__ import annotations

from typing import Any

from ksm_shard.kube.kinds import KINDS
from ksm_shard.resources.base import (
    ALPHA,
    STABLE,
    Family,
    ResourceDef,
    annotations_family,
    created,
    deletion_timestamp,
    labels_family,
    namespace_name,
)


def _count(v: Any) -> tuple:
    """A non-pointer integer status field: always one sample, 0 when unset."""
    return (((), v if v.__class__ is int else 0),)


def _status(obj: dict) -> dict:
    s = obj.get("status")
    return s if s.__class__ is dict else {}


def current_healthy(obj: dict) -> tuple:
    return _count(_status(obj).get("currentHealthy"))


def desired_healthy(obj: dict) -> tuple:
    return _count(_status(obj).get("desiredHealthy"))


def disruptions_allowed(obj: dict) -> tuple:
    return _count(_status(obj).get("disruptionsAllowed"))


def expected_pods(obj: dict) -> tuple:
    return _count(_status(obj).get("expectedPods"))


def observed_generation(obj: dict) -> tuple:
    return _count(_status(obj).get("observedGeneration"))


RESOURCE = ResourceDef(
    kind=KINDS["poddisruptionbudgets"],
    identity_labels=("namespace", "poddisruptionbudget"),
    identity=namespace_name,
    families=(
        annotations_family("poddisruptionbudget", "PodDisruptionBudget annotations allowed by --metric-annotations-allowlist, as Prometheus labels."),
        labels_family("poddisruptionbudget", "PodDisruptionBudget labels allowed by --metric-labels-allowlist, as Prometheus labels.", stability=ALPHA),
        Family("kube_poddisruptionbudget_created", "When the PodDisruptionBudget was created, in Unix seconds.", created, stability=STABLE),
        Family("kube_poddisruptionbudget_status_current_healthy", "Healthy pods the budget currently counts (status.currentHealthy).", current_healthy, stability=STABLE),
        Family("kube_poddisruptionbudget_status_desired_healthy", "Minimum number of healthy pods the budget requires (status.desiredHealthy).", desired_healthy, stability=STABLE),
        Family("kube_poddisruptionbudget_status_pod_disruptions_allowed", "Pod disruptions the budget currently allows (status.disruptionsAllowed).", disruptions_allowed, stability=STABLE),
        Family("kube_poddisruptionbudget_status_expected_pods", "Pods the budget covers (status.expectedPods).", expected_pods, stability=STABLE),
        Family("kube_poddisruptionbudget_status_observed_generation", "The generation the disruption controller last observed (status.observedGeneration).", observed_generation, stability=STABLE),
        Family("kube_poddisruptionbudget_deletion_timestamp", "When the PodDisruptionBudget was marked for deletion, in Unix seconds.", deletion_timestamp),
    ),
)  # fmt: skip
