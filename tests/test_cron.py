"""The cron evaluator behind kube_cronjob_next_schedule_time: parsing, Next(), time zones and DST."""

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from ksm_shard.resources import cron
from ksm_shard.resources.cron import NETRESEARCH, ROBFIG, ZERO_TIME, CronError, parse_standard

NEW_YORK = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
SAO_PAULO = ZoneInfo("America/Sao_Paulo")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")
BOTH = (NETRESEARCH, ROBFIG)


def unix(s: str) -> int:
    return int(datetime.fromisoformat(s).timestamp())


def nxt(spec: str, after: str, zone=UTC, dialect: str = NETRESEARCH) -> str | None:
    """The next activation as an ISO time on ``zone``'s clock ("zero" for Go's zero time, None if invalid)."""
    t = cron.next_activation(spec, unix(after), zone, dialect)
    if t is None or t == ZERO_TIME:
        return None if t is None else "zero"
    return datetime.fromtimestamp(t, zone).isoformat()


def valid(spec: str, dialect: str = NETRESEARCH) -> bool:
    try:
        parse_standard(spec, dialect)
    except CronError:
        return False
    return True


def bits(*values: int) -> int:
    return sum(1 << v for v in values)


STAR = 1 << 63


# --- parsing ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dialect", BOTH)
@pytest.mark.parametrize(
    ("spec", "field", "want"),
    [
        ("5 * * * *", "minute", bits(5)),
        ("+5 * * * *", "minute", bits(5)),  # strconv.Atoi accepts a sign
        ("1,15,30 * * * *", "minute", bits(1, 15, 30)),
        ("1,,2 * * * *", "minute", bits(1, 2)),  # empty list items are skipped
        ("10-13 * * * *", "minute", bits(10, 11, 12, 13)),
        ("10-20/5 * * * *", "minute", bits(10, 15, 20)),
        ("5/15 * * * *", "minute", bits(5, 20, 35, 50)),  # N/step means N-max/step
        ("*/20 * * * *", "minute", bits(0, 20, 40)),  # a step > 1 drops the star bit
        ("*/1 * * * *", "minute", (1 << 60) - 1 | STAR),
        ("* * * * *", "minute", (1 << 60) - 1 | STAR),
        ("*-7 * * * *", "minute", (1 << 60) - 1 | STAR),  # upstream ignores what follows * in a range
        ("0 0 * * ?", "dow", bits(0, 1, 2, 3, 4, 5, 6) | STAR),
        ("0 0 * jan,MAR,Dec *", "month", bits(1, 3, 12)),
        ("0 0 * FEB-apr *", "month", bits(2, 3, 4)),
        ("0 0 * * sun,Wed,SAT", "dow", bits(0, 3, 6)),
        ("0 0 * * MON-FRI", "dow", bits(1, 2, 3, 4, 5)),
        ("0 0 * * THU", "dow", bits(4)),
        ("0 0 1,15 * *", "dom", bits(1, 15)),
        ("0 9-17/4 * * *", "hour", bits(9, 13, 17)),
        ("0\t0  *\u00a0* *", "hour", bits(0)),  # Go's whitespace, including NO-BREAK SPACE
    ],
)
def test_field_bits(dialect: str, spec: str, field: str, want: int) -> None:
    s = parse_standard(spec, dialect)
    assert getattr(s, field) == want
    assert s.second == 1  # the standard parser always fires at second 0


