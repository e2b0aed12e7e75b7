"""Namespace families (upstream internal/store/namespace.go)."""

from ksm_shard.kube.kinds import KINDS
from ksm_shard.resources.base import (
    STABLE,
    Family,
    ResourceDef,
    annotations_family,
    conditions_by_type,
    created,
    labels_family,
    name_only,
)


def _status(obj: dict) -> dict:
    s = obj.get("status")
    return s if isinstance(s, dict) else {}


def status_phase(obj: dict) -> tuple:
    # Always both samples; neither is 1 when the phase is empty or unknown.
    p = _status(obj).get("phase")
    return ((("Active",), 1 if p == "Active" else 0), (("Terminating",), 1 if p == "Terminating" else 0))


def status_condition(obj: dict) -> list:
    return conditions_by_type(_status(obj).get("conditions"))


RESOURCE = ResourceDef(
    kind=KINDS["namespaces"],
    identity_labels=("namespace",),
    identity=name_only,
    families=(
        Family("kube_namespace_created", "When the Namespace was created, in Unix seconds.", created, stability=STABLE),
        annotations_family("namespace",
                           "Namespace annotations allowed by --metric-annotations-allowlist, as Prometheus labels."),
        labels_family("namespace", "Namespace labels allowed by --metric-labels-allowlist, as Prometheus labels."),
        Family("kube_namespace_status_phase", "Namespace phase: 1 on the current one of Active/Terminating.",
               status_phase, ("phase",), stability=STABLE),
        Family("kube_namespace_status_condition", "Namespace conditions: 1 on the status each condition has.",
               status_condition, ("condition", "status")),
    ),
)  # fmt: skip
