"""Ingress families (upstream internal/store/ingress.go)."""

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
    labels_family,
    namespace_name,
    resource_version,
)

LEGACY_CLASS_ANNOTATION = "kubernetes.io/ingress.class"
DEFAULT_CLASS = "_default"


def _str(v: Any) -> str:
    """A string field as a label value; absent or oddly typed -> ``""``."""
    return v if v.__class__ is str else ""


def _spec(obj: dict) -> dict:
    s = obj.get("spec")
    return s if s.__class__ is dict else {}


def info(obj: dict) -> tuple:
    """ingressclass: the legacy annotation when present (even empty), else spec.ingressClassName, else "_default"."""
    annotations = obj["metadata"].get("annotations")
    if annotations.__class__ is dict and LEGACY_CLASS_ANNOTATION in annotations:
        cls = _str(annotations[LEGACY_CLASS_ANNOTATION])
    else:
        name = _spec(obj).get("ingressClassName")
        cls = name if name.__class__ is str else DEFAULT_CLASS
    return (((cls,), 1),)


def path(obj: dict) -> list | tuple:
    """One sample per rules[].http.paths[] entry; the backend decides the label set (service or resource)."""
    rules = _spec(obj).get("rules")
    if rules.__class__ is not list:
        return NONE
    out: list = []
    append = out.append
    for rule in rules:
        if rule.__class__ is not dict:
            continue
        http = rule.get("http")
        paths = http.get("paths") if http.__class__ is dict else None
        if paths.__class__ is not list:
            continue
        host = _str(rule.get("host"))
        for p in paths:
            if p.__class__ is not dict:
                continue
            prefix = (("host", host), ("path", _str(p.get("path"))), ("path_type", _str(p.get("pathType"))))
            backend = p.get("backend")
            if backend.__class__ is not dict:
                continue  # upstream would dereference a nil resource backend here
            service = backend.get("service")
            if service.__class__ is dict:
                port = service.get("port")
                number = port.get("number") if port.__class__ is dict else None
                append(((*prefix, ("service_name", _str(service.get("name"))),
                         ("service_port", str(number) if number.__class__ is int else "0")), 1))  # fmt: skip
                continue
            resource = backend.get("resource")
            if resource.__class__ is dict:
                append(((*prefix, ("resource_api_group", _str(resource.get("apiGroup"))),
                         ("resource_kind", _str(resource.get("kind"))), ("resource_name", _str(resource.get("name")))), 1))  # fmt: skip
    return out


def tls(obj: dict) -> list | tuple:
    entries = _spec(obj).get("tls")
    if entries.__class__ is not list:
        return NONE
    out: list = []
    for t in entries:
        if t.__class__ is not dict:
            continue
        hosts = t.get("hosts")
        if hosts.__class__ is not list:
            continue
        secret = _str(t.get("secretName"))
        for h in hosts:
            out.append(((_str(h), secret), 1))
    return out


RESOURCE = ResourceDef(
    kind=KINDS["ingresses"],
    identity_labels=("namespace", "ingress"),
    identity=namespace_name,
    families=(
        Family("kube_ingress_info", "Constant 1 per Ingress, labelled with its ingress class.", info, ("ingressclass",), stability=STABLE),
        annotations_family("ingress", "Ingress annotations allowed by --metric-annotations-allowlist, as Prometheus labels."),
        labels_family("ingress", "Ingress labels allowed by --metric-labels-allowlist, as Prometheus labels."),
        Family("kube_ingress_created", "When the Ingress was created, in Unix seconds.", created, stability=STABLE),
        Family("kube_ingress_metadata_resource_version", "The Ingress's metadata.resourceVersion as a number.", resource_version),
        Family("kube_ingress_path", "Constant 1 per host/path rule of the Ingress, with its service or resource backend.", path, ("host", "path", "path_type", "service_name", "service_port"), stability=STABLE, pairs=True),
        Family("kube_ingress_tls", "Constant 1 per TLS host of the Ingress, with the secret that holds its certificate.", tls, ("tls_host", "secret"), stability=STABLE),
    ),
)  # fmt: skip
