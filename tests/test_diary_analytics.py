"""Diary analytics checked on small diaries whose numbers are worked out by hand."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from typing import Any, cast

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crampcheck.diary.analytics import (
    MEDICINE_NOTE,
    TRIGGER_NOTE,
    ContextData,
    EpisodeData,
    MedicineData,
    all_triggers,
    clopper_pearson,
    diary_frequent_or_prolonged,
    medicine_timing,
    night_of,
    rate_ratio,
    summary,
    trigger_association,
)


def ep(
    when: str,
    site: str = "calf",
    side: str | None = None,
    minutes: float | None = None,
    severity: int | None = None,
    sleep: int | None = None,
) -> EpisodeData:
    return EpisodeData(datetime.fromisoformat(when), site, side, minutes, severity, sleep)


def on_night(night: date, **kw: Any) -> EpisodeData:
    """An episode at 03:00 UTC on the morning after ``night`` (so it belongs to ``night``)."""
    return ep(f"{night + timedelta(days=1)}T03:00:00+00:00", **kw)


def binom_le(x: int, n: int, p: float) -> float:
    return math.fsum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(x + 1))


# --------------------------------------------------------------------------------------------
# night_of and the records


@pytest.mark.parametrize(
    ("when", "night"),
    [
        ("2024-06-05T03:00:00+00:00", date(2024, 6, 4)),  # 03:00 - 12h = 15:00 on the 4th
        ("2024-06-05T15:00:00+00:00", date(2024, 6, 5)),  # 15:00 - 12h = 03:00 on the 5th
        ("2024-06-05T12:00:00+00:00", date(2024, 6, 5)),  # noon starts a new night
        ("2024-06-05T11:59:59+00:00", date(2024, 6, 4)),  # the last second of the night
        ("2024-06-04T22:00:00+00:00", date(2024, 6, 4)),
        # The local date counts, not UTC:
        ("2024-06-05T01:30:00+02:00", date(2024, 6, 4)),  # local 13:30 on the 4th
        ("2024-06-05T23:30:00-05:00", date(2024, 6, 5)),  # local 11:30 on the 5th
        # 16:30Z on the 5th would be the night of the 5th in UTC; locally it is 11:30 -> 4th.
        ("2024-06-05T11:30:00-05:00", date(2024, 6, 4)),
    ],
)
def test_night_of(when: str, night: date) -> None:
    assert night_of(datetime.fromisoformat(when)) == night


def test_night_of_refuses_naive_times() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        night_of(datetime(2024, 6, 5, 3, 0))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"when": "2024-06-05T03:00:00"},  # naive
        {"when": "2024-06-05T03:00:00+00:00", "site": "neck"},
        {"when": "2024-06-05T03:00:00+00:00", "side": "middle"},
        {"when": "2024-06-05T03:00:00+00:00", "minutes": -1.0},
        {"when": "2024-06-05T03:00:00+00:00", "minutes": math.nan},
        {"when": "2024-06-05T03:00:00+00:00", "severity": 11},
        {"when": "2024-06-05T03:00:00+00:00", "sleep": -1},
    ],
)
def test_episode_validation(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - any of several messages
        ep(**kwargs)


def test_records_are_frozen() -> None:
    e = ep("2024-06-05T03:00:00+00:00")
    with pytest.raises(AttributeError):
        e.site = "foot"  # type: ignore[misc]


# --------------------------------------------------------------------------------------------
# summary

TODAY = date(2024, 3, 31)  # a Sunday


def diary() -> list[EpisodeData]:
    return [
        # G: night 2024-02-20 (Tue), in the previous 4 weeks (02-05 .. 03-03)
        ep("2024-02-21T01:00:00+00:00", "calf", "left", 3, 2, None),
        # A: night 2024-03-04 = today - 27, exactly the first night of the recent 4 weeks
        ep("2024-03-05T02:00:00+00:00", "calf", "left", 2, 4, 1),
        # B: night 2024-03-10
        ep("2024-03-11T02:00:00+00:00", "calf", "right", 5, 5, 3),
        # C and D: both on the night of 2024-03-20
        ep("2024-03-21T02:00:00+00:00", "foot", "left", None, 6, 5),
        ep("2024-03-20T23:00:00+00:00", "calf", None, 10, None, 4),
        # E: the night of today
        ep("2024-03-31T22:00:00+00:00", "toes", "both", 1, 8, 0),
        # F: the night of 2024-04-01, after today: left out
        ep("2024-04-01T13:00:00+00:00", "hand", "right", 100, 10, 10),
    ]


def test_summary_hand_computed() -> None:
    s = summary(diary(), TODAY)
    assert s.total == 6
    assert s.after_today == 1
    assert s.first_night == date(2024, 2, 20)
    assert s.last_night == TODAY
    # 02-20 .. 03-31 inclusive = 9 (Feb, leap year) + 31 + 1 = 41 days; 6 / (41/7) = 42/41
    assert s.span_weeks == pytest.approx(41 / 7)
    assert s.per_week == pytest.approx(42 / 41)
    # last 4 weeks = nights 03-04 .. 03-31: A, B, C, D, E = 5 -> 5 / 4
    assert s.weeks == 4
    assert s.per_week_recent == 1.25
    # durations 3, 2, 5, 10, 1 -> sorted 1 2 3 5 10 -> median 3, longest 10
    assert s.median_minutes == 3.0
    assert s.longest_minutes == 10.0
    # severities 2, 4, 5, 6, 8 -> mean 25 / 5
    assert s.mean_severity == 5.0
    # x (days after 02-20) = 0, 13, 19, 29, 40 (mean 20.2); y = 2, 4, 5, 6, 8 (mean 5)
    # Sxy = 20.2*3 + 7.2*1 + 0 + 8.8*1 + 19.8*3 = 136; Sxx = 408.04 + 51.84 + 1.44 + 77.44
    # + 392.04 = 930.8; slope = 136/930.8 per day = 952/930.8 per week
    assert s.severity_slope_per_week == pytest.approx(952 / 930.8)
    # sleep_disturbance >= 3: B (03-10), C and D (03-20) -> 2 distinct nights
    assert s.disturbed_nights == 2
    assert list(s.by_site.items()) == [("calf", 4), ("foot", 1), ("toes", 1)]
    assert list(s.by_side.items()) == [("left", 3), ("both", 1), ("right", 1), ("unknown", 1)]
    # Mondays from 02-19 (the week of 02-20) to 03-25 (the week of today)
    assert s.weekly == (
        (date(2024, 2, 19), 1),  # G
        (date(2024, 2, 26), 0),
        (date(2024, 3, 4), 2),  # A, B
        (date(2024, 3, 11), 0),
        (date(2024, 3, 18), 2),  # C, D
        (date(2024, 3, 25), 1),  # E
    )
    c = s.comparison
    # recent 03-04 .. 03-31 (5); previous 02-05 .. 03-03 (G only)
    assert (c.recent_first, c.previous_first) == (date(2024, 3, 4), date(2024, 2, 5))
    assert (c.recent, c.previous, c.difference, c.ratio) == (5, 1, 4, 5.0)
    assert c.exact.ratio == 5.0
    assert c.exact.lower < 5.0 < c.exact.upper


def test_summary_recent_window_follows_weeks() -> None:
    # weeks=1: nights 03-25 .. 03-31 -> E only
    assert summary(diary(), TODAY, weeks=1).per_week_recent == 1.0
    # weeks=8: nights 02-04 .. 03-31 -> all 6 -> 6/8
    assert summary(diary(), TODAY, weeks=8).per_week_recent == 0.75
    with pytest.raises(ValueError, match="weeks"):
        summary(diary(), TODAY, weeks=0)


def test_summary_empty_diary() -> None:
    s = summary([], TODAY)
    assert s.total == 0
    assert s.first_night is None
    assert s.span_weeks is None
    assert s.per_week is None
    assert s.per_week_recent == 0.0
    assert s.median_minutes is None
    assert s.longest_minutes is None
    assert s.mean_severity is None
    assert s.severity_slope_per_week is None
    assert s.disturbed_nights == 0
    assert dict(s.by_site) == {}
    assert s.weekly == ()
    assert (s.comparison.recent, s.comparison.previous, s.comparison.ratio) == (0, 0, None)
    assert (s.comparison.exact.lower, s.comparison.exact.upper) == (0.0, math.inf)


def test_summary_one_episode() -> None:
    # Night of today: a span of 1 day counts as one week -> 1 per week
    s = summary([on_night(TODAY, minutes=4, severity=3, sleep=3)], TODAY)
    assert (s.total, s.per_week, s.per_week_recent) == (1, 1.0, 0.25)
    assert (s.median_minutes, s.longest_minutes, s.mean_severity) == (4.0, 4.0, 3.0)
    assert s.severity_slope_per_week is None  # one point
    assert s.disturbed_nights == 1
    assert s.weekly == ((date(2024, 3, 25), 1),)
    assert s.comparison.ratio is None  # nothing before


def test_severity_slope() -> None:
    start = date(2024, 3, 1)
    # severity 2, 4, 6 one week apart -> exactly 2 points per week
    eps = [on_night(start + timedelta(days=7 * i), severity=2 + 2 * i) for i in range(3)]
    assert summary(eps, TODAY).severity_slope_per_week == pytest.approx(2.0)
    # two severities on the same night: no time spread -> no slope; mean (3 + 7) / 2
    same = [on_night(start, severity=3), on_night(start, severity=7)]
    s = summary(same, TODAY)
    assert s.severity_slope_per_week is None
    assert s.mean_severity == 5.0


# --------------------------------------------------------------------------------------------
# The policy rule on the diary


def nights_back(today: date, *days_back: int, **kw: Any) -> list[EpisodeData]:
    return [on_night(today - timedelta(days=d), **kw) for d in days_back]


def test_diary_rule_frequent_and_long_at_50() -> None:
    # 14 episodes of 6 min on nights 03-04, 03-06, ... 03-30 (all in 03-04 .. 03-31) -> 14/4 = 3.5
    # per week; first night 01-01: 90 days (31 + 29 + 30) / 30.44 = 2.956 -> shown as 2.9
    recent = nights_back(TODAY, *range(27, 0, -2), minutes=6)
    assert len(recent) == 14
    eps = [on_night(date(2024, 1, 1), minutes=6), *recent]
    assert diary_frequent_or_prolonged(eps, TODAY, 60, None, None) == [
        "diary: cramps.per_week=3.5",
        "diary: cramps.minutes=6",
        "diary: person.age=60",
        "diary: cramps.months=2.9",
    ]
    # at 49 none of the branches fires (3.5 < 7, not stretching, no condition)
    assert diary_frequent_or_prolonged(eps, TODAY, 49, None, None) is None
    # ... unless stretching regularly already
    assert diary_frequent_or_prolonged(eps, TODAY, 49, True, None) == [
        "diary: cramps.per_week=3.5",
        "diary: lifestyle.stretches_regularly=true",
        "diary: cramps.months=2.9",
    ]


def test_diary_rule_long_cramp_needs_no_months() -> None:
    # one 15-minute cramp last night: minutes > 10 at age >= 16 fires whatever the months
    eps = nights_back(TODAY, 1, minutes=15)
    assert diary_frequent_or_prolonged(eps, TODAY, 30, None, None) == [
        "diary: cramps.minutes=15",
        "diary: person.age=30",
    ]


def test_diary_rule_uses_recent_durations_only() -> None:
    # an old 60-minute cramp (night 01-01) and 8 recent ones without durations: minutes = None,
    # per_week = 8/4 = 2 -> nothing fires (the old cramp's 60 min must not count)
    eps = [on_night(date(2024, 1, 1), minutes=60), *nights_back(TODAY, *range(8))]
    assert diary_frequent_or_prolonged(eps, TODAY, 40, None, None) is None
    # median of an even number of recent durations: (4 + 8) / 2 = 6; 2/4 = 0.5 per week;
    # 45 years with a condition needs per_week >= 1 -> None; with 4 episodes (1/week) it fires
    two = [
        on_night(date(2024, 1, 1)),
        *nights_back(TODAY, 1, minutes=4),
        *nights_back(TODAY, 2, minutes=8),
    ]
    assert diary_frequent_or_prolonged(two, TODAY, 45, None, "diabetes") is None
    four = [*two, *nights_back(TODAY, 3, 4)]
    assert diary_frequent_or_prolonged(four, TODAY, 45, None, "diabetes") == [
        "diary: cramps.per_week=1",
        "diary: cramps.minutes=6",
        "diary: person.age=45",
        "diary: diabetes",
        "diary: cramps.months=2.9",
    ]


def test_diary_rule_months_threshold() -> None:
    # every night for the last 28 nights: 28/4 = 7 per week, but the first night is today - 27:
    # 27 / 30.44 = 0.887 months < 1 -> None
    eps = nights_back(TODAY, *range(28))
    assert diary_frequent_or_prolonged(eps, TODAY, 30, None, None) is None
    # one earlier cramp on night today - 31: 31 / 30.44 = 1.018 -> 1.0; per_week stays 7
    eps += nights_back(TODAY, 31)
    assert diary_frequent_or_prolonged(eps, TODAY, 30, None, None) == [
        "diary: cramps.per_week=7",
        "diary: cramps.months=1",
    ]


def test_diary_rule_empty_and_future() -> None:
    assert diary_frequent_or_prolonged([], TODAY, 70, True, "diabetes") is None
    # episodes after today are ignored
    future = nights_back(TODAY, -1, -2, minutes=30)
    assert diary_frequent_or_prolonged(future, TODAY, 70, True, "diabetes") is None


# --------------------------------------------------------------------------------------------
# Clopper–Pearson and the exact rate ratio


def test_clopper_pearson_reference_values() -> None:
    lo, hi = clopper_pearson(5, 20)
    assert lo == pytest.approx(0.0866, abs=5e-5)
    assert hi == pytest.approx(0.4910, abs=5e-5)
    # the limits solve P(X >= 5 | p=lo) = 0.025 and P(X <= 5 | p=hi) = 0.025
    assert 1 - binom_le(4, 20, lo) == pytest.approx(0.025, rel=1e-9)
    assert binom_le(5, 20, hi) == pytest.approx(0.025, rel=1e-9)
    # x = 0: upper solves (1 - p)^10 = 0.025 -> 1 - 0.025^(1/10) = 0.3085
    lo, hi = clopper_pearson(0, 10)
    assert lo == 0.0
    assert hi == pytest.approx(0.3085, abs=5e-5)
    assert hi == pytest.approx(1 - 0.025**0.1, rel=1e-12)
    # x = n: lower solves p^10 = 0.025 -> 0.6915
    lo, hi = clopper_pearson(10, 10)
    assert lo == pytest.approx(0.025**0.1, rel=1e-12)
    assert hi == 1.0
    # 3 of 7: (0.0990, 0.8159)
    lo, hi = clopper_pearson(3, 7)
    assert lo == pytest.approx(0.0990, abs=5e-5)
    assert hi == pytest.approx(0.8159, abs=5e-5)
    assert clopper_pearson(0, 0) == (0.0, 1.0)


def test_clopper_pearson_large_n_and_levels() -> None:
    # 1 of 5000: lower solves 1 - (1 - p)^5000 = 0.025 -> 1 - 0.975^(1/5000) = 5.0635e-6
    lo, _ = clopper_pearson(1, 5000)
    assert lo == pytest.approx(1 - 0.975 ** (1 / 5000), rel=1e-9)
    # 2500 of 5000: symmetric around 0.5, slightly wider than Wald 0.5 +- 1.96*sqrt(.25/5000)
    lo, hi = clopper_pearson(2500, 5000)
    assert lo + hi == pytest.approx(1.0, abs=1e-12)
    wald = 1.959964 * math.sqrt(0.25 / 5000)
    assert wald < 0.5 - lo < wald * 1.01
    # a 99% interval is wider than a 95% one
    lo99, hi99 = clopper_pearson(5, 20, 0.99)
    lo95, hi95 = clopper_pearson(5, 20)
    assert lo99 < lo95 < hi95 < hi99
    with pytest.raises(ValueError, match="x <= n"):
        clopper_pearson(3, 2)
    with pytest.raises(ValueError, match="level"):
        clopper_pearson(1, 2, 1.0)


def test_rate_ratio_hand_computed() -> None:
    # 5 vs 15 events, equal exposure: RR = 1/3; p limits (0.0866, 0.4910) from 5 of 20 ->
    # RR limits 0.0866/0.9134 = 0.0948 and 0.4910/0.5090 = 0.9646
    r = rate_ratio(5, 1.0, 15, 1.0)
    assert r.ratio == pytest.approx(1 / 3)
    assert r.lower == pytest.approx(0.0948, abs=2e-4)
    assert r.upper == pytest.approx(0.9646, abs=5e-4)
    lo, hi = clopper_pearson(5, 20)
    assert r.lower == pytest.approx(lo / (1 - lo))
    assert r.upper == pytest.approx(hi / (1 - hi))
    # the same counts over twice the exposure for x1: RR = (5/2)/15 = 1/6, limits times t2/t1
    r2 = rate_ratio(5, 2.0, 15, 1.0)
    assert r2.ratio == pytest.approx(1 / 6)
    assert r2.lower == pytest.approx(r.lower / 2)
    assert r2.upper == pytest.approx(r.upper / 2)
    assert r2.level == 0.95


def test_rate_ratio_zero_counts() -> None:
    # x1 = 0, x2 = 10: RR 0; upper p = 1 - 0.025^(1/10) = 0.308497 -> 0.308497/0.691503 = 0.4461
    r = rate_ratio(0, 1.0, 10, 1.0)
    assert (r.ratio, r.lower) == (0.0, 0.0)
    p = 1 - 0.025**0.1
    assert r.upper == pytest.approx(p / (1 - p))
    assert r.upper == pytest.approx(0.4461, abs=1e-4)
    # x1 = 5, x2 = 0: RR undefined; lower p = 0.025^(1/5) = 0.478176 -> 0.9164; upper inf
    r = rate_ratio(5, 1.0, 0, 1.0)
    q = 0.025**0.2
    assert r.ratio is None
    assert r.lower == pytest.approx(q / (1 - q))
    assert r.lower == pytest.approx(0.9164, abs=1e-4)
    assert r.upper == math.inf
    # no events, or no exposure: (0, inf)
    for args in [(0, 1.0, 0, 1.0), (3, 0.0, 2, 1.0), (3, 1.0, 2, 0.0)]:
        r = rate_ratio(*args)
        assert (r.ratio, r.lower, r.upper) == (None, 0.0, math.inf)


def test_rate_ratio_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="counts"):
        rate_ratio(-1, 1.0, 2, 1.0)
    with pytest.raises(ValueError, match="exposures"):
        rate_ratio(1, -1.0, 2, 1.0)
    with pytest.raises(ValueError, match="level"):
        rate_ratio(1, 1.0, 2, 1.0, level=0.0)


@given(
    x1=st.integers(0, 60),
    x2=st.integers(0, 60),
    t1=st.floats(0.1, 100),
    t2=st.floats(0.1, 100),
)
def test_rate_ratio_interval_contains_estimate(x1: int, x2: int, t1: float, t2: float) -> None:
    r = rate_ratio(x1, t1, x2, t2)
    assert 0.0 <= r.lower <= r.upper
    if r.ratio is not None:
        assert r.lower <= r.ratio * (1 + 1e-9)
        assert r.ratio <= r.upper * (1 + 1e-9)
    if x1 + x2 > 0:
        assert r.lower < r.upper


# --------------------------------------------------------------------------------------------
# Triggers

JUNE_DAYS = range(1, 11)  # 06-01 .. 06-10


def trigger_diary() -> list[EpisodeData]:
    nights = [1, 1, 3, 5, 8, 11, 20]  # 06-11 has an unknown value, 06-20 no context at all
    return [on_night(date(2024, 6, d)) for d in nights]


def contexts(values: dict[str, dict[int, bool | float | None]]) -> list[ContextData]:
    days: dict[int, dict[str, bool | float | None]] = {}
    for factor, per_day in values.items():
        for d, v in per_day.items():
            days.setdefault(d, {})[factor] = v
    return [ContextData(date(2024, 6, d), vals) for d, vals in sorted(days.items())]


def flag(with_days: set[int], days: range = JUNE_DAYS) -> dict[int, bool | float | None]:
    return {d: d in with_days for d in days}


def test_trigger_association_hand_computed() -> None:
    ctx = contexts({"hard_exercise": {**flag({1, 2, 3, 4, 5}), 11: None}})
    a = trigger_association(trigger_diary(), ctx, "hard_exercise")
    # with: 06-01..05 -> episodes on 01 (2), 03, 05 = 4 of 5 nights; without: 06-06..10 -> 08 = 1
    assert (a.nights_with, a.nights_without) == (5, 5)
    assert (a.episodes_with, a.episodes_without) == (4, 1)
    assert (a.rate_with, a.rate_without) == (0.8, 0.2)
    # exactly 5 and 5 nights: reportable; RR = 0.8 / 0.2 = 4
    assert a.reportable
    assert a.ratio == pytest.approx(4.0)
    # 4 of k = 5 with equal exposure: upper p solves 1 - p^5 = 0.025 -> p = 0.975^(1/5);
    # RR upper = p / (1 - p) = 197.0
    p = 0.975**0.2
    assert a.upper == pytest.approx(p / (1 - p))
    lo, _ = clopper_pearson(4, 5)
    assert a.lower == pytest.approx(lo / (1 - lo))
    assert a.lower is not None
    assert a.lower < 4.0
    assert a.note == TRIGGER_NOTE
    assert "summer" in a.note
    assert "not proof of cause" in a.note
    assert a.references == ("R12",)


def test_trigger_needs_min_nights_each_way() -> None:
    ctx = contexts({"hard_exercise": flag({1, 2, 3, 4, 5})})
    # 5/5 with min_nights=6 -> not reportable: ratio and interval withheld, rates still given
    a = trigger_association(trigger_diary(), ctx, "hard_exercise", min_nights=6)
    assert not a.reportable
    assert (a.ratio, a.lower, a.upper) == (None, None, None)
    assert (a.rate_with, a.rate_without) == (0.8, 0.2)
    assert a.note == TRIGGER_NOTE
    # 5 with but only 4 without (06-10 dropped) -> not reportable at the default 5
    ctx4 = contexts({"hard_exercise": flag({1, 2, 3, 4, 5}, range(1, 10))})
    b = trigger_association(trigger_diary(), ctx4, "hard_exercise")
    assert (b.nights_with, b.nights_without, b.reportable, b.ratio) == (5, 4, False, None)


def test_trigger_numeric_threshold() -> None:
    alcohol: dict[int, bool | float | None] = {1: 4.0, 2: 0.0, 3: 2.0, 5: 0, 8: math.nan, 9: None}
    ctx = contexts({"alcohol_units": alcohol})
    # threshold 0: with = 06-01 (2 episodes), 06-03 (1); without = 06-02, 06-05 (1);
    # NaN and None are unknown (06-08, 06-09 not used)
    a = trigger_association(trigger_diary(), ctx, "alcohol_units", min_nights=2)
    assert (a.nights_with, a.episodes_with, a.nights_without, a.episodes_without) == (2, 3, 2, 1)
    assert a.ratio == pytest.approx(3.0)  # (3/2) / (1/2)
    # threshold 2: 2.0 is not > 2 -> with = 06-01 only
    b = trigger_association(trigger_diary(), ctx, "alcohol_units", min_nights=1, threshold=2.0)
    assert (b.nights_with, b.episodes_with, b.nights_without, b.episodes_without) == (1, 2, 3, 2)
    assert b.threshold == 2.0
    assert b.ratio == pytest.approx(3.0)  # (2/1) / (2/3)


def test_trigger_refuses_text_values() -> None:
    ctx = [ContextData(date(2024, 6, 1), cast(Any, {"hard_exercise": "yes"}))]
    with pytest.raises(TypeError):
        trigger_association([], ctx, "hard_exercise")


def test_trigger_empty_diary() -> None:
    a = trigger_association([], [], "hard_exercise")
    assert (a.nights_with, a.nights_without, a.rate_with, a.reportable) == (0, 0, None, False)


def test_all_triggers_order() -> None:
    ctx = contexts(
        {
            "hard_exercise": flag({1, 2, 3, 4, 5}),  # 4 vs 1 -> RR 4
            "cold_night": flag({6, 7, 8, 9, 10}),  # 1 vs 4 -> RR 0.25
            "tight_bedding": flag({1, 3, 5, 8, 9}),  # 5 vs 0 -> unbounded
            "caffeine_drinks": {d: (2.0 if d in {2, 4, 6, 7, 10} else 0.0) for d in JUNE_DAYS},
            "alcohol_units": {1: 3.0, 2: 0.0, 3: 1.0},  # 3 nights: not reportable
        }
    )
    # a reportable factor with no episodes at all: days 06-21 .. 06-30
    ctx += [ContextData(date(2024, 6, d), {"stretched_before_bed": d > 25}) for d in range(21, 31)]
    factors = [
        "alcohol_units",
        "cold_night",
        "stretched_before_bed",
        "caffeine_drinks",
        "hard_exercise",
        "tight_bedding",
    ]
    found = all_triggers(trigger_diary(), ctx, factors)
    assert [a.factor for a in found] == [
        "tight_bedding",  # episodes only with it: first
        "hard_exercise",  # 4.0
        "cold_night",  # 0.25
        "caffeine_drinks",  # 0 with (0/5) vs 5 without -> 0.0
        "stretched_before_bed",  # reportable, no episodes: last of the reportable
        "alcohol_units",  # not reportable
    ]
    assert [a.ratio for a in found[1:4]] == [pytest.approx(4.0), pytest.approx(0.25), 0.0]
    assert found[0].ratio is None
    assert found[0].upper == math.inf
    # a threshold per factor: caffeine > 2 never happens -> 0 nights with -> not reportable
    again = all_triggers(
        trigger_diary(), ctx, ["caffeine_drinks"], thresholds={"caffeine_drinks": 2}
    )
    assert (again[0].nights_with, again[0].reportable) == (0, False)


# --------------------------------------------------------------------------------------------
# Medicine timing

INDAPAMIDE = MedicineData("indapamide", date(2024, 5, 1), None)


def medicine_diary() -> list[EpisodeData]:
    def local(night: date) -> EpisodeData:  # 23:00 local time on the night itself
        return ep(f"{night}T23:00:00+02:00")

    return [
        on_night(date(2024, 4, 2)),  # before_first - 1: outside
        local(date(2024, 4, 3)),  # started_on - 28: the first night before
        on_night(date(2024, 4, 30)),  # started_on - 1: the last night before
        # 03:00 on 05-01 belongs to the night of 04-30 -> before too
        ep("2024-05-01T03:00:00+02:00"),
        local(date(2024, 5, 1)),  # started_on: the first night after
        on_night(date(2024, 5, 10)),
        on_night(date(2024, 5, 10)),
        local(date(2024, 5, 28)),  # started_on + 27: the last night after
        on_night(date(2024, 5, 29)),  # outside
    ]


def test_medicine_timing_window_edges() -> None:
    m = medicine_timing(medicine_diary(), INDAPAMIDE)
    assert m.available
    assert m.medicine == "indapamide"
    assert (m.before_first, m.after_first) == (date(2024, 4, 3), date(2024, 5, 1))
    # before: 04-03, 04-30, 04-30 = 3; after: 05-01, 05-10, 05-10, 05-28 = 4
    assert (m.before, m.after) == (3, 4)
    # equal exposure (28 days each): RR = 4 / 3
    assert m.ratio == pytest.approx(4 / 3)
    r = rate_ratio(4, 28, 3, 28)
    assert m.lower == pytest.approx(r.lower)
    assert m.upper == pytest.approx(r.upper)
    assert (m.after_days, m.complete) == (28, None)
    assert m.note == MEDICINE_NOTE
    assert "Garrison 2012" in m.note
    assert "never stop" in m.note
    assert m.references == ("R11",)


def test_medicine_timing_shorter_window() -> None:
    # 7 days: before 04-24 .. 04-30 (04-30 twice) = 2; after 05-01 .. 05-07 (05-01) = 1
    m = medicine_timing(medicine_diary(), INDAPAMIDE, window_days=7)
    assert (m.before_first, m.before, m.after, m.ratio) == (date(2024, 4, 24), 2, 1, 0.5)
    with pytest.raises(ValueError, match="window_days"):
        medicine_timing([], INDAPAMIDE, window_days=0)


def test_medicine_timing_today_inside_after_window() -> None:
    # today 05-10: the after window covers 05-01 .. 05-10 = 10 days with 3 episodes;
    # RR = (3/10) / (3/28) = 2.8
    m = medicine_timing(medicine_diary(), INDAPAMIDE, today=date(2024, 5, 10))
    assert (m.after, m.after_days, m.complete) == (3, 10, False)
    assert m.ratio == pytest.approx(2.8)
    # today 05-28: the window is complete
    done = medicine_timing(medicine_diary(), INDAPAMIDE, today=date(2024, 5, 28))
    assert (done.after, done.after_days, done.complete) == (4, 28, True)
    # today before the start: nothing after yet, no ratio
    early = medicine_timing(medicine_diary(), INDAPAMIDE, today=date(2024, 4, 20))
    assert (early.after, early.after_days, early.ratio, early.upper) == (0, 0, None, math.inf)


def test_medicine_timing_without_start_or_episodes() -> None:
    m = medicine_timing(medicine_diary(), MedicineData("statin", None, date(2024, 5, 1)))
    assert not m.available
    assert (m.before, m.after, m.ratio, m.lower, m.upper) == (None, None, None, None, None)
    assert m.references == ("R11",)
    empty = medicine_timing([], INDAPAMIDE)
    assert (empty.before, empty.after, empty.ratio) == (0, 0, None)
    assert (empty.lower, empty.upper) == (0.0, math.inf)
