"""The seq2seq engine: any Hugging Face encoder-decoder checkpoint (T5, FLAN-T5, BART, PEGASUS, LED).

Articles are packed into the model's token budget (`service.nlp.packing`), rendered through the
prompt templates of the checkpoint's family, decoded deterministically in batches
(`generation.py`), and the key facts and conflicts come from the facts step both engines share.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

from service.domain import Cluster, InputReport
from service.engines.base import Engine, Stops
from service.engines.generation import Generated, Row, generate
from service.engines.runtime import ModelRuntime, Runtime
from service.errors import Cancelled, EngineError, InvalidInput, check
from service.facts.finish import Draft
from service.facts.reading import Reading, read
from service.nlp.packing import PackedArticle, pack
from service.nlp.salience import Salience
from service.nlp.sentences import Sentence
from service.prompts import PromptFamily, PromptSet, Task, family_for, load_prompts
from service.settings import Decoding, ModelSettings, Settings

log = logging.getLogger(__name__)

# Tokens per English word for T5/BART vocabularies, with headroom: sizes max_new_tokens.
TOKENS_PER_WORD = 1.6
# Packings tried before a prompt that will not fit the input budget is an error.
FIT_TRIES = 4


@dataclass
class Prepared:
    """What goes into the model for one cluster, and what the facts step needs afterwards."""

    reading: Reading  # the articles' sentences and weights; the background's, what it makes known
    packed: list[PackedArticle]
    prompts: dict[Task, str]
    tokens: dict[Task, int]  # each prompt's length in tokens, measured once when it was fitted

    @property
    def sentences(self) -> list[list[Sentence]]:
        return self.reading.sentences

    @property
    def salience(self) -> Salience:
        return self.reading.salience


class Seq2SeqEngine(Engine):
    name = "seq2seq"
    batch_gain = True

    def __init__(self, settings: ModelSettings) -> None:
        super().__init__(settings.same_fact_threshold)
        self.settings = settings
        self.model_id: str = settings.model
        self._runtime: Runtime | None = None
        self.family: PromptFamily = "plain"
        self.prompts: PromptSet | None = None
        self.max_input_tokens = 0

    @classmethod
    def from_settings(cls, settings: Settings) -> Seq2SeqEngine:
        """The engine of the service's settings (`Settings.model_settings`)."""
        return cls(settings.model_settings())

    @property
    def runtime(self) -> Runtime:
        """The loaded model, tokenizer and device (tests and the profiler use these too)."""
        if self._runtime is None:
            raise EngineError("seq2seq engine used before load()")
        return self._runtime

    def load(self) -> None:
        s = self.settings
        runtime: Runtime
        if s.backend == "ctranslate2":
            from service.engines.ct2 import CT2Runtime

            runtime = CT2Runtime.load(s)
        else:
            runtime = ModelRuntime.load(s)
        self.family = family_for(runtime.model_type) if s.prompt_family == "auto" else s.prompt_family
        self.prompts = load_prompts(s.prompts_dir, self.family)
        limit = runtime.input_limit
        if s.max_input_tokens is not None and s.max_input_tokens > limit:
            raise ValueError(f"max_input_tokens={s.max_input_tokens} exceeds the model's limit of {limit}")
        self.max_input_tokens = s.max_input_tokens or limit
        self._runtime = runtime
        log.info(
            "model %s (%s, %s): %s prompts, input budget %d tokens, on %s",
            s.model,
            runtime.model_type,
            s.backend,
            self.family,
            self.max_input_tokens,
            runtime.device,
        )

    # --- preparation: what goes into the model ------------------------------------------------
    def _render(self, task: Task, cluster: Cluster, texts: Sequence[str]) -> str:
        if self.prompts is None:
            raise EngineError("seq2seq engine used before load()")
        articles = [
            {"number": i + 1, "title": a.title or "", "text": t}
            for i, (a, t) in enumerate(zip(cluster.articles, texts, strict=True))
        ]
        return self.prompts.render(
            task,
            articles=articles,
            max_words=cluster.options.max_words,
            num_facts=cluster.options.num_facts,
            query=cluster.query or "",
            background=len(cluster.background),
        )

    def prepare(
        self, cluster: Cluster, r: Reading | None = None, stop: threading.Event | None = None
    ) -> Prepared:
        """What of the cluster's sentences (as read: `r`, read here when not given) fits the
        budget, and the rendered prompts. `stop`, once set, ends the work (`Cancelled`).
        """
        runtime = self.runtime
        if r is None:
            r = read(cluster, stop)
        sentences, salience = r.sentences, r.salience
        tasks: list[Task] = ["summary"]
        if self.prompts is not None and self.prompts.has("facts") and cluster.options.num_facts > 0:
            tasks.append("facts")
        # The template's own tokens (instructions, titles, separators) come off the budget first.
        empty = [""] * len(cluster.articles)
        overhead = max(runtime.prompt_tokens(self._render(t, cluster, empty)) for t in tasks)
        # One token of slack per article: pieces tokenized apart can grow by one when joined.
        budget = self.max_input_tokens - overhead - len(cluster.articles)
        if budget < len(cluster.articles):
            raise InvalidInput(
                f"the prompt and titles alone take {overhead} of the model's {self.max_input_tokens}"
                f" input tokens, leaving no room for {len(cluster.articles)} articles"
            )
        texts = [a.text for a in cluster.articles]
        if r.known:  # what the reader has read stays out of the model's input
            fresh = [[s for s in a if (s.article, s.index) not in r.known] for a in sentences]
            if any(fresh):
                sentences = fresh
        strategy = self.settings.input_selection
        # Token counts of pieces are not quite additive when joined: each try packs with the excess
        # taken off. One retry almost always fits; the bound keeps a pathological tokenizer finite.
        for _ in range(FIT_TRIES):
            check(stop)
            packed = pack(sentences, texts, budget, runtime.count, runtime.cut_after, strategy, salience)
            prompts = {t: self._render(t, cluster, [p.text for p in packed]) for t in tasks}
            tokens = {t: runtime.prompt_tokens(p) for t, p in prompts.items()}
            excess = max(tokens.values()) - self.max_input_tokens
            if excess <= 0:
                return Prepared(r, packed, prompts, tokens)
            budget -= excess  # tokenization was not additive: pack again with less
        raise EngineError(f"could not fit the prompt into {self.max_input_tokens} tokens")

    # --- generation ---------------------------------------------------------------------------
    def decoding(self, task: Task, max_words: int | None = None) -> tuple[Decoding, int]:
        """How the task decodes, and its limit of new tokens: the summary's capped by its words."""
        decoding, limit = self.settings.decoding(task)
        if max_words is not None:
            limit = max(1, min(limit, math.ceil(max_words * TOKENS_PER_WORD)))
        # A minimum above the limit would be cut by it anyway: said so, the batch key sees it.
        return replace(decoding, min_new_tokens=min(decoding.min_new_tokens, limit)), limit

    def rows(
        self, clusters: Sequence[Cluster], prepared: Sequence[Prepared | None], stop: Stops
    ) -> list[Row]:
        """One row per request and task, keyed (request index, task); none for abandoned requests."""
        rows: list[Row] = []
        for i, (c, p, halt) in enumerate(zip(clusters, prepared, stop, strict=True)):
            if p is None:
                continue
            for task, prompt in p.prompts.items():
                decoding, limit = self.decoding(task, c.options.max_words if task == "summary" else None)
                rows.append(Row((i, task), prompt, p.tokens[task], decoding, limit, halt))
        return rows

    def draft(
        self, clusters: Sequence[Cluster], readings: Sequence[Reading | None], stop: Stops
    ) -> list[Draft | None]:
        runtime = self.runtime
        if not clusters:
            return []
        t0 = time.perf_counter()
        prepared: list[Prepared | None] = []
        for c, r, halt in zip(clusters, readings, stop, strict=True):
            try:
                prepared.append(self.prepare(c, r, halt) if r is not None else None)
            except Cancelled:  # nobody waits for it: it gets no rows
                prepared.append(None)
        t1 = time.perf_counter()
        # Both tasks of every request in one call: rows with the same settings share batches,
        # whatever their word budgets (each row stops at its own token limit).
        outputs = generate(
            runtime,
            self.rows(clusters, prepared, stop),
            self.settings.batch_max_tokens,
            self.max_input_tokens,
        )
        # Generation is shared by the batch: each request reports the batch's time.
        timings = {"prepare": (t1 - t0) * 1e3 / len(clusters), "generate": (time.perf_counter() - t1) * 1e3}
        return [
            self._draft(i, p, outputs, timings) if p is not None else None for i, p in enumerate(prepared)
        ]

    def _draft(
        self, i: int, p: Prepared, outputs: dict[tuple[int, Task], Generated], timings: dict[str, float]
    ) -> Draft:
        summary = outputs[(i, "summary")]
        facts = outputs.get((i, "facts"))  # plain summarizers write none: the extractive selector picks them
        return Draft(
            summary=summary.text,
            facts=facts.text if facts is not None else None,
            input=InputReport(
                unit="tokens", budget=self.max_input_tokens, articles=tuple(a.usage for a in p.packed)
            ),
            generated_tokens=summary.new_tokens + (facts.new_tokens if facts else 0),
            timings_ms=timings,
        )
