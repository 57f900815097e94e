"""The runtime's per-row n-gram ban bans exactly what transformers' own processor bans, row by row."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from transformers.generation.logits_process import NoRepeatNGramLogitsProcessor  # noqa: E402

from service.engines.runtime import RowMinLength, RowNgramBan  # noqa: E402


def test_each_row_gets_the_bans_transformers_gives_it_alone() -> None:
    g = torch.Generator().manual_seed(0)
    for _ in range(500):
        rows, length, vocab = (
            int(torch.randint(lo, hi, (1,), generator=g)) for lo, hi in ((1, 5), (1, 30), (3, 8))
        )
        ids = torch.randint(0, vocab, (rows, length), generator=g)
        scores = torch.randn(rows, vocab, generator=g)
        sizes = [int(x) for x in torch.randint(0, 5, (rows,), generator=g)]
        got = RowNgramBan(sizes)(ids, scores.clone())
        for r, n in enumerate(sizes):
            alone = (
                NoRepeatNGramLogitsProcessor(n)(ids[r : r + 1], scores[r : r + 1].clone())[0]
                if n
                else scores[r]
            )
            assert torch.equal(torch.isinf(got[r]), torch.isinf(alone))
            assert torch.equal(got[r][~torch.isinf(got[r])], scores[r][~torch.isinf(got[r])])


def test_beams_of_a_row_share_its_ban() -> None:
    # Two rows of two beams each: row 0 bans trigrams, row 1 nothing.
    ids = torch.tensor([[0, 1, 2, 0, 1], [0, 1, 2, 0, 1], [0, 1, 2, 0, 1], [0, 1, 2, 0, 1]])
    got = RowNgramBan([3, 0])(ids, torch.zeros(4, 4))
    assert torch.isinf(got[:2, 2]).all() and not torch.isinf(got[2:]).any()


def test_a_row_below_its_minimum_cannot_end() -> None:
    ids = torch.zeros(2, 4, dtype=torch.long)  # the start token and three new ones
    got = RowMinLength([5, 3], ends=[1])(ids, torch.zeros(2, 3))
    assert torch.isinf(got[0, 1]) and not torch.isinf(got[1]).any()
