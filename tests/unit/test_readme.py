"""The README stays true: every setting is documented, and CI runs the README's test command."""

import re
from pathlib import Path

from service.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def test_every_setting_is_in_the_readme_table() -> None:
    readme = (ROOT / "README.md").read_text()
    documented = set(re.findall(r"^\| `SUMMARIZER_([A-Z0-9_]+)` \|", readme, flags=re.M))
    assert documented == {name.upper() for name in Settings.model_fields}


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Run the tests", 1)[1]
    command = re.search(r"```bash\n(.+?)\n```", section, flags=re.S)
    assert command is not None
    assert command.group(1).strip() in (ROOT / ".ci" / "run").read_text()