@pytest.mark.parametrize("dialect", BOTH)
@pytest.mark.parametrize(
    "spec",
    [
        "",
        "* * * *",
        "* * * * * *",
        "60 * * * *",
        "* 24 * * *",
        "* * 0 * *",
        "* * 32 * *",
        "* * * 0 *",
        "* * * 13 *",
        "* * * * 8",
        "-1 * * * *",
        "1-2-3 * * * *",
        "*/5/5 * * * *",
        "*/0 * * * *",
        "x * * * *",
        "1.5 * * * *",
        "\uff11 * * * *",  # a fullwidth digit is not an ASCII digit
        "* * * * Sunday",
        "0 0 L * *",
        "0 0 * * FRI#3",
        "H * * * *",
        "0\x1c0 * * *",  # Go does not split on the ASCII separator controls (Python's str.split does)
        "@reboot",
        "@daily ",
        " @daily",
        "CRON_TZ=Europe/Berlin",
        "CRON_TZ=Nowhere/Land 0 * * * *",
        "TZ=../../etc/passwd 0 * * * *",
    ],
)
def test_invalid_in_both(dialect: str, spec: str) -> None:
    assert not valid(spec, dialect)


@pytest.mark.parametrize(
    ("spec", "netresearch", "robfig"),
    [
        # netresearch rejects a step that is not smaller than its range (the Kubernetes API accepts these)
        ("*/60 * * * *", False, True),
        ("*/120 4-22 * * *", False, True),
        ("0 1 */32,1-7 * 3", False, True),
        ("30/30 * * * *", False, True),
        ("0 */24 * * *", False, True),
        ("0 0 * */12 *", False, True),
        ("*/59 * * * *", True, True),
        ("0 0 1 */11 *", True, True),
        # ...and accepts wrap-around ranges and 7 for Sunday
        ("0 22-2 * * *", True, False),
        ("0 0 * NOV-FEB *", True, False),
        ("0 0 * * FRI-MON", True, False),
        ("0 0 * * 7", True, False),
        ("0 0 * * 5-7", True, False),
        # time zone prefix: netresearch validates the name and strips quotes; Go loads "" as UTC
        ('TZ="Europe/Berlin" 0 * * * *', True, False),
        ("TZ='UTC' 0 * * * *", True, False),
        ("CRON_TZ= 0 * * * *", False, True),
        ("CRON_TZ=UTC", False, False),
        # @every needs at least a second in netresearch; robfig rounds up to one second
        ("@every 500ms", False, True),
        ("@every 0s", False, True),
        ("@every -1m", False, True),
        ("@every 1s", True, True),
        ("@every 1h", True, True),
        ("@every", False, False),
        ("@every 1", False, False),
        ("@triggered", True, False),
        ("* " * 600 + "*", False, False),  # too many fields anyway; netresearch also caps the length at 1024
    ],
)
def test_dialect_differences(spec: str, netresearch: bool, robfig: bool) -> None:
    assert valid(spec, NETRESEARCH) is netresearch
    assert valid(spec, ROBFIG) is robfig


def test_wraparound_bits() -> None:
    assert parse_standard("0 22-2 * * *").hour == bits(22, 23, 0, 1, 2)
    assert parse_standard("0 22-2/2 * * *").hour == bits(22, 0, 2)
    assert parse_standard("0 0 * * FRI-MON").dow == bits(5, 6, 0, 1)
    assert parse_standard("0 0 * * 5-7").dow == bits(0, 5, 6)  # 7 folds onto Sunday
    assert parse_standard("0 0 * NOV-FEB *").month == bits(11, 12, 1, 2)
    assert parse_standard("0 0 25-5 * *").dom == bits(25, 26, 27, 28, 29, 30, 31, 1, 2, 3, 4, 5)


@pytest.mark.parametrize("dialect", BOTH)
def test_descriptors(dialect: str) -> None:
    after = "2024-05-15T10:20:30Z"  # a Wednesday
    assert nxt("@yearly", after, dialect=dialect) == "2025-01-01T00:00:00+00:00"
    assert nxt("@annually", after, dialect=dialect) == "2025-01-01T00:00:00+00:00"
    assert nxt("@monthly", after, dialect=dialect) == "2024-06-01T00:00:00+00:00"
    assert nxt("@weekly", after, dialect=dialect) == "2024-05-19T00:00:00+00:00"  # Sunday
    assert nxt("@daily", after, dialect=dialect) == "2024-05-16T00:00:00+00:00"
    assert nxt("@midnight", after, dialect=dialect) == "2024-05-16T00:00:00+00:00"
    assert nxt("@hourly", after, dialect=dialect) == "2024-05-15T11:00:00+00:00"
    assert nxt("@every 1h30m", after, dialect=dialect) == "2024-05-15T11:50:30+00:00"
    assert nxt("@every 2.5s", after, dialect=dialect) == "2024-05-15T10:20:32+00:00"  # whole seconds only
    assert nxt("CRON_TZ=America/New_York @daily", after, dialect=dialect) == "2024-05-16T04:00:00+00:00"


