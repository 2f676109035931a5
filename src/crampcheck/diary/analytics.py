"""Diary analytics: pure functions over plain diary records.

Nothing here touches a database, a file or the clock: "today" is always a parameter, so every
result can be checked by hand. Units:

* times are timezone-aware datetimes; a cramp belongs to a diary *night* (see `night_of`);
* durations (``minutes``) are in minutes; severity and sleep disturbance are 0..10 scores;
* frequencies are episodes per week, trigger rates are episodes per night (per context day);
* a severity trend is in score points per week.

Statistics are exact where the numbers are small, as diary numbers are: rate ratios get an
exact (conditional binomial, Clopper–Pearson) confidence interval computed in pure Python.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from crampcheck.engine.alerts import frequent_or_prolonged

__all__ = [
    "DAYS_PER_MONTH",
    "DISTURBED_AT",
    "MEDICINE_NOTE",
    "SIDES",
    "SITES",
    "TRIGGER_NOTE",
    "Association",
    "ContextData",
    "EpisodeData",
    "MedicineData",
    "MedicineTiming",
    "PeriodComparison",
    "RateRatio",
    "Summary",
    "all_triggers",
    "clopper_pearson",
    "diary_frequent_or_prolonged",
    "medicine_timing",
    "night_of",
    "rate_ratio",
    "summary",
    "trigger_association",
]

SITES = frozenset({"calf", "foot", "toes", "shin", "thigh_back", "thigh_front", "hand", "other"})
SIDES = frozenset({"left", "right", "both", "alternating"})
DISTURBED_AT = 3  # an episode with sleep_disturbance >= 3 (of 10) disturbs its night
DAYS_PER_MONTH = 30.44  # mean Gregorian month, in days
COMPARISON_DAYS = 28  # summary(): the last 4 weeks against the 4 weeks before
NIGHT_SHIFT = timedelta(hours=12)

TRIGGER_NOTE = (
    "Cramps roughly double in summer (Garrison 2015), so a trigger that comes with warm weather "
    "can look stronger than it is; this is an association in your own diary, not proof of cause."
)
MEDICINE_NOTE = (
    "This is the idea behind the prescription sequence symmetry analysis of Garrison 2012: "
    "cramps that start after a medicine more often than before it point at the medicine. "
    "A few weeks of one diary can be misled by chance and by the season. Ask your prescriber "
    "or pharmacist; never stop a prescribed medicine on your own."
)
MEDICINE_NO_START = (
    "The start date of this medicine is not known, so before and after cannot be compared."
)


# --------------------------------------------------------------------------------------------
# Records


@dataclass(frozen=True, slots=True)
class EpisodeData:
    """One recorded cramp (validated on construction)."""

    started_at: datetime  # timezone-aware
    site: str  # one of SITES
    side: str | None  # one of SIDES, or None (not recorded)
    minutes: float | None  # duration in minutes, >= 0
    severity: int | None  # 0..10
    sleep_disturbance: int | None  # 0..10 (0 = slept through)

    def __post_init__(self) -> None:
        _require_aware(self.started_at)
        if self.site not in SITES:
            raise ValueError(f"unknown site {self.site!r}; expected one of {sorted(SITES)}")
        if self.side is not None and self.side not in SIDES:
            raise ValueError(f"unknown side {self.side!r}; expected one of {sorted(SIDES)}")
        if self.minutes is not None and not (math.isfinite(self.minutes) and self.minutes >= 0):
            raise ValueError(f"minutes must be a finite number >= 0, not {self.minutes!r}")
        for name in ("severity", "sleep_disturbance"):
            score = getattr(self, name)
            if score is not None and not 0 <= score <= 10:
                raise ValueError(f"{name} must be 0..10, not {score!r}")


@dataclass(frozen=True, slots=True)
class ContextData:
    """What one day was like; it applies to the night that follows (the night of ``day``)."""

    day: date
    values: Mapping[str, bool | float | None]  # e.g. {"hard_exercise": True, "alcohol_units": 4.0}


@dataclass(frozen=True, slots=True)
class MedicineData:
    """A medicine with the dates it was started and stopped (either may be unknown)."""

    name: str
    started_on: date | None
    stopped_on: date | None


# --------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True, slots=True)
class RateRatio:
    """A Poisson rate ratio (x1/t1)/(x2/t2) with an exact confidence interval.

    ``ratio`` is None when it is undefined (x2 == 0 or an exposure is 0). ``lower`` is 0 when
    x1 == 0 and ``upper`` is inf when x2 == 0; with no events at all the interval is (0, inf).
    """

    x1: int
    t1: float
    x2: int
    t2: float
    ratio: float | None
    lower: float
    upper: float
    level: float


@dataclass(frozen=True, slots=True)
class PeriodComparison:
    """Episodes (by night) in the last 28 days against the 28 days before."""

    recent_first: date  # today - 27; the recent period runs recent_first .. today
    previous_first: date  # today - 55; the previous period runs previous_first .. today - 28
    recent: int  # episodes in the recent period
    previous: int  # episodes in the previous period
    difference: int  # recent - previous
    ratio: float | None  # recent / previous; None when previous == 0
    exact: RateRatio  # the same ratio with its exact 95% interval (equal exposure)


@dataclass(frozen=True, slots=True)
class Summary:
    """What a diary says, up to and including the night of ``today``."""

    today: date
    total: int  # episodes whose night is on or before today
    after_today: int  # episodes whose night is after today (left out of everything else)
    first_night: date | None
    last_night: date | None
    span_weeks: float | None  # (today - first_night + 1 day) in weeks, at least 1
    per_week: float | None  # total / span_weeks; None for an empty diary
    weeks: int  # the recent window, in weeks
    per_week_recent: float  # episodes in the last ``weeks`` weeks (by night) / weeks
    median_minutes: float | None  # over episodes with a recorded duration
    longest_minutes: float | None
    mean_severity: float | None  # over episodes with a recorded severity
    severity_slope_per_week: float | None  # least-squares slope, score points per week
    disturbed_nights: int  # distinct nights with an episode of sleep_disturbance >= 3
    by_site: Mapping[str, int]  # most frequent first
    by_side: Mapping[str, int]  # most frequent first; "unknown" for no side recorded
    weekly: tuple[tuple[date, int], ...]  # (Monday, episodes on nights of that week), no gaps
    comparison: PeriodComparison


@dataclass(frozen=True, slots=True)
class Association:
    """Episodes on nights with a factor against nights without it, in one person's diary."""

    factor: str
    threshold: float  # a numeric value > threshold counts as "with"; True counts as "with"
    nights_with: int  # context days with the factor (their nights follow them)
    nights_without: int
    episodes_with: int  # episodes on the nights of those days
    episodes_without: int
    rate_with: float | None  # episodes per night; None with no nights
    rate_without: float | None
    reportable: bool  # at least min_nights nights with and min_nights without
    ratio: float | None  # rate_with / rate_without; None unless reportable (or undefined)
    lower: float | None  # exact interval of the ratio; None unless reportable
    upper: float | None
    level: float
    note: str
    references: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MedicineTiming:
    """Episodes in the window before a medicine was started against the window from the start."""

    medicine: str
    available: bool  # False when the start date is unknown; every count is then None
    window_days: int
    before_first: date | None  # started_on - window_days; before runs to started_on - 1
    after_first: date | None  # started_on; after runs to started_on + window_days - 1
    after_days: int | None  # days of the after window covered (less than window_days if
    #                         ``today`` falls inside it)
    complete: bool | None  # whether the after window is over; None when ``today`` is not given
    before: int | None  # episodes (by night) in the before window
    after: int | None  # episodes (by night) in the after window
    ratio: float | None  # after rate / before rate, per day; None when before == 0
    lower: float | None  # exact 95% interval of the ratio
    upper: float | None
    note: str
    references: tuple[str, ...]


