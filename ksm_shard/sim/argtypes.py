"""argparse types for the ``demo`` and ``sim`` command lines: a bad number is a usage error, not a traceback."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable


def _checked(kind: type[int] | type[float], ok: Callable[[float], bool], rule: str) -> Callable[[str], int | float]:
    """A parser of ``kind`` numbers that rejects, with ``rule`` in the message, values ``ok`` refuses."""

    def parse(text: str) -> int | float:
        try:
            value = kind(text)
        except ValueError:
            what = "an integer" if kind is int else "a number"
            raise argparse.ArgumentTypeError(f"not {what}: {text!r}") from None
        if kind is float and not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"not a finite number: {text!r}")
        if not ok(value):
            raise argparse.ArgumentTypeError(f"{rule}: {text}")
        return value

    return parse


non_negative_int = _checked(int, lambda v: v >= 0, "must be >= 0")
positive_int = _checked(int, lambda v: v >= 1, "must be >= 1")
non_negative_float = _checked(float, lambda v: v >= 0, "must be >= 0")
positive_float = _checked(float, lambda v: v > 0, "must be > 0")
port = _checked(int, lambda v: 0 <= v <= 65535, "not a port (0-65535)")
