"""EndpointSlice families (upstream internal/store/endpointslice.go)."""

# ruff: noqa: E501  (the family table keeps one row per line)

from __future__ import annotations

from typing import Any

from ksm_shard.kube.kinds import KINDS
from ksm_shard.resources.base import (
    ALPHA,
    NONE,
    Family,
    ResourceDef,
    annotations_family,
    created,
    labels_family,
)


def _identity(obj: dict) -> tuple[str, str]:
    """Name first, then namespace: the order upstream uses for this kind."""
    md = obj["metadata"]
    return md["name"], md.get("namespace", "")


def _str(v: Any) -> str:
    """A string field (or optional *string) as a label value; absent, null or oddly typed -> ``""``."""
    return v if v.__class__ is str else ""


def _opt_bool(v: Any) -> str:
    """An optional *bool condition: ``"true"``/``"false"``, empty when unset."""
    if v is True:
        return "true"
    if v is False:
        return "false"
    return ""


def _endpoints(obj: dict) -> list:
    eps = obj.get("endpoints")
    return eps if eps.__class__ is list else []


def info(obj: dict) -> tuple:
    return (((_str(obj.get("addressType")),), 1),)


def endpoints_hints(obj: dict) -> list:
    """Per endpoint with zone hints and an address: one sample per hinted zone, carrying the first address only."""
    out: list = []
    for ep in _endpoints(obj):
        if ep.__class__ is not dict:
            continue
        hints = ep.get("hints")
        zones = hints.get("forZones") if hints.__class__ is dict else None
        addresses = ep.get("addresses")
        if zones.__class__ is not list or not zones or addresses.__class__ is not list or not addresses:
            continue
        first = _str(addresses[0])
        for z in zones:
            out.append(((first, _str(z.get("name")) if z.__class__ is dict else ""), 1))
    return out


def endpoints(obj: dict) -> list:
    """One sample per address of every endpoint, with the endpoint's conditions, hostname, target and location."""
    out: list = []
    append = out.append
    for ep in _endpoints(obj):
        if ep.__class__ is not dict:
            continue
        addresses = ep.get("addresses")
        if addresses.__class__ is not list or not addresses:
            continue
        cond = ep.get("conditions")
        if cond.__class__ is not dict:
            cond = {}
        ref = ep.get("targetRef")
        if ref.__class__ is not dict:
            ref = {}
        labels = (
            _opt_bool(cond.get("ready")),
            _opt_bool(cond.get("serving")),
            _str(ep.get("hostname")),
            _opt_bool(cond.get("terminating")),
            _str(ref.get("kind")),
            _str(ref.get("name")),
            _str(ref.get("namespace")),
            _str(ep.get("nodeName")),
            _str(ep.get("zone")),
        )
        for a in addresses:
            append(((*labels, _str(a)), 1))
    return out


def ports(obj: dict) -> list | tuple:
    """One sample per port; unset name, protocol or port number become empty labels."""
    ps = obj.get("ports")
    if ps.__class__ is not list:
        return NONE
    out: list = []
    for p in ps:
        if p.__class__ is not dict:
            p = {}
        number = p.get("port")
        out.append(((_str(p.get("name")), _str(p.get("protocol")), str(number) if number.__class__ is int else ""), 1))
    return out


RESOURCE = ResourceDef(
    kind=KINDS["endpointslices"],
    identity_labels=("endpointslice", "namespace"),
    identity=_identity,
    families=(
        Family("kube_endpointslice_info", "Constant 1 per EndpointSlice, labelled with its address type.", info, ("addresstype",)),
        Family("kube_endpointslice_created", "When the EndpointSlice was created, in Unix seconds.", created),
        Family("kube_endpointslice_endpoints_hints", "Constant 1 per zone hint of an endpoint, with the endpoint's first address.", endpoints_hints, ("address", "for_zone")),
        Family("kube_endpointslice_endpoints", "Constant 1 per address of each endpoint in the EndpointSlice, with its conditions and target.", endpoints, ("ready", "serving", "hostname", "terminating", "targetref_kind", "targetref_name", "targetref_namespace", "endpoint_nodename", "endpoint_zone", "address")),
        Family("kube_endpointslice_ports", "Constant 1 per port of the EndpointSlice.", ports, ("port_name", "port_protocol", "port_number")),
        annotations_family("endpointslice", "EndpointSlice annotations allowed by --metric-annotations-allowlist, as Prometheus labels."),
        labels_family("endpointslice", "EndpointSlice labels allowed by --metric-labels-allowlist, as Prometheus labels.", stability=ALPHA),
    ),
)  # fmt: skip
