"""Prompt templates: Jinja files under `prompts/<family>/`, rendered with strict undefined variables.

The templates ship as package data of the `prompts` package (the top-level `prompts/` folder), found
through `importlib.resources` in a checkout and an installed wheel alike; `SUMMARIZER_PROMPTS_DIR`
points at another folder of the same layout.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any, Literal

import jinja2

PromptFamily = Literal["instruct", "plain"]
Task = Literal["summary", "facts"]

# Model types whose checkpoints follow instructions (FLAN-T5) or a task prefix (T5).
INSTRUCT_MODEL_TYPES = frozenset({"t5", "mt5", "umt5", "longt5", "switch_transformers"})


def family_for(model_type: str) -> PromptFamily:
    """Instruction templates for the T5 family; plain text for summarizers (BART, PEGASUS, LED)."""
    return "instruct" if model_type in INSTRUCT_MODEL_TYPES else "plain"


class PromptError(ValueError):
    """A template is missing, or was rendered without a variable it uses."""


@dataclass(frozen=True)
class PromptSet:
    family: PromptFamily
    templates: dict[Task, jinja2.Template]

    def has(self, task: Task) -> bool:
        return task in self.templates

    def render(self, task: Task, **variables: Any) -> str:
        try:
            return self.templates[task].render(**variables).strip()
        except KeyError as exc:
            raise PromptError(f"no {task!r} template for the {self.family!r} family") from exc
        except jinja2.UndefinedError as exc:
            raise PromptError(f"{self.family}/{task} template: {exc.message}") from exc


def packaged_prompts() -> Traversable:
    """The templates that ship with the service."""
    return resources.files("prompts")


def load_prompts(prompts_dir: Path | Traversable | None, family: PromptFamily) -> PromptSet:
    """Load `<prompts_dir>/<family>/{summary,facts}.jinja` (None: the packaged templates).

    A summary template is required; a facts template is optional.
    """
    folder = (prompts_dir if prompts_dir is not None else packaged_prompts()) / family
    env = jinja2.Environment(
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # plain text for a tokenizer, not HTML
        keep_trailing_newline=False,
    )
    templates: dict[Task, jinja2.Template] = {}
    for task in ("summary", "facts"):
        source = folder / f"{task}.jinja"
        if source.is_file():
            templates[task] = env.from_string(source.read_text(encoding="utf-8"))
    if "summary" not in templates:
        raise PromptError(f"no summary template in {folder}")
    return PromptSet(family=family, templates=templates)
