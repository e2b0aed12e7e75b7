"""Registry of the resource kinds we export, one module per kind (a declarative table of families)."""

from __future__ import annotations

from importlib import import_module

from ksm_shard.resources.base import ResourceDef

# One module per resource kind, named after its --resources name; each exposes RESOURCE.
MODULES: tuple[str, ...] = (
    "certificatesigningrequests",
    "clusterrolebindings",
    "clusterroles",
    "configmaps",
    "cronjobs",
    "daemonsets",
    "deployments",
    "endpoints",
    "endpointslices",
    "horizontalpodautoscalers",
    "ingressclasses",
    "ingresses",
    "jobs",
    "leases",
    "limitranges",
    "mutatingadmissionpolicies",
    "mutatingadmissionpolicybindings",
    "mutatingwebhookconfigurations",
    "namespaces",
    "networkpolicies",
    "nodes",
    "persistentvolumeclaims",
    "persistentvolumes",
    "poddisruptionbudgets",
    "pods",
    "replicasets",
    "replicationcontrollers",
    "resourcequotas",
    "rolebindings",
    "roles",
    "secrets",
    "serviceaccounts",
    "services",
    "statefulsets",
    "storageclasses",
    "validatingadmissionpolicies",
    "validatingadmissionpolicybindings",
    "validatingwebhookconfigurations",
    "volumeattachments",
)

RESOURCES: dict[str, ResourceDef] = {
    r.name: r for r in (import_module(f"ksm_shard.resources.{m}").RESOURCE for m in MODULES)
}

DEFAULT_RESOURCES: tuple[str, ...] = tuple(sorted(n for n, r in RESOURCES.items() if r.kind.default_enabled))
