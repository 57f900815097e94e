"""Similarity and overlap matrices: hand-computed values, and the dense constructions they replace,
reproduced to the bit (a changed bit can change which sentence a summary picks)."""

from __future__ import annotations

import random

import numpy as np
import pytest

from service.facts import same_fact
from service.facts.same_fact import DENSE_FROM, THRESHOLD, Wording, coverage, same_fact_matrix, shared_counts
from service.nlp.sentences import Sentence, analyze
from service.nlp.similarity import cosine_matrix, term_ids, tfidf_matrix
from tests.support.articles import load_cluster


def dense_tfidf(stem_lists: list[tuple[str, ...]]) -> np.ndarray:
    """tf-idf rows as the service first built them: a dense count matrix filled by `np.add.at`."""
    vocab: dict[str, int] = {}
    rows, cols = [], []
    for r, stems in enumerate(stem_lists):
        for t in stems:
            rows.append(r)
            cols.append(vocab.setdefault(t, len(vocab)))
    m = np.zeros((len(stem_lists), max(1, len(vocab))), dtype=np.float32)
    np.add.at(m, (np.array(rows, dtype=np.intp), np.array(cols, dtype=np.intp)), 1.0)
    df = (m > 0).sum(axis=0)
    m *= np.log((1.0 + len(stem_lists)) / (1.0 + df)) + 1.0
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return m / norms


def dense_shared(sets: list[frozenset[str]]) -> np.ndarray:
    vocab = sorted(set().union(*sets))
    incidence = np.array([[t in members for t in vocab] for members in sets], dtype=np.float32)
    shared = incidence @ incidence.T
    np.fill_diagonal(shared, 0.0)
    return shared


def stem_lists() -> list[tuple[str, ...]]:
    """The ferry cluster's sentences, and random ones whose words recur a lot (some in most sets)."""
    ferry = [s.stems for article in analyze([a["text"] for a in load_cluster()]) for s in article]
    rng = random.Random(0)
    common = [f"w{k}" for k in range(5)]  # in more than DENSE_FROM of the sets below
    words = [f"t{k}" for k in range(300)]
    made = [tuple(rng.choices(common, k=2) + rng.choices(words, k=rng.randint(0, 12))) for _ in range(120)]
    return [*ferry, *made, ()]


def test_term_ids_number_terms_as_first_seen() -> None:
    ids, width = term_ids([("b", "a"), (), ("a", "c", "b")])
    assert ids.tolist() == [0, 1, 1, 2, 0] and width == 3
    assert term_ids([])[1] == 1


def test_tfidf_by_hand() -> None:
    m = tfidf_matrix([("a", "a", "b"), ("b",)])
    idf_a, idf_b = np.log(3 / 2) + 1, 1.0
    a, b = 2 * idf_a, idf_b
    np.testing.assert_allclose(m, [[a / np.hypot(a, b), b / np.hypot(a, b)], [0.0, 1.0]], rtol=1e-6)
    assert tfidf_matrix([(), ()]).tolist() == [[0.0], [0.0]]


def test_tfidf_is_the_dense_constructions_to_the_bit() -> None:
    lists = stem_lists()
    ours, theirs = tfidf_matrix(lists), dense_tfidf(lists)
    assert ours.dtype == theirs.dtype and ours.tobytes() == theirs.tobytes()


def test_cosines_are_the_whole_products_within_float32_rounding() -> None:
    """The product skips terms one sentence has: the same cosines as the whole product, up to the
    order a float32 sum is taken in (a few units in the last place)."""
    lists = stem_lists()
    whole = dense_tfidf(lists)
    expected = whole @ whole.T
    ours = cosine_matrix(lists)
    assert ours.shape == expected.shape and not ours.flags.writeable
    np.testing.assert_allclose(ours, expected, rtol=0, atol=1e-6)
    norms = np.linalg.norm(whole, axis=1)
    np.testing.assert_allclose(np.diag(ours), np.where(norms > 0, 1.0, 0.0), atol=1e-6)
    # Sentences with no term in common are exactly 0, one with itself (when not empty) about 1.
    assert cosine_matrix([("a",), ("b",), ()]).tolist() == [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]]


def test_shared_counts_by_hand_and_against_the_dense_product() -> None:
    sets = [frozenset("ab"), frozenset("bc"), frozenset(), frozenset("abc")]
    assert shared_counts(sets).tolist() == [[0, 1, 0, 2], [1, 0, 0, 2], [0, 0, 0, 0], [2, 2, 0, 0]]
    many = [frozenset(s) for s in stem_lists()]
    assert sum("w0" in s for s in many) > DENSE_FROM  # both ways of counting are used
    assert np.array_equal(shared_counts(many), dense_shared(many))
    c_min, c_max = coverage(sets)
    assert c_min[0, 3] == 2 / 3 and c_max[0, 3] == 1.0 and c_min[2, 2] == 0.0 and c_max[3, 3] == 1.0


def dense_same_fact_matrix(sentences: list[Sentence]) -> np.ndarray:
    """Every pair's merge score, as `same_fact.score` gives it (float32, as the matrix holds it)."""
    out = np.eye(len(sentences), dtype=np.float32)
    wording = [Wording(s.text) for s in sentences]
    for i, j in zip(*np.triu_indices(len(sentences), k=1), strict=True):
        out[i, j] = out[j, i] = same_fact.score(wording[i], wording[j])
    return out


