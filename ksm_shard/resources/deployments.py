"""Deployment families (upstream internal/store/deployment.go)."""

# ruff: noqa: E501  (the family table keeps one row per line)

from __future__ import annotations

import math
from typing import Any

from ksm_shard.kube.kinds import KINDS
from ksm_shard.resources.base import (
    NONE,
    STABLE,
    Family,
    ResourceDef,
    annotations_family,
    created,
    deletion_timestamp,
    labels_family,
    metadata_generation,
    namespace_name,
    spec_replicas,
    status_count,
)

# Condition reasons upstream passes through (kubernetes/pkg/controller/deployment/util); others become "unknown".
_REASONS = frozenset({
    "ReplicaSetUpdated", "ReplicaSetCreateError", "NewReplicaSetCreated", "FoundNewReplicaSet",
    "NewReplicaSetAvailable", "ProgressDeadlineExceeded", "DeploymentPaused", "DeploymentResumed",
    "MinimumReplicasAvailable", "MinimumReplicasUnavailable", "",
})  # fmt: skip
_INT64_MAX = 2**63 - 1


def _int(v: Any) -> int | None:
    """An integer field as the apiserver sends it; None for unset or oddly typed values."""
    return v if v.__class__ is int else None


def _status(obj: dict) -> dict:
    s = obj.get("status")
    return s if s.__class__ is dict else {}


def _spec(obj: dict) -> dict:
    s = obj.get("spec")
    return s if s.__class__ is dict else {}


def owner(obj: dict) -> tuple:
    """``owner_kind, owner_name`` per owner reference (no owner_is_controller here); one empty sample without owners."""
    refs = obj["metadata"].get("ownerReferences")
    out = []
    if refs.__class__ is list:
        for ref in refs:
            if ref.__class__ is dict:
                out.append(((ref.get("kind", ""), ref.get("name", "")), 1))
    return tuple(out) if out else ((("", ""), 1),)


status_replicas = status_count("replicas")
status_ready = status_count("readyReplicas")
status_available = status_count("availableReplicas")
status_unavailable = status_count("unavailableReplicas")
status_updated = status_count("updatedReplicas")
status_observed_generation = status_count("observedGeneration")


def status_terminating(obj: dict) -> tuple:
    v = _int(_status(obj).get("terminatingReplicas"))
    return NONE if v is None else (((), v),)


def status_condition(obj: dict) -> list:
    """``reason, condition, status``: three samples per condition, 1 on its status (compared case-sensitively)."""
    out: list = []
    conds = _status(obj).get("conditions")
    if conds.__class__ is not list:
        return out
    append = out.append
    for c in conds:
        if c.__class__ is not dict:
            continue
        reason = c.get("reason", "")
        if reason.__class__ is not str or reason not in _REASONS:
            reason = "unknown"
        ctype = c.get("type", "")
        if ctype.__class__ is not str:
            ctype = ""
        st = c.get("status")
        append(((reason, ctype, "true"), 1 if st == "True" else 0))
        append(((reason, ctype, "false"), 1 if st == "False" else 0))
        append(((reason, ctype, "unknown"), 1 if st == "Unknown" else 0))
    return out


def spec_paused(obj: dict) -> tuple:
    return (((), 1 if _spec(obj).get("paused") is True else 0),)


def scaled_int_or_percent(v: Any, total: int, round_up: bool) -> int | None:
    """intstr.GetScaledValueFromIntOrPercent: an int as is, ``"N%"`` of total (ceil or floor); None on error."""
    if v.__class__ is int:
        return v
    if v.__class__ is not str or not v.endswith("%"):
        return None  # nil, or a string that is not a percentage
    digits = v[:-1]
    body = digits[1:] if digits[:1] in ("+", "-") else digits
    if not body or not body.isascii() or not body.isdigit():  # strconv.Atoi syntax
        return None
    n = int(digits)
    if not -_INT64_MAX - 1 <= n <= _INT64_MAX:
        return None
    scaled = float(n) * float(total) / 100  # float64 arithmetic, as upstream
    return math.ceil(scaled) if round_up else math.floor(scaled)


def _rolling_update(obj: dict, key: str, round_up: bool) -> tuple:
    spec = _spec(obj)
    strategy = spec.get("strategy")
    ru = strategy.get("rollingUpdate") if strategy.__class__ is dict else None
    replicas = _int(spec.get("replicas"))
    if ru.__class__ is not dict or replicas is None:
        return NONE
    v = scaled_int_or_percent(ru.get(key), replicas, round_up)
    return NONE if v is None else (((), v),)


def max_unavailable(obj: dict) -> tuple:
    return _rolling_update(obj, "maxUnavailable", False)


def max_surge(obj: dict) -> tuple:
    return _rolling_update(obj, "maxSurge", True)


RESOURCE = ResourceDef(
    kind=KINDS["deployments"],
    identity_labels=("namespace", "deployment"),
    identity=namespace_name,
    families=(
        Family("kube_deployment_owner", "The Deployment's owner references (kind and name).", owner, ("owner_kind", "owner_name")),
        Family("kube_deployment_created", "When the Deployment was created, in Unix seconds.", created, stability=STABLE),
        Family("kube_deployment_status_replicas", "Pods currently managed by the Deployment (status.replicas).", status_replicas, stability=STABLE),
        Family("kube_deployment_status_replicas_ready", "Ready pods of the Deployment (status.readyReplicas).", status_ready, stability=STABLE),
        Family("kube_deployment_status_replicas_available", "Available pods of the Deployment (status.availableReplicas).", status_available, stability=STABLE),
        Family("kube_deployment_status_replicas_unavailable", "Unavailable pods of the Deployment (status.unavailableReplicas).", status_unavailable, stability=STABLE),
        Family("kube_deployment_status_replicas_updated", "Pods of the Deployment running the latest template (status.updatedReplicas).", status_updated, stability=STABLE),
        Family("kube_deployment_status_terminating_replicas", "Terminating pods of the Deployment (status.terminatingReplicas).", status_terminating),
        Family("kube_deployment_status_observed_generation", "The generation the deployment controller last acted on.", status_observed_generation, stability=STABLE),
        Family("kube_deployment_status_condition", "The Deployment's status conditions, 1 on each condition's current status.", status_condition, ("reason", "condition", "status"), stability=STABLE),
        Family("kube_deployment_spec_replicas", "Desired number of pods (spec.replicas).", spec_replicas, stability=STABLE),
        Family("kube_deployment_spec_paused", "1 when the Deployment is paused (spec.paused), else 0.", spec_paused, stability=STABLE),
        Family("kube_deployment_spec_strategy_rollingupdate_max_unavailable", "Rolling update maxUnavailable as a pod count (percentages of spec.replicas rounded down).", max_unavailable, stability=STABLE),
        Family("kube_deployment_spec_strategy_rollingupdate_max_surge", "Rolling update maxSurge as a pod count (percentages of spec.replicas rounded up).", max_surge, stability=STABLE),
        Family("kube_deployment_metadata_generation", "The Deployment's metadata.generation.", metadata_generation, stability=STABLE),
        Family("kube_deployment_deletion_timestamp", "When the Deployment was marked for deletion, in Unix seconds.", deletion_timestamp),
        annotations_family("deployment", "Deployment annotations allowed by --metric-annotations-allowlist, as Prometheus labels."),
        labels_family("deployment", "Deployment labels allowed by --metric-labels-allowlist, as Prometheus labels."),
    ),
)  # fmt: skip
