"""The dashboard's statistics against figures worked out by hand (see each test's comment)."""

from __future__ import annotations

import math
import re

import pytest

from hq.dashboard import stats
from hq.dashboard.stats import (
    FactorRow,
    compare,
    factor_rows,
    net_easy_interval,
    newcombe,
    priorities,
    summarise,
    t_quantile,
    wilson,
)

# 20 answers on CES 2.0: 14 easy (5-7), 2 neutral (4), 4 difficult (1-3).
COUNTS = {1: 2, 2: 1, 3: 1, 4: 2, 5: 2, 6: 4, 7: 8}


def test_summary_of_known_answers() -> None:
    s = summarise("ces7", COUNTS)
    assert (s.n, s.easy, s.neutral, s.difficult) == (20, 14, 2, 4)
    assert s.pct_easy == pytest.approx(70.0)
    assert s.pct_difficult == pytest.approx(20.0)
    assert s.net_easy == pytest.approx(50.0)
    # (2*1 + 1*2 + 1*3 + 2*4 + 2*5 + 4*6 + 8*7) / 20 = 105 / 20
    assert s.mean == pytest.approx(5.25)
    # Wilson, 14 of 20: the textbook [0.481, 0.855].
    assert s.easy_ci is not None
    assert (s.easy_ci.low, s.easy_ci.high) == pytest.approx((48.10, 85.45), abs=0.01)
    # Sum of squared deviations 81.75, s^2 = 81.75/19, se = sqrt(s^2/20) = 0.46382;
    # Student's t, 19 df: 2.093024 * 0.46382 = 0.97080.
    assert s.mean_ci is not None
    assert (s.mean_ci.low, s.mean_ci.high) == pytest.approx((4.2792, 6.2208), abs=1e-3)
    # Adjusted Wald: p_e = 15/22, p_d = 5/22, centre 10/22 = 0.454545; Var = (20/22 -
    # 0.454545^2) / 22 = 0.0319309; half-width 1.959964 * 0.178692 = 0.350230.
    assert s.net_easy_ci is not None
    assert (s.net_easy_ci.low, s.net_easy_ci.high) == pytest.approx((10.43, 80.48), abs=0.01)
    assert s.too_few  # 20 < 30
    assert s.counts == COUNTS


def test_ces1_runs_the_other_way() -> None:
    # CES 1.0: 1-2 is easy (low effort), 4-5 difficult.
    s = summarise("ces5", {1: 30, 2: 10, 3: 5, 4: 3, 5: 2})
    assert (s.easy, s.neutral, s.difficult) == (40, 5, 5)
    assert s.pct_easy == pytest.approx(80.0)
    assert s.net_easy == pytest.approx(70.0)
    assert not s.too_few


def test_smileys_map_onto_the_same_bands() -> None:
    s = summarise("smiley5", {5: 6, 4: 2, 3: 1, 2: 0, 1: 1})
    assert (s.easy, s.neutral, s.difficult) == (8, 1, 1)


def test_no_answers_gives_no_figures_rather_than_zeros() -> None:
    s = summarise("ces7", {})
    assert s.n == 0
    assert s.pct_easy is None and s.mean is None and s.easy_ci is None  # noqa: PT018
    assert s.counts == dict.fromkeys(range(1, 8), 0)


def test_one_answer_has_a_share_interval_but_no_mean_interval() -> None:
    s = summarise("ces7", {7: 1})
    assert s.pct_easy == 100.0
    assert s.easy_ci is not None and s.easy_ci.high == pytest.approx(100.0)  # noqa: PT018
    assert s.mean_ci is None


def test_wilson_stays_inside_0_to_100() -> None:
    for k, n in ((0, 1), (0, 50), (50, 50), (1, 1000)):
        ci = wilson(k, n)
        assert ci is not None
        assert 0.0 <= ci.low <= ci.high <= 100.0
    assert wilson(0, 0) is None


def _factor_counts(scale_up: int = 1) -> list[tuple[str | None, int, int]]:
    # (factor, score, count): price 10 difficult + 5 easy, service 6 + 14, ease 2 + 18,
    # reputation 0 + 10, and 2 difficult answers without a factor.
    base = [
        ("price", 2, 10),
        ("price", 6, 5),
        ("service", 1, 6),
        ("service", 7, 14),
        ("ease", 3, 2),
        ("ease", 5, 18),
        ("reputation", 6, 10),
        (None, 1, 2),
    ]
    return [(f, s, c * scale_up) for f, s, c in base]