# --------------------------------------------------------------------------------------------
# Nights


def _require_aware(value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"a timezone-aware datetime is needed, not {value.isoformat()}")


def night_of(started_at: datetime) -> date:
    """The diary night of a cramp: the local date of ``started_at`` minus 12 hours.

    A night runs from 12:00 (noon) on its date to 11:59:59 the next day, in the datetime's own
    time zone: a cramp at 03:00 on the 5th and one at 22:00 on the 4th both belong to the night
    of the 4th, one at 13:00 on the 5th to the night of the 5th. Naive datetimes are refused.
    """
    _require_aware(started_at)
    return (started_at - NIGHT_SHIFT).date()


def _nights(episodes: Iterable[EpisodeData]) -> list[date]:
    return [night_of(e.started_at) for e in episodes]


def _count_between(nights: Iterable[date], first: date, last: date) -> int:
    return sum(1 for n in nights if first <= n <= last)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _by_count(counter: Counter[str]) -> dict[str, int]:
    return dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


# --------------------------------------------------------------------------------------------
# Summary


def _slope(points: Sequence[tuple[float, float]]) -> float | None:
    """Least-squares slope of y on x; None with fewer than 2 points or no spread in x."""
    if len(points) < 2:
        return None
    mx = statistics.fmean(x for x, _ in points)
    my = statistics.fmean(y for _, y in points)
    sxx = sum((x - mx) ** 2 for x, _ in points)
    if sxx == 0:
        return None
    return sum((x - mx) * (y - my) for x, y in points) / sxx


