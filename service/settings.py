"""The one settings object: every knob of the service, read from `SUMMARIZER_*` env vars."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from service.domain import (
    MAX_MAX_WORDS,
    MAX_NUM_FACTS,
    MIN_MAX_WORDS,
    MIN_NUM_FACTS,
    EngineName,
    InputSelection,
)
from service.prompts import Task

# The closed choices of the model's settings, shared by `Settings` and `ModelSettings`.
Backend = Literal["transformers", "ctranslate2"]
ComputeType = Literal[
    "default", "int8", "int8_float32", "int8_float16", "int8_bfloat16", "bfloat16", "float16", "float32"
]
Device = Literal["auto", "cpu", "cuda"]
DType = Literal["float32", "bfloat16", "float16"]
Quantize = Literal["none", "int8"]
PromptFamilySetting = Literal["auto", "instruct", "plain"]


@dataclass(frozen=True)
class Decoding:
    """How one task (summary or facts) decodes, always greedy or beam search, never sampled.

    No output limit: rows that decode alike share a call, each ending at its own limit.
    """

    num_beams: int
    min_new_tokens: int
    no_repeat_ngram_size: int
    length_penalty: float


class Settings(BaseSettings):
    """Service settings. Each field `foo` is also the env var `SUMMARIZER_FOO`."""

    model_config = SettingsConfigDict(env_prefix="SUMMARIZER_", extra="ignore", frozen=True)

    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    log_level: Literal["debug", "info", "warning", "error"] = "info"

    # --- engine -------------------------------------------------------------------------------
    model: str | None = Field(
        None, description="Hugging Face seq2seq checkpoint: a hub id or a local directory."
    )
    engine: Literal["auto", "embedded", "seq2seq"] = Field(
        "auto", description="auto: seq2seq when a model is set, else the embedded engine."
    )
    backend: Backend = Field(
        "transformers",
        description="What runs the seq2seq model: transformers (torch), or CTranslate2 (the"
        " `ctranslate2` extra), which converts the checkpoint on first load.",
    )
    compute_type: ComputeType = Field(
        "default",
        description="CTranslate2's weights and compute (default: as converted, float32 for float32"
        " checkpoints); the device must support it.",
    )
    ct2_cache_dir: Path | None = Field(
        None,
        description="Where converted CTranslate2 models are kept"
        " (default: $XDG_CACHE_HOME/newsdigest/ct2, else ~/.cache/newsdigest/ct2).",
    )
    device: Device = "auto"
    torch_threads: int | None = Field(
        None, ge=1, description="CPU threads for torch (default: the cores this process may use)."
    )
    dtype: DType = Field(
        "float32",
        description="Model weights and compute: bfloat16 halves memory and is faster where supported.",
    )
    quantize: Quantize = Field(
        "none", description="int8: dynamic int8 quantization of the model's linear layers (CPU only)."
    )
    prompts_dir: Path | None = Field(
        None, description="A folder of prompt templates (<family>/<task>.jinja); default: the packaged ones."
    )
    prompt_family: PromptFamilySetting = Field(
        "auto", description="Template variant; auto picks it from the checkpoint's model type."
    )
    max_input_tokens: int | None = Field(
        None, ge=16, description="Token budget of the model input (default: the model's limit)."
    )
    input_selection: InputSelection = Field(
        "salience", description="What enters the model when the articles exceed its budget."
    )
    same_fact_threshold: float | None = Field(
        None,
        ge=0.0,
        le=1.0,
        description="Merge score at which sentences of two articles count as one fact (its support);"
        " higher is stricter (default: the score's fitted threshold, service.facts.same_fact.THRESHOLD).",
    )

    # --- request limits -----------------------------------------------------------------------
    max_articles: int = Field(
        25, ge=1, le=100, description="Articles per request (multi-document benchmarks use 25)."
    )
    max_body_bytes: int = Field(
        12_000_000,
        ge=1_000,
        # Two pages at the page limit, as JSON strings (markup's quotes and backslashes escaped).
        description="Request body limit (413 above).",
    )
    max_page_bytes: int = Field(
        5_000_000,
        ge=1_000,
        le=20_000_000,
        # Real news pages run to ~3 MB of markup around a few thousand characters of article; the
        # extractor reads the largest within ~2 s on 2 cores (benchmarks/worst_case.py).
        description="UTF-8 bytes of one article as sent, markup included: the raw page (413).",
    )
    max_page_elements: int = Field(
        20_000,
        ge=100,
        # The extractor's time grows faster than linearly with a page's elements (a page of 20,000
        # paragraphs: ~6 s on one core); real pages have under 10,000 (p99 of 206: 3,244).
        description="HTML elements of one page (413).",
    )
    max_request_elements: int = Field(
        50_000,
        ge=100,
        description="HTML elements of all pages of a request together (413): bounds its reading time.",
    )
    max_article_chars: int = Field(
        100_000,
        ge=100,
        le=200_000,
        description="Characters per article, of the text the engine reads: for a page, its extracted"
        " article text (413).",
    )
    max_total_chars: int = Field(
        300_000,
        ge=100,
        # The largest DUC 2006 topic (25 articles) has 171,000 characters; the bound keeps every
        # admitted request within 5 s on 2 cores (benchmarks/worst_case.py).
        description="Characters of all articles together, as the engine reads them (413).",
    )
    # --- digests (POST /v1/digest: a pile of articles grouped into stories) ---------------------
    digest_max_articles: int = Field(1_000, ge=1, le=10_000, description="Articles per digest (413 beyond).")
    digest_max_total_chars: int = Field(
        5_000_000,
        ge=100,
        description="Characters of all of a digest's articles together, as read (413 beyond).",
    )
    digest_max_body_bytes: int = Field(
        64_000_000,
        ge=1_000,
        # 5,000,000 characters of text as JSON, with room for markup: a pile of whole pages is
        # larger; split it, or raise this.
        description="Body limit of POST /v1/digest (413 above); other routes keep max_body_bytes.",
    )
    digest_timeout_s: float = Field(
        600.0, gt=0, description="Deadline for a whole digest, grouping and every story (504)."
    )
    default_max_words: int = Field(100, ge=MIN_MAX_WORDS, le=MAX_MAX_WORDS)
    default_num_facts: int = Field(5, ge=MIN_NUM_FACTS, le=MAX_NUM_FACTS)
    max_queue: int = Field(32, ge=1, description="Requests waiting for the engine before 429.")
    request_timeout_s: float = Field(120.0, gt=0, description="Deadline for one request (504).")

    # --- batching -------------------------------------------------------------------------------
    batch_max_size: int = Field(
        16, ge=1, le=256, description="Requests run through the engine together; 1 turns batching off."
    )
    batch_max_tokens: int = Field(
        16_384, ge=16, description="Padded input tokens per generate() call; bigger batches are split."
    )
    batch_wait_ms: float = Field(
        5.0, ge=0, le=1000, description="How long an idle engine waits for more requests to join a batch."
    )
    light_lane_chars: int = Field(
        30_000,
        ge=0,
        le=10_000_000,
        # About six news articles: a request that size takes ~0.3 s on the embedded engine, one at the
        # size limit ~5 s; behind four of those an ordinary one waited 7 s (benchmarks/fairness.py).
        description="Requests of at most this many characters run in a lane of their own on a "
        "thread-safe engine (the embedded one), never behind big ones; 0: one lane.",
    )

    # --- access ---------------------------------------------------------------------------------
    api_key: SecretStr | None = Field(
        None, description="When set, /v1/summarize needs 'Authorization: Bearer <key>' or 'X-API-Key'."
    )
    protect_metrics: bool = Field(False, description="With an API key: /metrics needs it too.")
    cors_origins: list[str] = Field(
        default_factory=list, description="Origins allowed by CORS, a JSON list (default: CORS off)."
    )

    # --- generation -----------------------------------------------------------------------------
    num_beams: int = Field(4, ge=1, le=16, description="Beam width of both tasks; 1 is greedy decoding.")
    summary_min_new_tokens: int = Field(8, ge=0)
    summary_max_new_tokens: int = Field(200, ge=1)
    summary_no_repeat_ngram_size: int = Field(3, ge=0)
    summary_length_penalty: float = 1.0
    facts_min_new_tokens: int = Field(8, ge=0)
    facts_max_new_tokens: int = Field(256, ge=1)
    facts_no_repeat_ngram_size: int = Field(4, ge=0)
    facts_length_penalty: float = 1.0

    # --- links ----------------------------------------------------------------------------------
    fetch_urls: bool = Field(
        False, description='Articles may be {"url": ...}, without text: the service fetches the page.'
    )
    fetch_allow: list[str] = Field(
        default_factory=list,
        description="Networks the address guard lets through, a JSON list of CIDRs (e.g."
        ' ["10.1.0.0/16"]); every other loopback, private, link-local or reserved address is refused.',
    )
    fetch_timeout_s: float = Field(
        10.0, gt=0, le=300, description="One link's whole fetch, redirects included."
    )
    fetch_max_bytes: int = Field(
        5_000_000, ge=1_000, description="Bytes of one fetched page; a bigger one is a 413, read no further."
    )
    fetch_max_redirects: int = Field(5, ge=0, le=20, description="Redirects followed per link.")

    @field_validator("fetch_allow")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for n in value:
            try:
                ipaddress.ip_network(n)
            except ValueError as exc:
                raise ValueError(f"{n!r} is not a network (CIDR, e.g. 10.1.0.0/16): {exc}") from None
        return value

    @model_validator(mode="after")
    def _check(self) -> Settings:
        if self.quantize == "int8" and self.dtype != "float32":
            raise ValueError(
                "SUMMARIZER_QUANTIZE=int8 quantizes float32 weights: leave SUMMARIZER_DTYPE at float32"
            )
        if self.backend == "ctranslate2" and (self.dtype != "float32" or self.quantize != "none"):
            raise ValueError(
                "SUMMARIZER_DTYPE and SUMMARIZER_QUANTIZE are the transformers backend's; with"
                " SUMMARIZER_BACKEND=ctranslate2 set SUMMARIZER_COMPUTE_TYPE instead"
            )
        if self.backend == "transformers" and self.compute_type != "default":
            raise ValueError(
                "SUMMARIZER_COMPUTE_TYPE is the ctranslate2 backend's; with the transformers backend"
                " set SUMMARIZER_DTYPE or SUMMARIZER_QUANTIZE instead"
            )
        if self.engine == "seq2seq" and not self.model:
            raise ValueError("SUMMARIZER_ENGINE=seq2seq needs SUMMARIZER_MODEL (a hub id or directory)")
        if self.summary_min_new_tokens > self.summary_max_new_tokens:
            raise ValueError("summary_min_new_tokens must not exceed summary_max_new_tokens")
        if self.facts_min_new_tokens > self.facts_max_new_tokens:
            raise ValueError("facts_min_new_tokens must not exceed facts_max_new_tokens")
        return self

    @property
    def engine_name(self) -> EngineName:
        if self.engine == "auto":
            return "seq2seq" if self.model else "embedded"
        return self.engine

    def model_settings(self) -> ModelSettings:
        """What the seq2seq engine and its runtimes read (no HTTP, no limits): needs a model."""
        if not self.model:
            raise ValueError("the seq2seq engine needs a model (SUMMARIZER_MODEL)")
        return ModelSettings(
            model=self.model,
            backend=self.backend,
            compute_type=self.compute_type,
            ct2_cache_dir=self.ct2_cache_dir,
            device=self.device,
            torch_threads=self.torch_threads,
            dtype=self.dtype,
            quantize=self.quantize,
            prompts_dir=self.prompts_dir,
            prompt_family=self.prompt_family,
            max_input_tokens=self.max_input_tokens,
            input_selection=self.input_selection,
            batch_max_tokens=self.batch_max_tokens,
            same_fact_threshold=self.same_fact_threshold,
            summary=Decoding(
                num_beams=self.num_beams,
                min_new_tokens=self.summary_min_new_tokens,
                no_repeat_ngram_size=self.summary_no_repeat_ngram_size,
                length_penalty=self.summary_length_penalty,
            ),
            summary_max_new_tokens=self.summary_max_new_tokens,
            facts=Decoding(
                num_beams=self.num_beams,
                min_new_tokens=self.facts_min_new_tokens,
                no_repeat_ngram_size=self.facts_no_repeat_ngram_size,
                length_penalty=self.facts_length_penalty,
            ),
            facts_max_new_tokens=self.facts_max_new_tokens,
        )


@dataclass(frozen=True)
class ModelSettings:
    """The settings of a seq2seq model and how it runs (`Settings.model_settings`): what the
    engine and its runtimes read, and nothing of the HTTP service around them."""

    model: str
    backend: Backend
    compute_type: ComputeType
    ct2_cache_dir: Path | None
    device: Device
    torch_threads: int | None
    dtype: DType
    quantize: Quantize
    prompts_dir: Path | None
    prompt_family: PromptFamilySetting
    max_input_tokens: int | None
    input_selection: InputSelection
    batch_max_tokens: int
    same_fact_threshold: float | None
    summary: Decoding
    summary_max_new_tokens: int
    facts: Decoding
    facts_max_new_tokens: int

    def decoding(self, task: Task) -> tuple[Decoding, int]:
        """How `task` decodes, and its most new tokens."""
        if task == "summary":
            return self.summary, self.summary_max_new_tokens
        return self.facts, self.facts_max_new_tokens
