"""The duration histogram of the journey report: buckets √2 apart and the median read from them."""

from __future__ import annotations

from collections import Counter

import pytest

from partners.logic.journey import BUCKETS, bucket_bounds, bucket_of, median_hours


@pytest.mark.parametrize("hours", [0, 0.5, 1, 1.41, 1.42, 2, 3, 8, 24, 24 * 30, 24 * 365, 2**16, 2**20])
def test_a_duration_falls_in_the_bucket_whose_bounds_hold_it(hours: float) -> None:
    bucket = bucket_of(hours)
    lower, upper = bucket_bounds(bucket)
    assert 0 <= bucket < BUCKETS
    assert lower <= hours
    assert upper is None or hours < upper


def test_exact_powers_of_two_open_their_bucket() -> None:
    assert [bucket_of(2.0**k) for k in range(5)] == [1, 3, 5, 7, 9]
    assert bucket_of(0.999) == 0
    assert bucket_of(2**16) == BUCKETS - 1 == bucket_of(10**9)


def test_an_empty_histogram_has_no_median() -> None:
    assert median_hours({}) is None
    assert median_hours({3: 0}) is None


@pytest.mark.parametrize(
    "durations",
    [[5], [10, 20], [1, 2, 3, 4, 100], [0.2, 0.3, 0.4], [48] * 10 + [1000], [24 * n for n in range(1, 60)]],
)
def test_the_median_is_within_a_bucket_of_the_true_median(durations: list[float]) -> None:
    counts = Counter(bucket_of(hours) for hours in durations)
    ordered = sorted(durations)
    low, high = ordered[(len(ordered) - 1) // 2], ordered[len(ordered) // 2]
    median = median_hours(counts)
    assert median is not None
    # within the buckets of the middle values: a factor √2 of them at most (or under the first hour)
    assert low / 2**0.5 <= median <= max(high * 2**0.5, 1)


def test_the_overflow_bucket_answers_its_lower_bound() -> None:
    assert median_hours({BUCKETS - 1: 3}) == float(2**16)
