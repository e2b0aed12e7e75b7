"""StatefulSet families (upstream internal/store/statefulset.go)."""

# ruff: noqa: E501  (the family table keeps one row per line)

from __future__ import annotations

from collections.abc import Callable

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

status_replicas = status_count("replicas")
status_replicas_available = status_count("availableReplicas")
status_replicas_current = status_count("currentReplicas")
status_replicas_ready = status_count("readyReplicas")
status_replicas_updated = status_count("updatedReplicas")
status_observed_generation = status_count("observedGeneration")


def _spec(obj: dict) -> dict:
    s = obj.get("spec")
    return s if s.__class__ is dict else {}


def _str(v: object) -> str:
    return v if v.__class__ is str else ""  # type: ignore[return-value]


def ordinals_start(obj: dict) -> tuple:
    """spec.ordinals.start; the struct being present is what counts (an omitted start is 0)."""
    ordinals = _spec(obj).get("ordinals")
    if ordinals.__class__ is not dict:
        return NONE
    v = ordinals.get("start")
    return (((), v if v.__class__ is int else 0),)


def pvc_retention_policy(obj: dict) -> tuple:
    """``when_deleted, when_scaled`` from spec.persistentVolumeClaimRetentionPolicy, when either is non-empty."""
    policy = _spec(obj).get("persistentVolumeClaimRetentionPolicy")
    if policy.__class__ is not dict:
        return NONE
    deleted, scaled = _str(policy.get("whenDeleted")), _str(policy.get("whenScaled"))
    return (((deleted, scaled), 1),) if deleted or scaled else NONE


def _revision(key: str) -> Callable[[dict], tuple]:
    def gen(obj: dict) -> tuple:
        """Constant 1 carrying the revision name (empty when unset); always emitted."""
        status = obj.get("status")
        return (((_str(status.get(key)) if status.__class__ is dict else "",), 1),)

    gen.__name__ = f"status_{key}"
    return gen


status_current_revision = _revision("currentRevision")
status_update_revision = _revision("updateRevision")


RESOURCE = ResourceDef(
    kind=KINDS["statefulsets"],
    identity_labels=("namespace", "statefulset"),
    identity=namespace_name,
    families=(
        Family("kube_statefulset_created", "When the StatefulSet was created, in Unix seconds.", created, stability=STABLE),
        Family("kube_statefulset_status_replicas", "Pods created by the StatefulSet controller (status.replicas).", status_replicas, stability=STABLE),
        Family("kube_statefulset_status_replicas_available", "Available pods of the StatefulSet (status.availableReplicas).", status_replicas_available, stability=STABLE),
        Family("kube_statefulset_status_replicas_current", "Pods of the StatefulSet at the current revision (status.currentReplicas).", status_replicas_current, stability=STABLE),
        Family("kube_statefulset_status_replicas_ready", "Ready pods of the StatefulSet (status.readyReplicas).", status_replicas_ready, stability=STABLE),
        Family("kube_statefulset_status_replicas_updated", "Pods of the StatefulSet at the update revision (status.updatedReplicas).", status_replicas_updated, stability=STABLE),
        Family("kube_statefulset_status_observed_generation", "The generation the statefulset controller last acted on.", status_observed_generation, stability=STABLE),
        Family("kube_statefulset_replicas", "Desired number of pods (spec.replicas).", spec_replicas, stability=STABLE),
        Family("kube_statefulset_ordinals_start", "First ordinal used to number the StatefulSet's pods (spec.ordinals.start).", ordinals_start, stability=STABLE),
        Family("kube_statefulset_metadata_generation", "The StatefulSet's metadata.generation.", metadata_generation, stability=STABLE),
        Family("kube_statefulset_persistentvolumeclaim_retention_policy", "What happens to the StatefulSet's template PVCs on deletion and on scale-down, constant 1.", pvc_retention_policy, ("when_deleted", "when_scaled"), stability=STABLE),
        annotations_family("statefulset", "StatefulSet annotations allowed by --metric-annotations-allowlist, as Prometheus labels.", stability=STABLE),
        labels_family("statefulset", "StatefulSet labels allowed by --metric-labels-allowlist, as Prometheus labels."),
        Family("kube_statefulset_status_current_revision", "The revision that generated the pods in [0, currentReplicas), constant 1.", status_current_revision, ("revision",), stability=STABLE),
        Family("kube_statefulset_status_update_revision", "The revision that generates the pods in [replicas-updatedReplicas, replicas), constant 1.", status_update_revision, ("revision",), stability=STABLE),
        Family("kube_statefulset_deletion_timestamp", "When the StatefulSet was marked for deletion, in Unix seconds.", deletion_timestamp, stability=STABLE),
    ),
)  # fmt: skip
