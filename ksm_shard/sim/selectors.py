"""Label, field and shard selectors as the simulated apiserver understands them.

The grammars follow k8s.io/apimachinery (``labels.Parse``, ``fields.ParseSelector``) and KEP-5866
(``shardSelector=shardRange(object.metadata.uid,'0x..','0x..')``). Every parser raises ``ValueError``
with a human-readable message on bad input; the server turns that into a 400 BadRequest Status.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ksm_shard.sharding import HASH_SPACE, fnv1a64

__all__ = [
    "FieldSelector",
    "FieldSelectorUnsupported",
    "LabelSelector",
    "Requirement",
    "ShardSelector",
    "parse_field_selector",
    "parse_label_selector",
    "parse_shard_selector",
]

# ---------------------------------------------------------------------------------------------------------------------
# Label selectors
# ---------------------------------------------------------------------------------------------------------------------

_NAME_RE = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
_DNS1123_SUBDOMAIN_RE = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")

# Token kinds of the apimachinery label-selector lexer.
_IDENT, _EXISTS_NOT, _EQ, _DEQ, _NEQ, _IN, _NOTIN, _GT, _LT, _OPEN, _CLOSE, _COMMA, _END = range(13)
# Characters that end an identifier (apimachinery's isSpecialSymbol / isWhitespace).
_SPECIAL = set("!=<>(),") | set(" \t\r\n")


@dataclass(frozen=True, slots=True)
class Requirement:
    key: str
    operator: str  # "=", "!=", "in", "notin", "exists", "!", "gt", "lt"
    values: tuple[str, ...] = ()

    def matches(self, labels: dict[str, str]) -> bool:
        op = self.operator
        if op == "exists":
            return self.key in labels
        if op == "!":
            return self.key not in labels
        value = labels.get(self.key)
        if op in ("=", "in"):
            return value is not None and value in self.values
        if op in ("!=", "notin"):
            # Like apimachinery: a missing label satisfies a negative requirement.
            return value is None or value not in self.values
        if value is None:
            return False
        try:
            have = int(value)
        except ValueError:
            return False
        want = int(self.values[0])
        return have > want if op == "gt" else have < want


class LabelSelector:
    """A conjunction of requirements; the empty selector matches everything."""

    __slots__ = ("requirements",)

    def __init__(self, requirements: list[Requirement] | tuple[Requirement, ...] = ()) -> None:
        self.requirements = tuple(requirements)

    @property
    def empty(self) -> bool:
        return not self.requirements

    def matches(self, labels: dict[str, str] | None) -> bool:
        labels = labels or {}
        return all(r.matches(labels) for r in self.requirements)

    def matches_object(self, obj: dict) -> bool:
        return self.matches(obj.get("metadata", {}).get("labels"))

    def __repr__(self) -> str:
        return f"LabelSelector({list(self.requirements)!r})"


def _lex(selector: str) -> list[tuple[int, str]]:
    tokens: list[tuple[int, str]] = []
    i, n = 0, len(selector)
    while i < n:
        c = selector[i]
        if c in " \t\r\n":
            i += 1
        elif c == "!":
            if i + 1 < n and selector[i + 1] == "=":
                tokens.append((_NEQ, "!="))
                i += 2
            else:
                tokens.append((_EXISTS_NOT, "!"))
                i += 1
        elif c == "=":
            if i + 1 < n and selector[i + 1] == "=":
                tokens.append((_DEQ, "=="))
                i += 2
            else:
                tokens.append((_EQ, "="))
                i += 1
        elif c in "<>(),":
            tokens.append(({"<": _LT, ">": _GT, "(": _OPEN, ")": _CLOSE, ",": _COMMA}[c], c))
            i += 1
        else:
            j = i
            while j < n and selector[j] not in _SPECIAL:
                j += 1
            word = selector[i:j]
            kind = {"in": _IN, "notin": _NOTIN}.get(word, _IDENT)
            tokens.append((kind, word))
            i = j
    tokens.append((_END, ""))
    return tokens


def _validate_key(key: str) -> None:
    prefix, _, name = key.rpartition("/")
    if "/" in key and (not prefix or len(prefix) > 253 or not _DNS1123_SUBDOMAIN_RE.match(prefix)):
        raise ValueError(f"invalid label key {key!r}: prefix part must be a DNS-1123 subdomain")
    if not name or len(name) > 63 or not _NAME_RE.match(name):
        raise ValueError(
            f"invalid label key {key!r}: name part must consist of alphanumeric characters, '-', '_' or '.', "
            "and must start and end with an alphanumeric character (max 63 characters)"
        )


def _validate_value(value: str) -> None:
    if value and (len(value) > 63 or not _NAME_RE.match(value)):
        raise ValueError(
            f"invalid label value {value!r}: must be 63 characters or less and must be empty or begin and end "
            "with an alphanumeric character with dashes, underscores, dots, and alphanumerics between"
        )


def parse_label_selector(selector: str | None) -> LabelSelector:
    """Parse ``labelSelector`` (``a=b,c!=d,e in (x,y),!f,g``); raise ``ValueError`` when invalid."""
    if selector is None or not selector.strip():
        return LabelSelector()
    tokens = _lex(selector)
    pos = 0
    reqs: list[Requirement] = []

    def fail(msg: str) -> ValueError:
        return ValueError(f"unable to parse requirement: {msg} (selector {selector!r})")

    while True:
        kind, text = tokens[pos]
        if kind == _EXISTS_NOT:
            pos += 1
            kind, key = tokens[pos]
            if kind != _IDENT:
                raise fail(f"expected a label key after '!', found {key!r}")
            _validate_key(key)
            reqs.append(Requirement(key, "!"))
            pos += 1
        elif kind == _IDENT:
            key = text
            _validate_key(key)
            pos += 1
            kind, text = tokens[pos]
            if kind in (_COMMA, _END):
                reqs.append(Requirement(key, "exists"))
            elif kind in (_EQ, _DEQ, _NEQ):
                pos += 1
                vkind, value = tokens[pos]
                if vkind in (_COMMA, _END):
                    value = ""  # "a=" selects an empty value
                elif vkind in (_IDENT, _IN, _NOTIN):
                    pos += 1
                else:
                    raise fail(f"found {value!r}, expected an identifier")
                _validate_value(value)
                reqs.append(Requirement(key, "!=" if kind == _NEQ else "=", (value,)))
            elif kind in (_GT, _LT):
                pos += 1
                vkind, value = tokens[pos]
                if vkind != _IDENT or not re.fullmatch(r"-?[0-9]+", value):
                    raise fail(f"for 'Gt', 'Lt' operators, the value must be an integer, found {value!r}")
                pos += 1
                reqs.append(Requirement(key, "gt" if kind == _GT else "lt", (value,)))
            elif kind in (_IN, _NOTIN):
                pos += 1
                if tokens[pos][0] != _OPEN:
                    raise fail(f"found {tokens[pos][1]!r}, expected: '('")
                pos += 1
                values: list[str] = []
                while True:
                    vkind, value = tokens[pos]
                    if vkind == _CLOSE:
                        pos += 1
                        break
                    if vkind in (_IDENT, _IN, _NOTIN):
                        values.append(value)
                        pos += 1
                    elif vkind == _COMMA:
                        values.append("")  # "in (a,,b)" has an empty value, as in apimachinery
                    else:
                        raise fail(f"found {value!r}, expected: ',', ')' or identifier")
                    vkind, value = tokens[pos]
                    if vkind == _COMMA:
                        pos += 1
                    elif vkind != _CLOSE:
                        raise fail(f"found {value!r}, expected: ',' or ')'")
                if not values:
                    raise fail("for 'in', 'notin' operators, values set can't be empty")
                for v in values:
                    _validate_value(v)
                reqs.append(Requirement(key, "in" if kind == _IN else "notin", tuple(values)))
            else:
                raise fail(f"found {text!r}, expected: in, notin, =, ==, !=, gt, lt")
        else:
            raise fail(f"found {text!r}, expected: !, identifier, or 'end of string'")
        kind, text = tokens[pos]
        if kind == _END:
            break
        if kind != _COMMA:
            raise fail(f"found {text!r}, expected: ',' or 'end of string'")
        pos += 1
        if tokens[pos][0] == _END:
            raise fail("found 'end of string', expected: !, identifier")
    return LabelSelector(reqs)


# ---------------------------------------------------------------------------------------------------------------------
# Field selectors
# ---------------------------------------------------------------------------------------------------------------------


class FieldSelectorUnsupported(ValueError):
    """The selector names a field the resource does not index (real message: ``field label not supported``)."""


def _path(*keys: str) -> Callable[[dict], str]:
    def get(obj: dict) -> str:
        cur: object = obj
        for k in keys:
            if not isinstance(cur, dict):
                return ""
            cur = cur.get(k)
        if cur is None:
            return ""
        if isinstance(cur, bool):  # Go formats bools as "true"/"false"
            return "true" if cur else "false"
        return str(cur)

    return get


_COMMON_FIELDS: dict[str, Callable[[dict], str]] = {
    "metadata.name": _path("metadata", "name"),
    "metadata.namespace": _path("metadata", "namespace"),
}

# The extra selectable fields the real apiserver registers per resource (a subset: the ones worth simulating).
_RESOURCE_FIELDS: dict[str, dict[str, Callable[[dict], str]]] = {
    "pods": {
        "spec.nodeName": _path("spec", "nodeName"),
        "spec.restartPolicy": _path("spec", "restartPolicy"),
        "spec.schedulerName": _path("spec", "schedulerName"),
        "spec.serviceAccountName": _path("spec", "serviceAccountName"),
        "spec.hostNetwork": lambda o: "true" if (o.get("spec") or {}).get("hostNetwork") else "false",
        "status.phase": _path("status", "phase"),
        "status.podIP": _path("status", "podIP"),
        "status.nominatedNodeName": _path("status", "nominatedNodeName"),
    },
    "nodes": {"spec.unschedulable": lambda o: "true" if (o.get("spec") or {}).get("unschedulable") else "false"},
    "namespaces": {"status.phase": _path("status", "phase")},
    "secrets": {"type": _path("type")},
    "replicasets": {"status.replicas": lambda o: str((o.get("status") or {}).get("replicas") or 0)},
    "jobs": {"status.successful": lambda o: str((o.get("status") or {}).get("successful") or 0)},
    "certificatesigningrequests": {"spec.signerName": _path("spec", "signerName")},
}


@dataclass(frozen=True, slots=True)
class _FieldTerm:
    key: str
    negate: bool
    value: str
    get: Callable[[dict], str]


class FieldSelector:
    """A conjunction of ``field=value`` / ``field!=value`` terms; empty matches everything."""

    __slots__ = ("terms",)

    def __init__(self, terms: list[_FieldTerm] | tuple[_FieldTerm, ...] = ()) -> None:
        self.terms = tuple(terms)

    @property
    def empty(self) -> bool:
        return not self.terms

    def matches(self, obj: dict) -> bool:
        for t in self.terms:
            if (t.get(obj) == t.value) == t.negate:
                return False
        return True

    def __repr__(self) -> str:
        return f"FieldSelector({[(t.key, '!=' if t.negate else '=', t.value) for t in self.terms]!r})"


def _split_unescaped(s: str, sep: str) -> list[str]:
    """Split on ``sep`` not preceded by a backslash escape (fields.ParseSelector allows ``\\,``)."""
    parts: list[str] = []
    cur: list[str] = []
    i = 0
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            cur.append(s[i : i + 2])
            i += 2
            continue
        if c == sep:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(c)
        i += 1
    parts.append("".join(cur))
    return parts


def _unescape(value: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(value):
        c = value[i]
        if c == "\\":
            if i + 1 >= len(value) or value[i + 1] not in "\\,=!":
                raise ValueError(f"invalid field selector value {value!r}: unrecognized escape sequence")
            out.append(value[i + 1])
            i += 2
            continue
        if c in ",=":
            raise ValueError(f"invalid field selector value {value!r}: unescaped {c!r}")
        out.append(c)
        i += 1
    return "".join(out)


def parse_field_selector(selector: str | None, resource: str) -> FieldSelector:
    """Parse ``fieldSelector`` for ``resource`` (a plural name).

    Raises ``FieldSelectorUnsupported`` (a ``ValueError``) for a field the resource does not support and
    ``ValueError`` for a malformed selector.
    """
    if selector is None or not selector.strip():
        return FieldSelector()
    fields = {**_COMMON_FIELDS, **_RESOURCE_FIELDS.get(resource, {})}
    terms: list[_FieldTerm] = []
    for part in _split_unescaped(selector, ","):
        part = part.strip()
        if not part:
            continue
        # Same precedence as apimachinery: "!=" then "==" then "=".
        for op in ("!=", "==", "="):
            idx = part.find(op)
            if idx >= 0:
                key, value = part[:idx].strip(), _unescape(part[idx + len(op) :].strip())
                negate = op == "!="
                break
        else:
            raise ValueError(f"invalid selector: '{selector}'; can't understand '{part}'")
        if key not in fields:
            raise FieldSelectorUnsupported(f"field label not supported: {key}")
        terms.append(_FieldTerm(key, negate, value, fields[key]))
    return FieldSelector(terms)


# ---------------------------------------------------------------------------------------------------------------------
# Shard selectors (KEP-5866)
# ---------------------------------------------------------------------------------------------------------------------

_SHARD_FIELDS: dict[str, Callable[[dict], str]] = {
    "object.metadata.uid": _path("metadata", "uid"),
    "object.metadata.namespace": _path("metadata", "namespace"),
}
_SHARD_RANGE_RE = re.compile(
    r"^\s*shardRange\s*\(\s*([A-Za-z.]+)\s*,\s*'(0[xX][0-9a-fA-F]+)'\s*,\s*'(0[xX][0-9a-fA-F]+)'\s*\)\s*$"
)


# FNV-1a in pure Python costs a few microseconds per UID; LISTs of 150k pods re-hash the same UIDs, so memoize.
# Plain dict get/set are atomic under the GIL, so concurrent request threads may share it.
_HASH_CACHE: dict[str, int] = {}
_HASH_CACHE_MAX = 2_000_000


def _cached_hash(value: str) -> int:
    h = _HASH_CACHE.get(value)
    if h is None:
        if len(_HASH_CACHE) >= _HASH_CACHE_MAX:
            _HASH_CACHE.clear()
        h = _HASH_CACHE[value] = fnv1a64(value.encode())
    return h


@dataclass(frozen=True, slots=True)
class _ShardRange:
    field: str
    start: int  # inclusive
    end: int  # exclusive
    get: Callable[[dict], str]


class ShardSelector:
    """A union (``||``) of hash ranges: an object matches when FNV-1a-64 of its field lies in any range."""

    __slots__ = ("ranges", "text")

    def __init__(self, ranges: list[_ShardRange] | tuple[_ShardRange, ...], text: str = "") -> None:
        self.ranges = tuple(ranges)
        self.text = text

    @property
    def empty(self) -> bool:
        return not self.ranges

    def matches(self, obj: dict) -> bool:
        if not self.ranges:
            return True
        hashes: dict[str, int] = {}
        for r in self.ranges:
            h = hashes.get(r.field)
            if h is None:
                h = hashes[r.field] = _cached_hash(r.get(obj))
            if r.start <= h < r.end:
                return True
        return False

    def __repr__(self) -> str:
        return f"ShardSelector({self.text!r})"


def parse_shard_selector(selector: str | None) -> ShardSelector:
    """Parse ``shardSelector`` (``shardRange(object.metadata.uid,'0x..','0x..') || ...``); ``ValueError`` if bad."""
    if selector is None or not selector.strip():
        return ShardSelector((), selector or "")
    ranges: list[_ShardRange] = []
    for part in selector.split("||"):
        m = _SHARD_RANGE_RE.match(part)
        if not m:
            raise ValueError(
                f"invalid shard selector {selector!r}: expected shardRange(<field>,'0x<start>','0x<end>') "
                "terms joined by '||'"
            )
        field, start, end = m.group(1), int(m.group(2), 16), int(m.group(3), 16)
        if field not in _SHARD_FIELDS:
            raise ValueError(
                f"invalid shard selector {selector!r}: unsupported field {field!r}, "
                f"supported: {', '.join(sorted(_SHARD_FIELDS))}"
            )
        if end > HASH_SPACE:
            raise ValueError(f"invalid shard selector {selector!r}: end {m.group(3)} exceeds 0x10000000000000000")
        if start >= HASH_SPACE:
            raise ValueError(f"invalid shard selector {selector!r}: start {m.group(2)} exceeds 0xffffffffffffffff")
        if start > end:
            raise ValueError(f"invalid shard selector {selector!r}: start {m.group(2)} is after end {m.group(3)}")
        ranges.append(_ShardRange(field, start, end, _SHARD_FIELDS[field]))
    return ShardSelector(ranges, selector)
