"""Golden tests: Roles, ClusterRoles, RoleBindings and ClusterRoleBindings -> the exact lines upstream would write."""
# ruff: noqa: E501

import pytest

from ksm_shard.generator import GenerationOptions, ResourceRenderer
from ksm_shard.resources import clusterrolebindings, clusterroles, rolebindings, roles
from ksm_shard.resources.base import ResourceDef

RULES = [{"apiGroups": [""], "resources": ["pods", "pods/log"], "verbs": ["get", "list", "watch"]}]

ROLE = {
    "kind": "Role",
    "apiVersion": "rbac.authorization.k8s.io/v1",
    "metadata": {
        "name": "pod-reader",
        "namespace": "shop",
        "uid": "2b9f0c1e-3d4a-4b5c-9d6e-7f8a9b0c1d2e",
        "resourceVersion": "40021",
        "creationTimestamp": "2017-08-01T06:30:18Z",
        "labels": {"app.kubernetes.io/managed-by": "Helm", "rbac.example.com/aggregate": "true"},
        "annotations": {"meta.helm.sh/release-name": "shop"},
    },
    "rules": RULES,
}

CLUSTERROLE = {
    "kind": "ClusterRole",
    "apiVersion": "rbac.authorization.k8s.io/v1",
    "metadata": {
        "name": "system:aggregate-to-view",
        "uid": "8e7d6c5b-4a39-4281-9706-f5e4d3c2b1a0",
        "resourceVersion": "117",
        "creationTimestamp": "2024-01-02T03:04:05Z",
        "labels": {
            "kubernetes.io/bootstrapping": "rbac-defaults",
            "rbac.authorization.k8s.io/aggregate-to-view": "true",
        },
        "annotations": {"rbac.authorization.kubernetes.io/autoupdate": "true"},
    },
    "rules": RULES,
}

ROLEBINDING = {
    "kind": "RoleBinding",
    "apiVersion": "rbac.authorization.k8s.io/v1",
    "metadata": {
        "name": "read-pods",
        "namespace": "shop",
        "uid": "0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
        "resourceVersion": "40022",
        "creationTimestamp": "2017-08-01T06:30:18Z",
        "labels": {"team": "shop"},
    },
    "subjects": [{"kind": "ServiceAccount", "name": "builder", "namespace": "ci"}],
    "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "pod-reader"},
}

CLUSTERROLEBINDING = {
    "kind": "ClusterRoleBinding",
    "apiVersion": "rbac.authorization.k8s.io/v1",
    "metadata": {
        "name": "cluster-admin",
        "uid": "6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d",
        "resourceVersion": "140",
        "creationTimestamp": "2024-01-02T03:04:05Z",
        "labels": {"kubernetes.io/bootstrapping": "rbac-defaults"},
        "annotations": {"rbac.authorization.kubernetes.io/autoupdate": "true"},
    },
    "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "system:masters"}],
    "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"},
}


def lines(resource: ResourceDef, obj: dict, opts: GenerationOptions | None = None) -> list[str]:
    renderer = ResourceRenderer(resource, opts)
    out = b"".join(renderer.render(obj)).decode().splitlines()
    assert renderer.errors == 0
    return out


# --- roles / clusterroles -----------------------------------------------------------------------------------


def test_role() -> None:
    ident = 'namespace="shop",role="pod-reader"'
    assert lines(roles.RESOURCE, ROLE) == [
        f"kube_role_info{{{ident}}} 1",
        f"kube_role_created{{{ident}}} 1.501569018e+09",
        f"kube_role_metadata_resource_version{{{ident}}} 40021",
    ]
    opts = GenerationOptions(labels_allowlist={"roles": ["*"]}, annotations_allowlist={"roles": ["meta.helm.sh/*"]})
    assert lines(roles.RESOURCE, ROLE, opts)[:2] == [
        f'kube_role_annotations{{{ident},annotation_meta_helm_sh_release_name="shop"}} 1',
        f'kube_role_labels{{{ident},label_app_kubernetes_io_managed_by="Helm",label_rbac_example_com_aggregate="true"}} 1',
    ]


