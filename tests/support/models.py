"""Tiny random-initialised T5 and BART checkpoints, saved like any Hugging Face model directory."""

from __future__ import annotations

from pathlib import Path

from tests.support.articles import DATA, load_cluster
from tests.support.tokenizers import train_t5_tokenizer


def _train_tokenizer(out: Path) -> Path:
    """A sentencepiece vocabulary trained on project-written text, saved as a T5 tokenizer."""
    lines = (DATA / "corpus.txt").read_text().splitlines()
    for article in load_cluster():
        lines += article["text"].splitlines() + [article["title"]]
    tokenizer = train_t5_tokenizer(lines, vocab_size=400, model_type="unigram")
    tok_dir = out / "tokenizer"
    tokenizer.save_pretrained(tok_dir)
    return tok_dir


def build_tiny_models(root: Path) -> dict[str, Path]:
    """Build both checkpoints (one shared tokenizer) under `root`; returns {"t5": dir, "bart": dir}."""
    import torch
    from transformers import (
        AutoTokenizer,
        BartConfig,
        BartForConditionalGeneration,
        T5Config,
        T5ForConditionalGeneration,
    )

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


def build_canned_t5(base: Path, text: str, out: Path, max_steps: int = 1500) -> Path:
    """A copy of the tiny T5 at `base` that writes `text` whatever it is given, greedy or beam.

    Its cross-attention is silenced (zero output projections, kept frozen), so the decoder cannot
    see the input, and the decoder is trained until its greedy output is exactly `text`: a real
    checkpoint, loaded the way users load theirs, whose output a test knows in advance. Only
    characters of the tiny vocabulary survive; check `text` against what the tokenizer decodes.
    """
    import torch
    from transformers import AutoTokenizer, T5ForConditionalGeneration

    tokenizer = AutoTokenizer.from_pretrained(base)
    model = T5ForConditionalGeneration.from_pretrained(base)
    for name, module in model.decoder.named_modules():
        if name.endswith("EncDecAttention.o"):  # the cross-attention's output projection
            assert isinstance(module, torch.nn.Linear)
            torch.nn.init.zeros_(module.weight)
            module.weight.requires_grad_(False)
    torch.manual_seed(0)
    labels = tokenizer([text], return_tensors="pt")["input_ids"]
    expected = tokenizer.decode(labels[0], skip_special_tokens=True)
    dummy = tokenizer(["x"], return_tensors="pt")
    optimizer = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=1e-2)
    for step in range(max_steps):
        model.train()
        loss = model(**dummy, labels=labels).loss
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if step % 50 == 49:
            model.eval()
            with torch.inference_mode():
                ids = model.generate(**dummy, max_new_tokens=labels.shape[1] + 8, do_sample=False)
            if tokenizer.decode(ids[0], skip_special_tokens=True) == expected:
                break
    else:
        raise RuntimeError(f"the canned model did not learn its text in {max_steps} steps")
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out


def build_flan_like_t5(tokenizer_dir: Path, out: Path) -> Path:
    """A tiny T5 shaped like FLAN-T5 (gated GELU, an output layer apart from the embeddings) whose
    output layer never picks the pad token: random weights otherwise favour T5's pad, which is also
    its decoder start token, and a text of pads tests nothing."""
    import torch
    from transformers import AutoTokenizer, T5Config, T5ForConditionalGeneration

    tokenizer = AutoTokenizer.from_pretrained(tokenizer_dir)
    torch.manual_seed(1)
    config = T5Config(
        vocab_size=len(tokenizer),
        d_model=32,
        d_ff=64,
        d_kv=8,
        num_layers=2,
        num_heads=4,
        feed_forward_proj="gated-gelu",
        pad_token_id=0,
        eos_token_id=1,
    )
    config.tie_word_embeddings = False  # as FLAN-T5's
    config.decoder_start_token_id = 0  # T5 starts decoding from the pad token
    model = T5ForConditionalGeneration(config)
    with torch.no_grad():
        # Its logit is then 0, below the best of 400 random directions' for any hidden state.
        model.lm_head.weight[config.pad_token_id] = 0.0
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out


def build_tiny_led(tokenizer_dir: Path, out: Path) -> Path:
    """A tiny LED (Longformer encoder-decoder): a family transformers runs and CTranslate2 can't convert."""
    from transformers import AutoTokenizer, LEDConfig, LEDForConditionalGeneration

    tokenizer = AutoTokenizer.from_pretrained(tokenizer_dir)
    config = LEDConfig(
        vocab_size=len(tokenizer),
        d_model=16,
        encoder_layers=1,
        decoder_layers=1,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=16,
        decoder_ffn_dim=16,
        max_encoder_position_embeddings=512,
        max_decoder_position_embeddings=512,
        attention_window=[8],
        pad_token_id=0,
        eos_token_id=1,
        bos_token_id=1,
        decoder_start_token_id=1,
    )
    LEDForConditionalGeneration(config).save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out
