"""syntok's sentence segmentation, ported to run over a list of tokens.

`syntok.segmenter.analyze` was the largest cost of reading a cluster (~140 ms of ~450 for 25
articles): it makes a `Token` object per word with a few regexes and Python loops, and its
segmenter walks them one at a time through a chain of state objects and generators. Only a few
tokens can end a sentence (a terminal such as "." or an opening bracket), and the rules deciding
there read a few tokens around them. So here:

- a whitespace-separated chunk of text is tokenized once per request (`Chunks`): a plain ASCII
  word ("said", "1990s") is one token, a plain word with punctuation around it ("said.",
  "(AP)") is cut as syntok cuts it, by regexes run over all new chunks at once; the rest
  ("U.S.", "don't", "1,200") by syntok's `Tokenizer` itself. A paragraph's token values are
  one list; a token's offset and spacing are read from its chunk only when asked for;
- the segmenter is syntok 1.4's state machine (`syntok._segmentation_states`), rule for rule and
  in the same order, with a queue that is an index into that list; between two tokens that may
  end a sentence it jumps instead of stepping.

The sentences are syntok's to the token: the tests compare both on news text, syntok's own test
sentences and random text (`tests/unit/test_segmenter.py`). The constants are syntok's own.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import accumulate, chain, compress
from operator import itemgetter

from syntok._segmentation_states import State
from syntok.segmenter import preprocess_with_offsets
from syntok.tokenizer import Tokenizer

from service.errors import check

# What `syntok.segmenter.analyze` tokenizes with: "don't" stays "do" + "n't".
_TOKENIZER = Tokenizer(replace_not_contraction=False)
# syntok's chunks (`Tokenizer._spaces`: runs of anything but the `regex` module's Unicode
# whitespace and the zero-width space), captured so that splitting at them keeps both the chunks
# and the whitespace between them. Written out for `re`, which splits faster: `str.isspace()`
# characters less the four information separators (U+001C-U+001F), plus U+200B (a test checks
# the class against syntok's over every code point).
_SPLIT_RE = re.compile("([^\t-\r \x85\xa0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000]+)")

_TERMINALS = State.terminals
_OPENING = State.opening_brackets
_CLOSING = State.closing_brackets
_QUOTES = State.closing_quotes
_INNER_PUNCTUATION = State.inner_sentence_punctuation
# Where syntok's inner state stops stepping: a terminal, or an opening bracket ("(" included).
_STOPS = _TERMINALS | _OPENING
_POST_TERMINAL = _TERMINALS | _CLOSING
_MAX_BRACKET_CHARS = State.max_bracket_skipping_length
_MAX_BRACKET_TOKENS = 50  # how far syntok looks for a closing bracket
# How syntok's tokenizer reads most chunks, matched against many chunks at once (one a line).
# syntok cuts a chunk into the characters before its first letter or digit, one token each; the
# word up to its last letter or digit; the characters after it, one token each ("..." as one).
# It splits a word of letters and digits only where a lowercase letter meets an uppercase one
# ("Mc|Donald"): an ASCII word without that is one token ("said", "1990s", "NATO"). Everything
# else ("U.S.", "don't", "1,200", "front-runner") it splits by rules of its own, left to it.
_WORD = r"(?:[0-9a-z]|(?<![a-z])[A-Z])+"
_NOT_WORD = r"(?:[^\w\n]|_)"  # neither a letter nor a digit (nor the line break between chunks)
# A plain word, or no letter or digit at all ("--", "``"): one token, the chunk itself.
_ONE_TOKEN_RE = re.compile(rf"^(?:{_WORD}|{_NOT_WORD}+)$", re.MULTILINE)
# A plain word with characters that are neither around it: "said.", "(AP)", "``We".
_FRAMED_RE = re.compile(rf"^({_NOT_WORD}*)({_WORD})({_NOT_WORD}*)$", re.MULTILINE)

# A chunk's tokens: their values, offsets within the chunk, and whether their spacing is empty.
# The first token's spacing is the whitespace before the chunk: never empty but at a paragraph's
# start (`Tokens.unspaced` sees to that one).
Parts = tuple[tuple[str, ...], tuple[int, ...], tuple[bool, ...]]


@dataclass
class Chunks:
    """Tokens of the chunks seen so far: one per request (articles share most of their words)."""

    parts: dict[str, Parts] = field(default_factory=dict)

    def learn(self, chunks: Iterable[str]) -> None:
        """Tokenize the chunks not seen yet: most by a regex over them all, the rest by syntok."""
        new = set(chunks).difference(self.parts)
        whole = set(_ONE_TOKEN_RE.findall("\n".join(new)))
        self.parts.update({chunk: ((chunk,), (0,), (False,)) for chunk in whole})
        rest = new.difference(whole)
        for before, word, after in _FRAMED_RE.findall("\n".join(rest)):
            self.parts[before + word + after] = _framed(before, word, after)
        for chunk in rest.difference(self.parts):
            tokens = list(_TOKENIZER.tokenize(chunk))
            self.parts[chunk] = (
                tuple(t.value for t in tokens),
                tuple(t.offset for t in tokens),
                tuple(k > 0 and not t.spacing for k, t in enumerate(tokens)),
            )


def _framed(before: str, word: str, after: str) -> Parts:
    """The tokens of a plain word with characters that are neither letters nor digits around it."""
    values, offsets = [*before, word], [*range(len(before) + 1)]
    end = len(before) + len(word)
    if after.startswith("..."):
        values.append("...")
        offsets.append(end)
        end, after = end + 3, after[3:]
    values.extend(after)
    offsets.extend(range(end, end + len(after)))
    return tuple(values), tuple(offsets), (False,) + (True,) * (len(values) - 1)


@dataclass(frozen=True)
class Tokens:
    """A paragraph's tokens as syntok's tokenizer makes them.

    The values are a list; a token's offset and spacing are read from its chunk when asked for
    (the segmenter asks for a few per sentence), which spares building them for every token.
    """

    values: list[str]
    parts: list[Parts]  # each chunk's tokens
    starts: list[int]  # where each chunk starts in the text
    firsts: list[int]  # the index of each chunk's first token
    size: int  # how many tokens the chunks make; a trailing empty token may follow them
    opens: bool  # the paragraph opens with a chunk: nothing before its first token
    end: int  # where the paragraph ends: the offset of the trailing empty token

    def offset(self, k: int) -> int:
        if k >= self.size:
            return self.end
        c = bisect_right(self.firsts, k) - 1
        return self.starts[c] + self.parts[c][1][k - self.firsts[c]]

    def unspaced(self, k: int) -> bool:
        """Token `k`'s spacing is empty."""
        if k >= self.size:
            return False
        c = bisect_right(self.firsts, k) - 1
        at = k - self.firsts[c]
        return c == 0 and self.opens if at == 0 else self.parts[c][2][at]