def summary(episodes: Iterable[EpisodeData], today: date, weeks: int = 4) -> Summary:
    """Counts, frequencies, durations, severity trend and weekly counts of a diary up to today."""
    if weeks < 1:
        raise ValueError("weeks must be at least 1")
    all_eps = list(episodes)
    pairs = [(night_of(e.started_at), e) for e in all_eps]
    kept = [(n, e) for n, e in pairs if n <= today]
    nights = [n for n, _ in kept]
    eps = [e for _, e in kept]

    first = min(nights) if nights else None
    last = max(nights) if nights else None
    span_weeks = max((today - first).days + 1, 7) / 7 if first is not None else None
    per_week = len(eps) / span_weeks if span_weeks is not None else None
    recent = _count_between(nights, today - timedelta(days=7 * weeks - 1), today)

    minutes = [e.minutes for e in eps if e.minutes is not None]
    severities = [(n, e.severity) for n, e in kept if e.severity is not None]
    slope = (
        _slope([((n - first).days / 7, float(s)) for n, s in severities])
        if first is not None
        else None
    )
    disturbed = {
        n
        for n, e in kept
        if e.sleep_disturbance is not None and e.sleep_disturbance >= DISTURBED_AT
    }

    weekly: list[tuple[date, int]] = []
    if first is not None:
        per_monday = Counter(_monday(n) for n in nights)
        monday = _monday(first)
        while monday <= today:
            weekly.append((monday, per_monday[monday]))
            monday += timedelta(days=7)

    return Summary(
        today=today,
        total=len(eps),
        after_today=len(all_eps) - len(eps),
        first_night=first,
        last_night=last,
        span_weeks=span_weeks,
        per_week=per_week,
        weeks=weeks,
        per_week_recent=recent / weeks,
        median_minutes=float(statistics.median(minutes)) if minutes else None,
        longest_minutes=float(max(minutes)) if minutes else None,
        mean_severity=statistics.fmean(s for _, s in severities) if severities else None,
        severity_slope_per_week=slope,
        disturbed_nights=len(disturbed),
        by_site=_by_count(Counter(e.site for e in eps)),
        by_side=_by_count(Counter(e.side or "unknown" for e in eps)),
        weekly=tuple(weekly),
        comparison=_compare(nights, today),
    )


def _compare(nights: Sequence[date], today: date) -> PeriodComparison:
    recent_first = today - timedelta(days=COMPARISON_DAYS - 1)
    previous_first = today - timedelta(days=2 * COMPARISON_DAYS - 1)
    recent = _count_between(nights, recent_first, today)
    previous = _count_between(nights, previous_first, recent_first - timedelta(days=1))
    return PeriodComparison(
        recent_first=recent_first,
        previous_first=previous_first,
        recent=recent,
        previous=previous,
        difference=recent - previous,
        ratio=recent / previous if previous else None,
        exact=rate_ratio(recent, COMPARISON_DAYS, previous, COMPARISON_DAYS),
    )


