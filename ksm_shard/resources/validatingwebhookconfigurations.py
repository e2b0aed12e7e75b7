"""ValidatingWebhookConfiguration families (upstream internal/store/validatingwebhookconfiguration.go)."""

# ruff: noqa: E501

from ksm_shard.kube.kinds import KINDS
from ksm_shard.resources.base import Family, ResourceDef, created, info, resource_version
from ksm_shard.resources.mutatingwebhookconfigurations import cluster_identity, webhook_clientconfig_service

RESOURCE = ResourceDef(
    kind=KINDS["validatingwebhookconfigurations"],
    identity_labels=("namespace", "validatingwebhookconfiguration"),
    identity=cluster_identity,
    families=(
        Family("kube_validatingwebhookconfiguration_info", "Constant 1 for every ValidatingWebhookConfiguration.", info),
        Family("kube_validatingwebhookconfiguration_created", "When the ValidatingWebhookConfiguration was created, in Unix seconds.", created),
        Family("kube_validatingwebhookconfiguration_metadata_resource_version", "The ValidatingWebhookConfiguration's metadata.resourceVersion as a number.", resource_version),
        Family("kube_validatingwebhookconfiguration_webhook_clientconfig_service", "Constant 1 per webhook, with the Service the apiserver calls (empty for URL webhooks).",
               webhook_clientconfig_service, ("webhook_name", "service_name", "service_namespace")),
    ),
)  # fmt: skip
