"""CertificateSigningRequest families (upstream internal/store/certificatesigningrequest.go).

Every sample carries ``signer_name`` (spec.signerName) as a second identity label.
"""

# ruff: noqa: E501  (the family table keeps one row per line)

from __future__ import annotations

import binascii

from ksm_shard.kube.kinds import KINDS
from ksm_shard.resources.base import (
    STABLE,
    Family,
    ResourceDef,
    annotations_family,
    created,
    labels_family,
)


def _sub(obj: dict, key: str) -> dict:
    v = obj.get(key)
    return v if v.__class__ is dict else {}


def identity(obj: dict) -> tuple[str, str]:
    signer = _sub(obj, "spec").get("signerName")
    return obj["metadata"]["name"], signer if signer.__class__ is str else ""


_COUNTED = {"Approved": 0, "Denied": 1, "Failed": 2}


def condition(obj: dict) -> tuple:
    """Always three samples: how many conditions of type Approved / Denied / Failed the CSR has."""
    counts = [0, 0, 0]
    conds = _sub(obj, "status").get("conditions")
    if conds.__class__ is list:
        for c in conds:
            if c.__class__ is dict:
                t = c.get("type")
                if t.__class__ is str and t in _COUNTED:
                    counts[_COUNTED[t]] += 1
    return ((("approved",), counts[0]), (("denied",), counts[1]), (("failed",), counts[2]))


def _decoded_len(b64: str) -> int:
    """Length of a JSON []byte field: standard base64 with padding; CR/LF are ignored as Go's decoder does."""
    if "\n" in b64 or "\r" in b64:
        b64 = b64.replace("\r", "").replace("\n", "")
    try:
        return len(binascii.a2b_base64(b64, strict_mode=True))
    except (binascii.Error, ValueError):
        return 0  # upstream could not decode such an object at all


def cert_length(obj: dict) -> tuple:
    cert = _sub(obj, "status").get("certificate")
    return (((), _decoded_len(cert) if cert.__class__ is str and cert else 0),)


RESOURCE = ResourceDef(
    kind=KINDS["certificatesigningrequests"],
    identity_labels=("certificatesigningrequest", "signer_name"),
    identity=identity,
    families=(
        annotations_family("certificatesigningrequest", "CertificateSigningRequest annotations allowed by --metric-annotations-allowlist, as Prometheus labels."),
        labels_family("certificatesigningrequest", "CertificateSigningRequest labels allowed by --metric-labels-allowlist, as Prometheus labels."),
        Family("kube_certificatesigningrequest_created", "When the CertificateSigningRequest was created, in Unix seconds.", created, stability=STABLE),
        Family("kube_certificatesigningrequest_condition", "Number of Approved, Denied and Failed conditions of the CertificateSigningRequest.", condition, ("condition",), stability=STABLE),
        Family("kube_certificatesigningrequest_cert_length", "Size in bytes of the issued certificate (0 until one is issued).", cert_length, stability=STABLE),
    ),
)  # fmt: skip
