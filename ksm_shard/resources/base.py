"""The vocabulary resource modules use to declare their metric families, and shared field helpers.

A resource module is a declarative table: a ``ResourceDef`` naming the kind, its identity labels and its
``Family`` rows. Each family's ``gen`` maps one decoded object (a plain dict, as the apiserver sent it) to its
samples: a list of ``(label_values, value)`` where ``label_values`` follows ``Family.labels``. Families whose
label names differ per sample set ``pairs=True`` and yield ``((("name", "value"), ...), value)`` instead.
Generators must tolerate absent fields (real objects omit empty ones) and return ``()`` for "no sample".
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_CEILING, Decimal
from functools import lru_cache
from typing import Any

from ksm_shard.kube.kinds import Kind
from ksm_shard.render import ALPHA, STABLE

__all__ = ["ALPHA", "STABLE", "Family", "Fused", "ResourceDef", "Sample"]

Sample = tuple[tuple, float | int | bool]
Generator = Callable[[dict], Sequence[Sample]]

NONE: tuple = ()  # "no sample"
ONE: tuple = (((), 1),)  # one sample with only the identity labels, value 1

# Families fed from Kubernetes labels/annotations through the --metric-*-allowlist flags.
LABELS = "labels"
ANNOTATIONS = "annotations"


@dataclass(frozen=True, slots=True)
class Family:
    name: str
    help: str
    gen: Generator | None
    labels: tuple[str, ...] = ()  # own labels, after the resource's identity labels, in emission order
    type: str = "gauge"
    stability: str = ALPHA
    deprecated_since: str | None = None
    opt_in: bool = False
    pairs: bool = False  # samples carry their own (name, value) label pairs
    allowlist: str | None = None  # LABELS / ANNOTATIONS: gen is built from the allowlist flags
    never_export: frozenset[str] = frozenset()  # keys an allowlist can never select (they would leak data)


@dataclass(frozen=True, slots=True)
class ResourceDef:
    kind: Kind
    identity_labels: tuple[str, ...]
    identity: Callable[[dict], tuple[str, ...]]
    families: tuple[Family, ...]
    # Top-level fields the families read; when set, the others are never decoded (Secret data stays bytes).
    decode_fields: tuple[str, ...] | None = None

    @property
    def name(self) -> str:
        return self.kind.resource


class Fused:
    """Several families' samples computed in one pass over an object.

    Many families read the same list (every per-container family walks ``status.containerStatuses``); calling
    one generator per family walks it once per family. A ``Fused`` generator returns the samples of all its
    members at once, a tuple in the order of ``members``. ``fused["name"]`` is the member's own ``Generator``,
    usable in a family table like any other; the renderer recognizes members and calls ``gen`` once per object
    for all of them.
    """

    __slots__ = ("gen", "members")

    def __init__(self, gen: Callable[[dict], Sequence[Sequence[Sample]]], members: tuple[str, ...]) -> None:
        self.gen = gen
        self.members = members

    def __getitem__(self, member: str) -> FusedMember:
        return FusedMember(self, self.members.index(member))

    def __repr__(self) -> str:
        return f"Fused({getattr(self.gen, '__name__', self.gen)!r}, {self.members!r})"


class FusedMember:
    """One member of a ``Fused`` generator, callable on its own (it then computes all members, keeps its own)."""

    __slots__ = ("fused", "index")

    def __init__(self, fused: Fused, index: int) -> None:
        self.fused = fused
        self.index = index

    def __call__(self, obj: dict) -> Sequence[Sample]:
        return self.fused.gen(obj)[self.index]

    def __repr__(self) -> str:
        return f"{self.fused!r}[{self.fused.members[self.index]!r}]"


# --- common identity functions -------------------------------------------------------------------------------


def namespace_name(obj: dict) -> tuple[str, str]:
    md = obj["metadata"]
    return md.get("namespace", ""), md["name"]


def name_only(obj: dict) -> tuple[str]:
    return (obj["metadata"]["name"],)


# --- field helpers -------------------------------------------------------------------------------------------


def bool_label(v: Any) -> str:
    return "true" if v else "false"


@lru_cache(maxsize=8192)
def timestamp(s: str | None) -> int | None:
    """RFC 3339 time -> whole Unix seconds (rounded down like Go's Time.Unix, also before 1970).

    None when it does not parse or has no offset (a naive time would depend on this host's time zone).
    """
    if not s:
        return None
    try:
        dt = datetime.fromisoformat(s)
    except (TypeError, ValueError):
        return None
    return math.floor(dt.timestamp()) if dt.tzinfo is not None else None


def ts_sample(s: str | None) -> tuple:
    t = timestamp(s) if s.__class__ is str else None
    return (((), t),) if t is not None else NONE


_BINARY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
_DECIMAL = {"n": Decimal("1e-9"), "u": Decimal("1e-6"), "m": Decimal("1e-3"), "": Decimal(1), "k": Decimal(10**3),
            "M": Decimal(10**6), "G": Decimal(10**9), "T": Decimal(10**12), "P": Decimal(10**15),
            "E": Decimal(10**18)}  # fmt: skip
# Unambiguous (``\d+(?:\.\d*)?``, not ``\d+\.?\d*``): a long run of digits must not backtrack quadratically.
_QUANTITY = re.compile(r"^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])|[eE]([+-]?\d+))?$", re.ASCII)
# Beyond this magnitude upstream's int64 Value()/MilliValue() overflowed long ago: no sample rather than a float
# overflow (or a million-digit integer) on our side.
_QUANTITY_MAX_EXP = 300
_NANO = Decimal("1e-9")


def parse_quantity(s: Any) -> Decimal | None:
    """A Kubernetes resource.Quantity (``"250m"``, ``"1Gi"``, ``"1.5k"``, ``"1e3"``) as an exact Decimal.

    None for anything else (wrong type, bad syntax, NaN/infinite, magnitude beyond 1e300); never raises.
    """
    if s.__class__ is str:
        return _parse_quantity_str(s)
    if s.__class__ is int:
        q = Decimal(s)
    elif s.__class__ is float:
        q = Decimal(str(s))
    else:  # bool, None, containers, ...
        return None
    return q if q.is_finite() and q.adjusted() <= _QUANTITY_MAX_EXP else None


@lru_cache(maxsize=4096)
def _parse_quantity_str(s: str) -> Decimal | None:
    m = _QUANTITY.match(s.strip())
    if not m:
        return None
    num = Decimal(m.group(1))  # the regex admits only ASCII decimal syntax
    suffix, exp = m.group(2), m.group(3)
    if exp is not None:
        digits = exp.lstrip("+-").lstrip("0")
        scale = int(exp) if len(digits) < 10 else (-1 if exp[0] == "-" else 1) * 10**10
        if num and num.adjusted() + scale < -_QUANTITY_MAX_EXP:  # upstream rounds non-zero values up to 1n
            return _NANO.copy_sign(num)
        if num and num.adjusted() + scale > _QUANTITY_MAX_EXP:
            return None
        return num.scaleb(scale) if num else num
    q = num * (_BINARY[suffix] if suffix in _BINARY else _DECIMAL[suffix or ""])
    return q if not q or q.adjusted() <= _QUANTITY_MAX_EXP else None


def quantity_milli(s: Any) -> float | None:
    """Quantity at milli precision (rounded up like Quantity.MilliValue), as a float: ``"250m"`` -> 0.25."""
    q = parse_quantity(s)
    if q is None:
        return None
    return int((q * 1000).to_integral_value(ROUND_CEILING)) / 1000


def quantity_int(s: Any) -> int | None:
    """Quantity as an integer, rounded up like Quantity.Value: ``"1Gi"`` -> 1073741824."""
    q = parse_quantity(s)
    if q is None:
        return None
    return int(q.to_integral_value(ROUND_CEILING))


def condition_samples(status: Any) -> tuple:
    """Three samples ``true``/``false``/``unknown`` with 1 on the condition's status."""
    # Case-sensitive, as upstream compares against v1.ConditionTrue/False/Unknown.
    return ((("true",), 1 if status == "True" else 0), (("false",), 1 if status == "False" else 0),
            (("unknown",), 1 if status == "Unknown" else 0))  # fmt: skip


def conditions_by_type(conditions: Any, type_label_first: bool = True) -> list[Sample]:
    """For each condition: three samples (condition type, status) with 1 on its status."""
    out: list[Sample] = []
    if not isinstance(conditions, list):
        return out
    for c in conditions:
        if not isinstance(c, dict):
            continue
        ctype = str(c.get("type", ""))
        s = c.get("status")
        for st, api in (("true", "True"), ("false", "False"), ("unknown", "Unknown")):
            out.append(((ctype, st) if type_label_first else (st, ctype), 1 if s == api else 0))
    return out


# --- common families -----------------------------------------------------------------------------------------


def created(obj: dict) -> tuple:
    return ts_sample(obj["metadata"].get("creationTimestamp"))


def deletion_timestamp(obj: dict) -> tuple:
    return ts_sample(obj["metadata"].get("deletionTimestamp"))


def resource_version(obj: dict) -> tuple:
    rv = obj["metadata"].get("resourceVersion")
    if isinstance(rv, str) and rv.isdigit():
        return (((), float(rv)),)
    return NONE


def metadata_generation(obj: dict) -> tuple:
    g = obj["metadata"].get("generation")
    return (((), g),) if isinstance(g, int) else (((), 0),)


def owner_samples(obj: dict) -> list[Sample] | tuple:
    """``owner_kind, owner_name, owner_is_controller``; one empty sample when there are no owners."""
    refs = obj["metadata"].get("ownerReferences")
    if not refs:
        return ((("", "", ""), 1),)
    # owner_is_controller is "true" only for a real boolean true (upstream reads a *bool).
    out = [((ref.get("kind", ""), ref.get("name", ""), "true" if ref.get("controller") is True else "false"), 1)
           for ref in iter_dicts(refs)]  # fmt: skip
    return out or ((("", "", ""), 1),)


def status_count(key: str) -> Generator:
    """A non-pointer integer of ``status``: always one sample, 0 when unset (or oddly typed)."""

    def gen(obj: dict) -> tuple:
        status = obj.get("status")
        v = status.get(key) if status.__class__ is dict else None
        return (((), v if v.__class__ is int else 0),)

    gen.__name__ = f"status_{key}"
    return gen


def spec_replicas(obj: dict) -> tuple:
    """``spec.replicas`` (a pointer): one sample when set."""
    spec = obj.get("spec")
    v = spec.get("replicas") if spec.__class__ is dict else None
    return (((), v),) if v.__class__ is int else NONE


def info(obj: dict) -> tuple:
    return ONE


# --- dynamic label names (label_*, annotation_*) -------------------------------------------------------------

_INVALID = re.compile(r"[^a-zA-Z0-9_]")
_CAMEL = re.compile(r"([a-z0-9])([A-Z])")


@lru_cache(maxsize=16384)
def sanitize_label_name(key: str) -> str:
    """Kubernetes key -> Prometheus label name body: invalid chars to ``_``, camelCase to snake_case, lower."""
    return _CAMEL.sub(r"\1_\2", _INVALID.sub("_", key)).lower()


def kube_labels_to_pairs(prefix: str, kv: dict, allowed: Callable[[str], bool] | None = None) -> tuple:
    """Sorted keys -> ``(prefix+name, value)`` pairs, renaming collisions to ``_conflictN`` as upstream.

    Unlike upstream, the names are always unique: a conflict name already taken is skipped, and a key that
    sanitizes to a conflict name generated for earlier keys is numbered as a conflict of its own.
    """
    keys = sorted(k for k in kv if allowed is None or allowed(k))
    names: list[str] = []
    values: list[str] = []
    first: dict[str, int] = {}  # name -> index in names, while only one key has it
    counters: dict[str, int] = {}  # name -> next conflict number, once conflicted
    taken: set[str] = set()  # every name in names
    for k in keys:
        name = prefix + sanitize_label_name(k)
        v = kv[k]
        v = v if isinstance(v, str) else ("" if v is None else str(v))
        if name in first or name in counters:
            if name not in counters:  # the first conflict: go back and rename the key that had the name
                counters[name] = 1
                taken.discard(name)
                names[first.pop(name)] = _next_conflict(name, counters, taken)
            names.append(_next_conflict(name, counters, taken))
        elif name in taken:  # equals a conflict name generated for earlier keys
            counters[name] = 1
            names.append(_next_conflict(name, counters, taken))
        else:
            first[name] = len(names)
            taken.add(name)
            names.append(name)
        values.append(v)
    return tuple(zip(names, values, strict=True))


def _next_conflict(name: str, counters: dict[str, int], taken: set[str]) -> str:
    while True:
        n = counters[name]
        counters[name] = n + 1
        candidate = f"{name}_conflict{n}"
        if candidate not in taken:
            taken.add(candidate)
            return candidate


def allowlist_gen(
    field: str, prefix: str, keys: Sequence[str] | None, never: frozenset[str] = frozenset()
) -> Generator:
    """The generator of a ``kube_*_labels`` / ``kube_*_annotations`` family for one allowlist entry."""
    if not keys:
        return lambda obj: NONE
    if keys[0] == "*":
        allowed = (lambda k: k not in never) if never else None
    else:
        exact = {k for k in keys if "*" not in k} - never
        globs = [re.compile("^" + re.escape(k).replace(r"\*", ".*") + "$") for k in keys if "*" in k]

        def allowed(k: str) -> bool:
            return k in exact or (k not in never and any(g.match(k) for g in globs))

    def gen(obj: dict) -> tuple:
        kv = obj["metadata"].get(field)
        pairs = kube_labels_to_pairs(prefix, kv, allowed) if isinstance(kv, dict) and kv else ()
        return ((pairs, 1),)

    return gen


def labels_family(kind_singular: str, help_text: str, stability: str = STABLE) -> Family:
    return Family(f"kube_{kind_singular}_labels", help_text, None, stability=stability, pairs=True, allowlist=LABELS)


def annotations_family(
    kind_singular: str, help_text: str, stability: str = ALPHA, never_export: frozenset[str] = frozenset()
) -> Family:
    return Family(f"kube_{kind_singular}_annotations", help_text, None, stability=stability, pairs=True,
                  allowlist=ANNOTATIONS, never_export=never_export)  # fmt: skip


def as_list(v: Any) -> list:
    return v if isinstance(v, list) else []


def as_dict(v: Any) -> dict:
    return v if isinstance(v, dict) else {}


def iter_dicts(v: Any) -> Iterable[dict]:
    if isinstance(v, list):
        for x in v:
            if isinstance(x, dict):
                yield x
