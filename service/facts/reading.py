"""A cluster as both engines read it: sentences, this request's weights, what the reader knows.

The articles and the background are split together, so their sentences can be compared; the
concept weights are the articles' own, focused on the query when there is one and discounted by
the background when there is one; sentences repeating the background are *known* and never
reported; disputes are read across articles and background alike.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime

from service.domain import Cluster
from service.errors import InvalidInput, check
from service.facts.assemble import Disputes, disputes
from service.nlp.html import visible_text
from service.nlp.novelty import discount, known_sentences
from service.nlp.relevance import Relevance, focus, relevance
from service.nlp.salience import Salience, compute_salience
from service.nlp.sentences import Sentence, analyze
from service.nlp.words import WORD_RE


@dataclass(frozen=True)
class Reading:
    every: list[list[Sentence]]  # the articles' sentences, then the background's
    articles: int  # how many of `every` are the request's articles
    salience: Salience
    relevance: Relevance | None  # with a query
    # (article, index) of sentences repeating the background, less those giving a figure's newest
    # value in an update (the sentence that says the toll is now 63 is news, however alike).
    known: frozenset[tuple[int, int]]
    published: list[datetime | None]  # articles', then background's
    # Conflicts and updates; with a background, only those a new article takes part in.
    found: Disputes

    @property
    def sentences(self) -> list[list[Sentence]]:
        return self.every[: self.articles]

    @property
    def avoid(self) -> frozenset[tuple[int, int]]:
        """(article, sentence) pairs no summary or key fact may rest on: those stating one side of
        a dispute alone, and those the reader knows from the background."""
        return self.found.one_sided | self.known


def read(cluster: Cluster, stop: threading.Event | None = None) -> Reading:
    """Split and weigh `cluster`; `stop`, once set, ends the work (`Cancelled`)."""
    n = len(cluster.articles)
    both = (*cluster.articles, *cluster.background)
    every = analyze([a.text for a in both], stop, [a.language for a in both])
    sentences, old = every[:n], every[n:]
    if not any(sentences):
        texts = [a.text for a in cluster.articles]
        if any(WORD_RE.search(visible_text(t)[0]) for t in texts):  # text, but none of it news
            raise InvalidInput(
                "the articles contain no news sentences, only credit, contact or copyright lines"
            )
        raise InvalidInput("the articles contain no sentences")
    salience = compute_salience(sentences, stop)
    rel = None
    if cluster.query:  # what answers the query weighs more
        rel = relevance(sentences, cluster.query)
        salience = focus(salience, sentences, rel)
    known: frozenset[tuple[int, int]] = frozenset()
    if cluster.background:  # what the reader has read is not news: known concepts weigh less
        known, salience = known_sentences(sentences, old), discount(salience, old)
    published = [a.published for a in (*cluster.articles, *cluster.background)]
    check(stop)
    found = disputes(every, salience, published, n if cluster.background else None, stop)
    return Reading(every, n, salience, rel, known - found.news, published, found)
