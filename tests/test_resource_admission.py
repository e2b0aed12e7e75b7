"""Golden tests: the six admission kinds (webhook configurations, admission policies and their bindings).

They are cluster-scoped, yet upstream labels every sample with ``namespace=""``.
"""

# ruff: noqa: E501

import pytest

from ksm_shard.generator import GenerationOptions, ResourceRenderer
from ksm_shard.resources import (
    mutatingadmissionpolicies,
    mutatingadmissionpolicybindings,
    mutatingwebhookconfigurations,
    validatingadmissionpolicies,
    validatingadmissionpolicybindings,
    validatingwebhookconfigurations,
)
from ksm_shard.resources.base import ResourceDef

ALL = [
    mutatingadmissionpolicies.RESOURCE,
    mutatingadmissionpolicybindings.RESOURCE,
    mutatingwebhookconfigurations.RESOURCE,
    validatingadmissionpolicies.RESOURCE,
    validatingadmissionpolicybindings.RESOURCE,
    validatingwebhookconfigurations.RESOURCE,
]
CREATED = "2024-01-02T03:04:05Z"  # 1.704164645e+09


def meta(name: str, rv: str = "9001", **extra: object) -> dict:
    return {"name": name, "uid": "7f6e5d4c-3b2a-4190-8f7e-6d5c4b3a2910", "resourceVersion": rv, "generation": 1,
            "creationTimestamp": CREATED, **extra}  # fmt: skip


def lines(resource: ResourceDef, obj: dict, opts: GenerationOptions | None = None) -> list[str]:
    renderer = ResourceRenderer(resource, opts)
    out = b"".join(renderer.render(obj)).decode().splitlines()
    assert renderer.errors == 0
    return out


# --- webhook configurations -----------------------------------------------------------------------------------

WEBHOOKS = [
    {
        "name": "prometheusrulemutate.monitoring.coreos.com",
        "clientConfig": {
            "service": {
                "namespace": "monitoring",
                "name": "kube-prometheus-operator",
                "path": "/admission-prometheusrules/mutate",
                "port": 443,
            },
            "caBundle": "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t",
        },
        "rules": [
            {
                "operations": ["CREATE", "UPDATE"],
                "apiGroups": ["monitoring.coreos.com"],
                "apiVersions": ["*"],
                "resources": ["prometheusrules"],
                "scope": "*",
            }
        ],
        "failurePolicy": "Ignore",
        "matchPolicy": "Equivalent",
        "sideEffects": "None",
        "timeoutSeconds": 10,
        "admissionReviewVersions": ["v1", "v1beta1"],
    },
    {
        "name": "iam-for-pods.amazonaws.com",
        "clientConfig": {"url": "https://127.0.0.1:23443/mutate", "caBundle": "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t"},
        "failurePolicy": "Ignore",
        "sideEffects": "None",
        "admissionReviewVersions": ["v1beta1"],
    },
]


@pytest.mark.parametrize("resource", [mutatingwebhookconfigurations.RESOURCE, validatingwebhookconfigurations.RESOURCE])
def test_webhook_configuration(resource: ResourceDef) -> None:
    kind = resource.identity_labels[1]
    obj = {
        "kind": resource.kind.kind,
        "apiVersion": "admissionregistration.k8s.io/v1",
        "metadata": meta("kube-prometheus-admission", "9219", labels={"app": "kube-prometheus-stack"}),
        "webhooks": WEBHOOKS,
    }
    ident = f'namespace="",{kind}="kube-prometheus-admission"'
    assert lines(resource, obj) == [
        f"kube_{kind}_info{{{ident}}} 1",
        f"kube_{kind}_created{{{ident}}} 1.704164645e+09",
        f"kube_{kind}_metadata_resource_version{{{ident}}} 9219",
        f'kube_{kind}_webhook_clientconfig_service{{{ident},webhook_name="prometheusrulemutate.monitoring.coreos.com",service_name="kube-prometheus-operator",service_namespace="monitoring"}} 1',
        f'kube_{kind}_webhook_clientconfig_service{{{ident},webhook_name="iam-for-pods.amazonaws.com",service_name="",service_namespace=""}} 1',
    ]
    # No webhooks, no timestamp, non-numeric resourceVersion: only the info sample.
    empty = {"metadata": {"name": "w", "resourceVersion": "abc"}}
    assert lines(resource, empty) == [f'kube_{kind}_info{{namespace="",{kind}="w"}} 1']
    # Odd shapes: entries that are not objects are skipped, a clientConfig/service of the wrong type reads as unset.
    odd = {
        "metadata": {"name": "w"},
        "webhooks": [None, {"clientConfig": "x"}, {"name": "h", "clientConfig": {"service": []}}],
    }
    assert lines(resource, odd) == [
        f'kube_{kind}_info{{namespace="",{kind}="w"}} 1',
        f'kube_{kind}_webhook_clientconfig_service{{namespace="",{kind}="w",webhook_name="",service_name="",service_namespace=""}} 1',
        f'kube_{kind}_webhook_clientconfig_service{{namespace="",{kind}="w",webhook_name="h",service_name="",service_namespace=""}} 1',
    ]


