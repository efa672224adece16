"""Relevance: BM25F over an article's title, keywords and body, as a score from 0 to 1.

For a question with terms *t* and an article *d* (Robertson and Zaragoza's
BM25F, with the IDF of Lucene's BM25, which is never negative):

- each field's count of *t* is normalised by the field's length against the
  field's average length (among the articles that have that field: many have
  no keywords), and weighted: title ×3, keywords ×2, body ×1::

      tf~(t, d) = Σ_field  weight · tf / (1 − b + b · length / average length)

- then saturated, and weighted by how rare *t* is::

      raw(d)  = Σ_t  idf(t) · tf~ · (k1 + 1) / (k1 + tf~)
      idf(t)  = ln(1 + (N − n(t) + 0.5) / (n(t) + 0.5))

  with ``k1 = 1.2`` and ``b = 0.75``;

- and divided by the most any article could score for that question, an
  article with every term of the question infinitely often (each term's
  saturation tends to ``k1 + 1``)::

      score(d) = raw(d) / Σ_t idf(t) · (k1 + 1)        (0 ≤ score < 1)

  A term of the question that no matching article contains counts in that
  maximum as much as a term only one of them contains, ``idf(N, 1)``: the
  score says how much of the question an article covers, so one common word
  shared with a long question ("new office chair" and a VPN article about the
  office) scores low, while a word or two of chatter ("from home", "please")
  costs a good answer only a little.

**The collection is the articles that match.** *N*, *n(t)* and the average
lengths are taken over the articles the caller may see that contain at least
one term of the question, not over the whole knowledge base. An article's
score then depends only on the articles that share a word with the question:
adding, editing or retiring an unrelated article never moves it, so a
threshold chosen for a bot stays valid as the knowledge base grows.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Hashable, Iterable, Mapping
from typing import TypeVar

import attrs

K1 = 1.2
B = 0.75
FIELDS = ("title", "keywords", "body")
WEIGHTS = (3.0, 2.0, 1.0)  # in the order of FIELDS

Counts = tuple[int, int, int]  # one count per field, in the order of FIELDS
K = TypeVar("K", bound=Hashable)


@attrs.frozen
class Scored:
    """An article's relevance to a question, and the question's terms it contains."""

    score: float
    terms: tuple[str, ...]


def idf(matching: int, having: int) -> float:
    """How much a term says: ``having`` of the ``matching`` articles contain it.

    >>> round(idf(10, 1), 4), round(idf(10, 10), 4)
    (1.9924, 0.0465)
    """
    return math.log(1 + (matching - having + 0.5) / (having + 0.5))


def rank(
    question: Collection[str],
    postings: Mapping[str, Mapping[K, Counts]],
    lengths: Mapping[K, Counts],
    *,
    k1: float = K1,
    b: float = B,
    weights: Counts | tuple[float, float, float] = WEIGHTS,
) -> dict[K, Scored]:
    """Score every article of ``lengths`` (the articles that match, with their field
    lengths in terms) for a question of terms ``question``, given each term's counts
    per field in the articles that have it (``postings``; a term may be missing).

    >>> lengths = {"a": (2, 0, 10), "b": (2, 0, 10)}
    >>> scored = rank(["vpn"], {"vpn": {"a": (1, 0, 0), "b": (0, 0, 1)}}, lengths)
    >>> scored["a"].score > scored["b"].score, scored["a"].terms
    (True, ('vpn',))
    """
    matching = len(lengths)
    if not matching:
        return {}
    averages = [_average(length[f] for length in lengths.values()) for f in range(3)]
    # Each field's weight over its length normalisation, once per article (0: no such field).
    w_title, w_keywords, w_body = weights
    b_title, b_keywords, b_body = (b / average if average else 0.0 for average in averages)
    scale = {
        key: (
            w_title / (1 - b + b_title * title) if title else 0.0,
            w_keywords / (1 - b + b_keywords * keywords) if keywords else 0.0,
            w_body / (1 - b + b_body * body) if body else 0.0,
        )
        for key, (title, keywords, body) in lengths.items()
    }
    raw: dict[K, float] = dict.fromkeys(lengths, 0.0)
    found: dict[K, list[str]] = {key: [] for key in lengths}
    best = 0.0
    for term in sorted(set(question)):  # a fixed order: the same sums, bit for bit
        having = {k: counts for k, counts in postings.get(term, {}).items() if k in lengths}
        weight = idf(matching, max(len(having), 1))
        best += weight * (k1 + 1)
        for key, (title, keywords, body) in having.items():
            s_title, s_keywords, s_body = scale[key]
            tf = title * s_title + keywords * s_keywords + body * s_body
            raw[key] += weight * tf * (k1 + 1) / (k1 + tf)
            found[key].append(term)
    return {key: Scored(raw[key] / best, tuple(found[key])) for key in lengths if found[key]}


def _average(lengths: Iterable[int]) -> float:
    """The average length of a field among the articles that have it (an article
    without keywords does not make every keyword list look long)."""
    present = [length for length in lengths if length]
    return sum(present) / len(present) if present else 0.0