def test_factor_rows_split_choosers_into_bands() -> None:
    rows = {r.factor: r for r in factor_rows("ces7", _factor_counts())}
    price = rows["price"]
    assert (price.chosen, price.easy, price.difficult) == (15, 5, 10)
    assert price.pct_difficult == pytest.approx(100 * 10 / 15)
    assert price.pct_of_answers == pytest.approx(100 * 15 / 67)
    assert rows[stats.NO_FACTOR].chosen == 2
    # Most chosen first, "no factor" last.
    ordered = [r.factor for r in factor_rows("ces7", _factor_counts())]
    assert ordered[-1] == stats.NO_FACTOR
    assert ordered[0] in ("service", "ease")


def test_priorities_rank_by_share_of_difficult_answers() -> None:
    ranked = priorities(factor_rows("ces7", _factor_counts()))
    # 20 difficult answers: price names 10 (50%), service 6 (30%), ease 2 (10%); reputation
    # none, so it is not ranked; the 2 without a factor count in the total only.
    assert [(p.rank, p.factor) for p in ranked] == [(1, "price"), (2, "service"), (3, "ease")]
    assert [p.share for p in ranked] == pytest.approx([50.0, 30.0, 10.0])
    assert ranked[0].difficult_total == 20
    assert ranked[0].pct_difficult == pytest.approx(66.667, abs=1e-3)
    assert ranked[0].pct_difficult_overall == pytest.approx(100 * 20 / 67)
    # 10 vs 6 of 20 (score test): z = (10 - 6) / sqrt(10 + 6) = 1.0, within noise.
    assert ranked[0].ahead_of_next is False
    assert ranked[-1].ahead_of_next is None
    assert ranked[0].too_few  # 20 difficult answers < 30


def test_with_ten_times_the_answers_the_lead_is_clear() -> None:
    ranked = priorities(factor_rows("ces7", _factor_counts(scale_up=10)))
    # z = 40 / sqrt(160) = 3.16 and, service vs ease, 40 / sqrt(80) = 4.47.
    assert [p.ahead_of_next for p in ranked] == [True, True, None]
    assert not ranked[0].too_few


def test_no_difficult_answers_means_no_priorities() -> None:
    assert priorities(factor_rows("ces7", [("price", 7, 40)])) == []


def test_a_tie_in_share_goes_to_the_factor_found_difficult_more_often() -> None:
    rows = [
        FactorRow("a", 40, 30, 0, 10, 50.0, 75.0, 25.0),
        FactorRow("b", 20, 10, 0, 10, 25.0, 50.0, 50.0),
    ]
    assert [p.factor for p in priorities(rows)] == ["b", "a"]


def test_before_and_after_beyond_noise() -> None:
    before = summarise("ces7", {6: 60, 2: 40})
    after = summarise("ces7", {6: 75, 2: 25})
    change = compare(before, after)
    # 60% -> 75%: pooled p = 0.675, se = sqrt(0.675 * 0.325 * 0.02) = 0.06624,
    # z = 0.15 / 0.06624 = 2.2645, two-sided p = 0.0235.
    assert change.change == pytest.approx(15.0)
    assert change.p_value == pytest.approx(0.0235, abs=2e-4)
    assert change.significant
    # Newcombe from the Wilson limits 60/100 [0.502003, 0.690599] and 75/100 [0.656955,
    # 0.824548]: 0.15 - sqrt(0.093045^2 + 0.090599^2) = 0.020133 and
    # 0.15 + sqrt(0.074548^2 + 0.097997^2) = 0.273129.
    assert change.change_ci is not None
    assert (change.change_ci.low, change.change_ci.high) == pytest.approx((2.01, 27.31), abs=0.01)
    assert change.mean_change == pytest.approx(0.6)


def test_a_small_change_is_noise() -> None:
    change = compare(summarise("ces7", {6: 60, 2: 40}), summarise("ces7", {6: 65, 2: 35}))
    # z = 0.05 / sqrt(0.625 * 0.375 * 0.02) = 0.73, p = 0.465.
    assert change.p_value == pytest.approx(0.465, abs=1e-3)
    assert not change.significant


def test_too_few_answers_is_never_significant() -> None:
    change = compare(summarise("ces7", {6: 2, 2: 8}), summarise("ces7", {6: 10}))
    assert change.p_value is not None and change.p_value < 0.05  # noqa: PT018
    assert not change.significant


def test_nothing_after_yet() -> None:
    change = compare(summarise("ces7", {6: 50}), summarise("ces7", {}))
    assert change.change is None and not change.significant  # noqa: PT018


def test_scales_are_never_compared_with_each_other() -> None:
    with pytest.raises(ValueError, match="same scale"):
        compare(summarise("ces7", {6: 1}), summarise("ces5", {1: 1}))


