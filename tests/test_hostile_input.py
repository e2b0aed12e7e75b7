"""Hostile input: odd, broken or enormous objects never crash a renderer and never yield invalid exposition.

Generators must handle absent and null fields without raising (``renderer.errors`` stays 0); values of a wrong
type may cost a family (counted in ``errors``) but never the validity of the output.
"""

from __future__ import annotations

import copy
import functools
import math
import random
import re
import shutil
import subprocess
import time
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from prometheus_client.parser import text_string_to_metric_families

from ksm_shard.generator import GenerationOptions, ResourceRenderer
from ksm_shard.resources import RESOURCES
from ksm_shard.sim.cluster import generate_cluster

# --- a strict exposition checker -------------------------------------------------------------------------------

_NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
_LABEL_NAME = r"[a-zA-Z_][a-zA-Z0-9_]*"
_LABEL_VALUE = r'"(?:[^"\\\n]|\\[\\"n])*"'
_PAIR = re.compile(rf"({_LABEL_NAME})=({_LABEL_VALUE})")
_VALUE = r"[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|Inf)|NaN"
_LABELS = rf"(?:{_LABEL_NAME}={_LABEL_VALUE},)*{_LABEL_NAME}={_LABEL_VALUE}"
_SAMPLE = re.compile(rf"({_NAME})(?:\{{({_LABELS})?\}})? ({_VALUE})")
_HELP = re.compile(rf"# HELP ({_NAME}) (?:[^\\\n]|\\[\\n])*")
_TYPE = re.compile(rf"# TYPE ({_NAME}) (counter|gauge|histogram|summary|untyped|info|stateset)")


def check_exposition(text: str, client_parser: bool = True) -> int:
    """Raise AssertionError unless ``text`` is strictly valid text format 0.0.4; returns the number of samples.

    Every line is a HELP, TYPE or sample line; each family has one HELP and one TYPE before its samples, which are
    contiguous and carry the family's name; label names are valid and unique in a sample, label values escaped,
    values floats as Prometheus parses them. The prometheus_client parser must accept the text as well (it is
    slow on megabytes: ``client_parser=False`` skips it).
    """
    assert text == "" or text.endswith("\n"), "exposition must end with a newline"
    seen_families: set[str] = set()
    current: str | None = None
    samples = 0
    for n, line in enumerate(text.split("\n")[:-1], 1):
        where = f"line {n}: {line[:300]!r}"
        if line.startswith("# HELP "):
            m = _HELP.fullmatch(line)
            assert m, f"bad HELP {where}"
            assert m.group(1) not in seen_families, f"family announced twice {where}"
            seen_families.add(m.group(1))
            current = m.group(1)
            continue
        if line.startswith("# TYPE "):
            m = _TYPE.fullmatch(line)
            assert m and m.group(1) == current, f"TYPE without its HELP {where}"
            continue
        m = _SAMPLE.fullmatch(line)
        assert m, f"not a valid sample {where}"
        assert m.group(1) == current, f"sample outside its family ({current}) {where}"
        names = [k for k, _ in _PAIR.findall(m.group(2) or "")]
        assert len(names) == len(set(names)), f"duplicate label name {where}"
        assert not any(k.startswith("__") for k in names), f"reserved label name {where}"
        value = float(m.group(3))
        assert not math.isnan(value) or m.group(3) == "NaN"
        samples += 1
    if client_parser:
        parsed = sum(len(f.samples) for f in text_string_to_metric_families(text))
        assert parsed == samples, f"prometheus_client parsed {parsed} samples, line check saw {samples}"
    return samples


def exposition(renderer: ResourceRenderer, rendered: tuple[bytes, ...]) -> str:
    """One object's output with every family's header, as a scrape would serve it."""
    assert isinstance(rendered, tuple), type(rendered)
    assert len(rendered) == len(renderer.headers), (len(rendered), len(renderer.headers))
    assert all(isinstance(b, bytes) for b in rendered)
    return b"".join(h + b for h, b in zip(renderer.headers, rendered, strict=True)).decode("utf-8")


# --- hostile values and mutations ------------------------------------------------------------------------------

