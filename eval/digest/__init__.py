"""`python -m eval digest`: how well a digest groups a mixed pile into stories, and what grouping
costs the stories' summaries (eval/digest/, docs/digest.md)."""

from eval.digest.report import digest_table
from eval.digest.run import RESULTS, DigestConfig, run_digest

__all__ = ["RESULTS", "DigestConfig", "digest_table", "run_digest"]