def test_every_below_one_second_in_robfig_and_triggered_in_netresearch() -> None:
    assert nxt("@every 1ms", "2024-05-15T10:20:30Z", dialect=ROBFIG) == "2024-05-15T10:20:31+00:00"
    assert nxt("@triggered", "2024-05-15T10:20:30Z") == "zero"
    assert nxt("@manual", "2024-05-15T10:20:30Z") == "zero"


@pytest.mark.parametrize(
    ("text", "ns"),
    [
        ("0", 0),
        ("+0", 0),
        ("-0", 0),
        ("1h30m", 5_400_000_000_000),
        ("1.5h", 5_400_000_000_000),
        ("-1.5h", -5_400_000_000_000),
        ("2h45m10.5s", 9_910_500_000_000),
        ("300ms", 300_000_000),
        (".5s", 500_000_000),
        ("5.s", 5_000_000_000),
        ("1us", 1_000),
        ("1\u00b5s", 1_000),
        ("1\u03bcs", 1_000),
        ("7ns", 7),
        ("1m1m", 120_000_000_000),
        ("9223372036854775807ns", (1 << 63) - 1),
        ("-9223372036854775808ns", -(1 << 63)),
    ],
)
def test_go_duration(text: str, ns: int) -> None:
    assert cron.parse_go_duration(text) == ns


@pytest.mark.parametrize(
    "text", ["", "-", "1", "1x", ".s", ".", "1h 30m", " 1h", "1H", "9223372036854775808ns", "1e3s"]
)
def test_go_duration_invalid(text: str) -> None:
    with pytest.raises(CronError):
        cron.parse_go_duration(text)


def test_time_zone_prefix_and_locations() -> None:
    assert parse_standard("CRON_TZ=Asia/Shanghai 0 * * * *").location == ZoneInfo("Asia/Shanghai")
    assert parse_standard("TZ=Asia/Shanghai   0 * * * *").location == ZoneInfo("Asia/Shanghai")
    assert parse_standard("CRON_TZ=UTC 0 * * * *").location is UTC
    assert parse_standard("CRON_TZ=Local 0 * * * *").location is None  # Go's time.Local: the reference's zone
    assert parse_standard("0 * * * *").location is None
    assert cron.load_location("") is UTC
    for bad in ("Nowhere/Land", "../etc/passwd", "/etc/localtime", "America"):
        with pytest.raises(CronError):
            cron.load_location(bad)
    assert cron.kube_spec("0 * * * *", None) == "0 * * * *"
    assert cron.kube_spec("0 * * * *", "Europe/Berlin") == "CRON_TZ=Europe/Berlin 0 * * * *"


def test_go_local_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "")
    assert cron.go_local_zone() is UTC
    monkeypatch.setenv("TZ", "UTC")
    assert cron.go_local_zone() is UTC
    monkeypatch.setenv("TZ", "Europe/Berlin")
    assert cron.go_local_zone() == ZoneInfo("Europe/Berlin")
    monkeypatch.setenv("TZ", ":Asia/Tokyo")
    assert cron.go_local_zone() == ZoneInfo("Asia/Tokyo")
    monkeypatch.setenv("TZ", "Nowhere/Land")
    assert cron.go_local_zone() is UTC  # Go falls back to UTC
    path = Path("/usr/share/zoneinfo/Europe/Paris")
    if path.exists():
        monkeypatch.setenv("TZ", str(path))
        zone = cron.go_local_zone()
        assert datetime(2024, 7, 1, tzinfo=zone).utcoffset().total_seconds() == 7200
    monkeypatch.delenv("TZ")
    assert cron.go_local_zone() is not None  # /etc/localtime, or UTC without one


