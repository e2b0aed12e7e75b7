"""Prometheus text exposition primitives: number formatting, escaping, family headers.

Values are formatted like Go's ``strconv.FormatFloat(v, 'g', -1, 64)`` (what kube-state-metrics writes), so our
output is byte-identical to upstream's: shortest round-trip digits, exponent form below 1e-4 and from 1e+06 on.
"""

from __future__ import annotations

import math

STABLE = "STABLE"
ALPHA = "ALPHA"

# The exponent suffix of an integer with this many digits (7 to 15), as Go's %g writes it.
_EXPONENTS = {n: f"e+{n - 1:02d}" for n in range(7, 16)}


def format_value(v: float | int | bool) -> str:
    """Format a sample value as Go's ``%g`` with shortest precision (``1.5e+09``, ``+Inf``, ``0.25``)."""
    if v.__class__ is int:
        if -1000000 < v < 1000000:
            return str(v)
        if 1000000 <= v < 1000000000000000:  # Unix timestamps, byte counts: the common large values
            s = str(v)
            d = s.rstrip("0")
            return d[0] + "." + d[1:] + _EXPONENTS[len(s)] if len(d) > 1 else d + _EXPONENTS[len(s)]
        s = str(-v if v < 0 else v)
        if len(s) <= 15:  # exact as a float64 and its own shortest representation: skip the float path
            d = s.rstrip("0")
            mant = d[0] + ("." + d[1:] if len(d) > 1 else "")
            return f"{'-' if v < 0 else ''}{mant}e+{len(s) - 1:02d}"
    elif v.__class__ is bool:
        return "1" if v else "0"
    elif v.__class__ is float and (0.0001 <= v < 1000000.0 or -1000000.0 < v <= -0.0001):
        # In this range Go's shortest %g and Python's repr write the same digits, but for integral values
        # (Python "2.0", Go "2").
        return str(int(v)) if v.is_integer() else repr(v)
    try:
        f = float(v)
    except OverflowError:  # an integer beyond float64, as a hostile object may carry
        return "+Inf" if v > 0 else "-Inf"
    if f != f:
        return "NaN"
    if f == math.inf:
        return "+Inf"
    if f == -math.inf:
        return "-Inf"
    if f == 0:
        return "-0" if math.copysign(1.0, f) < 0 else "0"
    r = repr(f)  # shortest round-trip digits, in Python's own notation
    neg = r[0] == "-"
    if neg:
        r = r[1:]
    exp10 = 0
    if "e" in r:
        r, e = r.split("e")
        exp10 = int(e)
    if "." in r:
        ip, fp = r.split(".")
    else:
        ip, fp = r, ""
    digits = ip + fp
    point = len(ip) + exp10  # the decimal point sits after this many digits
    stripped = digits.lstrip("0")
    point -= len(digits) - len(stripped)
    digits = stripped.rstrip("0") or "0"
    exp = point - 1
    if exp < -4 or exp >= 6:
        mant = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        out = f"{mant}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    elif point <= 0:
        out = "0." + "0" * (-point) + digits
    elif point >= len(digits):
        out = digits + "0" * (point - len(digits))
    else:
        out = digits[:point] + "." + digits[point:]
    return "-" + out if neg else out


def escape_label_value(s: str) -> str:
    """Escape a label value for the text format: backslash, double quote and newline only."""
    if "\\" in s or '"' in s or "\n" in s:
        return s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return s


def escape_help(s: str) -> str:
    return s.replace("\\", "\\\\").replace("\n", "\\n")


def family_header(
    name: str, help_text: str, metric_type: str, stability: str, deprecated_since: str | None, openmetrics: bool = False
) -> bytes:
    """``# HELP`` and ``# TYPE`` lines as upstream writes them (``[STABLE]`` prefix, deprecation note).

    In OpenMetrics a counter family is named without its ``_total`` suffix (its samples keep it); upstream writes
    the suffixed name there too, which strict OpenMetrics parsers reject, so we follow the standard.
    """
    if openmetrics and metric_type == "counter" and name.endswith("_total"):
        name = name[: -len("_total")]
    text = escape_help(help_text)
    if deprecated_since:
        text = f"(Deprecated since {deprecated_since}) {text}"
    if stability == STABLE:
        text = f"[STABLE] {text}"
    return f"# HELP {name} {text}\n# TYPE {name} {metric_type}\n".encode()
