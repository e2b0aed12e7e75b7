"""Value types of the command line's flags (and of the same keys in a --config options file): each parses one
string as upstream's flag would, or raises ``argparse.ArgumentTypeError`` with the reason."""

from __future__ import annotations

import argparse
import math
import re


def parse_bool(v: str) -> bool:
    s = v.strip().lower()
    if s in ("1", "t", "true", "yes"):
        return True
    if s in ("0", "f", "false", "no"):
        return False
    raise argparse.ArgumentTypeError(f"invalid boolean value {v!r}")


def parse_list(v: str) -> list[str]:
    return [x.strip() for x in v.split(",") if x.strip()]


_ALLOWLIST_ENTRY = re.compile(r"\s*([a-z0-9*][a-z0-9.*-]*)\s*=\s*\[([^\]]*)\]\s*(,|$)")


def parse_allowlist(v: str) -> dict[str, list[str]]:
    """``pods=[app,team],deployments=[*]`` -> {"pods": ["app", "team"], "deployments": ["*"]}."""
    out: dict[str, list[str]] = {}
    pos = 0
    v = v.strip()
    while pos < len(v):
        m = _ALLOWLIST_ENTRY.match(v, pos)
        if not m:
            raise argparse.ArgumentTypeError(f"malformed allowlist near {v[pos:]!r} (want resource=[key,...],...)")
        keys = [k.strip() for k in m.group(2).split(",") if k.strip()]
        for k in keys:
            if k.count("*") > 1:
                raise argparse.ArgumentTypeError(f"allowlist key {k!r} has more than one '*'")
        out.setdefault(m.group(1), []).extend(keys)
        pos = m.end()
    return out


def parse_regex_list(v: str) -> list[re.Pattern[str]]:
    """Comma-separated regular expressions, each checked when the flag is parsed."""
    return compile_regexes(parse_list(v))


def compile_regexes(exprs: list[str]) -> list[re.Pattern[str]]:
    out = []
    for expr in exprs:
        try:
            out.append(re.compile(expr))
        except re.error as e:
            raise argparse.ArgumentTypeError(f"invalid regular expression {expr!r}: {e}") from e
    return out


_DURATION_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)")
_DURATION_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def parse_duration(v: str) -> float:
    """A Go duration (``1m0s``, ``30s``, ``1h2m3.5s``, ``500ms``; ``0`` alone) in seconds."""
    s = v.strip()
    if s == "0":
        return 0.0
    total, pos = 0.0, 0
    while pos < len(s):
        m = _DURATION_PART.match(s, pos)
        if not m:
            raise argparse.ArgumentTypeError(f"invalid duration {v!r} (want e.g. 30s, 1m0s, 500ms)")
        total += float(m.group(1)) * _DURATION_UNITS[m.group(2)]
        pos = m.end()
    if not s:
        raise argparse.ArgumentTypeError("empty duration")
    return total


def non_negative(v: str) -> int:
    try:
        n = int(v)
    except ValueError as e:
        raise argparse.ArgumentTypeError(f"invalid integer {v!r}") from e
    if n < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, got {n}")
    return n


def positive(v: str) -> int:
    n = non_negative(v)
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {n}")
    return n


def port(v: str, lowest: int = 1) -> int:
    n = non_negative(v)
    if not lowest <= n <= 65535:
        raise argparse.ArgumentTypeError(f"port must be in {lowest}..65535, got {n}")
    return n


def port_or_zero(v: str) -> int:
    """A port, or 0 for "pick a free one" (the simulated apiserver)."""
    return port(v, lowest=0)


def non_negative_number(v: str) -> float:
    try:
        x = float(v)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid number {v!r}") from None
    if not math.isfinite(x):
        raise argparse.ArgumentTypeError(f"not a finite number: {v!r}")
    if x < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, got {v}")
    return x


def positive_number(v: str) -> float:
    x = non_negative_number(v)
    if x <= 0:
        raise argparse.ArgumentTypeError(f"must be greater than 0, got {v}")
    return x
