"""Endpoints families (upstream internal/store/endpoint.go)."""

# ruff: noqa: E501  (the family table keeps one row per line)

from __future__ import annotations

from typing import Any

from ksm_shard.kube.kinds import KINDS
from ksm_shard.resources.base import (
    STABLE,
    Family,
    ResourceDef,
    annotations_family,
    created,
    info,
    labels_family,
    namespace_name,
)


def _str(v: Any) -> str:
    """A string field as a label value; absent or oddly typed -> ``""``."""
    return v if v.__class__ is str else ""


def _port_number(v: Any) -> str:
    """A non-pointer int32 port as upstream formats it: decimal, ``"0"`` when unset."""
    return str(v) if v.__class__ is int else "0"


def _subsets(obj: dict) -> list:
    s = obj.get("subsets")
    return s if s.__class__ is list else []


def _ips(v: Any) -> list[str]:
    if v.__class__ is not list:
        return []
    return [_str(a.get("ip")) if a.__class__ is dict else "" for a in v]


def address(obj: dict) -> list:
    """Per subset, per port: one sample per ready address (ready="true"), then per not-ready one (ready="false")."""
    out: list = []
    append = out.append
    for s in _subsets(obj):
        if s.__class__ is not dict:
            continue
        ports = s.get("ports")
        if ports.__class__ is not list or not ports:
            continue
        ready = _ips(s.get("addresses"))
        not_ready = _ips(s.get("notReadyAddresses"))
        for p in ports:
            if p.__class__ is not dict:
                p = {}
            proto, number, name = _str(p.get("protocol")), _port_number(p.get("port")), _str(p.get("name"))
            for ip in ready:
                append(((proto, number, name, ip, "true"), 1))
            for ip in not_ready:
                append(((proto, number, name, ip, "false"), 1))
    return out


def ports(obj: dict) -> list:
    out: list = []
    for s in _subsets(obj):
        if s.__class__ is not dict:
            continue
        ps = s.get("ports")
        if ps.__class__ is not list:
            continue
        for p in ps:
            if p.__class__ is not dict:
                p = {}
            out.append(((_str(p.get("name")), _str(p.get("protocol")), _port_number(p.get("port"))), 1))
    return out


RESOURCE = ResourceDef(
    kind=KINDS["endpoints"],
    identity_labels=("namespace", "endpoint"),
    identity=namespace_name,
    families=(
        Family("kube_endpoint_info", "Constant 1 for every Endpoints object.", info, stability=STABLE),
        Family("kube_endpoint_created", "When the Endpoints object was created, in Unix seconds.", created, stability=STABLE),
        annotations_family("endpoint", "Endpoints annotations allowed by --metric-annotations-allowlist, as Prometheus labels."),
        labels_family("endpoint", "Endpoints labels allowed by --metric-labels-allowlist, as Prometheus labels."),
        Family("kube_endpoint_address", "Constant 1 per address and port of the Endpoints object; ready tells ready from not-ready addresses.", address, ("port_protocol", "port_number", "port_name", "ip", "ready"), stability=STABLE),
        Family("kube_endpoint_ports", "Constant 1 per port of the Endpoints object's subsets.", ports, ("port_name", "port_protocol", "port_number"), stability=STABLE, deprecated_since="v2.14.0"),
    ),
)  # fmt: skip
