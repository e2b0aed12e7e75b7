"""Every resource of a synthetic cluster at once: valid exposition (promtool), no duplicate series, all families."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from ksm_shard.launch import sample_lines
from ksm_shard.resources import RESOURCES
from ksm_shard.sim.cluster import generate_cluster

CATALOG = Path(__file__).resolve().parents[1].parent / "shared/spec/metrics.json"
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


@pytest.fixture(scope="module")
def full_body(tmp_path_factory) -> bytes:  # noqa: ANN001
    from conftest import FAST, client_for

    from ksm_shard.exporter import Exporter
    from ksm_shard.options import Options
    from ksm_shard.sim.apiserver import SimApiServer
    from ksm_shard.sim.storage import Storage

    storage = Storage()
    for resource, objs in generate_cluster(2000, seed=3).items():
        storage.bulk_load(resource, objs)
    server = SimApiServer(storage)
    server.start()
    opts = Options(resources=sorted(RESOURCES), labels_allowlist={"*": ["*"]}, annotations_allowlist={"*": ["*"]},
                   metric_opt_in_list=[re.compile(".*")])  # fmt: skip
    exp = Exporter(opts, client_for(server.url), reflector_config=FAST)
    exp.start()
    try:
        assert exp.wait_ready(120)
        return b"".join(exp.scrape())
    finally:
        exp.stop()
        server.stop()


def series_key(line: str) -> tuple[str, frozenset]:
    name, _, rest = line.partition("{")
    if not rest:
        return line.split(" ")[0], frozenset()
    labels = rest.rsplit("}", 1)[0]
    return name, frozenset(_LABEL.findall(labels))


def test_no_duplicate_series(full_body: bytes) -> None:
    keys = Counter(series_key(line) for line in sample_lines(full_body))
    dupes = [k for k, n in keys.items() if n > 1]
    assert not dupes, dupes[:5]
    assert len(keys) > 50_000


@pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool is installed by scripts/test.sh")
def test_promtool_accepts_the_whole_output(full_body: bytes) -> None:
    p = subprocess.run(["promtool", "check", "metrics"], input=full_body, capture_output=True, timeout=120)
    assert p.returncode == 0, (p.stdout + p.stderr)[:2000]


@pytest.mark.skipif(not CATALOG.exists(), reason="spec catalog not beside the repository")
def test_every_catalog_family_has_a_header_and_most_have_samples(full_body: bytes) -> None:
    catalog = json.loads(CATALOG.read_text())
    text = full_body.decode()
    headers = set(re.findall(r"^# TYPE (\S+) ", text, re.M))
    with_samples = {series_key(line)[0] for line in sample_lines(full_body)}
    expected = [f["name"] for r in catalog["resources"] if r["name"] in RESOURCES for f in r["families"]]
    assert sorted(set(expected) - headers) == []
    silent = sorted(set(expected) - with_samples)
    # the synthetic cluster should exercise nearly every family; list the silent ones if it regresses
    assert len(silent) <= len(expected) // 20, silent
