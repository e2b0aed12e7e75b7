"""Lease families (upstream internal/store/lease.go).

Only the lease name is a shared identity label; each family adds ``namespace`` among its own labels.
"""

# ruff: noqa: E501

from __future__ import annotations

from ksm_shard.kube.kinds import KINDS
from ksm_shard.resources.base import NONE, Family, ResourceDef, name_only, timestamp


def _str(v: object) -> str:
    return v if v.__class__ is str else ""


def _spec(obj: dict) -> dict:
    s = obj.get("spec")
    return s if s.__class__ is dict else {}


def owner(obj: dict) -> tuple:
    """``owner_kind, owner_name, namespace, lease_holder`` per owner reference; one empty-owner sample without owners."""
    md = obj["metadata"]
    ns = _str(md.get("namespace"))
    holder = _str(_spec(obj).get("holderIdentity"))
    refs = md.get("ownerReferences")
    out = []
    if refs.__class__ is list:
        for ref in refs:
            if ref.__class__ is dict:
                out.append(((_str(ref.get("kind")), _str(ref.get("name")), ns, holder), 1))
    return tuple(out) if out else ((("", "", ns, holder), 1),)


def renew_time(obj: dict) -> tuple:
    rt = _spec(obj).get("renewTime")
    t = timestamp(rt) if rt.__class__ is str else None
    return NONE if t is None else (((_str(obj["metadata"].get("namespace")),), t),)


RESOURCE = ResourceDef(
    kind=KINDS["leases"],
    identity_labels=("lease",),
    identity=name_only,
    families=(
        Family("kube_lease_owner", "The Lease's owner references and its current holder (spec.holderIdentity).", owner, ("owner_kind", "owner_name", "namespace", "lease_holder")),
        Family("kube_lease_renew_time", "When the Lease holder last renewed it (spec.renewTime), in Unix seconds.", renew_time, ("namespace",)),
    ),
)  # fmt: skip
