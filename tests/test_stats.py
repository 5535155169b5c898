"""The chi-square helper the distribution tests rely on, against published table values."""

from __future__ import annotations

import pytest

from tests.stats import chi_square, chi_square_sf, pool

# Critical values x with P(X >= x) = p (NIST/SEMATECH e-Handbook, table 1.3.6.7.4).
TABLE = [
    (1, 0.05, 3.841),
    (1, 0.01, 6.635),
    (2, 0.05, 5.991),
    (5, 0.05, 11.070),
    (5, 0.01, 15.086),
    (10, 0.05, 18.307),
    (10, 0.01, 23.209),
    (11, 0.05, 19.675),
    (20, 0.10, 28.412),
    (30, 0.95, 18.493),
    (50, 0.05, 67.505),
    (100, 0.01, 135.807),
]


@pytest.mark.parametrize(("df", "p", "x"), TABLE)
def test_survival_function_matches_the_table(df: int, p: float, x: float) -> None:
    assert chi_square_sf(x, df) == pytest.approx(p, abs=5e-4)


def test_two_degrees_of_freedom_is_an_exponential() -> None:
    # For df = 2, P(X >= x) = exp(-x/2) exactly.
    import math

    for x in (0.1, 1.0, 4.0, 9.0, 30.0):
        assert chi_square_sf(x, 2) == pytest.approx(math.exp(-x / 2), rel=1e-12)


def test_pooling_merges_small_cells_into_the_next() -> None:
    assert pool([1, 2, 10, 1], [1.0, 4.5, 9.0, 0.5]) == ([3, 11], [5.5, 9.5])


def test_a_sample_far_from_the_expectation_is_rejected() -> None:
    statistic, df, p = chi_square([90, 10], [50.0, 50.0])
    assert (statistic, df) == (64.0, 1)
    assert p < 1e-10
