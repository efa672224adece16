"""BM25F scoring against values computed by hand (k1 = 1.2, b = 0.75, title ×3,
keywords ×2, body ×1), step by step in the comments."""

from __future__ import annotations

import math

import pytest
from eventdesk.knowledge.ranking import K1, WEIGHTS, B, idf, rank

APPROX = {"rel": 1e-6}


def test_the_constants_are_the_documented_ones():
    assert (K1, B, WEIGHTS) == (1.2, 0.75, (3.0, 2.0, 1.0))


def test_idf_is_lucenes_never_negative_form():
    # ln(1 + (N − n + 0.5) / (n + 0.5))
    assert idf(10, 1) == pytest.approx(math.log(1 + 9.5 / 1.5), **APPROX)  # 1.992430
    assert idf(3, 3) == pytest.approx(math.log(1 + 0.5 / 3.5), **APPROX)  # 0.133531
    assert idf(1000, 1000) > 0


def test_one_term_a_title_match_beats_two_body_mentions_in_a_longer_body():
    # a: "vpn" once in a 4-term title; body of 20 terms. b: twice in a 40-term body, title of 2.
    # Averages over the 2 matching articles: title 3, body 30 (neither has keywords).
    # a: tf~ = 3·1 / (0.25 + 0.75·4/3) = 3 / 1.25 = 2.4, saturated 2.4·2.2 / 3.6 = 1.466667
    # b: tf~ = 1·2 / (0.25 + 0.75·40/30) = 2 / 1.25 = 1.6, saturated 1.6·2.2 / 2.8 = 1.257143
    # One term: the score is the saturation over its maximum, k1 + 1 = 2.2 (the idf cancels).
    scored = rank(
        ["vpn"],
        {"vpn": {"a": (1, 0, 0), "b": (0, 0, 2)}},
        {"a": (4, 0, 20), "b": (2, 0, 40)},
    )
    assert scored["a"].score == pytest.approx(1.466667 / 2.2, rel=1e-5)  # 0.666667
    assert scored["b"].score == pytest.approx(1.257143 / 2.2, rel=1e-5)  # 0.571429


def test_two_terms_of_equal_rarity_an_article_with_both_comes_first():
    # Terms "vpn" and "sleep", each in 2 of the 3 matching articles: idf = ln(1 + 1.5/2.5)
    # = ln 1.6 for both, so the maximum is 2 · ln 1.6 · 2.2 and the idf cancels again.
    # Averages over the articles that have the field: title (4 + 2 + 2)/3 = 8/3,
    # keywords 2/1 = 2 (only c has keywords), body (20 + 40 + 30)/3 = 30.
    # a: vpn in title: tf~ = 3 / (0.25 + 0.75·4/(8/3)) = 3 / 1.375 = 2.181818 → 1.419355
    # b: vpn twice in body: tf~ = 2 / 1.25 = 1.6 → 1.257143; sleep once: 1 / 1.25 = 0.8 → 0.88
    # c: sleep in keywords: tf~ = 2 / (0.25 + 0.75·2/2) = 2 → 2·2.2 / (1.2 + 2) = 1.375
    scored = rank(
        ["vpn", "sleep"],
        {
            "vpn": {"a": (1, 0, 0), "b": (0, 0, 2)},
            "sleep": {"b": (0, 0, 1), "c": (0, 1, 0)},
        },
        {"a": (4, 0, 20), "b": (2, 0, 40), "c": (2, 2, 30)},
    )
    assert scored["a"].score == pytest.approx(1.419355 / 4.4, rel=1e-5)  # 0.322581
    assert scored["b"].score == pytest.approx((1.257143 + 0.88) / 4.4, rel=1e-5)  # 0.485714
    assert scored["c"].score == pytest.approx(1.375 / 4.4, rel=1e-5)  # 0.3125
    assert (scored["a"].terms, scored["b"].terms, scored["c"].terms) == (
        ("vpn",),
        ("sleep", "vpn"),
        ("sleep",),
    )


def test_a_rare_term_weighs_more_than_a_common_one():
    # "printer" in all 3 matching articles, "toner" in 1; every mention once, in bodies of
    # equal length, so each saturation is 1·2.2 / (1.2 + 1) = 1.
    # idf(printer) = ln(1 + 0.5/3.5) = 0.133531; idf(toner) = ln(1 + 2.5/1.5) = 0.980829
    # maximum = (0.133531 + 0.980829) · 2.2 = 2.451592
    scored = rank(
        ["printer", "toner"],
        {
            "printer": {"d1": (0, 0, 1), "d2": (0, 0, 1), "d3": (0, 0, 1)},
            "toner": {"d3": (0, 0, 1)},
        },
        {"d1": (0, 0, 10), "d2": (0, 0, 10), "d3": (0, 0, 10)},
    )
    assert scored["d3"].score == pytest.approx((0.133531 + 0.980829) / 2.451592, rel=1e-5)
    assert scored["d1"].score == pytest.approx(0.133531 / 2.451592, rel=1e-5)  # 0.054468
    assert scored["d1"].score == scored["d2"].score


def test_scores_stay_below_one_however_often_a_term_appears():
    scored = rank(["vpn"], {"vpn": {"a": (50, 30, 500)}}, {"a": (50, 30, 500)})
    assert 0.9 < scored["a"].score < 1


def test_a_term_no_article_has_counts_in_the_maximum_as_the_rarest_that_match():
    # One matching article, a, with "vpn" once in its 4-term title (the average: 4).
    # tf~ = 3 / (0.25 + 0.75·4/4) = 3, saturated 3·2.2 / (1.2 + 3) = 1.571429.
    # Alone, "vpn" may score at most idf(1, 1)·2.2: the score is 1.571429 / 2.2.
    # With "chair", which no article has, weighted idf(1, 1) too: 1.571429 / 4.4.
    alone = rank(["vpn"], {"vpn": {"a": (1, 0, 0)}}, {"a": (4, 0, 20)})
    with_chair = rank(["vpn", "chair"], {"vpn": {"a": (1, 0, 0)}}, {"a": (4, 0, 20)})
    assert alone["a"].score == pytest.approx(1.571429 / 2.2, rel=1e-5)  # 0.714286
    assert with_chair["a"].score == pytest.approx(1.571429 / 4.4, rel=1e-5)  # 0.357143
    assert with_chair["a"].terms == ("vpn",)
    assert rank(["chair"], {}, {}) == {}
