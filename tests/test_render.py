"""Exposition primitives and the object renderer: escaping, Go-style numbers, headers, bad input."""

import math

import pytest

from ksm_shard.generator import ResourceRenderer
from ksm_shard.render import escape_label_value, family_header, format_value
from ksm_shard.resources.configmaps import RESOURCE as CONFIGMAPS
from ksm_shard.store import ResourceOutput, exposition


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1, "1"), (0, "0"), (-1, "-1"), (True, "1"), (False, "0"),
        (819200, "819200"), (1000000, "1e+06"), (1501569018, "1.501569018e+09"), (1.5e9, "1.5e+09"),
        (8589934592, "8.589934592e+09"), (0.00001, "1e-05"), (0.0001, "0.0001"), (0.25, "0.25"),
        (123456.5, "123456.5"), (1e21, "1e+21"), (-2.5e-7, "-2.5e-07"), (1073741824.0, "1.073741824e+09"),
        (math.inf, "+Inf"), (-math.inf, "-Inf"), (math.nan, "NaN"), (100.0, "100"),
    ],
)  # fmt: skip
def test_go_float_format(value: float, text: str) -> None:
    assert format_value(value) == text


def test_label_value_escaping() -> None:
    assert escape_label_value('a\\b"c\nd') == 'a\\\\b\\"c\\nd'
    assert escape_label_value("plain ünïcode") == "plain ünïcode"


def test_header_stability_and_deprecation() -> None:
    assert (
        family_header("kube_x", "Help.", "gauge", "STABLE", None)
        == b"# HELP kube_x [STABLE] Help.\n# TYPE kube_x gauge\n"
    )
    assert family_header("kube_y", "a\\b\nc", "counter", "ALPHA", "v2.14.0") == (
        b"# HELP kube_y (Deprecated since v2.14.0) a\\\\b\\nc\n# TYPE kube_y counter\n"
    )


def test_hostile_label_values_render_escaped() -> None:
    r = ResourceRenderer(CONFIGMAPS)
    obj = {"metadata": {"name": 'we"ird\\name\nx', "namespace": "ns"}}
    assert b"".join(r.render(obj)) == b'kube_configmap_info{namespace="ns",configmap="we\\"ird\\\\name\\nx"} 1\n'


def test_object_without_metadata_is_skipped() -> None:
    r = ResourceRenderer(CONFIGMAPS)
    assert r.render({"kind": "ConfigMap"}) is None
    assert r.errors == 1


def test_exposition_groups_families_and_skips_empty_resources() -> None:
    r = ResourceRenderer(CONFIGMAPS)
    out = ResourceOutput("configmaps", r.headers, [f.name for f in r.families])
    slot = out.new_slot()
    slot.current.publish()  # as its reflector's first LIST would
    empty = ResourceOutput("empty", [b"# HELP e x\n"], ["e"])
    empty.new_slot().current.publish()
    for i in range(50):
        slot.current.put(f"uid-{i}", r.render({"metadata": {"name": f"c{i}", "namespace": "n",
                                                            "creationTimestamp": "2020-01-01T00:00:00Z"}}))  # fmt: skip
    text = b"".join(exposition([empty, out])).decode()
    assert "# HELP e" not in text
    names = [line.split("{")[0] for line in text.splitlines() if not line.startswith("#")]
    # every family contiguous: once a family ends it never reappears
    seen = []
    for n in names:
        if not seen or seen[-1] != n:
            assert n not in seen
            seen.append(n)
    assert seen == ["kube_configmap_info", "kube_configmap_created"]
    assert len(names) == 100
    slot.current.delete("uid-3")
    assert b"".join(exposition([out])).count(b'configmap="c3"') == 0