HOSTILE_STRINGS: tuple[str, ...] = (
    "", " ", "\x00", "a\x00b", "\n", "two\nlines", "\r\n", "\t", '"', '\\', '\\"', "\\n", "end\\", '""\\\\"',
    '{a="b"} 1', "a=\"b\",c=\"d\"", "}", "# HELP x y", "\x1b[31mred\x1b[0m", "\x7f\x01\x1f", "\u202eevil\u202c",
    "שלום", "مرحبا بالعالم", "😀🚀", "👨‍👩‍👧‍👦", "🏳️‍🌈", "\ufeffbom", "\u2028\u2029", "\x85", "\U0010ffff", "Ünïcödé",
    "NaN", "+Inf", "-Inf", "-1", "1e309", "9" * 400, "0x10", "1_000", ".5", "5.", "1.5e+3k", "1Gi", "-1Gi", "250m",
    "1e400", "1E-400", "2024-05-01T10:00:00Z", "2024-05-01T10:00:00.123456789+05:30", "2024-13-45T99:99:99Z",
    "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "True", "null", "x" * 100_000,
)  # fmt: skip
WRONG_TYPE_VALUES: tuple[Any, ...] = (
    0, 1, -1, 2**63, -(2**63) - 1, 10**30, 10**400, 1.5, -0.0, math.nan, math.inf, -math.inf, 1e308, 5e-324,
    True, False, [], [1, "a", None, {}], {}, {"a": {"b": None}}, {"x": [1, 2]},
)  # fmt: skip
INT64 = (0, 1, -1, 2**31, 2**63 - 1, -(2**63))


class Chooser:
    """The random choices a mutation makes: hypothesis' ``draw`` (shrinkable) or a seeded ``random.Random``."""

    def pick(self, seq: Sequence) -> Any:
        raise NotImplementedError

    def text(self) -> str:
        raise NotImplementedError


def all_paths(obj: Any, path: tuple = ()) -> list[tuple]:
    """Every key/index path inside ``obj`` (the root excluded)."""
    out = []
    if isinstance(obj, dict):
        items = obj.items()
    elif isinstance(obj, list):
        items = enumerate(obj)
    else:
        return out
    for k, v in items:
        out.append((*path, k))
        out.extend(all_paths(v, (*path, k)))
    return out


def _get(obj: Any, path: tuple) -> Any:
    for k in path:
        obj = obj[k]
    return obj


BENIGN = "benign"  # absent, null, or a value of the right type: no family may fail
WRONG = "wrong"  # a value of a wrong type: a family may fail (counted), the output stays valid


