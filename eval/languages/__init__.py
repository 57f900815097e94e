"""`python -m eval languages`: what the service does with news in other languages.

Two modes. With `--ud DIR`: texts of consecutive Universal Dependencies treebank sentences
(`data`), one text an article; per language, refusals, texts with key facts, summaries within
10% of the word budget by the checker's own word count (`words`: jieba for Chinese, janome for
Japanese, `\\w+` runs otherwise) and key facts quoted from their article (`score`). With
`--pages FILE ...`: raw multilingual web pages; whether each summary is in the page's language
(`detect`: the page's `<html lang>` or metadata, lingua for texts) and how many key facts come
from its article (`pages`). `run` sends the requests and writes the files, `report` the tables
(docs/languages.md). Shares no code with `service/`: the system is reached over its HTTP API
(`eval.systems.SummarizeClient`).
"""

from eval.languages.report import languages_table, pages_languages_table
from eval.languages.run import (
    DEFAULT_MAX_WORDS,
    DEFAULT_NUM_FACTS,
    DEFAULT_SENTENCES,
    DEFAULT_TEXTS,
    RESULTS,
    LanguagesConfig,
    run_language_pages,
    run_languages,
)

__all__ = [
    "DEFAULT_MAX_WORDS",
    "DEFAULT_NUM_FACTS",
    "DEFAULT_SENTENCES",
    "DEFAULT_TEXTS",
    "RESULTS",
    "LanguagesConfig",
    "languages_table",
    "pages_languages_table",
    "run_language_pages",
    "run_languages",
]