# --------------------------------------------------------------------------------------------
# The policy rule on the diary


def diary_frequent_or_prolonged(
    episodes: Iterable[EpisodeData],
    today: date,
    age: int,
    stretches: bool | None,
    relevant_condition: str | None,
) -> list[str] | None:
    """Policy 1.3 ``frequent_or_prolonged`` evaluated on the diary; because strings or None.

    per_week = episodes (by night) in the last 28 days (today - 27 .. today) / 4; minutes = the
    median recorded duration of those episodes (None without durations); months = days from the
    first episode's night to today / 30.44, rounded *down* to one decimal for display (which
    never moves it across the policy's 1-month threshold). Episodes after today are ignored.
    An empty diary gives None.
    """
    nights_eps = [(night_of(e.started_at), e) for e in episodes]
    nights_eps = [(n, e) for n, e in nights_eps if n <= today]
    if not nights_eps:
        return None
    first = min(n for n, _ in nights_eps)
    recent_first = today - timedelta(days=COMPARISON_DAYS - 1)
    recent = [e for n, e in nights_eps if n >= recent_first]
    per_week = len(recent) / 4
    durations = [e.minutes for e in recent if e.minutes is not None]
    minutes = float(statistics.median(durations)) if durations else None
    months = math.floor((today - first).days / DAYS_PER_MONTH * 10) / 10
    because = frequent_or_prolonged(age, per_week, minutes, months, stretches, relevant_condition)
    return None if because is None else [f"diary: {b}" for b in because]


# --------------------------------------------------------------------------------------------
# Exact intervals


_BISECTIONS = 1100  # an upper bound on steps; _root stops long before


def _log_binomial_tail(n: int, lo: int, hi: int) -> Callable[[float], float]:
    """p -> log of sum_{i=lo..hi} C(n, i) p^i (1-p)^(n-i), summed in log space (0 < p < 1)."""
    lg_n = math.lgamma(n + 1)
    log_c = [(i, lg_n - math.lgamma(i + 1) - math.lgamma(n - i + 1)) for i in range(lo, hi + 1)]

    def log_tail(p: float) -> float:
        lp, lq = math.log(p), math.log1p(-p)
        terms = [c + i * lp + (n - i) * lq for i, c in log_c]
        top = max(terms)
        return top + math.log(math.fsum(math.exp(t - top) for t in terms))

    return log_tail


def _root(log_tail: Callable[[float], float], log_target: float, increasing: bool) -> float:
    """The p in (0, 1) where a monotone log tail probability crosses log_target.

    Regula falsi with the Illinois modification, which keeps the root bracketed like bisection
    but needs about ten evaluations of the tail instead of fifty; it stops at an absolute
    precision of 1e-13 in p.
    """
    sign = 1.0 if increasing else -1.0

    def f(p: float) -> float:
        return sign * (log_tail(p) - log_target)

    lo, hi = 1e-300, 1.0 - 1e-16
    f_lo, f_hi = f(lo), f(hi)
    if f_lo >= 0:
        return lo
    if f_hi <= 0:
        return hi
    side = 0
    for _ in range(_BISECTIONS * 2):
        mid = (lo * f_hi - hi * f_lo) / (f_hi - f_lo)
        if not lo < mid < hi:
            mid = (lo + hi) / 2
        f_mid = f(mid)
        if f_mid > 0:
            hi, f_hi = mid, f_mid
            if side == -1:
                f_lo /= 2
            side = -1
        else:
            lo, f_lo = mid, f_mid
            if side == 1:
                f_hi /= 2
            side = 1
        if hi - lo < 1e-13 or f_mid == 0:
            break
    return (lo + hi) / 2