# --- Next ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dialect", BOTH)
def test_next_basics(dialect: str) -> None:
    def n(spec: str, after: str) -> str | None:
        return nxt(spec, after, dialect=dialect)

    assert n("* * * * *", "2024-05-15T10:20:30Z") == "2024-05-15T10:21:00+00:00"
    assert n("* * * * *", "2024-05-15T10:20:00Z") == "2024-05-15T10:21:00+00:00"  # strictly after
    assert n("20 10 * * *", "2024-05-15T10:20:00Z") == "2024-05-16T10:20:00+00:00"
    assert n("0 */6 * * *", "2018-03-11T04:34:56Z") == "2018-03-11T06:00:00+00:00"
    assert n("25 * * * *", "2018-03-11T11:04:56Z") == "2018-03-11T11:25:00+00:00"
    assert n("0 0 31 * *", "2024-04-15T00:00:00Z") == "2024-05-31T00:00:00+00:00"  # skips April
    assert n("59 23 31 12 *", "2024-05-15T00:00:00Z") == "2024-12-31T23:59:00+00:00"
    assert n("0 0 1 1 *", "2024-12-31T23:59:59Z") == "2025-01-01T00:00:00+00:00"
    assert n("0 0 29 2 *", "2024-03-01T00:00:00Z") == "2028-02-29T00:00:00+00:00"  # leap years only
    assert n("0 0 30 2 *", "2024-01-01T00:00:00Z") == "zero"  # never: Go's zero time after 5 years
    assert n(", * * * *", "2024-01-01T00:00:00Z") == "zero"  # an empty list matches nothing
    assert n("0 12 * * SAT", "2024-05-15T10:20:30Z") == "2024-05-18T12:00:00+00:00"
    assert n("CRON_TZ=Asia/Shanghai 0 */6 * * *", "2018-03-11T04:34:56Z") == "2018-03-11T10:00:00+00:00"
    assert n("not a schedule", "2024-01-01T00:00:00Z") is None


def test_day_of_month_and_day_of_week() -> None:
    # Both restricted: netresearch needs both, robfig either (Vixie cron). With a * in either field both agree.
    assert nxt("0 0 13 * FRI", "2024-01-01T00:00:00Z") == "2024-09-13T00:00:00+00:00"
    assert nxt("0 0 13 * FRI", "2024-01-01T00:00:00Z", dialect=ROBFIG) == "2024-01-05T00:00:00+00:00"
    assert nxt("0 0 1-7 * MON", "2024-01-02T00:00:00Z") == "2024-02-05T00:00:00+00:00"
    assert nxt("0 0 1-7 * MON", "2024-01-02T00:00:00Z", dialect=ROBFIG) == "2024-01-03T00:00:00+00:00"
    # A stepped day of month is "restricted" (the step clears the star bit).
    assert nxt("0 0 */2 * 1", "2024-01-01T12:00:00Z") == "2024-01-15T00:00:00+00:00"
    assert nxt("0 0 */2 * 1", "2024-01-01T12:00:00Z", dialect=ROBFIG) == "2024-01-03T00:00:00+00:00"
    # Feb 29 on a Monday is more than five years away from 2024: zero time; OR finds the next Monday in February.
    assert nxt("0 0 29 2 1", "2024-03-01T00:00:00Z") == "zero"
    assert nxt("0 0 29 2 1", "2024-03-01T00:00:00Z", dialect=ROBFIG) == "2025-02-03T00:00:00+00:00"
    # An empty day-of-month list: nothing under AND, only the weekday under OR.
    assert nxt("0 0 , * 1", "2024-01-02T00:00:00Z") == "zero"
    assert nxt("0 0 , * 1", "2024-01-02T00:00:00Z", dialect=ROBFIG) == "2024-01-08T00:00:00+00:00"
    for dialect in BOTH:
        assert nxt("0 0 * * MON", "2024-01-02T00:00:00Z", dialect=dialect) == "2024-01-08T00:00:00+00:00"
        assert nxt("0 0 15 * *", "2024-01-02T00:00:00Z", dialect=dialect) == "2024-01-15T00:00:00+00:00"
        assert nxt("0 0 15 * ?", "2024-01-02T00:00:00Z", dialect=dialect) == "2024-01-15T00:00:00+00:00"