def mutate_once(obj: dict, c: Chooser) -> str:
    """Apply one random mutation in place; returns BENIGN or WRONG."""
    md = obj.get("metadata")
    if isinstance(md, dict) and c.pick((False, False, True)):  # names, labels, annotations: hostile text
        field = c.pick(("name", "namespace", "uid", "labels", "annotations"))
        if field in ("labels", "annotations"):
            kv = md.get(field)
            if not isinstance(kv, dict):
                kv = md[field] = {}
            kv[c.text()] = c.text()
        else:
            md[field] = c.text()
        return BENIGN
    paths = all_paths(obj)
    if not paths:
        return BENIGN
    path = c.pick(paths)
    parent, key = _get(obj, path[:-1]), path[-1]
    old = parent[key]
    op = c.pick(("delete", "null", "hostile", "wrong", "grow", "grow"))
    if op == "delete":
        del parent[key]
        return BENIGN
    if op == "null":
        parent[key] = None
        return BENIGN
    if op == "hostile":  # a string where there was a string is the right type; elsewhere it is not
        parent[key] = c.text()
        return BENIGN if isinstance(old, str) else WRONG
    if op == "wrong":
        if isinstance(old, int) and not isinstance(old, bool):
            parent[key] = copy.deepcopy(c.pick(INT64 + WRONG_TYPE_VALUES))
            v = parent[key]
            return BENIGN if v.__class__ is int and -(2**63) <= v < 2**63 else WRONG
        parent[key] = copy.deepcopy(c.pick(WRONG_TYPE_VALUES + HOSTILE_STRINGS))
        return WRONG
    # grow: many (long, hostile) keys in a map, many elements in a list, a huge string
    if isinstance(old, dict):
        n = c.pick((50, 1000))
        long = c.pick((False, True))
        for i in range(n):
            key_text = c.text() if i % 7 == 0 else f"k{i}.example.com/{'x' * 250 if long else ''}key-{i}"
            old[key_text] = c.text() if i % 3 == 0 else f"value-{i}"
        return BENIGN
    if isinstance(old, list):
        if old and len(old) < 100:
            n = c.pick((100, 500))
            parent[key] = [copy.deepcopy(old[i % len(old)]) for i in range(n)]
        return BENIGN
    if isinstance(old, str):
        parent[key] = (old or "x") * (20_000 // (len(old) + 1)) + c.text()
        return BENIGN
    parent[key] = copy.deepcopy(c.pick(WRONG_TYPE_VALUES))  # never share the constants
    return WRONG


def mutate(obj: dict, c: Chooser, count: int) -> str:
    kinds = {mutate_once(obj, c) for _ in range(count)}
    return WRONG if WRONG in kinds else BENIGN


ALL_ON = GenerationOptions(labels_allowlist={"*": ["*"]}, annotations_allowlist={"*": ["*"]},
                           family_filter=lambda name, opt_in: True)  # fmt: skip


def render_checked(renderer: ResourceRenderer, obj: dict, kind: str, what: Callable[[], str] = str) -> str:
    """Render a (mutated) object; assert the invariants; return its exposition ("" without identity)."""
    before = renderer.errors
    out = renderer.render(obj)
    if out is None:  # no usable identity: skipped, counted once
        assert renderer.errors == before + 1
        return ""
    text = exposition(renderer, out)
    check_exposition(text)
    if kind == BENIGN:
        assert renderer.errors == before, f"a generator raised on absent/null/right-typed input: {what()}"
    return text


# --- 1. every resource, realistic objects mutated by hypothesis ------------------------------------------------

_TEXT = st.one_of(
    st.sampled_from(HOSTILE_STRINGS),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=40),  # any code point but lone surrogates
)


class RandomChooser(Chooser):
    def __init__(self, seed: str) -> None:
        self.rng = random.Random(seed)

    def pick(self, seq: Sequence) -> Any:
        return seq[self.rng.randrange(len(seq))]

    def text(self) -> str:
        if self.rng.random() < 0.7:
            return self.pick(HOSTILE_STRINGS)
        planes = ((0, 0x7F), (0x80, 0xD7FF), (0xE000, 0x10FFFF))  # no lone surrogates: JSON cannot carry them
        return "".join(chr(self.rng.randint(*self.pick(planes))) for _ in range(self.rng.randint(1, 20)))


class HypothesisChooser(Chooser):
    def __init__(self, data: st.DataObject) -> None:
        self.data = data

    def pick(self, seq: Sequence) -> Any:
        return self.data.draw(st.sampled_from(seq))

    def text(self) -> str:
        return self.data.draw(_TEXT)


@functools.cache
def cluster() -> dict[str, list[dict]]:
    return generate_cluster(300, seed=1)


@functools.cache
def seeds(resource: str, n: int = 4) -> list[dict]:
    """Up to ``n`` objects of the kind from a realistic cluster, chosen to cover the most distinct field paths."""
    shapes: set[tuple] = set()
    chosen = []
    for obj in sorted(cluster()[resource], key=lambda o: -len(all_paths(o))):
        paths = {tuple("[]" if isinstance(k, int) else k for k in p) for p in all_paths(obj)}
        if paths - shapes:
            chosen.append(obj)
            shapes |= paths
        if len(chosen) == n:
            break
    return chosen


@pytest.mark.parametrize("resource", sorted(RESOURCES))
@settings(max_examples=40, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])  # fmt: skip
@given(data=st.data())
def test_mutated_objects_render_valid_exposition(resource: str, data: st.DataObject) -> None:
    renderer = ResourceRenderer(RESOURCES[resource], ALL_ON)
    base = seeds(resource)
    obj = copy.deepcopy(data.draw(st.sampled_from(base)))
    kind = mutate(obj, HypothesisChooser(data), data.draw(st.integers(1, 4)))
    render_checked(renderer, obj, kind)


