"""The install requirements of pyproject.toml, one per line, for an image or a wheelhouse.

The Dockerfile's dependency stage installs what this prints, and the offline recipe (README, "Run it
in Docker") fills its wheelhouse from it, so both read the same list. Standard library only: it runs
on the base image's bare python3.

    python3 .ci/requirements.py [--pyproject FILE] [--extras ctranslate2,ray] [--engine all|embedded]

`--engine embedded` leaves out the seq2seq engine's stack (`[tool.newsdigest] seq2seq` in
pyproject.toml: torch, transformers and what they need), which the embedded engine never imports.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from pathlib import Path

ENGINES = ("all", "embedded")


def requirement_name(requirement: str) -> str:
    """The distribution a requirement names, normalised as PEP 503 compares names."""
    name = re.split(r"[\s\[<>=!~;@(]", requirement.strip(), maxsplit=1)[0]
    return re.sub(r"[-_.]+", "-", name).lower()


def requirements(pyproject: dict, extras: list[str], engine: str) -> list[str]:
    project = pyproject["project"]
    optional = project["optional-dependencies"]
    unknown = [e for e in extras if e not in optional]
    if unknown:
        raise ValueError(f"unknown EXTRAS: {', '.join(unknown)} (pyproject.toml has {', '.join(optional)})")
    wanted = list(project["dependencies"]) + [r for e in extras for r in optional[e]]
    if engine == "all":
        return wanted
    seq2seq = {requirement_name(r) for r in pyproject["tool"]["newsdigest"]["seq2seq"]}
    if "ctranslate2" in extras:
        # The CTranslate2 backend converts and tokenizes with transformers: it is a seq2seq backend.
        raise ValueError("EXTRAS=ctranslate2 needs the seq2seq engine: build with ENGINE=all")
    return [r for r in wanted if requirement_name(r) not in seq2seq]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--pyproject", type=Path, default=Path(__file__).resolve().parent.parent / "pyproject.toml"
    )
    parser.add_argument("--extras", default="", help="optional extras, comma-separated")
    parser.add_argument(
        "--engine", choices=ENGINES, default="all", help="embedded: no torch, no transformers"
    )
    args = parser.parse_args(argv)
    pyproject = tomllib.loads(args.pyproject.read_text(encoding="utf-8"))
    extras = [e.strip() for e in args.extras.split(",") if e.strip()]
    try:
        listed = requirements(pyproject, extras, args.engine)
    except ValueError as exc:
        parser.exit(2, f"{parser.prog}: error: {exc}\n")
    sys.stdout.write("".join(f"{r}\n" for r in listed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
