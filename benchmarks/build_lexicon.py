"""Build the service's synonym table (`service/nlp/data/lexicon.tsv.gz`) from WordNet 3.0.

    apt-get install -y wordnet-base && pip install nltk   # the build step only
    python -m benchmarks.build_lexicon [--wordnet /usr/share/wordnet] [--senses 2]

The table maps a stem of the service (`service.nlp.words.stem`) to the WordNet concepts its words
stand for: two stems that share a concept name the same thing ("purchase"/"buy", "told"/"said").
Senses are kept tight, because a looser table would make different facts look alike:
- only the first `--senses` senses of each word and part of speech (WordNet orders them by
  frequency in its tagged corpus), so rare readings ("boy" as "son") are left out;
- synonyms only (lemmas of one synset), never hypernyms or co-hyponyms, so "north"/"south",
  "boys"/"girls" and "unemployment"/"inflation" stay apart; antonyms are never linked;
- derivational links (die/death, kill/killing) join two concepts only when both are among the
  first senses of their words;
- proper nouns (capitalised lemmas: "Bush" the president is no shrub), multi-word lemmas and
  lemmas with digits are left out, since sentences are compared word by word and figures apart.
Irregular forms (WordNet's exception lists: "bought" -> buy, "told" -> tell) are keyed by their own
stems, since the stemmer does not reach the lemma from them.
A concept shared by no two stems matches nothing a stem does not already match: not written.

nltk's WordNet reader does the parsing; nltk is not a dependency of the service, which reads only
the table (`service.nlp.lexicon`). Debian's wordnet-base has no `lexnames` file, which the reader
wants: it is written into a scratch copy from the `lexnames(5WN)` manual page of the same package.
WordNet's licence is written beside the table (`WORDNET_LICENSE`), as the licence asks.
"""

from __future__ import annotations

import argparse
import gzip
import logging
import re
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from service.nlp.lexicon import LICENSE_FILE, TABLE_FILE
from service.nlp.words import stem

log = logging.getLogger("build_lexicon")

WORDNET = Path("/usr/share/wordnet")
LEXNAMES_MAN = Path("/usr/share/man/man5/lexnames.5WN.gz")
COPYRIGHT = Path("/usr/share/doc/wordnet-base/copyright")
OUT = Path(__file__).resolve().parents[1] / "service" / "nlp" / "data"
POS = ("n", "v", "a", "r")  # satellites ("s") are read with their adjectives
LEMMA_RE = re.compile(r"[a-z]+(?:['-][a-z]+)*")
# Quantities are the figures' business (`service.facts.figures`), and WordNet joins their words in
# loose senses ("million" and "billion" both: "a very large indefinite number"): left out.
NUMBER_WORDS = frozenset(
    """zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen
    sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred
    thousand million billion trillion zillion dozen score half quarter third fourth fifth""".split()
)
UNCOUNTED = ("noun.quantity",)  # units and amounts: kilo, mile, dozen


def _lexnames(man_page: Path) -> str:
    """The `lexnames` file (number, name, part-of-speech number) from its manual page's table."""
    pos_number = {"noun": 1, "verb": 2, "adj": 3, "adv": 4}
    lines = []
    with gzip.open(man_page, "rt", encoding="utf-8") as f:
        for row in f:
            m = re.match(r"^(\d\d)\t(\S+)\s*\t", row)
            if m:
                lines.append(f"{m[1]}\t{m[2]}\t{pos_number[m[2].split('.')[0]]}")
    if [int(line.split("\t")[0]) for line in lines] != list(range(45)):
        raise SystemExit(f"{man_page}: expected WordNet 3.0's 45 lexicographer files, read {len(lines)}")
    return "\n".join(lines) + "\n"


def open_wordnet(wordnet: Path, scratch: Path) -> Any:
    """nltk's reader over a scratch copy of `wordnet` (plus `lexnames`)."""
    import nltk  # the build step's own dependency
    from nltk.corpus.reader.wordnet import WordNetCorpusReader

    for name in ("data", "index"):
        for pos in ("noun", "verb", "adj", "adv"):
            shutil.copy(wordnet / f"{name}.{pos}", scratch / f"{name}.{pos}")
    for pos in ("noun", "verb", "adj", "adv"):
        shutil.copy(wordnet / f"{pos}.exc", scratch / f"{pos}.exc")
    (scratch / "lexnames").write_text(_lexnames(LEXNAMES_MAN), encoding="utf-8")
    nltk.data.path.append(str(scratch))  # nltk reads only under its data paths

    class Reader(WordNetCorpusReader):  # type: ignore[misc]
        # The reader maps sense keys to the "wordnet" corpus of nltk_data for its multilingual
        # functions, which this WordNet is: nothing to map (and no nltk_data to read).
        def map_wn(self, version: str = "wordnet") -> None:
            return None

    return Reader(str(scratch), None)