# every field of every seed object, one at a time: absent, null, or a hostile string where a string was

_SINGLE_STRINGS = ('a"\\\nb\x00\r😀\u202eק', "1e309", "")


def _one_field_mutations(obj: dict) -> list[tuple[tuple, str, Any]]:
    out = []
    for path in all_paths(obj):
        out += [(path, "delete", None), (path, "null", None)]
        if isinstance(_get(obj, path), str):
            out += [(path, "set", v) for v in _SINGLE_STRINGS]
    return out


@pytest.mark.parametrize("resource", sorted(RESOURCES))
def test_every_field_absent_null_or_hostile_string(resource: str) -> None:
    renderer = ResourceRenderer(RESOURCES[resource], ALL_ON)
    done: set[tuple] = set()
    for base in seeds(resource):
        for path, op, value in _one_field_mutations(base):
            shape = (tuple("[]" if isinstance(k, int) else k for k in path), op, value)
            if shape in done:
                continue
            done.add(shape)
            obj = copy.deepcopy(base)
            parent = _get(obj, path[:-1])
            if op == "delete":
                del parent[path[-1]]
            else:
                parent[path[-1]] = value
            render_checked(renderer, obj, BENIGN, lambda p=path, o=op, v=value: f"{o} {p} {v!r}")


# --- 2. a pod with 10,000 containers -----------------------------------------------------------------------------


def test_pod_with_ten_thousand_containers_renders_in_linear_time() -> None:
    n = 10_000
    pod = next(p for p in cluster()["pods"] if p["status"].get("phase") == "Running")
    spec0, status0 = pod["spec"]["containers"][0], pod["status"]["containerStatuses"][0]
    obj = copy.deepcopy(pod)
    obj["spec"]["containers"] = [dict(copy.deepcopy(spec0), name=f"c{i}") for i in range(n)]
    # statuses in the opposite order: matching is by name, never by index (nor by a scan per container)
    obj["status"]["containerStatuses"] = [dict(copy.deepcopy(status0), name=f"c{i}") for i in reversed(range(n))]
    renderer = ResourceRenderer(RESOURCES["pods"], ALL_ON)
    start = time.perf_counter()
    out = renderer.render(obj)
    elapsed = time.perf_counter() - start
    assert out is not None and renderer.errors == 0
    text = exposition(renderer, out)
    check_exposition(text, client_parser=False)  # 15 MB: the pure-Python parser alone would take seconds
    info = [line for line in text.split("\n") if line.startswith("kube_pod_container_info{")]
    assert len(info) == n
    assert info[0].split(",")[3] == 'container="c0"' and info[-1].split(",")[3] == f'container="c{n - 1}"'
    ready = [line for line in text.split("\n") if line.startswith("kube_pod_container_status_ready{")]
    assert len(ready) == n
    assert elapsed < 5, f"rendering took {elapsed:.2f} s"


# --- 3. label/annotation keys at every edge of the label name sanitizing -----------------------------------------

EDGE_KEYS = (
    "app", "app.kubernetes.io/name", "example.com/team-name", "1abc", "9", "0.0/x", "camelCase", "CamelCase",
    "camel_case", "camel-case", "camel.case", "HTTPServer", "httpServer", "a-b", "a.b", "a/b", "a_b", "A_B",
    "a_b_conflict1", "a-b_conflict1", "a_b_conflict1_conflict1", "x_conflict2", "x", "X", "_", "__", "_x", "__x",
    "", "-", ".", "/", "key with spaces", "tab\tkey", "new\nline", 'quote"key', "back\\slash", "ünïcödé", "日本語",
    "😀", "\u202eevil", "UPPER", "upper", "k" * 317,
)  # fmt: skip
EDGE_VALUES = ("", 'a"b', "c\\d", "e\nf", "😀", "\x00", "x" * 1000)
_VALID_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")


def _edge_map() -> dict[str, str]:
    return {k: EDGE_VALUES[i % len(EDGE_VALUES)] for i, k in enumerate(EDGE_KEYS)}


