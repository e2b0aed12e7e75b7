"""ReplicationController families (upstream internal/store/replicationcontroller.go)."""

# ruff: noqa: E501  (the family table keeps one row per line)

from __future__ import annotations

from ksm_shard.kube.kinds import KINDS
from ksm_shard.resources.base import (
    STABLE,
    Family,
    ResourceDef,
    created,
    metadata_generation,
    namespace_name,
    owner_samples,
    spec_replicas,
    status_count,
)

status_replicas = status_count("replicas")
status_fully_labeled_replicas = status_count("fullyLabeledReplicas")
status_ready_replicas = status_count("readyReplicas")
status_available_replicas = status_count("availableReplicas")
status_observed_generation = status_count("observedGeneration")


RESOURCE = ResourceDef(
    kind=KINDS["replicationcontrollers"],
    identity_labels=("namespace", "replicationcontroller"),
    identity=namespace_name,
    families=(
        Family("kube_replicationcontroller_created", "When the ReplicationController was created, in Unix seconds.", created, stability=STABLE),
        Family("kube_replicationcontroller_status_replicas", "Pods currently managed by the ReplicationController (status.replicas).", status_replicas, stability=STABLE),
        Family("kube_replicationcontroller_status_fully_labeled_replicas", "Pods whose labels match the controller's pod template labels (status.fullyLabeledReplicas).", status_fully_labeled_replicas, stability=STABLE),
        Family("kube_replicationcontroller_status_ready_replicas", "Ready pods of the ReplicationController (status.readyReplicas).", status_ready_replicas, stability=STABLE),
        Family("kube_replicationcontroller_status_available_replicas", "Available pods of the ReplicationController (status.availableReplicas).", status_available_replicas, stability=STABLE),
        Family("kube_replicationcontroller_status_observed_generation", "The generation the replication manager last acted on.", status_observed_generation, stability=STABLE),
        Family("kube_replicationcontroller_spec_replicas", "Desired number of pods (spec.replicas).", spec_replicas, stability=STABLE),
        Family("kube_replicationcontroller_metadata_generation", "The ReplicationController's metadata.generation.", metadata_generation, stability=STABLE),
        Family("kube_replicationcontroller_owner", "The ReplicationController's owner references (kind, name, whether it is the controller).", owner_samples, ("owner_kind", "owner_name", "owner_is_controller")),
    ),
)  # fmt: skip
