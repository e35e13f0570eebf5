"""The dashboard's statistics against figures worked out by hand (see each test's comment)."""

from __future__ import annotations

import re

import pytest

from hq.dashboard import stats
from hq.dashboard.stats import FactorRow, compare, factor_rows, priorities, summarise, wilson

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
    # Sum of squared deviations 81.75, s^2 = 81.75/19, se = sqrt(s^2/20) = 0.46382.
    assert s.mean_ci is not None
    assert (s.mean_ci.low, s.mean_ci.high) == pytest.approx((4.3409, 6.1591), abs=1e-3)
    # Var = (0.7 + 0.2 - 0.5^2) / 20 = 0.0325; half-width 1.96 * 0.18028 = 0.3533.
    assert s.net_easy_ci is not None
    assert (s.net_easy_ci.low, s.net_easy_ci.high) == pytest.approx((14.67, 85.33), abs=0.01)
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
    # 50% vs 30% of 20: z = 0.2 / sqrt((0.8 - 0.04) / 20) = 1.03, within noise.
    assert ranked[0].ahead_of_next is False
    assert ranked[-1].ahead_of_next is None
    assert ranked[0].too_few  # 20 difficult answers < 30


def test_with_ten_times_the_answers_the_lead_is_clear() -> None:
    ranked = priorities(factor_rows("ces7", _factor_counts(scale_up=10)))
    # z = 1.03 * sqrt(10) = 3.24 and, service vs ease, 1.49 * sqrt(10) = 4.71.
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
    # Unpooled half-width 1.96 * sqrt(0.24/100 + 0.1875/100) = 12.82 points.
    assert change.change_ci is not None
    assert (change.change_ci.low, change.change_ci.high) == pytest.approx((2.18, 27.82), abs=0.01)
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