def test_sunday_as_seven_and_wraparound_next() -> None:
    assert nxt("0 6 * * 7", "2024-05-15T00:00:00Z") == "2024-05-19T06:00:00+00:00"
    assert nxt("0 22-2 * * *", "2024-05-15T02:30:00Z") == "2024-05-15T22:00:00+00:00"
    assert nxt("0 22-2 * * *", "2024-05-15T23:30:00Z") == "2024-05-16T00:00:00+00:00"


def test_schedule_zone_versus_reference_zone() -> None:
    # Without a time zone the schedule runs on the reference time's zone (upstream: the process's local zone).
    assert nxt("0 9 * * *", "2024-05-15T12:00:00Z", NEW_YORK) == "2024-05-15T09:00:00-04:00"  # 08:00 EDT now
    assert nxt("0 9 * * *", "2024-05-15T12:00:00Z", UTC) == "2024-05-16T09:00:00+00:00"
    # With one, the reference zone does not matter.
    for local in (UTC, NEW_YORK, LORD_HOWE):
        t = cron.next_activation("CRON_TZ=Europe/London 0 9 * * *", unix("2024-05-15T12:00:00Z"), local)
        assert datetime.fromtimestamp(t, UTC).isoformat() == "2024-05-16T08:00:00+00:00"


# --- DST edge cases --------------------------------------------------------------------------------------------


def test_spring_forward_new_york() -> None:
    # 2024-03-10: 02:00 EST jumps to 03:00 EDT; 02:xx does not exist.
    before = "2024-03-10T01:30:00-05:00"
    # netresearch (upstream now): the skipped hour's job runs right after the gap, at its minute.
    assert nxt("30 2 * * *", before, NEW_YORK) == "2024-03-10T03:30:00-04:00"
    assert nxt("0 2 * * *", before, NEW_YORK) == "2024-03-10T03:00:00-04:00"
    # robfig: skipped for the day.
    assert nxt("30 2 * * *", before, NEW_YORK, ROBFIG) == "2024-03-11T02:30:00-04:00"
    for dialect in BOTH:
        assert nxt("0 3 * * *", before, NEW_YORK, dialect) == "2024-03-10T03:00:00-04:00"
        assert nxt("59 1 * * *", before, NEW_YORK, dialect) == "2024-03-10T01:59:00-05:00"
        assert nxt("0 * * * *", before, NEW_YORK, dialect) == "2024-03-10T03:00:00-04:00"  # 01:00 + 1h
        # the same schedule through a CRON_TZ prefix, with the reference in UTC
        t = cron.next_activation("CRON_TZ=America/New_York 30 2 * * *", unix(before), UTC, dialect)
        want = "2024-03-10T07:30:00+00:00" if dialect == NETRESEARCH else "2024-03-11T06:30:00+00:00"
        assert datetime.fromtimestamp(t, UTC).isoformat() == want


