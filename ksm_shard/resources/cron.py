"""Cron schedules as upstream evaluates them for ``kube_cronjob_next_schedule_time``.

Upstream formats ``CRON_TZ=<spec.timeZone> <spec.schedule>`` (no prefix without a time zone), parses it with
``cron.ParseStandard`` and asks the schedule for ``Next(reference)``. Two dialects of that Go library are modelled:

* ``NETRESEARCH`` (default): ``github.com/netresearch/go-cron``, which upstream uses since kube-state-metrics
  v2.19.0 (the release that also introduced ``kube_cronjob_schedule_invalid``). Compared with robfig it rejects a
  step that is not smaller than its range (``*/60``), accepts wrap-around ranges (``22-2``, ``FRI-MON``) and ``7``
  for Sunday, matches day-of-month AND day-of-week when both are restricted, and on a DST spring-forward runs a job
  of the skipped hour right after the gap (ISC cron) instead of skipping it for the day.
* ``ROBFIG``: ``github.com/robfig/cron/v3`` v3.0.1 (upstream up to v2.18, and what the Kubernetes API server and
  CronJob controller use): day-of-month OR day-of-week when both are restricted, no step/range-size check.

Times are whole Unix seconds. Wall-clock arithmetic reproduces Go's ``time`` package, including how ``time.Date``
resolves wall times that do not exist or exist twice around DST transitions, because ``Next`` walks the calendar
with ``time.Date``/``AddDate``/``Add``. A schedule without a time zone runs in the zone of the reference time, which
upstream decodes in the process's local zone (Go's ``time.Local``: ``$TZ``, else ``/etc/localtime``, else UTC);
``LOCAL`` holds that zone, resolved the same way at import.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo

__all__ = [
    "DEFAULT_DIALECT",
    "LOCAL",
    "NETRESEARCH",
    "ROBFIG",
    "ZERO_TIME",
    "CronError",
    "ConstantDelaySchedule",
    "NeverSchedule",
    "SpecSchedule",
    "go_local_zone",
    "kube_spec",
    "load_location",
    "next_activation",
    "parse_go_duration",
    "parse_standard",
]

NETRESEARCH = "netresearch"
ROBFIG = "robfig"
DEFAULT_DIALECT = NETRESEARCH

ZERO_TIME = -62135596800  # Go's zero time.Time{} (0001-01-01T00:00:00Z) as Unix seconds: "no activation found"

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_ORDINAL = 719163  # date(1970, 1, 1).toordinal()
_STAR = 1 << 63  # the field was written as * or ?
_MAX_SPEC_LENGTH = 1024  # netresearch: longer specs are rejected
_INT64_MAX = (1 << 63) - 1


class CronError(ValueError):
    """The schedule does not parse (upstream: ``ParseStandard`` returns an error)."""


# --- time zones ----------------------------------------------------------------------------------------------


def load_location(name: str, local: tzinfo | None = None) -> tzinfo | None:
    """Go's ``time.LoadLocation``: ``""``/``UTC`` -> UTC, ``Local`` -> None (the local zone), else the IANA zone."""
    if name in ("", "UTC"):
        return UTC
    if name == "Local":
        return None
    if ".." in name or name[0] in "/\\":
        raise CronError(f"invalid location name {name!r}")
    try:
        return ZoneInfo(name)
    except Exception as e:  # noqa: BLE001 - ZoneInfoNotFoundError, ValueError, IsADirectoryError, ...
        raise CronError(f"unknown time zone {name!r}") from e


def go_local_zone() -> tzinfo:
    """Go's ``time.Local`` on Unix: ``$TZ`` (``:`` prefix allowed, ``""``/``UTC`` mean UTC), else /etc/localtime."""
    tz = os.environ.get("TZ")
    try:
        if tz is None:
            with open("/etc/localtime", "rb") as f:
                return ZoneInfo.from_file(f, key="Local")
        if tz[:1] == ":":
            tz = tz[1:]
        if tz[:1] == "/":
            with open(tz, "rb") as f:
                return ZoneInfo.from_file(f, key=tz)
        if tz and tz != "UTC":
            return ZoneInfo(tz)
    except Exception:  # noqa: BLE001 - Go falls back to UTC on any load failure
        pass
    return UTC