def test_the_dashboard_says_everything_in_both_languages() -> None:
    from hq.dashboard.webtexts import EN, NL

    assert set(EN) == set(NL)
    for key, english in EN.items():
        assert set(re.findall(r"{\w+}", english)) == set(re.findall(r"{\w+}", NL[key])), key


# --- methods that stay honest for small n and at the edges (issue 13) ---------------------


@pytest.mark.parametrize(
    ("df", "expected"),
    [
        # Student's t at 0.975, from the printed tables.
        (1, 12.7062),
        (2, 4.3027),
        (3, 3.1824),
        (5, 2.5706),
        (11, 2.2010),
        (19, 2.0930),
        (30, 2.0423),
        (100, 1.9840),
        (1000, 1.9623),
        (math.inf, 1.9600),
    ],
)
def test_t_quantile_matches_the_tables(df: float, expected: float) -> None:
    assert t_quantile(0.975, df) == pytest.approx(expected, abs=5e-5)


def test_t_quantile_series_agrees_with_the_exact_distribution_where_they_meet() -> None:
    # Just below CORNISH_FISHER_DF Newton solves the exact distribution function; just
    # above, the series is used: the two must meet without a step.
    below = t_quantile(0.975, stats.CORNISH_FISHER_DF - 1)
    at = t_quantile(0.975, stats.CORNISH_FISHER_DF)
    assert below > at
    # The series' first two terms' change from 99 to 100 df: 2.3716 * (1/99 - 1/100) +
    # 2.8226 * (1/99^2 - 1/100^2) = 2.396e-4 + 5.7e-6.
    assert below - at == pytest.approx(2.453e-4, abs=2e-6)
    assert stats._t_cdf(at, stats.CORNISH_FISHER_DF) == pytest.approx(0.975, abs=1e-10)


def test_t_quantile_elsewhere_in_the_tables() -> None:
    assert t_quantile(0.995, 1) == pytest.approx(63.6567, abs=5e-5)
    assert t_quantile(0.995, 5) == pytest.approx(4.0321, abs=5e-5)
    assert t_quantile(0.995, 30) == pytest.approx(2.7500, abs=5e-5)
    assert t_quantile(0.9, 4) == pytest.approx(1.5332, abs=5e-5)
    assert t_quantile(0.025, 5) == pytest.approx(-2.5706, abs=5e-5)
    assert t_quantile(0.5, 7) == 0.0
    with pytest.raises(ValueError, match="p must"):
        t_quantile(1.0, 5)


def test_a_small_groups_mean_uses_students_t() -> None:
    # The case: 12 answers, 2x1, 4, 4x5, 5x6: mean 56/12 = 4.6667, squared
    # deviations 36.667, s^2 = 3.3333, se = sqrt(3.3333 / 12) = 0.52705. The normal half-width
    # 1.959964 * 0.52705 = 1.0330 gave [3.63 - 5.70]; t (11 df) 2.200985 * 0.52705 = 1.1600.
    s = summarise("ces7", {1: 2, 4: 1, 5: 4, 6: 5})
    assert s.mean_ci is not None
    assert (s.mean_ci.low, s.mean_ci.high) == pytest.approx((3.5066, 5.8267), abs=1e-3)


def test_net_easy_of_all_easy_answers_is_not_certain() -> None:
    # 18 answers, all 7 (the store): adjusted Wald with p_e = 19/20, p_d = 1/20:
    # centre 0.9, Var = (1.0 - 0.81) / 20 = 0.0095, half-width 1.959964 * 0.097468 = 0.19103.
    s = summarise("ces7", {7: 18})
    assert s.net_easy == pytest.approx(100.0)
    assert s.net_easy_ci is not None
    assert s.net_easy_ci.high == pytest.approx(100.0)
    assert s.net_easy_ci.low == pytest.approx(70.90, abs=0.01)
    # And % easy: Wilson's lower limit for 18 of 18 is z^2 / (n + z^2) away from 1.
    assert s.easy_ci is not None
    assert (s.easy_ci.low, s.easy_ci.high) == pytest.approx((82.41, 100.0), abs=0.01)