def clopper_pearson(x: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """The exact (Clopper–Pearson) confidence interval of a binomial proportion x of n.

    The lower limit is the p at which P(X >= x) = (1 - level) / 2 (0 when x == 0), the upper
    limit the p at which P(X <= x) = (1 - level) / 2 (1 when x == n). Both are found by
    bisection on the binomial tail, whose terms are summed in log space (``math.lgamma``), so
    the limits are exact to float precision for n up to many thousands. n == 0 gives (0, 1).
    """
    if n < 0 or not 0 <= x <= n:
        raise ValueError(f"need 0 <= x <= n, got x={x}, n={n}")
    if not 0 < level < 1:
        raise ValueError("level must be between 0 and 1")
    if n == 0:
        return 0.0, 1.0
    log_target = math.log((1 - level) / 2)
    lower = 0.0 if x == 0 else _root(_log_binomial_tail(n, x, n), log_target, increasing=True)
    upper = 1.0 if x == n else _root(_log_binomial_tail(n, 0, x), log_target, increasing=False)
    return lower, upper


def rate_ratio(x1: int, t1: float, x2: int, t2: float, level: float = 0.95) -> RateRatio:
    """The Poisson rate ratio (x1/t1)/(x2/t2) with its exact conditional-binomial interval.

    Given k = x1 + x2 events, x1 ~ Binomial(k, p) with p = t1*RR / (t1*RR + t2). The
    Clopper–Pearson limits of p (`clopper_pearson`) map to RR = p / (1 - p) * t2 / t1. The
    lower limit is 0 when x1 == 0 and the upper limit inf when x2 == 0; with k == 0, or an
    exposure of 0, the interval is (0, inf). Exposures t1, t2 are in any one unit (days, nights).
    """
    if x1 < 0 or x2 < 0:
        raise ValueError("event counts must be >= 0")
    if not (t1 >= 0 and t2 >= 0 and math.isfinite(t1) and math.isfinite(t2)):
        raise ValueError("exposures must be finite and >= 0")
    if not 0 < level < 1:
        raise ValueError("level must be between 0 and 1")
    ratio = (x1 / t1) / (x2 / t2) if x2 > 0 and t1 > 0 and t2 > 0 else None
    lower, upper = 0.0, math.inf
    if x1 + x2 > 0 and t1 > 0 and t2 > 0:
        p_lo, p_hi = clopper_pearson(x1, x1 + x2, level)
        if x1 > 0:
            lower = p_lo / (1 - p_lo) * t2 / t1
        if x2 > 0:
            upper = p_hi / (1 - p_hi) * t2 / t1
    return RateRatio(
        x1=x1, t1=float(t1), x2=x2, t2=float(t2), ratio=ratio, lower=lower, upper=upper, level=level
    )


# --------------------------------------------------------------------------------------------
# Triggers


def _with(value: bool | float | None, threshold: float) -> bool | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        if math.isnan(value):
            return None
        return value > threshold
    raise TypeError(f"a context value must be a bool, a number or None, not {value!r}")


def _night_counts(episodes: Iterable[EpisodeData]) -> Counter[date]:
    return Counter(_nights(episodes))


def _associate(
    per_night: Counter[date],
    contexts: Iterable[ContextData],
    factor: str,
    min_nights: int,
    threshold: float,
) -> Association:
    if min_nights < 0:
        raise ValueError("min_nights must be >= 0")
    status: dict[date, bool] = {}
    for ctx in contexts:
        known = _with(ctx.values.get(factor), threshold)
        if known is not None:
            status[ctx.day] = known  # a later record of the same day wins
    with_days = [d for d, w in status.items() if w]
    without_days = [d for d, w in status.items() if not w]
    ep_with = sum(per_night[d] for d in with_days)
    ep_without = sum(per_night[d] for d in without_days)
    reportable = len(with_days) >= min_nights and len(without_days) >= min_nights
    rr = rate_ratio(ep_with, len(with_days), ep_without, len(without_days))
    return Association(
        factor=factor,
        threshold=threshold,
        nights_with=len(with_days),
        nights_without=len(without_days),
        episodes_with=ep_with,
        episodes_without=ep_without,
        rate_with=ep_with / len(with_days) if with_days else None,
        rate_without=ep_without / len(without_days) if without_days else None,
        reportable=reportable,
        ratio=rr.ratio if reportable else None,
        lower=rr.lower if reportable else None,
        upper=rr.upper if reportable else None,
        level=rr.level,
        note=TRIGGER_NOTE,
        references=("R12",),
    )


def trigger_association(
    episodes: Iterable[EpisodeData],
    contexts: Iterable[ContextData],
    factor: str,
    min_nights: int = 5,
    threshold: float = 0.0,
) -> Association:
    """Episodes per night after days with ``factor`` against days without it, with exact CI.

    The nights are the context days with a known value for ``factor``: True/False for a flag,
    or a number where value > ``threshold`` counts as "with". Episodes are counted on the night
    (`night_of`) of those days; episodes on nights without a known value are not used. The
    ratio and its interval are given only when ``reportable``: at least ``min_nights`` nights
    with and ``min_nights`` nights without.
    """
    return _associate(_night_counts(episodes), contexts, factor, min_nights, threshold)


def _rank(a: Association) -> tuple[int, float]:
    if not a.reportable:
        return (1, 0.0)
    if a.ratio is not None:
        return (0, -a.ratio)
    # No episodes on nights without: an unbounded ratio if there were any with, else nothing.
    return (0, -math.inf) if a.episodes_with > 0 else (0, 1.0)


def all_triggers(
    episodes: Iterable[EpisodeData],
    contexts: Iterable[ContextData],
    factors: Sequence[str],
    min_nights: int = 5,
    thresholds: Mapping[str, float] | None = None,
) -> list[Association]:
    """`trigger_association` for each factor: reportable first by ratio descending, then the rest.

    A reportable factor with episodes only on nights with it (an unbounded ratio) comes first;
    one with no episodes at all comes last among the reportable. Ties keep the factors' order.
    """
    per_night = _night_counts(episodes)
    ctx = list(contexts)
    limits = thresholds or {}
    found = [_associate(per_night, ctx, f, min_nights, limits.get(f, 0.0)) for f in factors]
    return sorted(found, key=_rank)


# --------------------------------------------------------------------------------------------
# Medicines


def medicine_timing(
    episodes: Iterable[EpisodeData],
    medicine: MedicineData,
    window_days: int = 28,
    today: date | None = None,
) -> MedicineTiming:
    """Episodes in the ``window_days`` before a medicine was started against those after.

    Before: nights started_on - window_days .. started_on - 1; after: nights started_on ..
    started_on + window_days - 1. The ratio is the after rate over the before rate (per day)
    with its exact interval (`rate_ratio`). If ``today`` is given and falls inside the after
    window, the after exposure is shortened to the days up to today (``complete`` is False).
    ``stopped_on`` is not used. Without a start date nothing is compared (``available`` False).
    """
    if window_days < 1:
        raise ValueError("window_days must be at least 1")
    start = medicine.started_on
    if start is None:
        return MedicineTiming(
            medicine=medicine.name,
            available=False,
            window_days=window_days,
            before_first=None,
            after_first=None,
            after_days=None,
            complete=None,
            before=None,
            after=None,
            ratio=None,
            lower=None,
            upper=None,
            note=MEDICINE_NO_START,
            references=("R11",),
        )
    window = timedelta(days=window_days)
    before_first = start - window
    after_last = start + window - timedelta(days=1)
    after_days = window_days
    complete: bool | None = None
    if today is not None:
        complete = today >= after_last
        if not complete:
            after_last = today
            after_days = max(0, (today - start).days + 1)
    nights = _nights(episodes)
    before = _count_between(nights, before_first, start - timedelta(days=1))
    after = _count_between(nights, start, after_last)
    rr = rate_ratio(after, after_days, before, window_days)
    return MedicineTiming(
        medicine=medicine.name,
        available=True,
        window_days=window_days,
        before_first=before_first,
        after_first=start,
        after_days=after_days,
        complete=complete,
        before=before,
        after=after,
        ratio=rr.ratio,
        lower=rr.lower,
        upper=rr.upper,
        note=MEDICINE_NOTE,
        references=("R11",),
    )
