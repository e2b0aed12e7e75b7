"""ConfigMap families (upstream internal/store/configmap.go)."""

# ruff: noqa: E501

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
    resource_version,
)

RESOURCE = ResourceDef(
    kind=KINDS["configmaps"],
    identity_labels=("namespace", "configmap"),
    identity=namespace_name,
    families=(
        annotations_family("configmap", "ConfigMap annotations allowed by --metric-annotations-allowlist, as Prometheus labels."),
        labels_family("configmap", "ConfigMap labels allowed by --metric-labels-allowlist, as Prometheus labels."),
        Family("kube_configmap_info", "Constant 1 for every ConfigMap.", info, stability=STABLE),
        Family("kube_configmap_created", "When the ConfigMap was created, in Unix seconds.", created, stability=STABLE),
        Family("kube_configmap_metadata_resource_version", "The ConfigMap's metadata.resourceVersion as a number.", resource_version),
    ),
)  # fmt: skip
