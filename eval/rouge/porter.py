"""The Porter stemmer exactly as ROUGE-1.5.5's perl has it (Martin Porter's perl version, with
C.-Y. Lin's 2004 change to step 4), and the WordNet 2.0 exception lookup in front of it.

Standard Porter implementations (NLTK's, rouge-score's) differ from this one on some words, which is
why `rouge-score` with stemming disagrees with the perl on about 15% of summaries.
"""

from __future__ import annotations

import re
from functools import lru_cache

_c = "[^aeiou]"  # consonant
_v = "[aeiouy]"  # vowel
_C = f"{_c}[^aeiouy]*"  # consonant sequence
_V = f"{_v}[aeiou]*"  # vowel sequence
MGR0 = re.compile(f"^({_C})?{_V}{_C}")  # [C]VC... is m>0
MEQ1 = re.compile(f"^({_C})?{_V}{_C}({_V})?$")  # [C]VC[V] is m=1
MGR1 = re.compile(f"^({_C})?{_V}{_C}{_V}{_C}")  # [C]VCVC... is m>1
HAS_V = re.compile(f"^({_C})?{_v}")  # vowel in stem
CVC_END = re.compile(f"^{_C}{_v}[^aeiouwxy]$")

STEP2 = {
    "ational": "ate", "tional": "tion", "enci": "ence", "anci": "ance", "izer": "ize", "bli": "ble",
    "alli": "al", "entli": "ent", "eli": "e", "ousli": "ous", "ization": "ize", "ation": "ate",
    "ator": "ate", "alism": "al", "iveness": "ive", "fulness": "ful", "ousness": "ous", "aliti": "al",
    "iviti": "ive", "biliti": "ble", "logi": "log",
}  # fmt: skip
STEP3 = {"icate": "ic", "ative": "", "alize": "al", "iciti": "ic", "ical": "ic", "ful": "", "ness": ""}

STEP1A_SSIES = re.compile(r"(ss|i)es$")
STEP1A_S = re.compile(r"([^s])s$")
STEP1B = re.compile(r"(ed|ing)$")
STEP1B_FIX = re.compile(r"(at|bl|iz)$")
DOUBLE_END = re.compile(r"([^aeiouylsz])\1$")
STEP2_RE = re.compile(f"({'|'.join(STEP2)})$")
STEP3_RE = re.compile(f"({'|'.join(STEP3)})$")
STEP4_RE = re.compile(r"(al|ance|ence|er|ic|able|ible|ant|ement|ou|ism|ate|iti|ous|ive|ize)$")
STEP4_ION = re.compile(r"(s|t)(ion)$")


def porter_stem(w: str) -> str:
    """One lower-case word through the perl's `stem` sub, step by step in its order."""
    if len(w) < 3:
        return w
    # An initial y is made Y so that the patterns never treat it as a vowel.
    initial_y = w[0] == "y"
    if initial_y:
        w = "Y" + w[1:]

    # Step 1a
    if (m := STEP1A_SSIES.search(w)) or (m := STEP1A_S.search(w)):
        w = w[: m.start()] + m.group(1)
    # Step 1b
    if w.endswith("eed"):
        if MGR0.search(w[:-3]):
            w = w[:-1]
    elif m := STEP1B.search(w):
        stem = w[: m.start()]
        if HAS_V.search(stem):
            w = stem
            if STEP1B_FIX.search(w):
                w += "e"
            elif DOUBLE_END.search(w):
                w = w[:-1]
            elif CVC_END.search(w):
                w += "e"
    # Step 1c
    if w.endswith("y"):
        stem = w[:-1]
        if HAS_V.search(stem):
            w = stem + "i"
    # Step 2
    if m := STEP2_RE.search(w):
        stem = w[: m.start()]
        if MGR0.search(stem):
            w = stem + STEP2[m.group(1)]
    # Step 3
    if m := STEP3_RE.search(w):
        stem = w[: m.start()]
        if MGR0.search(stem):
            w = stem + STEP3[m.group(1)]
    # Step 4, as modified in 2004: a word ending in -ement does not go on to -ment and -ent.
    if m := STEP4_RE.search(w):
        stem = w[: m.start()]
        if MGR1.search(stem):
            w = stem
    if w.endswith("ment"):
        stem = w[:-4]
        if MGR1.search(stem):
            w = stem
    if w.endswith("ent"):
        stem = w[:-3]
        if MGR1.search(stem):
            w = stem
    elif m := STEP4_ION.search(w):
        stem = w[: m.start()] + m.group(1)
        if MGR1.search(stem):
            w = stem
    # Step 5
    if w.endswith("e"):
        stem = w[:-1]
        if MGR1.search(stem) or (MEQ1.search(stem) and not CVC_END.search(stem)):
            w = stem
    if w.endswith("ll") and MGR1.search(w):
        w = w[:-1]

    if initial_y:
        w = "y" + w[1:]
    return w


class MorphStemmer:
    """The perl's `MorphStem`: the WordNet exception table first, then Porter; memoised."""

    def __init__(self, exceptions: dict[str, str]) -> None:
        self.exceptions = exceptions
        self.stem = lru_cache(maxsize=500_000)(self._stem)

    def _stem(self, token: str) -> str:
        lowered = token.lower()
        hit = self.exceptions.get(lowered)
        return hit if hit is not None else porter_stem(lowered)
