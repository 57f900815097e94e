"""`python -m eval duplicates ...`: how often two key facts of one answer say the same thing
(issue 26: "No two key facts in one answer say the same thing"; docs/duplicates.md).

The checker (`checker`: `judge_pair`, `flagged_pairs`) is the harness's own; the hand check
(`handcheck`: a reader's judgements as ids and hashes, and the checker's agreement with them),
the run (`run`: `run_duplicates`) and the table (`report`) sit apart; the CLI in `eval.cli`
is a thin layer on top.
"""

from __future__ import annotations

from eval.duplicates.checker import PairScore, content, flagged_pairs, judge_pair, score_answer
from eval.duplicates.handcheck import Judgement, agreement, fact_hashes, read_judgements
from eval.duplicates.report import duplicates_table
from eval.duplicates.run import DEFAULT_NUM_FACTS, PAIRS, RESULTS, SAMPLE, DuplicatesConfig, run_duplicates

__all__ = [
    "DEFAULT_NUM_FACTS",
    "PAIRS",
    "RESULTS",
    "SAMPLE",
    "DuplicatesConfig",
    "Judgement",
    "PairScore",
    "agreement",
    "content",
    "duplicates_table",
    "fact_hashes",
    "flagged_pairs",
    "judge_pair",
    "read_judgements",
    "run_duplicates",
    "score_answer",
]