def _escape(v: str) -> str:
    return v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _pairs_of(line: str, family: str) -> list[tuple[str, str]]:
    m = _SAMPLE.fullmatch(line)
    assert m and m.group(1) == family, line
    return _PAIR.findall(m.group(2))


@pytest.mark.parametrize("resource", sorted(RESOURCES))
def test_label_and_annotation_keys_sanitize_to_valid_unique_names(resource: str) -> None:
    options = GenerationOptions(labels_allowlist={"*": ["*"]}, annotations_allowlist={"*": ["*"]})
    renderer = ResourceRenderer(RESOURCES[resource], options)
    obj = copy.deepcopy(seeds(resource)[0])
    obj["metadata"]["labels"] = _edge_map()
    obj["metadata"]["annotations"] = _edge_map()
    out = renderer.render(obj)
    assert out is not None and renderer.errors == 0
    check_exposition(exposition(renderer, out))
    ident = len(RESOURCES[resource].identity_labels)
    for fam, body in zip(renderer.families, out, strict=True):
        if fam.allowlist is None:
            continue
        prefix = "label_" if fam.name.endswith("_labels") else "annotation_"
        [line] = body.decode().splitlines()
        names = [k for k, _ in _pairs_of(line, fam.name)][ident:]
        exported = len(EDGE_KEYS) - len(set(EDGE_KEYS) & fam.never_export)
        assert len(names) == exported, f"{fam.name}: a key got lost"
        assert len(set(names)) == len(names), f"{fam.name}: duplicate label names"
        assert all(_VALID_NAME.fullmatch(n) and n.startswith(prefix) for n in names)
        for expected in ("", "1abc", "9", "0_0_x", "app_kubernetes_io_name", "http_server", "httpserver", "___",
                         "camel_case_conflict5", "a_b_conflict5", "_n_c_d_", "k" * 317):  # fmt: skip
            assert prefix + expected in names, (prefix + expected, names)
        # collisions: sorted keys numbered _conflict1.. ("X" < "x"), the first renamed once the second comes; a key
        # that sanitizes to a generated conflict name is numbered as a conflict of its own
        values = dict(_pairs_of(line, fam.name))
        edge = _edge_map()
        expected = (("x_conflict1", "X"), ("x_conflict2", "x"), ("x_conflict2_conflict1", "x_conflict2"),
                    ("a_b_conflict1_conflict1", "a-b_conflict1"), ("camel_case_conflict1", "CamelCase"))  # fmt: skip
        for name, key in expected:
            assert values[prefix + name] == f'"{_escape(edge[key])}"', name
        assert prefix + "x" not in values and prefix + "a_b" not in values


# --- 4. promtool on a batch of hostile objects of every kind -----------------------------------------------------


def hostile_batch() -> str:
    """Every kind: its seed objects mutated a few ways each, plus one with edge-case labels and annotations,
    rendered as the store serves them (each family's header once, then the samples of every object)."""
    parts = []
    for resource in sorted(RESOURCES):
        renderer = ResourceRenderer(RESOURCES[resource], ALL_ON)
        chooser = RandomChooser(resource)
        objs = []
        for i, base in enumerate(seeds(resource) * 3):
            obj = copy.deepcopy(base)
            mutate(obj, chooser, 1 + i % 4)
            objs.append(obj)
        edge = copy.deepcopy(seeds(resource)[0])
        edge["metadata"]["labels"] = edge["metadata"]["annotations"] = _edge_map()
        objs.append(edge)
        rendered = [out for out in map(renderer.render, objs) if out is not None]
        for i, header in enumerate(renderer.headers):
            parts.append(header + b"".join(out[i] for out in rendered))
    return b"".join(parts).decode()


@pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool is installed by scripts/test.sh")
def test_promtool_accepts_hostile_output() -> None:
    text = hostile_batch()
    assert check_exposition(text, client_parser=False) > 1000
    p = subprocess.run(["promtool", "check", "metrics"], input=text.encode(), capture_output=True, timeout=120)
    # exit code 3 would be lint findings (names are upstream's, so none is expected either): print, then fail
    assert p.returncode == 0, (p.returncode, (p.stdout + p.stderr).decode(errors="replace")[:3000])
