"""Golden test: ServiceAccounts as the apiserver serves them -> the exact lines upstream would write."""
# ruff: noqa: E501

from ksm_shard.generator import GenerationOptions, ResourceRenderer
from ksm_shard.resources.serviceaccounts import RESOURCE

UID = "5c7a9e1b-2d3f-4a5b-8c6d-7e8f9a0b1c2d"
SERVICEACCOUNT = {
    "kind": "ServiceAccount",
    "apiVersion": "v1",
    "metadata": {
        "name": "builder",
        "namespace": "ci",
        "uid": UID,
        "resourceVersion": "55120",
        "creationTimestamp": "2017-08-01T06:30:18Z",
        "deletionTimestamp": "2024-03-05T10:00:00Z",
        "deletionGracePeriodSeconds": 0,
        "labels": {"app.kubernetes.io/part-of": "ci", "team": "platform"},
        "annotations": {"eks.amazonaws.com/role-arn": "arn:aws:iam::111122223333:role/builder"},
    },
    "secrets": [{"name": "builder-token-x7k2p"}, {"name": "builder-dockercfg-9wq4z"}],
    "imagePullSecrets": [{"name": "regcred"}],
    "automountServiceAccountToken": False,
}

ID = f'namespace="ci",serviceaccount="builder",uid="{UID}"'


def lines(obj: dict, renderer: ResourceRenderer | None = None) -> list[str]:
    renderer = renderer or ResourceRenderer(RESOURCE)
    out = b"".join(renderer.render(obj)).decode().splitlines()
    assert renderer.errors == 0
    return out


def test_default_families() -> None:
    assert lines(SERVICEACCOUNT) == [
        f'kube_serviceaccount_info{{{ID},automount_token="false"}} 1',
        f"kube_serviceaccount_created{{{ID}}} 1.501569018e+09",
        f"kube_serviceaccount_deleted{{{ID}}} 1.7096328e+09",
        f'kube_serviceaccount_secret{{{ID},name="builder-token-x7k2p"}} 1',
        f'kube_serviceaccount_secret{{{ID},name="builder-dockercfg-9wq4z"}} 1',
        f'kube_serviceaccount_image_pull_secret{{{ID},name="regcred"}} 1',
    ]


def test_automount_true() -> None:
    obj = {**SERVICEACCOUNT, "automountServiceAccountToken": True}
    assert lines(obj)[0] == f'kube_serviceaccount_info{{{ID},automount_token="true"}} 1'


def test_empty_cases() -> None:
    # The "default" ServiceAccount of a namespace: no automount setting, no secrets, not being deleted.
    obj = {
        "kind": "ServiceAccount",
        "apiVersion": "v1",
        "metadata": {
            "name": "default",
            "namespace": "ci",
            "uid": "11111111-2222-4333-8444-555555555555",
            "resourceVersion": "312",
            "creationTimestamp": "2024-01-02T03:04:05Z",
        },
    }
    ident = 'namespace="ci",serviceaccount="default",uid="11111111-2222-4333-8444-555555555555"'
    assert lines(obj) == [
        f'kube_serviceaccount_info{{{ident},automount_token=""}} 1',
        f"kube_serviceaccount_created{{{ident}}} 1.704164645e+09",
    ]


def test_hostile_fields() -> None:
    obj = {
        "metadata": {"name": "odd", "namespace": "n"},
        "automountServiceAccountToken": "yes",
        "secrets": [None, {"name": 5}, {"name": "ok"}],
        "imagePullSecrets": {"name": "x"},
    }
    assert lines(obj) == [
        'kube_serviceaccount_info{namespace="n",serviceaccount="odd",uid="",automount_token=""} 1',
        'kube_serviceaccount_secret{namespace="n",serviceaccount="odd",uid="",name=""} 1',
        'kube_serviceaccount_secret{namespace="n",serviceaccount="odd",uid="",name="ok"} 1',
    ]


def test_labels_and_annotations_allowlists() -> None:
    opts = GenerationOptions(
        labels_allowlist={"serviceaccounts": ["*"]}, annotations_allowlist={"serviceaccounts": ["eks.amazonaws.com/*"]}
    )
    out = lines(SERVICEACCOUNT, ResourceRenderer(RESOURCE, opts))
    assert out[6:] == [
        f'kube_serviceaccount_annotations{{{ID},annotation_eks_amazonaws_com_role_arn="arn:aws:iam::111122223333:role/builder"}} 1',
        f'kube_serviceaccount_labels{{{ID},label_app_kubernetes_io_part_of="ci",label_team="platform"}} 1',
    ]
