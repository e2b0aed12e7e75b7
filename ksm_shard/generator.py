"""Turns a resource's family table into a renderer: one decoded object -> its exposition bytes per family.

An object's lines are rendered once per change (on the watch event), never per scrape. The result is a tuple
with one ``bytes`` per enabled family (``b""`` when the family has no sample for that object), so the store can
emit each family's samples contiguously, as the text format requires.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from ksm_shard.render import escape_label_value, family_header, format_value
from ksm_shard.resources.base import LABELS, Family, FusedMember, ResourceDef, allowlist_gen

log = logging.getLogger(__name__)

EMPTY = b""
# How a family's own labels are formatted (see ResourceRenderer.render).
_IDENT_ONLY, _ONE_LABEL, _LABELS, _PAIRS = range(4)
# Values most samples carry; True/1 and False/0 share entries (1 == True), as do 1.0/1 and 0.0/0.
_FORMATTED: dict = {0: "0", 1: "1", -1: "-1"}


@dataclass(frozen=True)
class GenerationOptions:
    """What shapes the output of every resource: allowlists for labels/annotations and which families to keep."""

    labels_allowlist: Mapping[str, Sequence[str]] = field(default_factory=dict)
    annotations_allowlist: Mapping[str, Sequence[str]] = field(default_factory=dict)
    # family name, opt_in -> keep it; default keeps every family that is not opt-in
    family_filter: Callable[[str, bool], bool] = lambda name, opt_in: not opt_in

    def allowlist_for(self, which: str, resource: str) -> Sequence[str] | None:
        table = self.labels_allowlist if which == LABELS else self.annotations_allowlist
        if "*" in table:  # the wildcard resource overrides per-resource entries
            return table["*"]
        return table.get(resource)


def family_filter(
    allow: Sequence[re.Pattern[str]] = (), deny: Sequence[re.Pattern[str]] = (), opt_in: Sequence[re.Pattern[str]] = ()
) -> Callable[[str, bool], bool]:
    """Upstream's rule: opt-in families need a match in the opt-in list, and every family must pass allow/deny.

    Patterns match anywhere in the name (unanchored), as upstream's regexes do.
    """

    def keep(name: str, is_opt_in: bool) -> bool:
        if is_opt_in and not any(p.search(name) for p in opt_in):
            return False
        if allow:
            return any(p.search(name) for p in allow)
        return not any(p.search(name) for p in deny)

    return keep


def _label_value(x: object) -> str:
    if x.__class__ is str:
        return escape_label_value(x)  # type: ignore[arg-type]
    return "" if x is None else escape_label_value(str(x))


def _family_format(fam: Family) -> tuple:
    """How a family's samples become text: (shape, name + "{", text between the identity labels and the first own
    label value, %-template of the own labels, quotes in that template unescaped, the family)."""
    tmpl = "" if fam.pairs else ",".join(f'{label}="%s"' for label in fam.labels)
    if fam.pairs:
        shape, lead = _PAIRS, ""
    elif not fam.labels:
        shape, lead = _IDENT_ONLY, "} "
    elif len(fam.labels) == 1:
        shape, lead = _ONE_LABEL, f',{fam.labels[0]}="'
    else:
        shape, lead = _LABELS, ","
    return shape, fam.name + "{", lead, tmpl, 2 * len(fam.labels), fam


def _careful(fam: Family, tmpl: str, ident: str, samples: Sequence) -> str:
    """The careful path: every label value escaped, None as empty."""
    fmt = format_value
    cache = _FORMATTED
    name = fam.name
    lines = []
    if fam.pairs:
        for pairs, v in samples:
            extra = "".join(f',{k}="{_label_value(x)}"' for k, x in pairs)
            lines.append(f"{name}{{{ident}{extra}}} {cache.get(v) or fmt(v)}\n")
    elif tmpl:
        for values, v in samples:
            lines.append(f"{name}{{{ident},{tmpl % tuple(map(_label_value, values))}}} {cache.get(v) or fmt(v)}\n")
    else:
        for _, v in samples:
            lines.append(f"{name}{{{ident}}} {cache.get(v) or fmt(v)}\n")
    return "".join(lines)


class ResourceRenderer:
    """Renders objects of one resource kind with the families enabled by the options."""

    def __init__(self, resource: ResourceDef, options: GenerationOptions | None = None) -> None:
        options = options or GenerationOptions()
        self.resource = resource
        self.name = resource.name
        families: list[Family] = []
        plain = []  # (generator, output index, format) per family with a generator of its own
        fused: dict = {}  # Fused -> [(member index, output index, format)]: called once per object for all
        for fam in resource.families:
            if not options.family_filter(fam.name, fam.opt_in):
                continue
            gen = fam.gen
            if fam.allowlist is not None:
                prefix = "label_" if fam.allowlist == LABELS else "annotation_"
                fieldname = "labels" if fam.allowlist == LABELS else "annotations"
                keys = options.allowlist_for(fam.allowlist, resource.name)
                gen = allowlist_gen(fieldname, prefix, keys, fam.never_export)
            if isinstance(gen, FusedMember):
                fused.setdefault(gen.fused, []).append((gen.index, len(families), _family_format(fam)))
            else:
                plain.append((gen, len(families), _family_format(fam)))
            families.append(fam)
        self.families: tuple[Family, ...] = tuple(families)
        self.headers: tuple[bytes, ...] = tuple(
            family_header(f.name, f.help, f.type, f.stability, f.deprecated_since) for f in families
        )
        self.openmetrics_headers: tuple[bytes, ...] = tuple(
            family_header(f.name, f.help, f.type, f.stability, f.deprecated_since, openmetrics=True) for f in families
        )
        self._plain = tuple(plain)
        self._fused = tuple((f.gen, tuple(members)) for f, members in fused.items())
        self._ident_tmpl = ",".join(f'{label}="%s"' for label in resource.identity_labels)
        self._identity = resource.identity
        self.errors = 0  # families skipped because an object's field had an unexpected shape

    def _failed(self, fam: Family, ident: str, e: Exception) -> None:
        self.errors += 1
        log.warning("skipping family %s for %s %s: %r", fam.name, self.name, ident, e)

    def render(self, obj: dict) -> tuple[bytes, ...] | None:
        """The object's lines per family, or None when the object cannot be identified (logged, skipped)."""
        try:
            ident = self._ident_tmpl % tuple(map(_label_value, self._identity(obj)))
        except Exception as e:  # noqa: BLE001 - odd objects are skipped, never fatal
            self.errors += 1
            log.warning("skipping %s object without usable identity: %r", self.name, e)
            return None
        out = [EMPTY] * len(self.families)
        # First every generator runs, collecting the families with samples; then those are formatted in one loop.
        todo = []
        add_todo = todo.append
        for fgen, members in self._fused:
            try:
                results = fgen(obj)
            except Exception as e:  # noqa: BLE001 - each member family is skipped, as if its own generator failed
                for _, _, f in members:
                    self._failed(f[-1], ident, e)
                continue
            for mi, i, f in members:
                samples = results[mi]
                if samples:
                    add_todo((i, f, samples))
        for gen, i, f in self._plain:
            try:
                samples = gen(obj)
            except Exception as e:  # noqa: BLE001
                self._failed(f[-1], ident, e)
                continue
            if samples:
                add_todo((i, f, samples))
        fmt = format_value
        cache = _FORMATTED
        # A family's lines all start with the same head (name, identity labels, the text up to the first own label
        # value): each sample formats only what follows, and the lines are head + head.join(rest). One sample (the
        # common case) is one f-string.
        for i, (shape, name, lead, tmpl, quotes, fam), samples in todo:
            try:
                if shape == _ONE_LABEL:
                    if len(samples) == 1:
                        ((values, v),) = samples
                        x = values[0]
                        if x.__class__ is not str or '"' in x or "\\" in x or "\n" in x:  # rare: escape; None as ""
                            x = _label_value(x)
                        out[i] = f'{name}{ident}{lead}{x}"}} {cache.get(v) or fmt(v)}\n'.encode()
                        continue
                    rest = []
                    add = rest.append
                    for values, v in samples:
                        x = values[0]
                        if x.__class__ is not str or '"' in x or "\\" in x or "\n" in x:
                            x = _label_value(x)
                        add(f'{x}"}} {cache.get(v) or fmt(v)}\n')
                elif shape == _IDENT_ONLY:  # identity labels only, already escaped
                    if len(samples) == 1:
                        v = samples[0][1]
                        out[i] = f"{name}{ident}}} {cache.get(v) or fmt(v)}\n".encode()
                        continue
                    rest = [f"{cache.get(v) or fmt(v)}\n" for _, v in samples]
                elif shape == _LABELS:
                    rest = []
                    add = rest.append
                    for values, v in samples:
                        if None in values:
                            values = tuple("" if x is None else x for x in values)
                        part = tmpl % values
                        # Escaping is rare: check the formatted own labels once instead of every value.
                        if part.count('"') != quotes or "\\" in part or "\n" in part:
                            part = tmpl % tuple(map(_label_value, values))
                        add(f"{part}}} {cache.get(v) or fmt(v)}\n")
                else:
                    out[i] = _careful(fam, tmpl, ident, samples).encode()
                    continue
                head = f"{name}{ident}{lead}"
                out[i] = (head + head.join(rest)).encode()
            except Exception as e:  # noqa: BLE001
                self._failed(fam, ident, e)
        return tuple(out)
