"""`python -m eval readability ...`: summary sentences that lean on a referent the summary never
gave, key facts that are a desk's boilerplate, and wire headers or entities that reach either
(issue 27, "The first summary reads like a summary"; docs/readability.md).

The checker (`checker`) is the harness's own and imports nothing of the service; the run (`run`:
`run_readability`) and the table (`report`) sit apart; the CLI in `eval.__main__` is a thin layer.
"""

from __future__ import annotations

from eval.readability.checker import Dangling, boilerplate_fact, dangling, leaks, split, surnames
from eval.readability.report import readability_table
from eval.readability.run import (
    DEFAULT_MAX_WORDS,
    DEFAULT_NUM_FACTS,
    FLAGGED,
    RESULTS,
    ReadabilityConfig,
    check_answer,
    run_readability,
    summarize_checked,
)

__all__ = [
    "DEFAULT_MAX_WORDS",
    "DEFAULT_NUM_FACTS",
    "FLAGGED",
    "RESULTS",
    "Dangling",
    "ReadabilityConfig",
    "boilerplate_fact",
    "check_answer",
    "dangling",
    "leaks",
    "readability_table",
    "run_readability",
    "split",
    "summarize_checked",
    "surnames",
]
