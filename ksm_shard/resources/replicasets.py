"""ReplicaSet families (upstream internal/store/replicaset.go)."""

# ruff: noqa: E501  (the family table keeps one row per line)

from __future__ import annotations

from ksm_shard.kube.kinds import KINDS
from ksm_shard.resources.base import (
    NONE,
    STABLE,
    Family,
    ResourceDef,
    annotations_family,
    created,
    labels_family,
    metadata_generation,
    namespace_name,
    owner_samples,
    spec_replicas,
    status_count,
)

status_replicas = status_count("replicas")
status_fully_labeled_replicas = status_count("fullyLabeledReplicas")
status_ready_replicas = status_count("readyReplicas")
status_observed_generation = status_count("observedGeneration")


def status_terminating_replicas(obj: dict) -> tuple:
    """A pointer integer: one sample when set."""
    status = obj.get("status")
    v = status.get("terminatingReplicas") if status.__class__ is dict else None
    return (((), v),) if v.__class__ is int else NONE


RESOURCE = ResourceDef(
    kind=KINDS["replicasets"],
    identity_labels=("namespace", "replicaset"),
    identity=namespace_name,
    families=(
        Family("kube_replicaset_created", "When the ReplicaSet was created, in Unix seconds.", created, stability=STABLE),
        Family("kube_replicaset_status_replicas", "Pods currently managed by the ReplicaSet (status.replicas).", status_replicas, stability=STABLE),
        Family("kube_replicaset_status_fully_labeled_replicas", "Pods whose labels match the ReplicaSet's pod template labels (status.fullyLabeledReplicas).", status_fully_labeled_replicas, stability=STABLE),
        Family("kube_replicaset_status_ready_replicas", "Ready pods of the ReplicaSet (status.readyReplicas).", status_ready_replicas, stability=STABLE),
        Family("kube_replicaset_status_terminating_replicas", "Terminating pods of the ReplicaSet (status.terminatingReplicas).", status_terminating_replicas),
        Family("kube_replicaset_status_observed_generation", "The generation the replicaset controller last acted on.", status_observed_generation, stability=STABLE),
        Family("kube_replicaset_spec_replicas", "Desired number of pods (spec.replicas).", spec_replicas, stability=STABLE),
        Family("kube_replicaset_metadata_generation", "The ReplicaSet's metadata.generation.", metadata_generation, stability=STABLE),
        Family("kube_replicaset_owner", "The ReplicaSet's owner references (kind, name, whether it is the controller).", owner_samples, ("owner_kind", "owner_name", "owner_is_controller"), stability=STABLE),
        annotations_family("replicaset", "ReplicaSet annotations allowed by --metric-annotations-allowlist, as Prometheus labels."),
        labels_family("replicaset", "ReplicaSet labels allowed by --metric-labels-allowlist, as Prometheus labels."),
    ),
)  # fmt: skip
