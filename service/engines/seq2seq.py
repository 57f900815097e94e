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

from service.domain import Cluster, InputReport, Result
from service.engines.base import NOTHING_NEW, Engine, abandoned
from service.engines.generation import Generated, Row, generate
from service.engines.reading import Reading, read
from service.engines.runtime import ModelRuntime, Runtime
from service.errors import Cancelled, EngineError, InvalidInput, check
from service.facts.assemble import key_facts, qualify
from service.facts.same_fact import THRESHOLD
from service.nlp.packing import PackedArticle, pack
from service.nlp.salience import Salience
from service.nlp.sentences import Sentence, fit_words
from service.prompts import PromptFamily, PromptSet, Task, family_for, load_prompts
from service.settings import GenerationSettings, Settings

log = logging.getLogger(__name__)

# Tokens per English word for T5/BART vocabularies, with headroom: sizes max_new_tokens.
TOKENS_PER_WORD = 1.6


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

    def __init__(self, settings: Settings) -> None:
        if not settings.model:
            raise ValueError("the seq2seq engine needs a model (SUMMARIZER_MODEL)")
        self.settings = settings
        self.model_id: str = settings.model
        self._runtime: Runtime | None = None
        self.family: PromptFamily = "plain"
        self.prompts: PromptSet | None = None
        self.max_input_tokens = 0

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

    def prepare(self, cluster: Cluster, stop: threading.Event | None = None) -> Prepared:
        """The cluster's sentences, what of them fits the budget, and the rendered prompts.

        `stop`, once set, ends the work (`Cancelled`).
        """
        runtime = self.runtime
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
        for _ in range(4):
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
    def decoding(self, task: Task, max_words: int | None = None) -> GenerationSettings:
        """The task's decoding settings, the summary's new tokens capped by its word budget."""
        gen = self.settings.generation(task)
        limit = gen.max_new_tokens
        if max_words is not None:
            limit = max(1, min(limit, math.ceil(max_words * TOKENS_PER_WORD)))
        return replace(gen, max_new_tokens=limit, min_new_tokens=min(gen.min_new_tokens, limit))

    def rows(
        self,
        clusters: Sequence[Cluster],
        prepared: Sequence[Prepared | None],
        stop: Sequence[threading.Event | None],
    ) -> list[Row]:
        """One row per request and task, keyed (request index, task); none for abandoned requests."""
        rows: list[Row] = []
        for i, (c, p, e) in enumerate(zip(clusters, prepared, stop, strict=True)):
            if p is None:
                continue
            for task, prompt in p.prompts.items():
                gen = self.decoding(task, c.options.max_words if task == "summary" else None)
                rows.append(Row((i, task), prompt, p.tokens[task], gen, e))
        return rows

    def summarize(
        self, clusters: Sequence[Cluster], stop: Sequence[threading.Event] | None = None
    ) -> list[Result]:
        runtime = self.runtime
        if not clusters:
            return []
        t0 = time.perf_counter()
        stops: list[threading.Event | None] = list(stop) if stop is not None else [None] * len(clusters)
        prepared: list[Prepared | None] = []
        for c, e in zip(clusters, stops, strict=True):
            try:
                prepared.append(self.prepare(c, e))
            except Cancelled:  # nobody waits for it: it gets no rows
                prepared.append(None)
        t1 = time.perf_counter()
        # Both tasks of every request in one call: rows with the same settings share batches,
        # whatever their word budgets (each row stops at its own token limit).
        outputs = generate(
            runtime,
            self.rows(clusters, prepared, stops),
            self.settings.batch_max_tokens,
            self.max_input_tokens,
        )
        t2 = time.perf_counter()
        results = [
            self._assemble(i, c, p, outputs) if p is not None else abandoned(self.name, self.model_id)
            for i, (c, p) in enumerate(zip(clusters, prepared, strict=True))
        ]
        t3 = time.perf_counter()
        # Generation is shared by the batch: each request reports the batch's time.
        for r in results:
            r.timings_ms.update(
                {
                    "prepare": (t1 - t0) * 1e3 / len(clusters),
                    "generate": (t2 - t1) * 1e3,
                    "facts": (t3 - t2) * 1e3,
                }
            )
        return results

    def _assemble(
        self, i: int, cluster: Cluster, p: Prepared, outputs: dict[tuple[int, Task], Generated]
    ) -> Result:
        summary = outputs[(i, "summary")]
        generated_facts = outputs.get((i, "facts"))
        found = p.reading.found
        # Every sentence of the articles repeats the background: nothing new, said so.
        fresh = any((s.article, s.index) not in p.reading.known for a in p.sentences for s in a)
        novel = not cluster.background or fresh
        facts = key_facts(
            p.sentences,
            [a.text for a in cluster.articles],
            p.salience,
            cluster.options.num_facts if novel else 0,
            found,
            known=p.reading.known,
            # Plain summarizers write no facts: the extractive selector picks them.
            generated=generated_facts.text if generated_facts is not None else None,
            same_fact=THRESHOLD
            if self.settings.same_fact_threshold is None
            else self.settings.same_fact_threshold,
        )
        max_words = cluster.options.max_words
        return Result(
            summary=qualify(fit_words(summary.text.strip(), max_words), found, max_words)
            if novel
            else NOTHING_NEW,
            novel=novel,
            key_facts=facts.key_facts,
            input=InputReport(
                unit="tokens", budget=self.max_input_tokens, articles=tuple(a.usage for a in p.packed)
            ),
            engine=self.name,
            model=self.model_id,
            generated_tokens=summary.new_tokens + (generated_facts.new_tokens if generated_facts else 0),
            facts_dropped=dict(facts.dropped),
            conflicts=facts.conflicts,
            updates=facts.updates,
        )
