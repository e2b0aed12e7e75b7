"""ClusterRoleBinding families (upstream internal/store/clusterrolebinding.go)."""

# ruff: noqa: E501

from ksm_shard.kube.kinds import KINDS
from ksm_shard.resources.base import (
    ALPHA,
    Family,
    ResourceDef,
    annotations_family,
    created,
    labels_family,
    name_only,
    resource_version,
)
from ksm_shard.resources.rolebindings import binding_info

RESOURCE = ResourceDef(
    kind=KINDS["clusterrolebindings"],
    identity_labels=("clusterrolebinding",),
    identity=name_only,
    families=(
        annotations_family("clusterrolebinding", "ClusterRoleBinding annotations allowed by --metric-annotations-allowlist, as Prometheus labels."),
        labels_family("clusterrolebinding", "ClusterRoleBinding labels allowed by --metric-labels-allowlist, as Prometheus labels.", stability=ALPHA),
        Family("kube_clusterrolebinding_info", "Constant 1 per ClusterRoleBinding, with the kind and name of the role it grants.", binding_info, ("roleref_kind", "roleref_name")),
        Family("kube_clusterrolebinding_created", "When the ClusterRoleBinding was created, in Unix seconds.", created),
        Family("kube_clusterrolebinding_metadata_resource_version", "The ClusterRoleBinding's metadata.resourceVersion as a number.", resource_version),
    ),
)  # fmt: skip
