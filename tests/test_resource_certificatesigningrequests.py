"""Golden test: CertificateSigningRequests as the apiserver serves them -> the exact lines upstream would write."""

# ruff: noqa: E501

import base64

from ksm_shard.generator import GenerationOptions, ResourceRenderer
from ksm_shard.resources.certificatesigningrequests import RESOURCE

PEM = b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"  # 59 bytes

ISSUED = {
    "apiVersion": "certificates.k8s.io/v1",
    "kind": "CertificateSigningRequest",
    "metadata": {
        "name": "csr-8x2kq",
        "uid": "0f3e2d1c-4b5a-4c6d-8e7f-9a0b1c2d3e4f",
        "resourceVersion": "55012",
        "creationTimestamp": "2017-08-01T06:30:18Z",
        "labels": {"app": "kubelet-serving"},
        "annotations": {"kubernetes.io/description": "node serving cert"},
    },
    "spec": {
        "request": "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURSBSRVFVRVNULS0tLS0K",
        "signerName": "kubernetes.io/kubelet-serving",
        "expirationSeconds": 86400,
        "usages": ["digital signature", "server auth"],
        "username": "system:node:node-a",
        "groups": ["system:nodes", "system:authenticated"],
    },
    "status": {
        "conditions": [
            {
                "type": "Approved",
                "status": "True",
                "reason": "AutoApproved",
                "message": "Auto approving kubelet serving certificate",
                "lastUpdateTime": "2024-05-01T10:00:00Z",
                "lastTransitionTime": "2024-05-01T10:00:00Z",
            }
        ],
        "certificate": base64.b64encode(PEM).decode(),
    },
}

# Just submitted: no conditions, no certificate (the apiserver omits the empty status fields).
PENDING = {
    "metadata": {"name": "csr-new"},
    "spec": {"request": "LS0tLQ==", "signerName": "example.com/custom", "usages": ["client auth"]},
    "status": {},
}


def lines(renderer: ResourceRenderer, obj: dict) -> list[str]:
    return b"".join(renderer.render(obj)).decode().splitlines()


def test_default_families() -> None:
    assert lines(ResourceRenderer(RESOURCE), ISSUED) == [
        'kube_certificatesigningrequest_created{certificatesigningrequest="csr-8x2kq",signer_name="kubernetes.io/kubelet-serving"} 1.501569018e+09',
        'kube_certificatesigningrequest_condition{certificatesigningrequest="csr-8x2kq",signer_name="kubernetes.io/kubelet-serving",condition="approved"} 1',
        'kube_certificatesigningrequest_condition{certificatesigningrequest="csr-8x2kq",signer_name="kubernetes.io/kubelet-serving",condition="denied"} 0',
        'kube_certificatesigningrequest_condition{certificatesigningrequest="csr-8x2kq",signer_name="kubernetes.io/kubelet-serving",condition="failed"} 0',
        'kube_certificatesigningrequest_cert_length{certificatesigningrequest="csr-8x2kq",signer_name="kubernetes.io/kubelet-serving"} 59',
    ]


def test_empty_cases() -> None:
    assert lines(ResourceRenderer(RESOURCE), PENDING) == [
        'kube_certificatesigningrequest_condition{certificatesigningrequest="csr-new",signer_name="example.com/custom",condition="approved"} 0',
        'kube_certificatesigningrequest_condition{certificatesigningrequest="csr-new",signer_name="example.com/custom",condition="denied"} 0',
        'kube_certificatesigningrequest_condition{certificatesigningrequest="csr-new",signer_name="example.com/custom",condition="failed"} 0',
        'kube_certificatesigningrequest_cert_length{certificatesigningrequest="csr-new",signer_name="example.com/custom"} 0',
    ]


def test_conditions_are_counted_by_type() -> None:
    obj = {
        "metadata": {"name": "csr-x"},
        "spec": {"signerName": "kubernetes.io/kube-apiserver-client"},
        "status": {
            "conditions": [
                {"type": "Approved", "status": "True"},
                {"type": "Failed", "status": "True", "reason": "SignerValidationFailure"},
                {"type": "Failed", "status": "False"},  # counted whatever its status
                {"type": "approved", "status": "True"},  # type matching is case-sensitive
                {"type": "SomethingElse", "status": "True"},
                {"type": ["odd"]},
                "not-a-condition",
            ]
        },
    }
    assert lines(ResourceRenderer(RESOURCE), obj)[:3] == [
        'kube_certificatesigningrequest_condition{certificatesigningrequest="csr-x",signer_name="kubernetes.io/kube-apiserver-client",condition="approved"} 1',
        'kube_certificatesigningrequest_condition{certificatesigningrequest="csr-x",signer_name="kubernetes.io/kube-apiserver-client",condition="denied"} 0',
        'kube_certificatesigningrequest_condition{certificatesigningrequest="csr-x",signer_name="kubernetes.io/kube-apiserver-client",condition="failed"} 2',
    ]


def test_cert_length_is_the_decoded_size() -> None:
    r = ResourceRenderer(RESOURCE)
    wrapped = base64.encodebytes(PEM * 3).decode()  # 76-char lines separated by newlines, as Go's decoder accepts
    for cert, want in ((wrapped, 177), ("aGVsbG8=", 5), ("", 0), (None, 0), ("not base64!", 0), (12, 0)):
        obj = {"metadata": {"name": "c"}, "spec": {"signerName": "s"}, "status": {"certificate": cert}}
        assert (
            lines(r, obj)[-1]
            == f'kube_certificatesigningrequest_cert_length{{certificatesigningrequest="c",signer_name="s"}} {want}'
        ), cert


def test_missing_or_odd_signer_name() -> None:
    for spec in (None, {}, {"signerName": 5}, []):
        obj = {"metadata": {"name": "c"}, "spec": spec}
        assert (
            lines(ResourceRenderer(RESOURCE), obj)[-1]
            == 'kube_certificatesigningrequest_cert_length{certificatesigningrequest="c",signer_name=""} 0'
        )


def test_labels_and_annotations_allowlists() -> None:
    opts = GenerationOptions(labels_allowlist={"certificatesigningrequests": ["app"]},
                             annotations_allowlist={"*": ["kubernetes.io/description"]})  # fmt: skip
    out = lines(ResourceRenderer(RESOURCE, opts), ISSUED)
    assert out[:2] == [
        'kube_certificatesigningrequest_annotations{certificatesigningrequest="csr-8x2kq",signer_name="kubernetes.io/kubelet-serving",annotation_kubernetes_io_description="node serving cert"} 1',
        'kube_certificatesigningrequest_labels{certificatesigningrequest="csr-8x2kq",signer_name="kubernetes.io/kubelet-serving",label_app="kubelet-serving"} 1',
    ]


def test_headers_in_family_order() -> None:
    r = ResourceRenderer(RESOURCE)
    assert [h.decode().split()[2] for h in r.headers] == [
        "kube_certificatesigningrequest_annotations",
        "kube_certificatesigningrequest_labels",
        "kube_certificatesigningrequest_created",
        "kube_certificatesigningrequest_condition",
        "kube_certificatesigningrequest_cert_length",
    ]
    assert r.headers[1].decode().startswith("# HELP kube_certificatesigningrequest_labels [STABLE] ")
