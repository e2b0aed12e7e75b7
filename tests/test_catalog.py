"""Every resource's family table against the upstream catalog (../shared/spec/metrics.json): names, order,
label names and order, type, stability, opt-in, deprecation, and which families have per-sample label sets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ksm_shard.generator import ResourceRenderer
from ksm_shard.kube.kinds import KINDS
from ksm_shard.resources import DEFAULT_RESOURCES, RESOURCES

SPEC = Path(__file__).resolve().parents[1].parent / "shared/spec/metrics.json"
CATALOG = {r["name"]: r for r in json.loads(SPEC.read_text())["resources"]} if SPEC.exists() else {}

pytestmark = pytest.mark.skipif(not SPEC.exists(), reason="metrics.json catalog not beside the repository")


def test_every_catalog_resource_is_registered_with_upstream_defaults() -> None:
    assert sorted(RESOURCES) == sorted(CATALOG) == sorted(KINDS)
    assert sorted(DEFAULT_RESOURCES) == sorted(n for n, r in CATALOG.items() if r["default_enabled"])


@pytest.mark.parametrize("name", sorted(RESOURCES))
def test_family_table_matches_catalog(name: str) -> None:
    spec = CATALOG[name]
    resource = RESOURCES[name]
    assert list(resource.identity_labels) == spec["identity_labels"]
    assert [f.name for f in resource.families] == [f["name"] for f in spec["families"]]
    headers = [h.decode().split()[2] for h in ResourceRenderer(resource).headers]
    assert headers == [f["name"] for f in spec["families"] if not f["opt_in"]]
    for fam, want in zip(resource.families, spec["families"], strict=True):
        labels = [*resource.identity_labels, *fam.labels]
        dynamic = want["labels"][-1].endswith("_*")
        if dynamic and labels[-1:] != want["labels"][-1:]:
            labels.append(want["labels"][-1])  # the label_* / annotation_* / ..._* group comes from the object
        assert labels == want["labels"], fam.name
        assert fam.pairs == (dynamic or "label_variants" in want), fam.name
        source = want.get("dynamic_labels_source") or ""
        assert fam.allowlist == {
            "--metric-labels-allowlist": "labels",
            "--metric-annotations-allowlist": "annotations",
        }.get(source), fam.name
        got = (fam.type, fam.stability, fam.opt_in, fam.deprecated_since)
        assert got == (want["type"], want["stability"], want["opt_in"], want.get("deprecated_since")), fam.name
