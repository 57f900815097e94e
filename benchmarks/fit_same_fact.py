"""Fit the weights of the same-fact score (`service.facts.same_fact`) on MSRP's training split.

    python -m benchmarks.fit_same_fact --data ../shared/data/msrp/msr_paraphrase_train.tsv

Prints the fitted weights and bias (to paste into `same_fact.py`) and, for the weights in effect,
the precision and recall on the given split at a range of thresholds. Only the training split is
fitted on; `python -m eval paraphrase` measures the engine on the test split.

A plain L2-regularised logistic regression by Newton's method: twenty-three features and four
thousand pairs need nothing bigger (a boosted-tree ensemble over the same features, tried in
cross-validation, ranked the pairs no better). Pairs the two rules settle before the model (a disagreeing
figure, too few shared words: `GATE`) are left out of the fit, since the model never scores them.
`--folds` also prints the cross-validated curve (each fold scored by weights fitted on the others),
a fairer guide to the threshold than the fit's own pairs, and the threshold it suggests: the lowest
(in steps of 0.01) at which the cross-validated precision reaches `--precision`.
"""

from __future__ import annotations

import argparse
import csv
import logging
import math
from pathlib import Path

import numpy as np

from service.facts.same_fact import (
    BIAS,
    FEATURES,
    GATE,
    THRESHOLD,
    WEIGHTS,
    Wording,
    _cover,
    features,
    figures_disagree,
)

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
    # 2.0: of 0.3, 0.5, 1, 2 and 3, the penalty whose cross-validated precision was highest at recall 0.60.
    parser.add_argument("--l2", type=float, default=2.0, help="L2 penalty on the weights")
    parser.add_argument("--folds", type=int, default=0, help="also cross-validate in this many folds")
    parser.add_argument(
        "--precision", type=float, default=0.91, help="cross-validated precision the threshold is chosen for"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    pairs, y = read(args.data)
    words = [(Wording(a), Wording(b)) for a, b in pairs]
    x = np.array([features(a, b) for a, b in words])
    disagree = np.array([figures_disagree(a, b) for a, b in words])
    blocked = disagree | np.array([_cover(a.stem_set, b.stem_set)[0] < GATE for a, b in words])
    w = fit(x[~blocked], y[~blocked].astype(float), l2=args.l2)
    log.info(
        "pairs %d, same-meaning %d; blocked by a disagreeing figure %d (of them same-meaning %d),"
        " by the word gate %d more (of them same-meaning %d)",
        len(y),
        y.sum(),
        disagree.sum(),
        (disagree & y).sum(),
        (blocked & ~disagree).sum(),
        (blocked & ~disagree & y).sum(),
    )
    rows = "".join(f"    {v:.2f},  # {name}\n" for v, name in zip(w[:-1], FEATURES, strict=True))
    log.info("fitted:\nWEIGHTS = (\n%s)\nBIAS = %.2f", rows, w[-1])
    if args.folds > 1:
        log.info("cross-validated, %d folds:", args.folds)
        held_out = cross_validated(x, y, blocked, args.folds, args.l2)
        curve(held_out, y)
        choose(held_out, y, args.precision)
    # The curve of the weights in effect (as rounded into same_fact.py), not of the raw fit.
    z = x @ np.array(WEIGHTS) + BIAS
    log.info("in effect (threshold %.2f):", THRESHOLD)
    curve(np.where(blocked, 0.0, 1.0 / (1.0 + np.exp(-z))), y)


def cross_validated(x: np.ndarray, y: np.ndarray, blocked: np.ndarray, folds: int, l2: float) -> np.ndarray:
    """Each pair's score by weights fitted on the other folds (pairs dealt to folds in turn)."""
    scores = np.zeros(len(y))
    for k in range(folds):
        held = np.arange(len(y)) % folds == k
        train = ~held & ~blocked
        w = fit(x[train], y[train].astype(float), l2=l2)
        scores[held] = 1.0 / (1.0 + np.exp(-(x[held] @ w[:-1] + w[-1])))
    return np.where(blocked, 0.0, scores)


def choose(scores: np.ndarray, y: np.ndarray, precision: float) -> None:
    """Log the lowest threshold (0.01 steps) whose precision on `scores` reaches `precision`."""
    for t in np.round(np.arange(0.5, 1.0, 0.01), 2):
        merged = scores >= t
        tp = int((merged & y).sum())
        if merged.any() and tp / merged.sum() >= precision:
            log.info(
                "threshold for precision %.2f: %.2f (precision %.3f, recall %.3f)",
                precision,
                t,
                tp / merged.sum(),
                tp / y.sum(),
            )
            return
    log.info("no threshold reaches precision %.2f", precision)


def curve(scores: np.ndarray, y: np.ndarray) -> None:
    ranked = y[np.argsort(-scores, kind="stable")]
    found = np.cumsum(ranked)
    reach = found[found / np.arange(1, len(y) + 1) >= 0.9]
    log.info("best recall at precision 0.90 or more: %.3f", reach.max() / y.sum() if len(reach) else 0.0)
    log.info("%9s %9s %9s %7s", "threshold", "precision", "recall", "merged")
    for t in (0.5, 0.6, 0.7, 0.72, 0.74, 0.75, 0.76, 0.77, 0.78, 0.79, 0.8, 0.82, 0.84, 0.86, 0.88, 0.9):
        merged = scores >= t
        tp = int((merged & y).sum())
        precision = tp / merged.sum() if merged.any() else math.nan
        log.info("%9.2f %9.3f %9.3f %7d", t, precision, tp / y.sum(), merged.sum())


if __name__ == "__main__":
    main()