def look_alikes() -> list[Sentence]:
    ferry = [s for article in analyze([a["text"] for a in load_cluster()]) for s in article]
    # Near-duplicates too, so that some pairs pass the bound and merge.
    twice = analyze([" ".join(s.text for s in ferry[:12]), " ".join(s.text for s in ferry[:12]).upper()])
    return [*ferry, *(s for article in twice for s in article)]


@pytest.mark.parametrize("threshold", [THRESHOLD, 0.5, 0.0, 1.0])
def test_same_fact_matrix_is_exact_where_pairs_merge(threshold: float) -> None:
    """Pruning changes no merge: every pair at or above `threshold` in a dense reading reads the
    same score to the bit, and every other pair reads its score or 0, below `threshold`."""
    sentences = look_alikes()
    ours = same_fact_matrix(sentences, threshold)
    dense = dense_same_fact_matrix(sentences)
    merging = dense >= threshold
    assert np.array_equal(ours[merging], dense[merging])
    rest = ours[~merging]
    assert ((rest == 0.0) | (rest == dense[~merging])).all() and (rest < threshold).all()
    if threshold == THRESHOLD:
        assert (ours[np.triu_indices(len(sentences), k=1)] >= threshold).any()


def test_the_pruning_bound_holds_for_every_pair() -> None:
    """The logit of each pair is at most its word coverage's share plus `best_case_without_words`."""
    wording = [Wording(s.text) for s in look_alikes()]
    wt = dict(zip(same_fact.FEATURES, same_fact.WEIGHTS, strict=True))
    best = same_fact.best_case_without_words()
    for i in range(len(wording)):
        for j in range(i + 1, len(wording)):
            f = dict(zip(same_fact.FEATURES, same_fact.features(wording[i], wording[j]), strict=True))
            assert all(0.0 <= v <= 1.0 for v in f.values())
            assert all(f[k] <= f[k[:-4] + "_max"] for k in f if k.endswith("_min"))
            logit = same_fact.BIAS + sum(wt[k] * v for k, v in f.items())
            words = wt["words_min"] * f["words_min"] + wt["words_max"] * f["words_max"]
            assert logit <= same_fact.BIAS + words + best + 1e-9


def test_the_merge_score_is_symmetric_to_the_bit() -> None:
    """`same_fact_matrix` scores each two texts once, whichever comes first."""
    wording = [Wording(s.text) for s in look_alikes()]
    for x, y in zip(wording, wording[7:] + wording[:7], strict=True):
        assert same_fact.score(x, y) == same_fact.score(y, x)


def test_common_subsequence_is_the_dynamic_programmes() -> None:
    def by_table(a: list[str], b: list[str]) -> int:
        table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
        for i, x in enumerate(a):
            for j, y in enumerate(b):
                table[i + 1][j + 1] = table[i][j] + 1 if x == y else max(table[i][j + 1], table[i + 1][j])
        return table[-1][-1]

    rng = random.Random(3)
    for _ in range(500):
        a = [rng.choice("abcde") for _ in range(rng.randint(0, 70))]  # past 64 bits too
        b = [rng.choice("abcdef") for _ in range(rng.randint(0, 40))]
        assert same_fact._common_subsequence(a, b) == by_table(a, b)
    assert same_fact._common_subsequence("a b c d".split(), "b x d".split()) == 2


def test_words_are_compared_as_spelt_alike() -> None:
    assert Wording("He didn't say it's over.").tokens == ("he", "did", "not", "say", "it", "over")
    assert Wording("The N.R.A. and the U.S. agreed").tokens == ("the", "nra", "and", "the", "us", "agreed")
    assert Wording("a work-around for two users").tokens == ("a", "work", "around", "for", "2", "users")
    assert Wording("One of them won't go").tokens == ("one", "of", "them", "will", "not", "go")
    plain = "Rescuers pulled 14 survivors from the school, the agency said."
    assert Wording(plain).stems == same_fact.stemmed(plain)[1]


def test_spelt_reads_plain_sentences_as_they_are_and_the_others_word_by_word() -> None:
    """The shortcut for sentences `spellings` leaves alone gives what spelling every word would."""
    texts = [s.text for s in look_alikes()]
    texts += ["Mr. Smith's co-pilot didn't see the U.S.-led convoy.", "Two men, 3.5 km away, cannot say."]
    for text in texts:
        lowered = same_fact.stemmed(text)[0]
        words = tuple(w for word in lowered for w in same_fact.spellings(word))
        assert same_fact.spelt(text) == (words, tuple(map(same_fact.stem, words)))


def test_the_readings_of_attribution_synonym_pairs_and_partial_figures() -> None:
    def read(a: str, b: str) -> dict[str, float]:
        return dict(zip(same_fact.FEATURES, same_fact.features(Wording(a), Wording(b)), strict=True))

    # Who says it is no part of the fact: an attribution on one side only leaves nothing unsaid.
    said = read(
        "The bridge will close for repairs in May.",
        "The bridge will close for repairs in May, a city official said.",
    )
    assert said["unsaid_max"] == 0.0 and said["unmatched_max"] > 0.0
    # A word read as the other's synonym joins its neighbours: "bought shares" / "purchased shares".
    pairs = read("The fund bought shares of the airline.", "The fund purchased shares of the airline.")
    assert pairs["synonym_pairs_min"] == 1.0 and pairs["pairs_min"] < 1.0
    # One common value is not a disagreement, but the other values weigh against the merge.
    figures = read("Sales rose 5 percent to 12 percent.", "Sales rose 5 percent to 14 percent.")
    assert figures["figures_unshared"] > 0.0
    assert read("Sales rose 5 percent.", "Sales rose 5 percent.")["figures_unshared"] == 0.0
