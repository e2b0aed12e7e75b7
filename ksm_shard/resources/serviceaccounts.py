"""ServiceAccount families (upstream internal/store/serviceaccount.go)."""

# ruff: noqa: E501

from ksm_shard.kube.kinds import KINDS
from ksm_shard.resources.base import (
    ALPHA,
    NONE,
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


def sa_info(obj: dict) -> tuple:
    # automountServiceAccountToken is a *bool upstream: "" when unset.
    v = obj.get("automountServiceAccountToken")
    return ((("true" if v is True else "false" if v is False else "",), 1),)


def _ref_names(key: str):
    def gen(obj: dict) -> list | tuple:
        refs = obj.get(key)
        if refs.__class__ is not list or not refs:
            return NONE
        out = []
        for ref in refs:
            if ref.__class__ is dict:
                n = ref.get("name")
                out.append(((n if n.__class__ is str else "",), 1))
        return out

    return gen


RESOURCE = ResourceDef(
    kind=KINDS["serviceaccounts"],
    identity_labels=("namespace", "serviceaccount", "uid"),
    identity=_identity,
    families=(
        Family("kube_serviceaccount_info", "Constant 1 per ServiceAccount, with its automountServiceAccountToken setting.", sa_info, ("automount_token",)),
        Family("kube_serviceaccount_created", "When the ServiceAccount was created, in Unix seconds.", created),
        Family("kube_serviceaccount_deleted", "When the ServiceAccount's deletion was requested, in Unix seconds.", deletion_timestamp),
        Family("kube_serviceaccount_secret", "Constant 1 per Secret listed in the ServiceAccount's secrets.", _ref_names("secrets"), ("name",)),
        Family("kube_serviceaccount_image_pull_secret", "Constant 1 per Secret listed in the ServiceAccount's imagePullSecrets.", _ref_names("imagePullSecrets"), ("name",)),
        annotations_family("serviceaccount", "ServiceAccount annotations allowed by --metric-annotations-allowlist, as Prometheus labels."),
        labels_family("serviceaccount", "ServiceAccount labels allowed by --metric-labels-allowlist, as Prometheus labels.", stability=ALPHA),
    ),
)  # fmt: skip