def first_senses(wn: Any, word: str, pos: str, senses: int) -> list[Any]:
    """The word's first `senses` synsets of part of speech `pos` (adjective satellites with "a")."""
    if word in NUMBER_WORDS:
        return []
    found = [
        s
        for s in wn.synsets(word)
        if s.pos().replace("s", "a") == pos and any(lm.name() == word for lm in s.lemmas())
    ]
    return [s for s in found[:senses] if s.lexname() not in UNCOUNTED]


def words_of(wn: Any) -> Iterator[tuple[str, str]]:
    """(lemma, part of speech) of every single-word, lower-case lemma."""
    for pos in POS:
        for name in wn.all_lemma_names(pos=pos):
            if LEMMA_RE.fullmatch(name):
                yield name, pos


def irregular_forms(wordnet: Path) -> dict[str, set[str]]:
    """Lemma -> its irregular forms, from the exception lists ("told tell")."""
    forms: dict[str, set[str]] = defaultdict(set)
    for pos in ("noun", "verb", "adj", "adv"):
        for line in (wordnet / f"{pos}.exc").read_text(encoding="utf-8").splitlines():
            form, *lemmas = line.split()
            if LEMMA_RE.fullmatch(form):
                for lemma in lemmas:
                    forms[lemma].add(form)
    return forms


def build(wn: Any, wordnet: Path, senses: int) -> dict[str, set[str]]:
    """Stem -> names of the synsets it stands for (before renumbering and pruning)."""
    chosen: dict[tuple[str, str], list[Any]] = {}
    for word, pos in words_of(wn):
        chosen[(word, pos)] = first_senses(wn, word, pos, senses)
    kept = {s.name() for synsets in chosen.values() for s in synsets}
    concepts: dict[tuple[str, str], set[str]] = {}
    for (word, _pos), synsets in chosen.items():
        names = {s.name() for s in synsets}
        for s in synsets:
            for lemma in s.lemmas():
                if lemma.name() != word:
                    continue
                for related in lemma.derivationally_related_forms():
                    r = related.synset()
                    # Both ends among their words' first senses: "killing" the act, not the profit.
                    if r.name() in kept and r in chosen.get((related.name(), r.pos().replace("s", "a")), ()):
                        names.add(r.name())
        concepts[(word, _pos)] = names
    forms = irregular_forms(wordnet)
    table: dict[str, set[str]] = defaultdict(set)
    for (word, _pos), names in concepts.items():
        for form in {word, *forms.get(word, ())}:
            table[stem(form)] |= names
    return table


def compact(table: dict[str, set[str]]) -> dict[str, list[int]]:
    """Concepts renumbered 0.. by first use; those of one stem only dropped, as are stems left bare."""
    holders: dict[str, int] = defaultdict(int)
    for names in table.values():
        for name in names:
            holders[name] += 1
    ids: dict[str, int] = {}
    out: dict[str, list[int]] = {}
    for key in sorted(table):
        shared = sorted(n for n in table[key] if holders[n] > 1)
        if shared:
            out[key] = [ids.setdefault(n, len(ids)) for n in shared]
    return out


def wordnet_license(copyright_file: Path) -> str:
    """WordNet's own licence, from the package's copyright file (Debian's packaging terms left out)."""
    text = copyright_file.read_text(encoding="utf-8")
    m = re.search(r"^License: WordNet3\.0\n(.*?)(?=^\S)", text, re.MULTILINE | re.DOTALL)
    if not m:
        raise SystemExit(f"{copyright_file}: no WordNet 3.0 licence found")
    body = [line[1:] if line != " ." else "" for line in m[1].rstrip("\n").split("\n")]
    return (
        "WordNet 3.0 licence (service/nlp/data/lexicon.tsv.gz is derived from WordNet 3.0)\n\n"
        + "\n".join(body)
        + "\n"
    )


def write(out_dir: Path, table: dict[str, list[int]], senses: int) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / TABLE_FILE
    # mtime 0: the same WordNet gives the same bytes, so a rebuild shows no spurious diff.
    with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
        header = f"# WordNet 3.0 synonyms by stem; first {senses} senses; benchmarks.build_lexicon\n"
        gz.write(header.encode())
        for key, ids in table.items():
            gz.write(f"{key}\t{' '.join(map(str, ids))}\n".encode())
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.build_lexicon", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--wordnet", type=Path, default=WORDNET, help="WordNet 3.0 dict folder")
    parser.add_argument("--senses", type=int, default=2, help="senses kept per word and part of speech")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    with tempfile.TemporaryDirectory() as scratch:
        wn = open_wordnet(args.wordnet, Path(scratch))
        table = compact(build(wn, args.wordnet, args.senses))
    path = write(args.out, table, args.senses)
    (args.out / LICENSE_FILE).write_text(wordnet_license(COPYRIGHT), encoding="utf-8")
    concepts = len({c for ids in table.values() for c in ids})
    log.info("%s: %d stems, %d concepts, %d bytes", path, len(table), concepts, path.stat().st_size)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
