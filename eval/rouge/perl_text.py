"""Text as the ROUGE-1.5.5 perl reads it: bytes, sentence lines, its length limits (-l, -b)."""

from __future__ import annotations

import re

NON_TOKEN = re.compile(r"[^A-Za-z0-9\-]")
ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
WHITESPACE = re.compile(r"\s+")


def perl_split(text: str) -> list[str]:
    """Perl's `split(/\\s+/, $s)`: a leading empty field is kept, trailing ones are dropped."""
    parts = WHITESPACE.split(text)
    while parts and parts[-1] == "":
        parts.pop()
    return parts


def as_perl_bytes(text: str) -> str:
    """The text as the perl sees a UTF-8 file: one character per byte."""
    return text.encode("utf-8", errors="surrogateescape").decode("latin-1")


def spl_lines(text: str) -> list[str]:
    """SPL input: one sentence a line; empty lines skipped; ASCII lower-cased."""
    return [line.translate(ASCII_LOWER) for line in as_perl_bytes(text).split("\n") if line]


def clean(text: str) -> str:
    text = NON_TOKEN.sub(" ", text.replace("-", " - "))
    return " ".join(text.split())


def truncate_joined(lines: list[str], words: int, nbytes: int) -> str | None:
    """readText: the text as one string, within the word or byte limit."""
    if not words and not nbytes:
        return " ".join(lines) if lines else None
    out, size = "", 0
    for s in lines:
        if words:
            tokens = perl_split(s)
            if size + len(tokens) < words:
                out = f"{out} {s}" if size else s
                size += len(tokens)
                continue
            tail = " ".join(tokens[: words - size])
        else:
            if size + len(s) < nbytes:
                out = f"{out} {s}" if size else s
                size += len(s)
                continue
            tail = s[: nbytes - size]
        out = (out + " " if size > 0 else out) + tail
        break
    return out if out else None


def truncate_units(lines: list[str], words: int, nbytes: int) -> list[str]:
    """readText_LCS: the lines kept as units, within the limit (the byte count restarts per line)."""
    if not words and not nbytes:
        return list(lines)
    out: list[str] = []
    size = 0
    for s in lines:
        if words:
            tokens = perl_split(s)
            if size + len(tokens) < words:
                size += len(tokens)
                out.append(s)
                continue
            out.append(" ".join(tokens[: words - size]))
        else:
            if len(s) < nbytes:  # the perl never adds to its byte count here
                out.append(s)
                continue
            out.append(s[:nbytes])
        break
    return out