LOCAL: tzinfo = go_local_zone()


# --- Go-compatible scalar parsing ----------------------------------------------------------------------------

# unicode.IsSpace: what strings.Fields / strings.TrimSpace split on (Python's str.split also splits on \x1c-\x1f).
_GO_SPACE = frozenset(
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)


def _go_fields(s: str) -> list[str]:
    out: list[str] = []
    start = -1
    for i, c in enumerate(s):
        if c in _GO_SPACE:
            if start >= 0:
                out.append(s[start:i])
                start = -1
        elif start < 0:
            start = i
    if start >= 0:
        out.append(s[start:])
    return out


def _go_trim_space(s: str) -> str:
    i, j = 0, len(s)
    while i < j and s[i] in _GO_SPACE:
        i += 1
    while j > i and s[j - 1] in _GO_SPACE:
        j -= 1
    return s[i:j]


def _atoi_uint(expr: str) -> int:
    """robfig's mustParseInt: strconv.Atoi (optional sign, ASCII digits, int64 range), then no negatives."""
    digits = expr[1:] if expr[:1] in ("+", "-") else expr
    if not digits or not digits.isascii() or not digits.isdigit():
        raise CronError(f"failed to parse int from {expr!r}")
    n = int(digits)
    if expr[:1] == "-":
        n = -n
    if not -_INT64_MAX - 1 <= n <= _INT64_MAX:
        raise CronError(f"failed to parse int from {expr!r}: value out of range")
    if n < 0:
        raise CronError(f"negative number ({n}) not allowed: {expr!r}")
    return n


_UNITS = {"ns": 1, "us": 1_000, "\u00b5s": 1_000, "\u03bcs": 1_000, "ms": 1_000_000, "s": 1_000_000_000,
          "m": 60_000_000_000, "h": 3_600_000_000_000}  # fmt: skip


def parse_go_duration(s: str) -> int:
    """Go's ``time.ParseDuration`` (``1h30m``, ``1.5s``, ``-2m``, ``0``) in nanoseconds; CronError if invalid."""
    orig = s
    neg = False
    if s[:1] in ("+", "-"):
        neg = s[0] == "-"
        s = s[1:]
    if s == "0":
        return 0
    if not s:
        raise CronError(f"time: invalid duration {orig!r}")
    total = 0
    while s:
        if not (s[0] == "." or "0" <= s[0] <= "9"):
            raise CronError(f"time: invalid duration {orig!r}")
        i = 0
        while i < len(s) and "0" <= s[i] <= "9":
            i += 1
        pre = i > 0
        v = int(s[:i]) if pre else 0
        if v > 1 << 63:
            raise CronError(f"time: invalid duration {orig!r}")
        s = s[i:]
        f, scale, post = 0, 1.0, False
        if s[:1] == ".":
            s = s[1:]
            i = 0
            overflow = False
            while i < len(s) and "0" <= s[i] <= "9":
                if not overflow:
                    if f > _INT64_MAX // 10:
                        overflow = True
                    else:
                        y = f * 10 + ord(s[i]) - 48
                        if y > 1 << 63:
                            overflow = True
                        else:
                            f = y
                            scale *= 10
                i += 1
            post = i > 0
            s = s[i:]
        if not pre and not post:
            raise CronError(f"time: invalid duration {orig!r}")
        i = 0
        while i < len(s) and not (s[i] == "." or "0" <= s[i] <= "9"):
            i += 1
        if i == 0:
            raise CronError(f"time: missing unit in duration {orig!r}")
        unit = _UNITS.get(s[:i])
        if unit is None:
            raise CronError(f"time: unknown unit {s[:i]!r} in duration {orig!r}")
        s = s[i:]
        if v > (1 << 63) // unit:
            raise CronError(f"time: invalid duration {orig!r}")
        v *= unit
        if f > 0:
            v += int(float(f) * (float(unit) / scale))
            if v > 1 << 63:
                raise CronError(f"time: invalid duration {orig!r}")
        total += v
        if total > 1 << 63:
            raise CronError(f"time: invalid duration {orig!r}")
    if neg:
        return -total
    if total > _INT64_MAX:
        raise CronError(f"time: invalid duration {orig!r}")
    return total