def tokenize(paragraph: str, base: int, chunks: Chunks) -> Tokens:
    """`Tokenizer(replace_not_contraction=False).tokenize(paragraph, base)`.

    Built with `map` and `chain` over the chunks' known tokens: a Python loop per token cost more
    than the rest of the segmentation.
    """
    pieces = _SPLIT_RE.split(paragraph)  # whitespace, chunk, whitespace, ..., chunk, whitespace
    texts = pieces[1::2]
    chunks.learn(texts)
    parts = list(map(chunks.parts.__getitem__, texts))
    values = list(chain.from_iterable(map(itemgetter(0), parts)))
    starts = list(accumulate(map(len, pieces), initial=base))[1:-1:2]
    firsts = list(accumulate(map(len, map(itemgetter(0), parts)), initial=0))[:-1]
    size = len(values)
    if pieces[-1]:  # trailing whitespace: syntok ends with an empty token after it
        values.append("")
    opens = bool(texts) and not pieces[0]
    return Tokens(values, parts, starts, firsts, size, opens, base + len(paragraph))


def sentence_spans(
    text: str, chunks: Chunks | None = None, stop: threading.Event | None = None
) -> list[tuple[int, int]]:
    """(start, end) of each sentence syntok finds in `text`: its first token's offset, and the end
    of its last token (an empty token at a paragraph's end, when there is one, included).

    `stop`, once set, ends the work (`Cancelled`), checked per paragraph and per sentence.
    """
    chunks = chunks if chunks is not None else Chunks()
    spans: list[tuple[int, int]] = []
    for base, paragraph in preprocess_with_offsets(text):
        check(stop)
        tokens = tokenize(paragraph, base, chunks)
        for first, last in _Segmenter(tokens, stop).sentences():
            spans.append((tokens.offset(first), tokens.offset(last) + len(tokens.values[last])))
    return spans


