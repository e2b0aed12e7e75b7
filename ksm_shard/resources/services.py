"""Service families (upstream internal/store/service.go)."""

# ruff: noqa: E501  (the family table keeps one row per line)

from __future__ import annotations

from typing import Any

from ksm_shard.kube.kinds import KINDS
from ksm_shard.resources.base import (
    NONE,
    STABLE,
    Family,
    ResourceDef,
    annotations_family,
    created,
    deletion_timestamp,
    labels_family,
)


def _identity(obj: dict) -> tuple[str, str, str]:
    md = obj["metadata"]
    return md.get("namespace", ""), md["name"], md.get("uid", "")


def _str(v: Any) -> str:
    """A string field as a label value; absent or oddly typed -> ``""``."""
    return v if v.__class__ is str else ""


def _spec(obj: dict) -> dict:
    s = obj.get("spec")
    return s if s.__class__ is dict else {}


def info(obj: dict) -> tuple:
    spec = _spec(obj)
    return (((_str(spec.get("clusterIP")), _str(spec.get("externalName")), _str(spec.get("loadBalancerIP")),
              _str(spec.get("externalTrafficPolicy"))), 1),)  # fmt: skip


def spec_type(obj: dict) -> tuple:
    return (((_str(_spec(obj).get("type")),), 1),)


def spec_external_ip(obj: dict) -> list | tuple:
    ips = _spec(obj).get("externalIPs")
    if ips.__class__ is not list:
        return NONE
    return [((_str(ip),), 1) for ip in ips]


def status_load_balancer_ingress(obj: dict) -> list | tuple:
    status = obj.get("status")
    lb = status.get("loadBalancer") if status.__class__ is dict else None
    ingress = lb.get("ingress") if lb.__class__ is dict else None
    if ingress.__class__ is not list:
        return NONE
    out = []
    for ing in ingress:
        if ing.__class__ is dict:
            out.append(((_str(ing.get("ip")), _str(ing.get("hostname"))), 1))
        else:
            out.append((("", ""), 1))
    return out


RESOURCE = ResourceDef(
    kind=KINDS["services"],
    identity_labels=("namespace", "service", "uid"),
    identity=_identity,
    families=(
        Family("kube_service_info", "Constant 1 per Service, with its cluster IP, external name, load balancer IP and external traffic policy.", info, ("cluster_ip", "external_name", "load_balancer_ip", "external_traffic_policy"), stability=STABLE),
        Family("kube_service_created", "When the Service was created, in Unix seconds.", created, stability=STABLE),
        Family("kube_service_spec_type", "Constant 1, labelled with the Service type (spec.type).", spec_type, ("type",), stability=STABLE),
        annotations_family("service", "Service annotations allowed by --metric-annotations-allowlist, as Prometheus labels."),
        labels_family("service", "Service labels allowed by --metric-labels-allowlist, as Prometheus labels."),
        Family("kube_service_spec_external_ip", "Constant 1 per external IP of the Service (spec.externalIPs).", spec_external_ip, ("external_ip",), stability=STABLE),
        Family("kube_service_status_load_balancer_ingress", "Constant 1 per load balancer ingress point of the Service (status.loadBalancer.ingress).", status_load_balancer_ingress, ("ip", "hostname"), stability=STABLE),
        Family("kube_service_deletion_timestamp", "When the Service was marked for deletion, in Unix seconds.", deletion_timestamp),
    ),
)  # fmt: skip
