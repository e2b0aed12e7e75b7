"""LimitRange families (upstream internal/store/limitrange.go)."""

# ruff: noqa: E501

from __future__ import annotations

from ksm_shard.kube.kinds import KINDS
from ksm_shard.resources.base import NONE, STABLE, Family, ResourceDef, created, namespace_name
from ksm_shard.resources.resourcequotas import quantity_float

# The maps of one spec.limits entry in upstream's emission order; each field name is also the constraint label.
_CONSTRAINTS = ("min", "max", "default", "defaultRequest", "maxLimitRequestRatio")


def limits(obj: dict) -> list | tuple:
    """``resource, type, constraint``: one sample per quantity of every spec.limits entry (milli precision)."""
    spec = obj.get("spec")
    entries = spec.get("limits") if spec.__class__ is dict else None
    if entries.__class__ is not list:
        return NONE
    out: list = []
    append = out.append
    for entry in entries:
        if entry.__class__ is not dict:
            continue
        ltype = entry.get("type", "")
        if ltype.__class__ is not str:
            ltype = ""
        for constraint in _CONSTRAINTS:
            resources = entry.get(constraint)
            if resources.__class__ is not dict:
                continue
            for name, q in resources.items():
                v = quantity_float(q)
                if v is not None:
                    append(((name, ltype, constraint), v))
    return out


RESOURCE = ResourceDef(
    kind=KINDS["limitranges"],
    identity_labels=("namespace", "limitrange"),
    identity=namespace_name,
    families=(
        Family("kube_limitrange", "The LimitRange's per-resource constraints (min, max, default, defaultRequest, maxLimitRequestRatio) by limit type.", limits, ("resource", "type", "constraint"), stability=STABLE),
        Family("kube_limitrange_created", "When the LimitRange was created, in Unix seconds.", created, stability=STABLE),
    ),
)  # fmt: skip
