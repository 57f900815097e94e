"""HTML articles: their visible text, with each character's offset in the markup as sent."""

from __future__ import annotations

import html
import re

MARKUP_RE = re.compile(r"<(?:[A-Za-z][A-Za-z0-9]*\b[^<>]*|/[A-Za-z][A-Za-z0-9]*\s*|!--.*?--)>", re.S)
HIDDEN_BLOCK_RE = re.compile(r"<(script|style|head|template)\b[^>]*>.*?</\1\s*>", re.S | re.I)
BREAKING_TAG_RE = re.compile(
    r"^</?(?:p|div|br|li|ul|ol|h[1-6]|tr|table|section|article|header|footer|blockquote)\b", re.I
)
ENTITY_RE = re.compile(r"&(?:#\d{1,7}|#x[0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def visible_text(text: str) -> tuple[str, list[int] | None]:
    """HTML reduced to its visible text, and for each character its offset in `text`.

    Plain text comes back as it is (and no map). Tags are dropped (block tags become paragraph
    breaks), script/style blocks vanish, entities are decoded; offsets keep pointing into the
    markup as sent, so sources stay valid for the caller's original text.
    """
    if not MARKUP_RE.search(text):
        return text, None
    chars: list[str] = []
    where: list[int] = []
    pos = 0
    for m in re.finditer(
        f"{HIDDEN_BLOCK_RE.pattern}|{MARKUP_RE.pattern}|{ENTITY_RE.pattern}", text, re.S | re.I
    ):
        for k in range(pos, m.start()):
            chars.append(text[k])
            where.append(k)
        token = m.group(0)
        if token.startswith("&"):
            decoded = html.unescape(token)
            chars.extend(decoded)
            where.extend([m.start()] * len(decoded))
        elif BREAKING_TAG_RE.match(token) or HIDDEN_BLOCK_RE.match(token):
            chars.extend("\n\n")
            where.extend([m.start(), m.start()])
        pos = m.end()
    for k in range(pos, len(text)):
        chars.append(text[k])
        where.append(k)
    return "".join(chars), where