# --- parsing -------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Bounds:
    low: int
    high: int
    names: dict[str, int] | None
    wraparound: bool


_MONTH_NAMES = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10,
                "nov": 11, "dec": 12}  # fmt: skip
_DOW_NAMES = {"sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6}

# second, minute, hour, day of month, month, day of week
_ROBFIG_BOUNDS = (
    _Bounds(0, 59, None, False),
    _Bounds(0, 59, None, False),
    _Bounds(0, 23, None, False),
    _Bounds(1, 31, None, False),
    _Bounds(1, 12, _MONTH_NAMES, False),
    _Bounds(0, 6, _DOW_NAMES, False),
)
# netresearch: every field is cyclic (wrap-around ranges) and day of week accepts 7 for Sunday.
_NETRESEARCH_BOUNDS = (
    _Bounds(0, 59, None, True),
    _Bounds(0, 59, None, True),
    _Bounds(0, 23, None, True),
    _Bounds(1, 31, None, True),
    _Bounds(1, 12, _MONTH_NAMES, True),
    _Bounds(0, 7, _DOW_NAMES, True),
)


def _bits(low: int, high: int, step: int) -> int:
    if step == 1:
        return ((1 << (high + 1)) - 1) & ~((1 << low) - 1)
    out = 0
    for i in range(low, high + 1, step):
        out |= 1 << i
    return out


def _int_or_name(expr: str, names: dict[str, int] | None) -> int:
    if names is not None:
        # strings.ToLower maps rune by rune (U+0130 becomes a plain "i", where Python would add a combining dot).
        n = names.get(expr.replace("\u0130", "i").lower())
        if n is not None:
            return n
    return _atoi_uint(expr)


def _range_bits(expr: str, r: _Bounds, strict: bool) -> int:
    """One ``number | number-number | * | ?`` with an optional ``/step`` -> bits (plus the star bit for ``*``)."""
    range_and_step = expr.split("/")
    low_and_high = range_and_step[0].split("-")
    single = len(low_and_high) == 1
    extra = 0
    if low_and_high[0] in ("*", "?"):
        start, end, extra = r.low, r.high, _STAR
    else:
        start = _int_or_name(low_and_high[0], r.names)
        if len(low_and_high) == 1:
            end = start
        elif len(low_and_high) == 2:
            end = _int_or_name(low_and_high[1], r.names)
        else:
            raise CronError(f"too many hyphens: {expr!r}")
    if len(range_and_step) == 1:
        step = 1
    elif len(range_and_step) == 2:
        step = _atoi_uint(range_and_step[1])
        if single:  # "N/step" means "N-max/step"
            end = r.high
        if step > 1:
            extra = 0
    else:
        raise CronError(f"too many slashes: {expr!r}")
    if start < r.low:
        raise CronError(f"beginning of range ({start}) below minimum ({r.low}): {expr!r}")
    if end > r.high:
        raise CronError(f"end of range ({end}) above maximum ({r.high}): {expr!r}")
    if start > end and not r.wraparound:
        raise CronError(f"beginning of range ({start}) beyond end of range ({end}): {expr!r}")
    if step == 0:
        raise CronError(f"step of range should be a positive number: {expr!r}")
    if strict:
        size = (r.high - start + 1) + (end - r.low + 1) if start > end else end - start + 1
        if step > 1 and step >= size:
            raise CronError(f"step ({step}) must be less than range size ({size}): {expr!r}")
    if start > end:  # wrap-around: walk start..end+fieldsize and fold back into the field
        width = r.high - r.low + 1
        out = 0
        for i in range(start, end + width + 1, step):
            out |= 1 << (i if i <= r.high else (i - r.low) % width + r.low)
        return out | extra
    return _bits(start, end, step) | extra


def _field_bits(field: str, r: _Bounds, strict: bool) -> int:
    """A comma-separated list of ranges (empty items are skipped, as strings.FieldsFunc does)."""
    out = 0
    for expr in field.split(","):
        if expr:
            out |= _range_bits(expr, r, strict)
    return out


def _normalize_dow(bits: int) -> int:
    return (bits | 1) & ~(1 << 7) if bits & (1 << 7) else bits


@dataclass(frozen=True, slots=True)
class SpecSchedule:
    """A crontab schedule as bit sets per field (bit 63 marks a field written as ``*``/``?``)."""

    second: int
    minute: int
    hour: int
    dom: int
    month: int
    dow: int
    location: tzinfo | None  # None: the zone of the reference time (Go's time.Local)
    dom_and_dow: bool  # netresearch: both day fields must match; robfig: OR when both are restricted
    dst_skip_runs: bool  # netresearch: a job of the hour skipped by spring-forward runs right after the gap

    def next(self, t: int, local: tzinfo = UTC) -> int:
        """The first activation strictly after Unix second ``t`` (``ZERO_TIME`` if none within five years)."""
        return _next_spec(self, t, self.location if self.location is not None else local)


@dataclass(frozen=True, slots=True)
class ConstantDelaySchedule:
    """``@every <duration>``: the duration after the reference time, in whole seconds."""

    delay: int

    def next(self, t: int, local: tzinfo = UTC) -> int:
        return t + self.delay


@dataclass(frozen=True, slots=True)
class NeverSchedule:
    """netresearch's ``@triggered``/``@manual``/``@none``: never activates on its own (Next is the zero time)."""

    def next(self, t: int, local: tzinfo = UTC) -> int:
        return ZERO_TIME


Schedule = SpecSchedule | ConstantDelaySchedule | NeverSchedule

_TZ_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/_-+:")


def _parse_timezone(spec: str, netresearch: bool) -> tuple[tzinfo | None, str]:
    if not spec.startswith(("TZ=", "CRON_TZ=")):
        return None, spec
    i = spec.find(" ")
    if i < 0:
        raise CronError(f"missing fields after timezone in spec {spec!r}")
    name = spec[spec.find("=") + 1 : i]
    if netresearch:
        if len(name) >= 2 and name[0] == name[-1] and name[0] in "\"'":
            name = name[1:-1]  # TZ="Europe/Berlin" and TZ='UTC' are accepted
        if not name or len(name) > 64 or not _TZ_CHARS.issuperset(name):
            raise CronError(f"invalid timezone {name!r}")
    loc = load_location(name)
    rest = _go_trim_space(spec[i:])
    if netresearch and not rest:
        raise CronError(f"missing fields after timezone {name!r}")
    return loc, rest


def _descriptor(spec: str, loc: tzinfo | None, netresearch: bool) -> Schedule:
    dow_all = _bits(0, 6, 1) | _STAR
    dom_all, month_all, hour_all = _bits(1, 31, 1) | _STAR, _bits(1, 12, 1) | _STAR, _bits(0, 23, 1) | _STAR
    fields = {
        "@yearly": (1, 1 << 1, 1 << 1, dow_all),
        "@annually": (1, 1 << 1, 1 << 1, dow_all),
        "@monthly": (1, 1 << 1, month_all, dow_all),
        "@weekly": (1, dom_all, month_all, 1),
        "@daily": (1, dom_all, month_all, dow_all),
        "@midnight": (1, dom_all, month_all, dow_all),
        "@hourly": (hour_all, dom_all, month_all, dow_all),
    }.get(spec)
    if fields is not None:
        hour, dom, month, dow = fields
        return SpecSchedule(1, 1, hour, dom, month, dow, loc, netresearch, netresearch)
    if netresearch and spec in ("@triggered", "@manual", "@none"):
        return NeverSchedule()
    if spec.startswith("@every "):
        ns = parse_go_duration(spec[len("@every ") :])
        if ns < 1_000_000_000:
            if netresearch:
                raise CronError(f"@every duration must be at least 1s: {spec!r}")
            ns = 1_000_000_000
        return ConstantDelaySchedule(ns // 1_000_000_000)
    raise CronError(f"unrecognized descriptor: {spec!r}")


def _parse(spec: str, dialect: str) -> Schedule:
    netresearch = dialect == NETRESEARCH
    if not spec:
        raise CronError("empty spec string")
    if netresearch and len(spec.encode("utf-8", "surrogatepass")) > _MAX_SPEC_LENGTH:
        raise CronError("spec too long")
    loc, spec = _parse_timezone(spec, netresearch)
    if spec.startswith("@"):
        return _descriptor(spec, loc, netresearch)
    fields = _go_fields(spec)
    if len(fields) != 5:
        raise CronError(f"expected exactly 5 fields, found {len(fields)}: {fields}")
    minute, hour, dom, month, dow = fields
    bounds = _NETRESEARCH_BOUNDS if netresearch else _ROBFIG_BOUNDS
    if netresearch:
        # Extended syntax (H hashes, L/W in day of month, # in day of week) is off in the standard parser.
        if any(part.startswith("H") for f in fields for part in f.split(",")):
            raise CronError("h expressions require hash option to be enabled")
        if "L" in dom.upper() or "W" in dom.upper():
            raise CronError("extended day-of-month syntax requires the DomL/DomW options")
        if "#" in dow:
            raise CronError("#n/#L syntax requires the DowNth/DowLast options")
    return SpecSchedule(
        second=1,  # the standard parser has no seconds field: always second 0
        minute=_field_bits(minute, bounds[1], netresearch),
        hour=_field_bits(hour, bounds[2], netresearch),
        dom=_field_bits(dom, bounds[3], netresearch),
        month=_field_bits(month, bounds[4], netresearch),
        dow=_normalize_dow(_field_bits(dow, bounds[5], netresearch)),
        location=loc,
        dom_and_dow=netresearch,
        dst_skip_runs=netresearch,
    )


@lru_cache(maxsize=4096)
def _parse_cached(spec: str, dialect: str) -> Schedule | CronError:
    try:
        return _parse(spec, dialect)
    except CronError as e:
        return e


def parse_standard(spec: str, dialect: str = DEFAULT_DIALECT) -> Schedule:
    """``cron.ParseStandard``: 5 fields (minute hour dom month dow), ``@descriptors``, ``TZ=``/``CRON_TZ=``."""
    result = _parse_cached(spec, dialect)
    if isinstance(result, CronError):
        raise result
    return result


def kube_spec(schedule: str, time_zone: str | None) -> str:
    """What upstream parses for a CronJob: the schedule, prefixed with ``CRON_TZ=<spec.timeZone>`` when set."""
    return schedule if time_zone is None else f"CRON_TZ={time_zone} {schedule}"


# --- Go time arithmetic on Unix seconds ------------------------------------------------------------------------


def _offset(zone: tzinfo, t: int) -> int:
    """UTC offset in seconds of ``zone`` at the instant ``t``."""
    if zone is UTC:
        return 0
    off = (_EPOCH + timedelta(seconds=t)).astimezone(zone).utcoffset()
    return 0 if off is None else off.days * 86400 + off.seconds


def _wall(t: int, zone: tzinfo) -> tuple[int, int, int, int, int, int, int]:
    """(year, month, day, hour, minute, second, weekday with Sunday=0) of instant ``t`` on ``zone``'s clock."""
    days, secs = divmod(t + _offset(zone, t), 86400)
    d = date.fromordinal(days + _EPOCH_ORDINAL)
    hour, rest = divmod(secs, 3600)
    return d.year, d.month, d.day, hour, rest // 60, rest % 60, (days + 4) % 7


def _go_date(year: int, month: int, day: int, hour: int, minute: int, sec: int, zone: tzinfo) -> int:
    """``time.Date``: fields may overflow (day 32, month 13); a wall time that does not exist or exists twice is
    resolved like Go does: with the offset in effect at the instant ``wall - offset(wall)``."""
    carry, m0 = divmod(month - 1, 12)
    days = date(year + carry, m0 + 1, 1).toordinal() - _EPOCH_ORDINAL + day - 1
    wall = days * 86400 + hour * 3600 + minute * 60 + sec
    if zone is UTC:
        return wall
    return wall - _offset(zone, wall - _offset(zone, wall))


def _next_spec(s: SpecSchedule, t: int, zone: tzinfo) -> int:
    """``SpecSchedule.Next``: advance field by field (month, day, hour, minute, second), restarting on wrap."""
    if not _can_match(s):
        # An empty field (", * * * *" parses to no minute at all) matches nothing: Go walks minute by minute for
        # five years before giving up with the zero time; the answer is the same without the walk.
        return ZERO_TIME
    t += 1  # the earliest candidate is the next whole second
    added = False  # once a field was advanced, lower fields start from their minimum
    y, mo, d, h, mi, sec, wd = _wall(t, zone)
    year_limit = y + 5
    month_bits, hour_bits, minute_bits, second_bits = s.month, s.hour, s.minute, s.second
    while True:  # WRAP
        y, mo, d, h, mi, sec, wd = _wall(t, zone)
        if y > year_limit:
            return ZERO_TIME
        wrapped = False
        while not month_bits >> mo & 1:
            if not added:
                added = True
                t = _go_date(y, mo, 1, 0, 0, 0, zone)
                y, mo, d, h, mi, sec, wd = _wall(t, zone)
            t = _go_date(y, mo + 1, d, h, mi, sec, zone)  # AddDate(0, 1, 0)
            y, mo, d, h, mi, sec, wd = _wall(t, zone)
            if mo == 1:
                wrapped = True
                break
        if wrapped:
            continue
        while not _day_matches(s, d, wd):
            if not added:
                added = True
                t = _go_date(y, mo, d, 0, 0, 0, zone)
                y, mo, d, h, mi, sec, wd = _wall(t, zone)
            t = _go_date(y, mo, d + 1, h, mi, sec, zone)  # AddDate(0, 0, 1)
            y, mo, d, h, mi, sec, wd = _wall(t, zone)
            if h != 0:  # midnight did not exist (DST at midnight): move back onto the day's first hour
                t += (24 - h) * 3600 if h > 12 else -h * 3600
                y, mo, d, h, mi, sec, wd = _wall(t, zone)
            if d == 1:
                wrapped = True
                break
        if wrapped:
            continue
        while not hour_bits >> h & 1:
            if not added:
                added = True
                t = _go_date(y, mo, d, h, 0, 0, zone)
                y, mo, d, h, mi, sec, wd = _wall(t, zone)
            prev_hour = h
            t += 3600
            y, mo, d, h, mi, sec, wd = _wall(t, zone)
            if s.dst_skip_runs and h - prev_hour == 2 and hour_bits >> (h - 1) & 1:
                break  # spring-forward jumped over a scheduled hour: run right after the gap
            if h == 0:
                wrapped = True
                break
        if wrapped:
            continue
        while not minute_bits >> mi & 1:
            if not added:
                added = True
                t -= t % 60  # Truncate(time.Minute) works on the instant, not on the wall clock
            t += 60
            y, mo, d, h, mi, sec, wd = _wall(t, zone)
            if mi == 0:
                wrapped = True
                break
        if wrapped:
            continue
        while not second_bits >> sec & 1:
            added = True
            t += 1
            y, mo, d, h, mi, sec, wd = _wall(t, zone)
            if sec == 0:
                wrapped = True
                break
        if wrapped:
            continue
        return t


def _can_match(s: SpecSchedule) -> bool:
    """False when some field has no value at all, so no time can ever match."""
    mask = ~_STAR
    if not (s.second & mask and s.minute & mask and s.hour & mask and s.month & mask):
        return False
    dom, dow = s.dom & mask, s.dow & mask
    if s.dom_and_dow or s.dom & _STAR or s.dow & _STAR:
        return bool(dom and dow)
    return bool(dom or dow)


def _day_matches(s: SpecSchedule, day: int, weekday: int) -> bool:
    dom_match = bool(s.dom >> day & 1)
    dow_match = bool(s.dow >> weekday & 1)
    if s.dom_and_dow or s.dom & _STAR or s.dow & _STAR:
        return dom_match and dow_match
    return dom_match or dow_match


@lru_cache(maxsize=4096)
def _next_cached(spec: str, dialect: str, t: int, local: tzinfo) -> int | None:
    try:
        return parse_standard(spec, dialect).next(t, local)
    except (ValueError, OverflowError):  # CronError; or a search beyond year 9999 (datetime's range)
        return None


def next_activation(spec: str, t: int, local: tzinfo | None = None, dialect: str = DEFAULT_DIALECT) -> int | None:
    """Unix seconds of the first activation of ``spec`` after Unix second ``t`` (``ZERO_TIME`` when none is found
    within five years, as upstream reports it); None when the spec does not parse (or the search would leave
    datetime's years 1..9999). ``local`` is the zone of schedules without a time zone; it defaults to LOCAL."""
    return _next_cached(spec, dialect, t, LOCAL if local is None else local)
