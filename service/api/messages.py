"""Validation problems in words a person reads: pydantic's errors to `{loc, msg}` details.

pydantic's own messages name its internals ("List should have at least 1 item after validation,
not 0", "Value error, ...", a JSON error located at `body.27`). The HTTP API, the command line and
the Ray batch rows all say a request's problems through `details`, so they read the same
everywhere. The location keeps pydantic's dotted path (`body.articles.1.text`): the page places
each message next to the field it names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

# What a JSON value of each Python type is called.
_JSON_TYPES = {
    str: "a string",
    int: "a number",
    float: "a number",
    bool: "true or false",
    list: "a list",
    dict: "an object",
    type(None): "null",
}
# A list field's items, by the field's name.
_ITEMS = {"articles": "article", "background": "background article"}


def _json_type(value: object) -> str:
    return _JSON_TYPES.get(type(value), "something else")


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _position(doc: str, pos: int) -> str:
    line = doc.count("\n", 0, pos) + 1
    column = pos - (doc.rfind("\n", 0, pos) + 1) + 1
    return f"line {line}, column {column} (character {pos})"


def message(err: Mapping[str, Any], body: object = None) -> str:
    """One problem of a request, as a sentence about the field it names."""
    kind = str(err.get("type", ""))
    loc = [p for p in err.get("loc", ()) if p != "body"]
    names = [p for p in loc if isinstance(p, str)]
    field = f"`{names[-1]}`" if names else "the body"
    ctx: Mapping[str, Any] = err.get("ctx") or {}
    value = err.get("input")
    if kind == "json_invalid":
        pos = next((p for p in err.get("loc", ()) if isinstance(p, int)), None)
        where = f" at {_position(body, pos)}" if isinstance(body, str) and pos is not None else ""
        return f"the body is not valid JSON: {ctx.get('error', 'it cannot be read')}{where}"
    if kind == "missing":
        if not loc:
            return 'the body is empty: send a JSON object such as {"articles": [{"text": "..."}]}'
        return f"{field} is required"
    if kind in ("model_attributes_type", "dict_type", "model_type"):
        if not loc:
            return f'the body must be a JSON object such as {{"articles": [...]}}, not {_json_type(value)}'
        return f"{field} must be an object, not {_json_type(value)}"
    if kind == "extra_forbidden":
        return f"{field} is not a field this service knows (check its spelling)"
    if kind == "too_short":
        noun = _ITEMS.get(names[-1] if names else "", "item")
        have = ctx.get("actual_length") or "none"
        return f"{field} needs at least {_plural(int(ctx.get('min_length', 1)), noun)}; it has {have}"
    if kind == "too_long":
        noun = _ITEMS.get(names[-1] if names else "", "item")
        have = f"; it has {ctx['actual_length']}" if ctx.get("actual_length") is not None else ""
        return f"{field} may have at most {_plural(int(ctx.get('max_length', 0)), noun)}{have}"
    if kind == "string_too_short":
        return f"{field} must not be empty"
    if kind == "string_too_long":
        return f"{field} may be at most {_plural(int(ctx.get('max_length', 0)), 'character')} long"
    if kind == "string_pattern_mismatch":
        if ctx.get("pattern") == r"\S":
            return f"{field} must not be blank: leave it out, or give some text"
        if names and names[-1] == "language":
            return f'{field} must be a BCP 47 language tag, such as "de", "pt-BR" or "zh-Hant"'
        return f"{field} must match the pattern {ctx.get('pattern')}"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        bound = {"greater_than_equal": "at least", "greater_than": "more than"}.get(kind)
        bound = bound or {"less_than_equal": "at most", "less_than": "less than"}[kind]
        limit = next(iter(ctx.values()), "?")
        return f"{field} must be {bound} {limit}, not {value}"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"{field} must be a whole number, not {_json_type(value)}"
    if kind in ("string_type", "bool_type", "list_type", "float_type"):
        want = {"string_type": "a string", "bool_type": "true or false", "list_type": "a list"}.get(
            kind, "a number"
        )
        return f"{field} must be {want}, not {_json_type(value)}"
    if kind.startswith(("datetime_", "date_")):
        why = str(err.get("msg", "")).split(", ", 1)
        reason = f" ({why[1]})" if len(why) == 2 else ""
        example = "such as 2026-03-02 or 2026-03-02T14:30:00Z"
        return f"{field} must be an ISO 8601 date or datetime, {example}{reason}"
    text = str(err.get("msg", ""))
    return text.removeprefix("Value error, ").removeprefix("Assertion failed, ")


def location(err: Mapping[str, Any]) -> str:
    """pydantic's dotted path of the problem (`body.articles.1.text`), a JSON error's at `body`."""
    loc = [
        str(p) for p in err.get("loc", ()) if not (err.get("type") == "json_invalid" and isinstance(p, int))
    ]
    return ".".join(loc)


def details(
    errors: Sequence[Mapping[str, Any]], body: object = None, prefix: tuple[str, ...] = ()
) -> list[dict[str, str]]:
    """`{loc, msg}` for each problem; `prefix` goes before each location (the CLI's `body`)."""
    return [
        {"loc": ".".join([*prefix, location(err)]).strip("."), "msg": message(err, body)} for err in errors
    ]
