"""MutatingAdmissionPolicy families (upstream internal/store/mutatingadmissionpolicy.go)."""

# ruff: noqa: E501

from ksm_shard.kube.kinds import KINDS
from ksm_shard.resources.base import Family, ResourceDef, created
from ksm_shard.resources.mutatingwebhookconfigurations import cluster_identity


def _str(v: object) -> str:
    return v if v.__class__ is str else ""


def policy_labels(spec: dict) -> tuple[str, str, str]:
    """param_api_version, param_kind (spec.paramKind) and failure_policy, "" where unset."""
    pk = spec.get("paramKind")
    if pk.__class__ is dict:
        return _str(pk.get("apiVersion")), _str(pk.get("kind")), _str(spec.get("failurePolicy"))
    return "", "", _str(spec.get("failurePolicy"))


def policy_info(obj: dict) -> tuple:
    spec = obj.get("spec")
    spec = spec if spec.__class__ is dict else {}
    return (((*policy_labels(spec), _str(spec.get("reinvocationPolicy"))), 1),)


RESOURCE = ResourceDef(
    kind=KINDS["mutatingadmissionpolicies"],
    identity_labels=("namespace", "mutatingadmissionpolicy"),
    identity=cluster_identity,
    families=(
        Family("kube_mutatingadmissionpolicy_info", "Constant 1 per MutatingAdmissionPolicy, with its parameter kind, failure and reinvocation policies.",
               policy_info, ("param_api_version", "param_kind", "failure_policy", "reinvocation_policy")),
        Family("kube_mutatingadmissionpolicy_created", "When the MutatingAdmissionPolicy was created, in Unix seconds.", created),
    ),
)  # fmt: skip
