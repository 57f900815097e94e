"""Shared fixtures: project-written articles, tiny seq2seq checkpoints built in-session, app clients."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from eval.bench_checkpoint import train_t5_tokenizer
from service.app import create_app
from service.engines.base import Article, Cluster, Engine, Options
from service.settings import Settings

DATA = Path(__file__).parent / "data"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def load_cluster(name: str = "ferry_strike") -> list[dict[str, Any]]:
    articles: list[dict[str, Any]] = json.loads((DATA / f"{name}.json").read_text())["articles"]
    return articles


def to_cluster(articles: list[dict[str, Any]], max_words: int = 60, num_facts: int = 4) -> Cluster:
    return Cluster(
        articles=tuple(
            Article(
                text=a["text"],
                title=a.get("title"),
                id=a.get("id"),
                published=datetime.fromisoformat(a["published"]) if a.get("published") else None,
            )
            for a in articles
        ),
        options=Options(max_words=max_words, num_facts=num_facts),
    )


@pytest.fixture(scope="session")
def ferry() -> list[dict[str, Any]]:
    return load_cluster()


def wait_ready(client: TestClient, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if client.get("/readyz").status_code == 200:
            return
        if client.get("/healthz").status_code == 503:
            raise AssertionError("the engine failed to load (see the log above)")
        time.sleep(0.02)
    raise AssertionError(f"service not ready after {timeout}s: {client.get('/readyz').text}")


@contextmanager
def serve(settings: Settings | None = None, engine: Engine | None = None) -> Iterator[TestClient]:
    """A started app (lifespan run, engine ready) behind a TestClient."""
    app = create_app(settings or Settings(), engine=engine)
    with TestClient(app, raise_server_exceptions=False) as client:
        wait_ready(client)
        yield client


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    """The service as a user starts it with no model configured: the embedded engine."""
    with serve() as c:
        yield c


# --- tiny seq2seq checkpoints ------------------------------------------------------------------


def _train_tokenizer(out: Path) -> Path:
    """A sentencepiece vocabulary trained on project-written text, saved as a T5 tokenizer."""
    lines = (DATA / "corpus.txt").read_text().splitlines()
    for article in load_cluster():
        lines += article["text"].splitlines() + [article["title"]]
    tokenizer = train_t5_tokenizer(lines, vocab_size=400, model_type="unigram")
    tok_dir = out / "tokenizer"
    tokenizer.save_pretrained(tok_dir)
    return tok_dir


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Random-initialised T5 and BART checkpoints, saved like any Hugging Face model directory."""
    import torch
    from transformers import (
        AutoTokenizer,
        BartConfig,
        BartForConditionalGeneration,
        T5Config,
        T5ForConditionalGeneration,
    )

    root = tmp_path_factory.mktemp("tiny-models")
    tokenizer = AutoTokenizer.from_pretrained(_train_tokenizer(root))
    vocab = len(tokenizer)
    torch.manual_seed(0)
    t5_config = T5Config(
        vocab_size=vocab,
        d_model=32,
        d_ff=64,
        d_kv=8,
        num_layers=2,
        num_heads=4,
        pad_token_id=0,
        eos_token_id=1,
    )
    t5_config.decoder_start_token_id = 0  # T5 starts decoding from the pad token
    t5 = T5ForConditionalGeneration(t5_config)
    bart = BartForConditionalGeneration(
        BartConfig(
            vocab_size=vocab,
            d_model=32,
            encoder_layers=2,
            decoder_layers=2,
            encoder_attention_heads=4,
            decoder_attention_heads=4,
            encoder_ffn_dim=64,
            decoder_ffn_dim=64,
            max_position_embeddings=1024,
            pad_token_id=0,
            bos_token_id=1,
            eos_token_id=1,
            decoder_start_token_id=1,
            forced_eos_token_id=1,
        )
    )
    dirs = {}
    for name, model in (("t5", t5), ("bart", bart)):
        d = root / name
        model.save_pretrained(d)
        tokenizer.save_pretrained(d)
        dirs[name] = d
    return dirs
