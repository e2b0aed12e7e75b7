"""NetworkPolicy families (upstream internal/store/networkpolicy.go)."""

# ruff: noqa: E501  (the family table keeps one row per line)

from __future__ import annotations

from ksm_shard.kube.kinds import KINDS
from ksm_shard.resources.base import (
    ALPHA,
    Family,
    ResourceDef,
    annotations_family,
    labels_family,
    namespace_name,
    timestamp,
)

GO_ZERO_UNIX = -62135596800  # time.Time{}.Unix(): what upstream writes for an unset creationTimestamp


def created(obj: dict) -> tuple:
    """Always one sample, unlike other *_created families: the Go zero time when the timestamp is unset."""
    ts = obj["metadata"].get("creationTimestamp")
    t = timestamp(ts) if ts.__class__ is str else None
    return (((), GO_ZERO_UNIX if t is None else t),)


def _rule_count(obj: dict, key: str) -> tuple:
    spec = obj.get("spec")
    rules = spec.get(key) if spec.__class__ is dict else None
    return (((), len(rules) if rules.__class__ is list else 0),)


def spec_ingress_rules(obj: dict) -> tuple:
    return _rule_count(obj, "ingress")


def spec_egress_rules(obj: dict) -> tuple:
    return _rule_count(obj, "egress")


RESOURCE = ResourceDef(
    kind=KINDS["networkpolicies"],
    identity_labels=("namespace", "networkpolicy"),
    identity=namespace_name,
    families=(
        Family("kube_networkpolicy_created", "When the NetworkPolicy was created, in Unix seconds.", created),
        annotations_family("networkpolicy", "NetworkPolicy annotations allowed by --metric-annotations-allowlist, as Prometheus labels."),
        labels_family("networkpolicy", "NetworkPolicy labels allowed by --metric-labels-allowlist, as Prometheus labels.", stability=ALPHA),
        Family("kube_networkpolicy_spec_ingress_rules", "Number of ingress rules of the NetworkPolicy (spec.ingress).", spec_ingress_rules),
        Family("kube_networkpolicy_spec_egress_rules", "Number of egress rules of the NetworkPolicy (spec.egress).", spec_egress_rules),
    ),
)  # fmt: skip