# --- admission policies ---------------------------------------------------------------------------------------


def test_validating_admission_policy() -> None:
    obj = {
        "kind": "ValidatingAdmissionPolicy",
        "apiVersion": "admissionregistration.k8s.io/v1",
        "metadata": meta("replica-limit"),
        "spec": {
            "failurePolicy": "Fail",
            "paramKind": {"apiVersion": "rules.example.com/v1", "kind": "ReplicaLimit"},
            "matchConstraints": {
                "resourceRules": [
                    {
                        "apiGroups": ["apps"],
                        "apiVersions": ["v1"],
                        "operations": ["CREATE", "UPDATE"],
                        "resources": ["deployments"],
                    }
                ]
            },
            "validations": [{"expression": "object.spec.replicas <= params.maxReplicas"}],
        },
        "status": {"observedGeneration": 1, "typeChecking": {}},
    }
    ident = 'namespace="",validatingadmissionpolicy="replica-limit"'
    assert lines(validatingadmissionpolicies.RESOURCE, obj) == [
        f'kube_validatingadmissionpolicy_info{{{ident},param_api_version="rules.example.com/v1",param_kind="ReplicaLimit",failure_policy="Fail"}} 1',
        f"kube_validatingadmissionpolicy_created{{{ident}}} 1.704164645e+09",
    ]
    # Without paramKind (and, on a hand-made object, without failurePolicy) the labels are empty.
    bare = {"metadata": {"name": "p"}, "spec": {"validations": [{"expression": "true"}]}}
    assert lines(validatingadmissionpolicies.RESOURCE, bare) == [
        'kube_validatingadmissionpolicy_info{namespace="",validatingadmissionpolicy="p",param_api_version="",param_kind="",failure_policy=""} 1'
    ]
    assert lines(validatingadmissionpolicies.RESOURCE, {"metadata": {"name": "p"}, "spec": "x"}) == [
        'kube_validatingadmissionpolicy_info{namespace="",validatingadmissionpolicy="p",param_api_version="",param_kind="",failure_policy=""} 1'
    ]


def test_mutating_admission_policy() -> None:
    obj = {
        "kind": "MutatingAdmissionPolicy",
        "apiVersion": "admissionregistration.k8s.io/v1",
        "metadata": meta("sidecar-policy"),
        "spec": {
            "paramKind": {"apiVersion": "v1", "kind": "ConfigMap"},
            "matchConstraints": {
                "resourceRules": [
                    {"apiGroups": [""], "apiVersions": ["v1"], "operations": ["CREATE"], "resources": ["pods"]}
                ]
            },
            "failurePolicy": "Ignore",
            "reinvocationPolicy": "IfNeeded",
            "mutations": [{"patchType": "ApplyConfiguration", "applyConfiguration": {"expression": "Object{}"}}],
        },
    }
    ident = 'namespace="",mutatingadmissionpolicy="sidecar-policy"'
    assert lines(mutatingadmissionpolicies.RESOURCE, obj) == [
        f'kube_mutatingadmissionpolicy_info{{{ident},param_api_version="v1",param_kind="ConfigMap",failure_policy="Ignore",reinvocation_policy="IfNeeded"}} 1',
        f"kube_mutatingadmissionpolicy_created{{{ident}}} 1.704164645e+09",
    ]
    bare = {"metadata": {"name": "p"}, "spec": {"paramKind": None, "mutations": []}}
    assert lines(mutatingadmissionpolicies.RESOURCE, bare) == [
        'kube_mutatingadmissionpolicy_info{namespace="",mutatingadmissionpolicy="p",param_api_version="",param_kind="",failure_policy="",reinvocation_policy=""} 1'
    ]


# --- admission policy bindings --------------------------------------------------------------------------------


