"""ResourceQuota families (upstream internal/store/resourcequota.go).

Also home of ``quantity_float``, upstream's ``convertValueToFloat64`` (shared by the LimitRange and HPA modules).
"""

# ruff: noqa: E501

from __future__ import annotations

from decimal import ROUND_CEILING
from functools import lru_cache

from ksm_shard.kube.kinds import KINDS
from ksm_shard.resources.base import (
    NONE,
    STABLE,
    Family,
    ResourceDef,
    annotations_family,
    created,
    labels_family,
    namespace_name,
    parse_quantity,
)

_MAX_MILLI_VALUE = (2**63 - 1) // 1000  # resource.MaxMilliValue
_QUANTITY_TYPES = (str, int, float)


@lru_cache(maxsize=4096)
def _quantity_float(q: str | int | float) -> float | None:
    d = parse_quantity(q)
    if d is None:  # not a quantity, or NaN, infinite or beyond 1e300
        return None
    value = int(d.to_integral_value(ROUND_CEILING))  # Quantity.Value()
    if value > _MAX_MILLI_VALUE:  # MilliValue would overflow int64: the whole-unit value instead
        return float(value)
    milli = int((d * 1000).to_integral_value(ROUND_CEILING))  # Quantity.MilliValue()
    return float(milli) / 1000


def quantity_float(q: object) -> float | None:
    """A quantity as upstream's ``convertValueToFloat64``: MilliValue()/1000, or Value() beyond the milli range.

    None when the value is not a quantity (upstream could not have decoded such an object at all)."""
    if q.__class__ not in _QUANTITY_TYPES:
        return None
    return _quantity_float(q)  # type: ignore[arg-type]


def _resource_samples(resources: object, kind: str, out: list) -> None:
    if resources.__class__ is not dict:
        return
    for name, q in resources.items():  # type: ignore[attr-defined]
        v = quantity_float(q)
        if v is not None:
            out.append(((name, kind), v))


def quota(obj: dict) -> list | tuple:
    """``resource, type``: every status.hard entry (type="hard"), then every status.used entry (type="used")."""
    status = obj.get("status")
    if status.__class__ is not dict:
        return NONE
    out: list = []
    _resource_samples(status.get("hard"), "hard", out)
    _resource_samples(status.get("used"), "used", out)
    return out


RESOURCE = ResourceDef(
    kind=KINDS["resourcequotas"],
    identity_labels=("namespace", "resourcequota"),
    identity=namespace_name,
    families=(
        Family("kube_resourcequota_created", "When the ResourceQuota was created, in Unix seconds.", created, stability=STABLE),
        Family("kube_resourcequota", "The ResourceQuota's hard limits and current usage per resource (status.hard, status.used).", quota, ("resource", "type"), stability=STABLE),
        annotations_family("resourcequota", "ResourceQuota annotations allowed by --metric-annotations-allowlist, as Prometheus labels."),
        labels_family("resourcequota", "ResourceQuota labels allowed by --metric-labels-allowlist, as Prometheus labels."),
    ),
)  # fmt: skip
