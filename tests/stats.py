"""Pearson's chi-square goodness-of-fit test, for tests that check a seeded draw against the
distribution it was configured with.

``chi_square_sf`` is the survival function of the chi-square distribution: the regularized
upper incomplete gamma function Q(df/2, x/2), by its power series below a + 1 and its
continued fraction above (both converge fast there). tests/test_stats.py checks it against
published table values.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = ["chi_square", "chi_square_sf", "pool"]

_EPS = 1e-15
_MAX_TERMS = 10_000


def _lower_series(a: float, x: float) -> float:
    """P(a, x) by its power series."""
    term = total = 1.0 / a
    n = a
    for _ in range(_MAX_TERMS):
        n += 1
        term *= x / n
        total += term
        if abs(term) < abs(total) * _EPS:
            break
    return total * math.exp(-x + a * math.log(x) - math.lgamma(a))


def _upper_fraction(a: float, x: float) -> float:
    """Q(a, x) by its continued fraction (modified Lentz)."""
    tiny = 1e-300
    b = x + 1 - a
    c = 1 / tiny
    d = 1 / b
    h = d
    for i in range(1, _MAX_TERMS):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        delta = d * c
        h *= delta
        if abs(delta - 1) < _EPS:
            break
    return h * math.exp(-x + a * math.log(x) - math.lgamma(a))


def chi_square_sf(statistic: float, df: int) -> float:
    """P(X >= statistic) for X chi-square distributed with ``df`` degrees of freedom."""
    if df < 1:
        raise ValueError(f"df must be at least 1, got {df}")
    if statistic <= 0:
        return 1.0
    a, x = df / 2, statistic / 2
    if x < a + 1:
        return max(0.0, 1.0 - _lower_series(a, x))
    return _upper_fraction(a, x)


def pool(
    observed: Sequence[int], expected: Sequence[float], minimum: float = 5.0
) -> tuple[list[int], list[float]]:
    """Merge adjacent cells until every expected count is at least ``minimum`` (the usual
    condition for the chi-square approximation); a short last group joins the one before."""
    obs: list[int] = []
    exp: list[float] = []
    o_run, e_run = 0, 0.0
    for o, e in zip(observed, expected, strict=True):
        o_run += o
        e_run += e
        if e_run >= minimum:
            obs.append(o_run)
            exp.append(e_run)
            o_run, e_run = 0, 0.0
    if e_run > 0 or o_run:
        if not exp:
            return [o_run], [e_run]
        obs[-1] += o_run
        exp[-1] += e_run
    return obs, exp


def chi_square(observed: Sequence[int], expected: Sequence[float]) -> tuple[float, int, float]:
    """(statistic, degrees of freedom, p-value) of observed counts against expected counts
    (same total), after pooling cells expected below 5."""
    obs, exp = pool(observed, expected)
    if len(obs) < 2:
        raise ValueError("fewer than two cells after pooling: too few observations")
    statistic = sum((o - e) ** 2 / e for o, e in zip(obs, exp, strict=True))
    df = len(obs) - 1
    return statistic, df, chi_square_sf(statistic, df)