def test_clusterrole() -> None:
    ident = 'clusterrole="system:aggregate-to-view"'
    assert lines(clusterroles.RESOURCE, CLUSTERROLE) == [
        f"kube_clusterrole_info{{{ident}}} 1",
        f"kube_clusterrole_created{{{ident}}} 1.704164645e+09",
        f"kube_clusterrole_metadata_resource_version{{{ident}}} 117",
    ]
    opts = GenerationOptions(
        labels_allowlist={"clusterroles": ["kubernetes.io/bootstrapping"]},
        annotations_allowlist={"clusterroles": ["missing"]},
    )
    assert lines(clusterroles.RESOURCE, CLUSTERROLE, opts)[:2] == [
        f"kube_clusterrole_annotations{{{ident}}} 1",
        f'kube_clusterrole_labels{{{ident},label_kubernetes_io_bootstrapping="rbac-defaults"}} 1',
    ]


@pytest.mark.parametrize(
    ("resource", "ident"), [(roles.RESOURCE, 'namespace="n",role="r"'), (clusterroles.RESOURCE, 'clusterrole="r"')]
)
def test_role_empty_cases(resource: ResourceDef, ident: str) -> None:
    # No creation timestamp and a non-numeric resourceVersion: only the info sample.
    obj = {"metadata": {"name": "r", "namespace": "n", "resourceVersion": "v9"}, "rules": None}
    kind = resource.identity_labels[-1]
    if kind == "clusterrole":
        del obj["metadata"]["namespace"]
    assert lines(resource, obj) == [f"kube_{kind}_info{{{ident}}} 1"]


# --- rolebindings / clusterrolebindings ---------------------------------------------------------------------


def test_rolebinding() -> None:
    ident = 'namespace="shop",rolebinding="read-pods"'
    assert lines(rolebindings.RESOURCE, ROLEBINDING) == [
        f'kube_rolebinding_info{{{ident},roleref_kind="Role",roleref_name="pod-reader"}} 1',
        f"kube_rolebinding_created{{{ident}}} 1.501569018e+09",
        f"kube_rolebinding_metadata_resource_version{{{ident}}} 40022",
    ]
    opts = GenerationOptions(labels_allowlist={"*": ["team"]}, annotations_allowlist={"rolebindings": ["*"]})
    assert lines(rolebindings.RESOURCE, ROLEBINDING, opts)[:2] == [
        f"kube_rolebinding_annotations{{{ident}}} 1",
        f'kube_rolebinding_labels{{{ident},label_team="shop"}} 1',
    ]


def test_clusterrolebinding() -> None:
    ident = 'clusterrolebinding="cluster-admin"'
    assert lines(clusterrolebindings.RESOURCE, CLUSTERROLEBINDING) == [
        f'kube_clusterrolebinding_info{{{ident},roleref_kind="ClusterRole",roleref_name="cluster-admin"}} 1',
        f"kube_clusterrolebinding_created{{{ident}}} 1.704164645e+09",
        f"kube_clusterrolebinding_metadata_resource_version{{{ident}}} 140",
    ]
    opts = GenerationOptions(annotations_allowlist={"clusterrolebindings": ["rbac.authorization.kubernetes.io/*"]})
    assert lines(clusterrolebindings.RESOURCE, CLUSTERROLEBINDING, opts)[0] == (
        f'kube_clusterrolebinding_annotations{{{ident},annotation_rbac_authorization_kubernetes_io_autoupdate="true"}} 1'
    )


@pytest.mark.parametrize("roleref", [None, "ClusterRole", {}, {"kind": "ClusterRole"}, {"kind": 1, "name": ["x"]}])
def test_binding_empty_and_odd_roleref(roleref: object) -> None:
    obj = {"metadata": {"name": "b"}}
    if roleref is not None:
        obj["roleRef"] = roleref
    kind = roleref.get("kind") if isinstance(roleref, dict) and isinstance(roleref.get("kind"), str) else ""
    assert lines(clusterrolebindings.RESOURCE, obj) == [
        f'kube_clusterrolebinding_info{{clusterrolebinding="b",roleref_kind="{kind}",roleref_name=""}} 1'
    ]
    obj["metadata"]["namespace"] = "n"
    assert lines(rolebindings.RESOURCE, obj) == [
        f'kube_rolebinding_info{{namespace="n",rolebinding="b",roleref_kind="{kind}",roleref_name=""}} 1'
    ]


# --- catalog ------------------------------------------------------------------------------------------------