def test_spring_forward_london_from_utc_offset_zero() -> None:
    # 2024-03-31: 01:00 GMT jumps to 02:00 BST (a zone whose standard offset is 0).
    before = "2024-03-31T00:40:00+00:00"
    assert nxt("30 1 * * *", before, LONDON) == "2024-03-31T02:30:00+01:00"
    assert nxt("*/15 1 * * *", before, LONDON) == "2024-03-31T02:00:00+01:00"
    assert nxt("30 1 * * *", before, LONDON, ROBFIG) == "2024-04-01T01:30:00+01:00"
    assert nxt("0 1,2 * * *", before, LONDON, ROBFIG) == "2024-03-31T02:00:00+01:00"


def test_fall_back_runs_in_both_occurrences() -> None:
    # 2024-11-03: 02:00 EDT falls back to 01:00 EST; 01:xx happens twice. Next() itself does not deduplicate.
    for dialect in BOTH:
        first = nxt("30 1 * * *", "2024-11-03T00:30:00-04:00", NEW_YORK, dialect)
        assert first == "2024-11-03T01:30:00-04:00"
        assert nxt("30 1 * * *", first, NEW_YORK, dialect) == "2024-11-03T01:30:00-05:00"
        assert nxt("30 1 * * *", "2024-11-03T01:30:00-05:00", NEW_YORK, dialect) == "2024-11-04T01:30:00-05:00"
        assert nxt("0 2 * * *", "2024-11-03T00:30:00-04:00", NEW_YORK, dialect) == "2024-11-03T02:00:00-05:00"
        assert nxt("0 * * * *", "2024-11-03T01:10:00-04:00", NEW_YORK, dialect) == "2024-11-03T01:00:00-05:00"


def test_midnight_that_does_not_exist() -> None:
    # Sao Paulo 2018-11-04: 00:00 BRT jumped to 01:00 BRST, so that day has no midnight.
    for dialect in BOTH:
        # The hour walk from noon goes 23:00 -> 01:00 and only finds hour 0 the next day.
        assert nxt("0 0 * * *", "2018-11-03T12:00:00-03:00", SAO_PAULO, dialect) == "2018-11-05T00:00:00-02:00"
        assert nxt("0 1 * * *", "2018-11-03T12:00:00-03:00", SAO_PAULO, dialect) == "2018-11-04T01:00:00-02:00"
        # Walking days onto the missing midnight lands on 01:00 Nov 4; hour 0 then never comes that day and the
        # search moves on to the next Nov 4 (2019, without DST).
        assert nxt("0 0 4 11 *", "2018-11-01T12:00:00-03:00", SAO_PAULO, dialect) == "2019-11-04T00:00:00-03:00"
        # DST end 2019-02-17: 00:00 BRST fell back to 23:00 BRT on the 16th.
        assert nxt("0 23 * * *", "2019-02-16T12:00:00-02:00", SAO_PAULO, dialect) == "2019-02-16T23:00:00-02:00"
        assert nxt("0 0 * * *", "2019-02-16T12:00:00-02:00", SAO_PAULO, dialect) == "2019-02-17T00:00:00-03:00"


def test_half_hour_dst_shift() -> None:
    # Lord Howe Island moves its clocks by 30 minutes (2024-10-06 02:00 -> 02:30): not a two-hour jump, so the
    # ISC rule does not apply and 02:15 is skipped that day in both dialects.
    for dialect in BOTH:
        assert nxt("15 2 * * *", "2024-10-06T01:00:00+10:30", LORD_HOWE, dialect) == "2024-10-07T02:15:00+11:00"
        assert nxt("45 2 * * *", "2024-10-06T01:00:00+10:30", LORD_HOWE, dialect) == "2024-10-06T02:45:00+11:00"


def test_next_is_cached_and_pure() -> None:
    a = cron.next_activation("*/7 * * * *", unix("2024-05-15T10:20:30Z"), UTC)
    b = cron.next_activation("*/7 * * * *", unix("2024-05-15T10:20:30Z"), UTC)
    assert a == b == unix("2024-05-15T10:21:00Z")
    assert parse_standard("*/7 * * * *") is parse_standard("*/7 * * * *")