def test_a_mean_of_identical_answers_is_not_certain() -> None:
    # Every answer the same score v: t's interval has zero width. The share of answers that
    # could differ is at most Wilson's upper limit for 0 of n, z^2 / (n + z^2), and each of
    # those at most the scale's far end: v - (v - lowest) * u .. v + (highest - v) * u.
    # 18 x 7 (the store): u = 3.841459 / 21.841459 = 0.175879, 7 - 6u = 5.944725.
    # 2 x 7: u = 3.841459 / 5.841459 = 0.657620, 7 - 6u = 3.054281.
    # 5 x 4: u = 3.841459 / 8.841459 = 0.434482, 4 -/+ 3u; CES 1.0 5 x 1: 1 + 4u = 2.737930.
    for scale, counts, expected in (
        ("ces7", {7: 18}, (5.9447, 7.0)),
        ("ces7", {7: 2}, (3.0543, 7.0)),
        ("ces7", {4: 5}, (2.6966, 5.3034)),
        ("ces5", {1: 5}, (1.0, 2.7379)),
    ):
        ci = summarise(scale, counts).mean_ci
        assert ci is not None
        assert (ci.low, ci.high) == pytest.approx(expected, abs=1e-4), counts


def test_the_means_interval_stays_on_the_scale() -> None:
    # 6 and 7: mean 6.5, s^2 = 0.5, se = 0.5, t (1 df) 12.7062 * 0.5: [0.147 - 12.853],
    # clamped to the scale's 1 - 7.
    ci = summarise("ces7", {6: 1, 7: 1}).mean_ci
    assert ci is not None
    assert (ci.low, ci.high) == (1.0, 7.0)
    # 17 x 7 and a 6: mean 125/18 = 6.944444, squared deviations 306/324, s^2 = 0.0555556,
    # se = sqrt(s^2 / 18) = 0.0555556; t (17 df) 2.109816 * se = 0.117212: [6.8272 - 7.0617],
    # its top clamped to 7.
    ci = summarise("ces7", {6: 1, 7: 17}).mean_ci
    assert ci is not None
    assert (ci.low, ci.high) == pytest.approx((6.8272, 7.0), abs=1e-4)


def test_net_easy_interval_is_symmetric_and_inside_the_range() -> None:
    for easy, difficult, n in ((0, 18, 18), (0, 0, 5), (1, 0, 1), (500, 499, 1000)):
        ci = net_easy_interval(easy, difficult, n)
        assert ci is not None
        assert -100.0 <= ci.low < ci.high <= 100.0
        net = (easy - difficult) / n * 100
        assert ci.low <= net <= ci.high
    low = net_easy_interval(0, 18, 18)
    high = net_easy_interval(18, 0, 18)
    assert low is not None and high is not None  # noqa: PT018
    assert (low.low, low.high) == pytest.approx((-high.high, -high.low))
    assert net_easy_interval(0, 0, 0) is None


def test_newcombe_matches_the_published_example() -> None:
    # Newcombe (1998), Statistics in Medicine 17:873, table II: 56/70 vs 48/80,
    # method 10: [0.0524, 0.3339].
    ci = newcombe(48, 80, 56, 70)
    assert ci is not None
    assert (ci.low, ci.high) == pytest.approx((5.24, 33.39), abs=0.01)


def test_a_change_between_tiny_groups_is_wide_not_zero() -> None:
    # 2/2 before, 3/3 after: Wilson 2/2 is [0.342380, 1], 3/3 [0.438503, 1]; Newcombe:
    # 0 - sqrt((1 - 0.438503)^2 + 0) and 0 + sqrt(0 + (1 - 0.342380)^2).
    change = compare(summarise("ces7", {7: 2}), summarise("ces7", {7: 3}))
    assert change.change == pytest.approx(0.0)
    assert change.change_ci is not None
    assert (change.change_ci.low, change.change_ci.high) == pytest.approx((-56.15, 65.76), abs=0.01)
    assert not change.significant


def test_a_lead_the_wald_test_would_call_is_within_noise_by_the_score_test() -> None:
    # 40 difficult answers: a names 25, b 13, c 2. Wald: z = 12 / sqrt(38 - 12^2 / 40) =
    # 2.046 (p = 0.041, "yes"); score test: z = 12 / sqrt(38) = 1.947, p = 0.052.
    rows = [
        FactorRow("a", 25, 0, 0, 25, 0.0, 0.0, 100.0),
        FactorRow("b", 13, 0, 0, 13, 0.0, 0.0, 100.0),
        FactorRow("c", 2, 0, 0, 2, 0.0, 0.0, 100.0),
    ]
    ranked = priorities(rows)
    assert [p.factor for p in ranked] == ["a", "b", "c"]
    # b vs c: 11 / sqrt(15) = 2.84, clearly ahead.
    assert [p.ahead_of_next for p in ranked] == [False, True, None]
    # One more for a: 13 / sqrt(39) = 2.08, ahead.
    rows[0] = FactorRow("a", 26, 0, 0, 26, 0.0, 0.0, 100.0)
    assert priorities(rows)[0].ahead_of_next is True
