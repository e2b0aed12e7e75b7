"""Golden test: Secrets as the apiserver serves them -> the exact lines upstream would write, and no payload leaks."""
# ruff: noqa: E501

import base64
import json

from ksm_shard.generator import GenerationOptions, ResourceRenderer
from ksm_shard.resources.secrets import RESOURCE

SECRET_VALUE = "s3cr3t-value"
SECRET = {
    "kind": "Secret",
    "apiVersion": "v1",
    "metadata": {
        "name": "db-credentials",
        "namespace": "shop",
        "uid": "3d1c2b4a-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
        "resourceVersion": "774411",
        "creationTimestamp": "2017-08-01T06:30:18Z",
        "labels": {"app.kubernetes.io/name": "db", "team": "shop"},
        "annotations": {"vault.example.com/rotated-at": "2024-01-01"},
        "ownerReferences": [
            {
                "apiVersion": "v1",
                "kind": "ServiceAccount",
                "name": "db",
                "uid": "9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d",
            },
            {
                "apiVersion": "bitnami.com/v1alpha1",
                "kind": "SealedSecret",
                "name": "db-credentials",
                "uid": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
                "controller": True,
                "blockOwnerDeletion": True,
            },
        ],
    },
    "data": {"password": base64.b64encode(SECRET_VALUE.encode()).decode(), "username": "c2hvcA=="},
    "type": "Opaque",
}

ID = 'namespace="shop",secret="db-credentials"'


def lines(obj: dict, renderer: ResourceRenderer | None = None) -> list[str]:
    renderer = renderer or ResourceRenderer(RESOURCE)
    out = b"".join(renderer.render(obj)).decode().splitlines()
    assert renderer.errors == 0
    return out


def test_default_families() -> None:
    assert lines(SECRET) == [
        f"kube_secret_info{{{ID}}} 1",
        f'kube_secret_type{{{ID},type="Opaque"}} 1',
        f"kube_secret_created{{{ID}}} 1.501569018e+09",
        f"kube_secret_metadata_resource_version{{{ID}}} 774411",
        f'kube_secret_owner{{{ID},owner_kind="ServiceAccount",owner_name="db",owner_is_controller="false"}} 1',
        f'kube_secret_owner{{{ID},owner_kind="SealedSecret",owner_name="db-credentials",owner_is_controller="true"}} 1',
    ]


def test_tls_secret_type_and_empty_cases() -> None:
    # No creation timestamp, non-numeric resourceVersion, no owners; type is served as given.
    obj = {
        "metadata": {"name": "web-tls", "namespace": "shop", "resourceVersion": "x1"},
        "data": {"tls.crt": "LS0t", "tls.key": "LS0t"},
        "type": "kubernetes.io/tls",
    }
    assert lines(obj) == [
        'kube_secret_info{namespace="shop",secret="web-tls"} 1',
        'kube_secret_type{namespace="shop",secret="web-tls",type="kubernetes.io/tls"} 1',
        'kube_secret_owner{namespace="shop",secret="web-tls",owner_kind="",owner_name="",owner_is_controller=""} 1',
    ]


def test_hostile_fields() -> None:
    obj = {"metadata": {"name": "odd", "namespace": "n", "ownerReferences": "nope"}, "type": {"x": 1}, "data": None}
    assert lines(obj) == [
        'kube_secret_info{namespace="n",secret="odd"} 1',
        'kube_secret_type{namespace="n",secret="odd",type=""} 1',
        'kube_secret_owner{namespace="n",secret="odd",owner_kind="",owner_name="",owner_is_controller=""} 1',
    ]


def test_labels_and_annotations_allowlists() -> None:
    opts = GenerationOptions(
        labels_allowlist={"secrets": ["app.kubernetes.io/*", "missing"]},
        annotations_allowlist={"secrets": ["vault.example.com/rotated-at"]},
    )
    out = lines(SECRET, ResourceRenderer(RESOURCE, opts))
    assert out[2:4] == [
        f'kube_secret_annotations{{{ID},annotation_vault_example_com_rotated_at="2024-01-01"}} 1',
        f'kube_secret_labels{{{ID},label_app_kubernetes_io_name="db"}} 1',
    ]
    # An entry that matches no key still yields one sample with the identity labels only.
    opts = GenerationOptions(labels_allowlist={"secrets": ["missing"]}, annotations_allowlist={"configmaps": ["*"]})
    assert [x for x in lines(SECRET, ResourceRenderer(RESOURCE, opts)) if "_labels" in x or "_annotations" in x] == [
        f"kube_secret_labels{{{ID}}} 1"
    ]


def test_secret_payload_never_rendered() -> None:
    """Neither data nor stringData values (plain or base64) appear in any byte, whatever the options."""
    obj = json.loads(json.dumps(SECRET))
    obj["stringData"] = {"token": SECRET_VALUE}  # as a client might send it; the apiserver folds it into data
    obj["data"]["api-key"] = base64.b64encode(b"another " + SECRET_VALUE.encode()).decode()
    forbidden = [SECRET_VALUE, base64.b64encode(SECRET_VALUE.encode()).decode(), obj["data"]["api-key"]]
    forbidden += [forbidden[1].rstrip("="), base64.b64encode(b"another " + SECRET_VALUE.encode()).decode()]
    everything = GenerationOptions(
        labels_allowlist={"*": ["*"]},
        annotations_allowlist={"*": ["*"]},
        family_filter=lambda name, opt_in: True,
    )
    for opts in (None, everything):
        r = ResourceRenderer(RESOURCE, opts)
        rendered = b"".join(r.headers) + b"".join(r.render(obj))
        assert rendered, "nothing rendered"
        for s in forbidden:
            assert s.encode() not in rendered
        assert b"s3cr3t" not in rendered
    # The generators never even look at the payload fields: reading data/stringData fails the test.
    trap = {**SECRET, "stringData": {"token": SECRET_VALUE}}

    class Guarded(dict):
        def get(self, k, default=None):
            assert k not in ("data", "stringData"), f"payload field read: {k}"
            return super().get(k, default)

        def __getitem__(self, k):
            assert k not in ("data", "stringData"), f"payload field read: {k}"
            return super().__getitem__(k)

    r = ResourceRenderer(RESOURCE, everything)
    assert len(b"".join(r.render(Guarded(trap))).splitlines()) == 8
    assert r.errors == 0


def test_last_applied_annotation_never_exported_even_with_wildcard_allowlist() -> None:
    from ksm_shard.generator import GenerationOptions, ResourceRenderer
    from ksm_shard.resources.secrets import RESOURCE as SECRETS

    secret = {
        "metadata": {"name": "db", "namespace": "n", "annotations": {
            "kubectl.kubernetes.io/last-applied-configuration": '{"stringData":{"password":"s3cr3t-value"}}',
            "team": "a",
        }},
        "type": "Opaque",
    }  # fmt: skip
    for keys in (["*"], ["kubectl.kubernetes.io/*"], ["kubectl.kubernetes.io/last-applied-configuration", "team"]):
        out = b"".join(
            ResourceRenderer(SECRETS, GenerationOptions(annotations_allowlist={"secrets": keys})).render(secret)
        )
        assert b"s3cr3t" not in out and b"last_applied" not in out
    out = b"".join(
        ResourceRenderer(SECRETS, GenerationOptions(annotations_allowlist={"secrets": ["*"]})).render(secret)
    )
    assert b'annotation_team="a"' in out