class _Segmenter:
    """syntok's states over `Tokens`: the queue is `values[i:]`, the history `values[h:i]`.

    Method names follow syntok's `State` methods they port; `first` says whether syntok would be
    in its `FirstToken` state (else `InnerToken`).
    """

    def __init__(self, tokens: Tokens, stop: threading.Event | None = None) -> None:
        self.stop = stop
        self.v = tokens.values
        self.offset = tokens.offset
        self.unspaced = tokens.unspaced
        self.n = len(self.v)
        self.i = 0
        self.h = 0
        # Indices of the tokens the inner state stops at, to jump between them.
        self.stops = list(compress(range(self.n), map(_STOPS.__contains__, self.v)))

    def sentences(self) -> list[tuple[int, int]]:
        """(first, last) token index of each sentence, as `syntok.segmenter.segment` yields them."""
        out: list[tuple[int, int]] = []
        if not self.n:
            return out
        first = True  # Begin -> FirstToken
        while True:
            end = self._first_token() if first else self._inner_token()
            if end is None:  # stay in the same state
                continue
            if end == "terminal" or end == "end":
                check(self.stop)
                # Terminal and End yield the history; segment() drops a lone empty token.
                if self.i > self.h and (self.i - self.h > 1 or self.v[self.h]):
                    out.append((self.h, self.i - 1))
                self.h = self.i
                if end == "end" or self.i >= self.n:  # Terminal -> End when nothing is left
                    return out
                first = True  # Terminal -> FirstToken
            else:  # "first" or "inner": the state `_move_and_maybe_extract_terminal` stayed in
                first = end == "first"

    # States: each returns "terminal", "end", "first"/"inner" (stay), or None (stay, same state).

    def _first_token(self) -> str | None:
        if (
            self.i < self.n
            and self._next_is_opening_bracket()
            and self._skip_bracketed_text()
            and self.i - self.h > 3
            and not self._next_is_lowercase()
        ):
            return "terminal"
        if self.i < self.n:
            self.i += 1
            if self._next_is_terminal():
                return self._move_and_maybe_extract_terminal(first=True)
            return "inner"
        return "end"

    def _inner_token(self) -> str | None:
        if self.i >= self.n:
            return "end"
        # syntok steps one token at a time until the next is a terminal or an opening bracket
        # (skipping a bracketed text right after a step): jump to the first such token.
        k = bisect_left(self.stops, self.i + 1)
        self.i = self.stops[k] if k < len(self.stops) else self.n
        if self.i < self.n and self._next_is_opening_bracket():
            self._skip_bracketed_text()
        if self._next_is_terminal() or self._next_is_opening_bracket():
            return self._move_and_maybe_extract_terminal(first=False)
        return None

    # The queue's next token (syntok's `next_is_*` properties).

    def _next(self) -> str | None:
        return self.v[self.i] if self.i < self.n else None

    def _next_is_terminal(self) -> bool:
        value = self._next()
        return value is not None and (value in _TERMINALS or value == "(")

    def _next_is_opening_bracket(self) -> bool:
        value = self._next()
        return value is not None and value in _OPENING

    def _next_is_lowercase(self) -> bool:
        value = self._next()
        return value is not None and value[:1].islower()

    def _next_is_unspaced(self) -> bool:
        return self.i < self.n and self.unspaced(self.i)

    def _last(self) -> str:
        return self.v[self.i - 1] if self.i > self.h else ""

    def _move(self) -> bool:
        self.i += 1
        return self.i < self.n

    def _find_end_of_bracketed_text(self) -> tuple[int, bool]:
        """Queue index of the closing bracket (0: none), and whether the text looks like a sentence."""
        v, i, n = self.v, self.i, self.n
        depth = 1
        q = 1
        first_is_title: bool | None = None
        last_is_terminal = False
        while i + q < n and q < _MAX_BRACKET_TOKENS:
            value = v[i + q]
            if first_is_title is None and value.isalnum():
                first_is_title = value.istitle()
            elif first_is_title and value.isalnum():
                last_is_terminal = i + q + 1 < n and v[i + q + 1] in _TERMINALS
            if value in _OPENING:
                depth += 1
            elif value in _CLOSING:
                depth -= 1
                if depth == 0:
                    break
            q += 1
        return (q if depth == 0 else 0), bool(first_is_title and last_is_terminal)

    def _skip_bracketed_text(self) -> bool:
        closing, has_inner_sentence = self._find_end_of_bracketed_text()
        if closing > 0:
            t = self.i + closing
            end = self.offset(t) + len(self.v[t])
            if end - self.offset(self.i) < _MAX_BRACKET_CHARS or not has_inner_sentence:
                self.i = t + 1
                return True
        return False

    def _find_next_token_after_bracket(self) -> str:
        closing, has_inner_sentence = self._find_end_of_bracketed_text()
        if closing > 0 and not has_inner_sentence and self.i + closing + 1 < self.n:
            return self.v[self.i + closing + 1]
        return ""

    def _find_token_after_next(self) -> str:
        return self.v[self.i + 1] if self.i + 1 < self.n else ""

    def _move_to_next_relevant_word_and_return_token_after_terminal(self) -> str:
        token: str | None = None
        if self._next_is_opening_bracket() and self._last() not in _TERMINALS:
            self._skip_bracketed_text()
        else:
            while self.i < self.n and self.v[self.i] in _POST_TERMINAL:
                if not self._move():
                    break
                if token is None:
                    token = self._last()
            # A closing quote right after: moved over (`_move` runs only when there is one).
            quote = self.i < self.n and self.v[self.i] in _QUOTES and self.unspaced(self.i)
            if quote and self._move() and token is None:
                token = self._last()
            while self.i < self.n and self.v[self.i] in _POST_TERMINAL:
                if not self._move():
                    break
                if token is None:
                    token = self._last()
            if self._next_is_opening_bracket():
                token = self.v[self.i]
        if token is None and self.i < self.n:
            token = self.v[self.i]
        return "" if token is None else token

    def _move_and_maybe_extract_terminal(self, first: bool) -> str:
        stay = "first" if first else "inner"
        before = self._last()
        if not self._next_is_opening_bracket():
            self._move()
        after = self._move_to_next_relevant_word_and_return_token_after_terminal()
        following = self._next()
        if following is None:
            following_numeric = following_starter = following_month = False
            following_lower = following_inner = False
        else:
            following_numeric = following.isnumeric()
            following_starter = following in State.starters
            following_month = following in State.months
            following_lower = following[:1].islower()
            following_inner = following in _INNER_PUNCTUATION
        unspaced = self._next_is_unspaced()
        if following_lower or following_inner:
            return stay
        if not (first and _single_letter_or_roman_numeral(before)) and following_starter:
            return "terminal"
        # syntok writes `not in (closing_brackets or closing_quotes)`: the closing brackets.
        if before in State.abbreviations and after not in _CLOSING:
            return stay
        if (
            before in ("no", "No", "NO")
            and following is not None
            and any(c.isnumeric() for c in following)
            and following.isalnum()
        ):
            return stay
        if following_numeric and unspaced:
            return stay
        if unspaced and (not after.istitle() or not after.isalpha() or len(after) == 1):
            return stay
        if following_numeric and following is not None and len(following) > 2:
            return stay
        if before.isnumeric() and following_month:
            return stay
        if before in State.months and following_numeric:
            return stay
        if "." in before and after != ".":
            return stay
        if (first or before.isupper()) and _single_letter_or_roman_numeral(before):
            return stay
        if len(before) == 1 and before.isalpha() and before not in State.vowels:
            return stay
        if after in _OPENING:
            after_brackets = self._find_next_token_after_bracket()
            after_opening_bracket = self._find_token_after_next()
            if after_brackets in _INNER_PUNCTUATION:
                return stay
            if after_opening_bracket.istitle():
                return "terminal"
            return stay if after_brackets[:1].islower() else "terminal"
        return "terminal"


def _single_letter_or_roman_numeral(token: str) -> bool:
    return len(token) == 1 or token in State.roman_numerals
