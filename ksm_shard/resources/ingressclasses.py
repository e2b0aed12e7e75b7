"""IngressClass families (upstream internal/store/ingressclass.go)."""

# ruff: noqa: E501  (the family table keeps one row per line)

from __future__ import annotations

from ksm_shard.kube.kinds import KINDS
from ksm_shard.resources.base import (
    ALPHA,
    Family,
    ResourceDef,
    annotations_family,
    created,
    labels_family,
    name_only,
)


def info(obj: dict) -> tuple:
    spec = obj.get("spec")
    controller = spec.get("controller") if spec.__class__ is dict else None
    return (((controller if controller.__class__ is str else "",), 1),)


RESOURCE = ResourceDef(
    kind=KINDS["ingressclasses"],
    identity_labels=("ingressclass",),
    identity=name_only,
    families=(
        Family("kube_ingressclass_info", "Constant 1 per IngressClass, labelled with its controller (spec.controller).", info, ("controller",)),
        Family("kube_ingressclass_created", "When the IngressClass was created, in Unix seconds.", created),
        annotations_family("ingressclass", "IngressClass annotations allowed by --metric-annotations-allowlist, as Prometheus labels."),
        labels_family("ingressclass", "IngressClass labels allowed by --metric-labels-allowlist, as Prometheus labels.", stability=ALPHA),
    ),
)  # fmt: skip