def test_validating_admission_policy_binding() -> None:
    obj = {
        "kind": "ValidatingAdmissionPolicyBinding",
        "apiVersion": "admissionregistration.k8s.io/v1",
        "metadata": meta("replica-limit-test"),
        "spec": {
            "policyName": "replica-limit",
            "paramRef": {
                "name": "replica-limit-test.example.com",
                "namespace": "default",
                "parameterNotFoundAction": "Deny",
            },
            "validationActions": ["Deny", "Audit"],
            "matchResources": {"namespaceSelector": {"matchLabels": {"environment": "test"}}},
        },
    }
    ident = 'namespace="",validatingadmissionpolicybinding="replica-limit-test"'
    assert lines(validatingadmissionpolicybindings.RESOURCE, obj) == [
        f'kube_validatingadmissionpolicybinding_info{{{ident},policy_name="replica-limit",param_name="replica-limit-test.example.com",param_namespace="default",param_not_found_action="Deny"}} 1',
        f"kube_validatingadmissionpolicybinding_created{{{ident}}} 1.704164645e+09",
        f'kube_validatingadmissionpolicybinding_validation_action{{{ident},action="Deny"}} 1',
        f'kube_validatingadmissionpolicybinding_validation_action{{{ident},action="Audit"}} 1',
    ]
    # No paramRef, no actions: empty param labels and no validation_action samples.
    bare = {"metadata": {"name": "b"}, "spec": {"policyName": "p"}}
    assert lines(validatingadmissionpolicybindings.RESOURCE, bare) == [
        'kube_validatingadmissionpolicybinding_info{namespace="",validatingadmissionpolicybinding="b",policy_name="p",param_name="",param_namespace="",param_not_found_action=""} 1'
    ]
    # paramRef without an action (a selector-based reference), and hostile action entries.
    sel = {
        "metadata": {"name": "b"},
        "spec": {
            "policyName": "p",
            "paramRef": {"selector": {"matchLabels": {"a": "b"}}},
            "validationActions": ["Warn", 3],
        },
    }
    assert lines(validatingadmissionpolicybindings.RESOURCE, sel) == [
        'kube_validatingadmissionpolicybinding_info{namespace="",validatingadmissionpolicybinding="b",policy_name="p",param_name="",param_namespace="",param_not_found_action=""} 1',
        'kube_validatingadmissionpolicybinding_validation_action{namespace="",validatingadmissionpolicybinding="b",action="Warn"} 1',
    ]
    assert lines(validatingadmissionpolicybindings.RESOURCE, {"metadata": {"name": "b"}}) == [
        'kube_validatingadmissionpolicybinding_info{namespace="",validatingadmissionpolicybinding="b",policy_name="",param_name="",param_namespace="",param_not_found_action=""} 1'
    ]


def test_mutating_admission_policy_binding() -> None:
    obj = {
        "kind": "MutatingAdmissionPolicyBinding",
        "apiVersion": "admissionregistration.k8s.io/v1",
        "metadata": meta("sidecar-binding"),
        "spec": {
            "policyName": "sidecar-policy",
            "paramRef": {"name": "sidecar-config", "namespace": "kube-system", "parameterNotFoundAction": "Allow"},
            "matchResources": {"namespaceSelector": {"matchLabels": {"inject": "true"}}},
        },
    }
    ident = 'namespace="",mutatingadmissionpolicybinding="sidecar-binding"'
    assert lines(mutatingadmissionpolicybindings.RESOURCE, obj) == [
        f'kube_mutatingadmissionpolicybinding_info{{{ident},policy_name="sidecar-policy",param_name="sidecar-config",param_namespace="kube-system",param_not_found_action="Allow"}} 1',
        f"kube_mutatingadmissionpolicybinding_created{{{ident}}} 1.704164645e+09",
    ]
    bare = {"metadata": {"name": "b"}, "spec": {"policyName": "sidecar-policy", "paramRef": "x"}}
    assert lines(mutatingadmissionpolicybindings.RESOURCE, bare) == [
        'kube_mutatingadmissionpolicybinding_info{namespace="",mutatingadmissionpolicybinding="b",policy_name="sidecar-policy",param_name="",param_namespace="",param_not_found_action=""} 1'
    ]


@pytest.mark.parametrize("resource", ALL)
def test_namespace_label_always_empty(resource: ResourceDef) -> None:
    # Even an object carrying metadata.namespace (the apiserver never serves one for these kinds) gets namespace="".
    obj = {"metadata": {"name": "x", "namespace": "stray", "creationTimestamp": CREATED}}
    out = lines(resource, obj)
    assert out and all(f'{{namespace="",{resource.identity_labels[1]}="x"' in line for line in out)


# --- catalog --------------------------------------------------------------------------------------------------
