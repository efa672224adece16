"""k-means on standardised features, reproducible with a seed (no numerical library
needed for the few dozen operations a benchmark compares)."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

Vector = tuple[float, ...]


def standardise(rows: Sequence[Sequence[float]]) -> list[Vector]:
    """Each column as z-scores (mean 0, population standard deviation 1); a column that
    does not vary becomes 0."""
    if not rows:
        return []
    columns = list(zip(*rows, strict=True))
    scaled = []
    for column in columns:
        mean = sum(column) / len(column)
        spread = math.sqrt(sum((v - mean) ** 2 for v in column) / len(column))
        scaled.append([(v - mean) / spread if spread > 1e-12 else 0.0 for v in column])
    return [tuple(row) for row in zip(*scaled, strict=True)]


def _distance(a: Vector, b: Vector) -> float:
    return sum((x - y) ** 2 for x, y in zip(a, b, strict=True))


def _nearest(point: Vector, centres: Sequence[Vector]) -> int:
    return min(range(len(centres)), key=lambda i: (_distance(point, centres[i]), i))


def kmeans(points: Sequence[Vector], k: int, *, seed: int = 7, iterations: int = 100) -> list[int]:
    """The cluster (0 to k-1) of each point: k-means++ seeding from ``seed``, then Lloyd's
    iterations until no point moves. Clusters are numbered in the order of their first
    point, so the same data and seed always give the same labels."""
    if not points:
        return []
    k = max(1, min(k, len(set(points))))
    rng = random.Random(seed)
    centres = [points[rng.randrange(len(points))]]
    while len(centres) < k:
        weights = [min(_distance(p, c) for c in centres) for p in points]
        total = sum(weights)
        pick, running = rng.random() * total, 0.0
        for point, weight in zip(points, weights, strict=True):
            running += weight
            if weight > 0 and running >= pick:
                centres.append(point)
                break
        else:  # rounding left the pick past the last sum: take the farthest point
            centres.append(points[max(range(len(points)), key=weights.__getitem__)])
    labels = [_nearest(p, centres) for p in points]
    for _ in range(iterations):
        for i in range(len(centres)):
            members = [p for p, label in zip(points, labels, strict=True) if label == i]
            if members:
                centres[i] = tuple(sum(axis) / len(members) for axis in zip(*members, strict=True))
        moved = [_nearest(p, centres) for p in points]
        if moved == labels:
            break
        labels = moved
    order = {label: number for number, label in enumerate(dict.fromkeys(labels))}
    return [order[label] for label in labels]
