"""The walls of the house: every import in `service/` points down, none in `service/`, `eval/` or
`benchmarks/` goes round in a circle, and the measuring tool (`eval/`) shares no code with what it
measures.

The rules read the source with `ast` (imports inside functions and `TYPE_CHECKING` blocks count too),
so a new module or a new import is checked the moment it is written.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# service/: a module may import its own layer or a lower one, never a higher one.
LAYERS: dict[str, int] = {
    # The programs: the server (`python -m service`) and the command line (`newsdigest`). The
    # command line's `eval` runs the harness as its own process, never by an import (below).
    "service.__main__": 6,
    "service.cli": 6,
    "service.distributed": 6,
    "service.api": 5,
    "service.runner": 4,
    "service.engines": 3,
    "service.facts": 2,
    # A digest's grouping of a pile into stories: words and articles in, stories out.
    "service.stories": 2,
    "service.pages": 1,
    "service.nlp": 1,
    "service.domain": 0,
    "service.settings": 0,
    "service.errors": 0,
    "service.prompts": 0,
}
# The one eval module that drives the system under test, and what of the service it may use.
EVAL_ADAPTER = "eval.systems"
SERVICE_SURFACE = (
    "service.settings",
    "service.engines",
    "service.domain",
    "service.errors",
    # The app itself, for `SummarizeClient`'s in-process mode: the page checker (eval/pages/)
    # posts request bodies through FastAPI's TestClient and judges what a user gets back.
    "service.api.app",
    # The API's response model: an in-process run's outputs are the JSON the API answers with.
    "service.api.schemas",
)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, name: str | None = None) -> set[str]:
    """Every module `path` (module `name`) imports, absolute names, wherever the import stands."""
    found: set[str] = set()
    name = name or module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against this module's package
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            # `from service.nlp import words` imports the module service.nlp.words.
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def dynamic_imports(path: Path) -> set[str]:
    """Modules named by a string to `importlib.import_module` or `__import__`: imports all the same."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in {"import_module", "__import__"} and isinstance(node.args[0].value, str):
                found.add(node.args[0].value)
    return found


def graph(packages: Iterable[str]) -> dict[str, set[str]]:
    """Module -> the project modules it imports, for every .py file under the given folders."""
    files = [p for pkg in packages for p in sorted((ROOT / pkg).rglob("*.py"))]
    names = {module_name(p) for p in files}
    return {module_name(p): {m for m in imports_of(p) if m in names} - {module_name(p)} for p in files}


def layer(module: str) -> int | None:
    if module == "service":  # the package's own __init__: a docstring
        return 0
    for prefix, rank in sorted(LAYERS.items(), key=lambda kv: -len(kv[0])):
        if module == prefix or module.startswith(prefix + "."):
            return rank
    return None


def layer_violations(edges: Mapping[str, set[str]]) -> list[str]:
    """Upward imports and modules no layer claims."""
    problems = []
    for module, targets in sorted(edges.items()):
        own = layer(module)
        if own is None:
            problems.append(f"{module} belongs to no layer: add it to LAYERS")
            continue
        for target in sorted(targets):
            rank = layer(target)
            if rank is not None and rank > own:
                problems.append(f"{module} (layer {own}) imports {target} (layer {rank}) upward")
    return problems


def cycles(edges: Mapping[str, set[str]]) -> list[list[str]]:
    """Import circles, each as the list of modules on it."""
    found: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        path.append(m)
        for t in sorted(edges.get(m, ())):
            if state.get(t) == 1:
                found.append(path[path.index(t) :] + [t])
            elif t not in state:
                visit(t)
        path.pop()
        state[m] = 2

    for m in sorted(edges):
        if m not in state:
            visit(m)
    return found


# --- the checks on the real tree -------------------------------------------------------------


def test_service_imports_point_down() -> None:
    edges = graph(["service"])
    assert layer_violations(edges) == []


@pytest.mark.parametrize(
    "trees",
    [
        ("service",),
        ("eval",),
        # With the harness modules the benchmarks import, so a circle through eval/ is found too.
        ("benchmarks", "eval"),
    ],
    ids=lambda trees: trees[0],
)
def test_no_import_circles(trees: tuple[str, ...]) -> None:
    assert cycles(graph(trees)) == []


def test_service_does_not_import_the_harness_or_the_benchmarks() -> None:
    # Not even `newsdigest eval`: it starts `python -m eval` as a program of its own.
    for path in (ROOT / "service").rglob("*.py"):
        found = imports_of(path) | dynamic_imports(path)
        bad = {m for m in found if m.split(".")[0] in {"eval", "benchmarks", "tests"}}
        assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


def test_rouge_imports_nothing_of_the_service_or_the_rest_of_the_harness() -> None:
    for path in (ROOT / "eval" / "rouge").rglob("*.py"):
        bad = {
            m
            for m in imports_of(path)
            if m.split(".")[0] in {"service", "benchmarks", "tests"}
            or (m.startswith("eval") and not m.startswith("eval.rouge"))
        }
        assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


def test_only_the_adapter_imports_the_service_and_only_its_public_surface() -> None:
    modules = {module_name(p) for p in (ROOT / "service").rglob("*.py")}
    for path in (ROOT / "eval").rglob("*.py"):
        service = {m for m in imports_of(path) if m in modules}
        if module_name(path) == EVAL_ADAPTER:
            internal = {
                m for m in service if not any(m == s or m.startswith(s + ".") for s in SERVICE_SURFACE)
            }
            # service.engines.<module> would reach past build_engine into an engine's internals.
            internal |= {m for m in service if m.startswith("service.engines.")}
            assert not internal, f"{EVAL_ADAPTER} reaches into {sorted(internal)}"
        else:
            assert not service, f"{path.relative_to(ROOT)} imports {sorted(service)}"


def test_prompts_are_data() -> None:
    for path in (ROOT / "prompts").rglob("*.py"):
        assert imports_of(path) <= {"__future__", "__future__.annotations"}


# --- the checker itself ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("edges", "expected"),
    [
        (
            {"service.nlp.words": {"service.facts.features"}},
            "imports service.facts.features (layer 2) upward",
        ),
        ({"service.domain": {"service.api.schemas"}}, "imports service.api.schemas (layer 5) upward"),
        ({"service.gadgets": set()}, "service.gadgets belongs to no layer"),
    ],
)
def test_the_checker_catches_upward_imports_and_strays(edges: dict[str, set[str]], expected: str) -> None:
    assert any(expected in p for p in layer_violations(edges))


def test_the_checker_finds_circles() -> None:
    edges = {"service.api.app": {"service.api.routes"}, "service.api.routes": {"service.api.app"}}
    assert cycles(edges) == [["service.api.app", "service.api.routes", "service.api.app"]]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_imports_are_read_wherever_they_stand(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from service.api.state import ServiceState\n"
        "def f():\n    from service.facts import select\n    import eval.run\n"
        "from .words import stem\n"
    )
    found = imports_of(probe, "service.nlp.probe")
    assert {"service.api.state", "service.facts.select", "eval.run", "service.nlp.words"} <= found


def test_imports_by_name_are_read_too(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text(
        "import importlib\n"
        "def f():\n    return importlib.import_module('eval.run'), __import__('benchmarks')\n"
        "def g(name):\n    return importlib.import_module(name)\n"
    )
    assert dynamic_imports(probe) == {"eval.run", "benchmarks"}
