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
from functools import lru_cache

from ksm_shard.render import escape_label_value, family_header, format_value
from ksm_shard.resources.base import LABELS, Family, FusedMember, ResourceDef, allowlist_gen

log = logging.getLogger(__name__)

EMPTY = b""
# How a family's own labels are formatted (see ResourceRenderer.render).
_IDENT_ONLY, _ONE_LABEL, _LABELS, _PAIRS = range(4)
# Values most samples carry; True/1 and False/0 share entries (1 == True), as do 1.0/1 and 0.0/0.
_FORMATTED: dict = {0: "0", 1: "1", -1: "-1"}
# Other values recur too (timestamps, quantities, counts: each object is rendered again at every change), and
# Go-style formatting of a large number costs ~10x a lookup. typed: 2 and 2.0 get entries of their own. Zeros
# never get here (_FORMATTED has them), so -0.0 and 0.0 sharing an entry does not matter.
_format_value = lru_cache(maxsize=16384, typed=True)(format_value)


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


class ResourceRenderer:
    """Renders objects of one resource kind with the families enabled by the options."""

    def __init__(self, resource: ResourceDef, options: GenerationOptions | None = None) -> None:
        options = options or GenerationOptions()
        self.resource = resource
        self.name = resource.name
        families: list[Family] = []
        gens = []
        fused: list = []  # the Fused generators of the enabled families, each called once per object
        for fam in resource.families:
            if not options.family_filter(fam.name, fam.opt_in):
                continue
            gen = fam.gen
            if fam.allowlist is not None:
                prefix = "label_" if fam.allowlist == LABELS else "annotation_"
                fieldname = "labels" if fam.allowlist == LABELS else "annotations"
                keys = options.allowlist_for(fam.allowlist, resource.name)
                gen = allowlist_gen(fieldname, prefix, keys, fam.never_export)
            families.append(fam)
            # A member of a Fused generator takes its samples from the fused result (index into ``fused``).
            member = -1, -1
            if isinstance(gen, FusedMember):
                if gen.fused not in fused:
                    fused.append(gen.fused)
                member = fused.index(gen.fused), gen.index
            # Per family: how its own labels are written, the constant text before the first own label value
            # (after the identity labels), a %-template for the own label values and the number of quotes it has.
            tmpl = "" if fam.pairs else ",".join(f'{label}="%s"' for label in fam.labels)
            if fam.pairs:
                shape, lead = _PAIRS, ""
            elif not fam.labels:
                shape, lead = _IDENT_ONLY, ""
            elif len(fam.labels) == 1:
                shape, lead = _ONE_LABEL, f',{fam.labels[0]}="'
            else:
                shape, lead = _LABELS, ","
            gens.append((fam, gen, shape, fam.name + "{", lead, tmpl, 2 * len(fam.labels), *member))
        self.families: tuple[Family, ...] = tuple(families)
        self.headers: tuple[bytes, ...] = tuple(
            family_header(f.name, f.help, f.type, f.stability, f.deprecated_since) for f in families
        )
        self.openmetrics_headers: tuple[bytes, ...] = tuple(
            family_header(f.name, f.help, f.type, f.stability, f.deprecated_since, openmetrics=True) for f in families
        )
        self._gens = tuple(gens)
        self._fused = tuple(f.gen for f in fused)
        self._ident_tmpl = ",".join(f'{label}="%s"' for label in resource.identity_labels)
        self._identity = resource.identity
        self.errors = 0  # families skipped because an object's field had an unexpected shape

    @staticmethod
    def _render_family(fam: Family, tmpl: str, ident: str, samples) -> str:  # noqa: ANN001
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

    def render(self, obj: dict) -> tuple[bytes, ...] | None:
        """The object's lines per family, or None when the object cannot be identified (logged, skipped)."""
        try:
            ident = self._ident_tmpl % tuple(_label_value(v) for v in self._identity(obj))
        except Exception as e:  # noqa: BLE001 - odd objects are skipped, never fatal
            self.errors += 1
            log.warning("skipping %s object without usable identity: %r", self.name, e)
            return None
        fused = []  # per Fused generator: its members' samples, or the exception it raised (each member fails)
        for fgen in self._fused:
            try:
                fused.append(fgen(obj))
            except Exception as e:  # noqa: BLE001
                fused.append(e)
        out: list[bytes] = []
        append = out.append
        fmt = _format_value
        cache = _FORMATTED
        # A family's lines all start with the same head (name, identity labels, the text up to the first own label
        # value): each sample formats only what follows, and the lines are head + head.join(rest).
        for fam, gen, shape, name, lead, tmpl, quotes, fi, mi in self._gens:
            try:
                if fi < 0:
                    samples = gen(obj)
                else:
                    samples = fused[fi]
                    if isinstance(samples, Exception):
                        raise samples
                    samples = samples[mi]
                if not samples:
                    append(EMPTY)
                    continue
                if shape == _ONE_LABEL:
                    rest = []
                    add = rest.append
                    for values, v in samples:
                        x = values[0]
                        if x.__class__ is not str or '"' in x or "\\" in x or "\n" in x:  # rare: escape, None as ""
                            x = _label_value(x)
                        add(f'{x}"}} {cache.get(v) or fmt(v)}\n')
                elif shape == _IDENT_ONLY:  # identity labels only, already escaped
                    rest = [f"{cache.get(v) or fmt(v)}\n" for _, v in samples]
                    lead = "} "
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
                    append(self._render_family(fam, tmpl, ident, samples).encode())
                    continue
                head = f"{name}{ident}{lead}"
                append((head + head.join(rest)).encode())
            except Exception as e:  # noqa: BLE001
                self.errors += 1
                log.warning("skipping family %s for %s %s: %r", fam.name, self.name, ident, e)
                append(EMPTY)
        return tuple(out)
