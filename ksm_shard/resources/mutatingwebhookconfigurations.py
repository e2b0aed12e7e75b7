"""MutatingWebhookConfiguration families (upstream internal/store/mutatingwebhookconfiguration.go).

The admission kinds are cluster-scoped but upstream still labels them with ``namespace``, always "".
"""

# ruff: noqa: E501

from ksm_shard.kube.kinds import KINDS
from ksm_shard.resources.base import NONE, Family, ResourceDef, created, info, resource_version


def cluster_identity(obj: dict) -> tuple[str, str]:
    """``namespace`` (always empty: the object is cluster-scoped) and the object's name."""
    return "", obj["metadata"]["name"]


def _str(v: object) -> str:
    return v if v.__class__ is str else ""


def webhook_clientconfig_service(obj: dict) -> list | tuple:
    hooks = obj.get("webhooks")
    if hooks.__class__ is not list or not hooks:
        return NONE
    out = []
    for hook in hooks:
        if hook.__class__ is not dict:
            continue
        cc = hook.get("clientConfig")
        svc = cc.get("service") if cc.__class__ is dict else None
        if svc.__class__ is dict:
            out.append(((_str(hook.get("name")), _str(svc.get("name")), _str(svc.get("namespace"))), 1))
        else:  # URL-based webhook
            out.append(((_str(hook.get("name")), "", ""), 1))
    return out


RESOURCE = ResourceDef(
    kind=KINDS["mutatingwebhookconfigurations"],
    identity_labels=("namespace", "mutatingwebhookconfiguration"),
    identity=cluster_identity,
    families=(
        Family("kube_mutatingwebhookconfiguration_info", "Constant 1 for every MutatingWebhookConfiguration.", info),
        Family("kube_mutatingwebhookconfiguration_created", "When the MutatingWebhookConfiguration was created, in Unix seconds.", created),
        Family("kube_mutatingwebhookconfiguration_metadata_resource_version", "The MutatingWebhookConfiguration's metadata.resourceVersion as a number.", resource_version),
        Family("kube_mutatingwebhookconfiguration_webhook_clientconfig_service", "Constant 1 per webhook, with the Service the apiserver calls (empty for URL webhooks).",
               webhook_clientconfig_service, ("webhook_name", "service_name", "service_namespace")),
    ),
)  # fmt: skip
