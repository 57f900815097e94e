"""Fit the weights of the same-fact score (`service.facts.same_fact`) on MSRP's training split.

    python -m benchmarks.fit_same_fact --data ../shared/data/msrp/msr_paraphrase_train.tsv

Prints the fitted weights and bias (to paste into `same_fact.py`) and, for the weights in effect,
the precision and recall on the given split at a range of thresholds. Only the training split is
fitted on; `python -m eval paraphrase` measures the engine on the test split.

A plain L2-regularised logistic regression by Newton's method: eight features and four thousand
pairs need nothing bigger.
"""

from __future__ import annotations

import argparse
import csv
import logging
import math
from pathlib import Path

import numpy as np

from service.facts.same_fact import BIAS, FEATURES, THRESHOLD, WEIGHTS, Wording, features, figures_disagree

log = logging.getLogger("fit_same_fact")


def read(path: Path) -> tuple[list[tuple[str, str]], np.ndarray]:
    pairs: list[tuple[str, str]] = []
    labels: list[bool] = []
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(reader)
        for row in reader:
            if len(row) == 5:
                labels.append(row[0] == "1")
                pairs.append((row[3], row[4]))
    return pairs, np.array(labels)


def fit(x: np.ndarray, y: np.ndarray, l2: float = 1.0, steps: int = 50) -> np.ndarray:
    """Weights (bias last) maximising the log-likelihood minus l2/2 |w|^2 (bias unpenalised)."""
    xb = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(xb.shape[1])
    penalty = np.full(xb.shape[1], l2)
    penalty[-1] = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(xb @ w)))
        grad = xb.T @ (y - p) - penalty * w
        hess = (xb * (p * (1 - p))[:, None]).T @ xb + np.diag(penalty)
        step = np.linalg.solve(hess, grad)
        w += step
        if np.abs(step).max() < 1e-8:
            break
    return w


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="MSRP TSV (the training split)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    pairs, y = read(args.data)
    words = [(Wording(a), Wording(b)) for a, b in pairs]
    x = np.array([features(a, b) for a, b in words])
    blocked = np.array([figures_disagree(a, b) for a, b in words])
    w = fit(x[~blocked], y[~blocked].astype(float))
    log.info(
        "pairs %d, same-meaning %d, blocked by a disagreeing figure %d (of them same-meaning %d)",
        len(y),
        y.sum(),
        blocked.sum(),
        (blocked & y).sum(),
    )
    log.info("fitted: WEIGHTS = (%s)  BIAS = %.1f", ", ".join(f"{v:.1f}" for v in w[:-1]), w[-1])
    log.info("features: %s", ", ".join(FEATURES))
    # The curve of the weights in effect (as rounded into same_fact.py), not of the raw fit.
    z = x @ np.array(WEIGHTS) + BIAS
    scores = np.where(blocked, 0.0, 1.0 / (1.0 + np.exp(-z)))
    log.info("in effect (threshold %.2f):", THRESHOLD)
    log.info("%9s %9s %9s %7s", "threshold", "precision", "recall", "merged")
    for t in (0.5, 0.6, 0.7, 0.75, 0.8, 0.82, 0.84, 0.86, 0.88, 0.9):
        merged = scores >= t
        tp = int((merged & y).sum())
        precision = tp / merged.sum() if merged.any() else math.nan
        log.info("%9.2f %9.3f %9.3f %7d", t, precision, tp / y.sum(), merged.sum())


if __name__ == "__main__":
    main()
