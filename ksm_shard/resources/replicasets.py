"""ReplicaSet families (upstream internal/store/replicaset.go)."""

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
    labels_family,
    metadata_generation,
    namespace_name,
)

_NO_OWNER = ((("", "", ""), 1),)


def _status_count(key: str) -> Callable[[dict], tuple]:
    """A non-pointer integer of status: always one sample, 0 when unset (or oddly typed)."""

    def gen(obj: dict) -> tuple:
        status = obj.get("status")
        v = status.get(key) if status.__class__ is dict else None
        return (((), v if v.__class__ is int else 0),)

    gen.__name__ = f"status_{key}"
    return gen


status_replicas = _status_count("replicas")
status_fully_labeled_replicas = _status_count("fullyLabeledReplicas")
status_ready_replicas = _status_count("readyReplicas")
status_observed_generation = _status_count("observedGeneration")


def status_terminating_replicas(obj: dict) -> tuple:
    """A pointer integer: one sample when set."""
    status = obj.get("status")
    v = status.get("terminatingReplicas") if status.__class__ is dict else None
    return (((), v),) if v.__class__ is int else NONE


def spec_replicas(obj: dict) -> tuple:
    spec = obj.get("spec")
    v = spec.get("replicas") if spec.__class__ is dict else None
    return (((), v),) if v.__class__ is int else NONE


def owner(obj: dict) -> tuple:
    """``owner_kind, owner_name, owner_is_controller`` per owner reference; one empty sample without owners."""
    refs = obj["metadata"].get("ownerReferences")
    out = []
    if refs.__class__ is list:
        for ref in refs:
            if ref.__class__ is dict:
                controller = "true" if ref.get("controller") is True else "false"
                out.append(((ref.get("kind", ""), ref.get("name", ""), controller), 1))
    return tuple(out) if out else _NO_OWNER


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
        Family("kube_replicaset_owner", "The ReplicaSet's owner references (kind, name, whether it is the controller).", owner, ("owner_kind", "owner_name", "owner_is_controller"), stability=STABLE),
        annotations_family("replicaset", "ReplicaSet annotations allowed by --metric-annotations-allowlist, as Prometheus labels."),
        labels_family("replicaset", "ReplicaSet labels allowed by --metric-labels-allowlist, as Prometheus labels."),
    ),
)  # fmt: skip
