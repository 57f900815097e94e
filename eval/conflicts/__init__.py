"""`python -m eval conflicts ...`: are the conflicts a system reports real? Precision and recall on
labelled sentence pairs (guidelines and workflow: docs/conflict-labels.md).

A conflict is two articles of one cluster giving different figures for the same thing. Each
labelled pair is two sentences from different articles of one cluster, labelled `conflict`,
`different` (figures for different things), `update` (one figure that changed over time) or `same`
(one value). A label names its sentences by article index, sentence index under the harness's own
splitter (`eval.rouge.lines`) and a short hash of the sentence, never by their text: the data is
licensed for evaluation only. A label whose hash no longer matches the data is skipped, with a
warning.

- `mine`: candidate pairs to label, with their text (for local use only): pairs the harness's own
  figure rules find, and every pair the system reports;
- `export`: labelled candidates into label rows (ids, indices and hashes only);
- `score`: run the system on the labelled clusters, turn each reported conflict (and update) into
  sentence pairs, and score them against the labels.

One module a concern: sentences (`sentences`: `split_cluster`, `fingerprint`), label rows and
files (`labels`: `read_labels`, `check_labels`), the data sets (`datasets`), reported pairs
(`reported`: `reported_pairs`), scoring (`scoring`: `score_pairs`), the harness's figure rules
(`figure_rules`: `figures`) and mining (`mining`: `mine_cluster`). The runs (`runs`: `run_mine`,
`run_export`, `run_score`), the table (`report`) and the CLI in `eval.cli` sit on top. The
names other modules use are imported here.
"""

from __future__ import annotations

from eval.conflicts.datasets import data_spec, load_datasets
from eval.conflicts.figure_rules import Figure, figures
from eval.conflicts.labels import (
    LABELS,
    LabeledPair,
    PairKey,
    SentenceRef,
    check_labels,
    pair_key,
    parse_label,
    read_labels,
    write_labels,
)
from eval.conflicts.mining import Candidate, mine_cluster
from eval.conflicts.report import conflicts_table
from eval.conflicts.reported import Reported, output_pairs, reported_pairs
from eval.conflicts.runs import (
    CANDIDATES,
    DEFAULT_NUM_FACTS,
    RESULTS,
    MineConfig,
    ScoreConfig,
    run_export,
    run_mine,
    run_score,
)
from eval.conflicts.scoring import score_pairs
from eval.conflicts.sentences import SplitArticle, fingerprint, sentence_spans, split_cluster

__all__ = [
    "CANDIDATES",
    "DEFAULT_NUM_FACTS",
    "LABELS",
    "RESULTS",
    "Candidate",
    "Figure",
    "LabeledPair",
    "MineConfig",
    "PairKey",
    "Reported",
    "ScoreConfig",
    "SentenceRef",
    "SplitArticle",
    "check_labels",
    "conflicts_table",
    "data_spec",
    "figures",
    "fingerprint",
    "load_datasets",
    "mine_cluster",
    "output_pairs",
    "pair_key",
    "parse_label",
    "read_labels",
    "reported_pairs",
    "run_export",
    "run_mine",
    "run_score",
    "score_pairs",
    "sentence_spans",
    "split_cluster",
    "write_labels",
]
