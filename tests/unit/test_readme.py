"""The README stays true: every setting is documented, and CI runs the README's test command."""

import json
import re
import tomllib
from pathlib import Path

from fastapi.testclient import TestClient

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


def test_the_first_install_line_takes_the_cpu_torch() -> None:
    """The line a newcomer copies first installs PyTorch's CPU build (not PyPI's multi-GB CUDA
    build) before the project, at the version the project pins; the GPU line stands beside it."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Start the service", 1)[1].split("\n## ", 1)[0]
    command = re.search(r"```bash\n(.+?)\n```", section, flags=re.S)
    assert command is not None
    pins = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    torch = next(p for p in pins if p.startswith("torch"))
    cpu = f'pip install "{torch}" --index-url https://download.pytorch.org/whl/cpu'
    steps = command.group(1).split(" && ")
    assert cpu in steps
    assert steps.index(cpu) < steps.index("pip install -e .")
    assert "CUDA build" in section


def test_the_digest_example_is_what_the_service_answers(client: TestClient) -> None:
    """The README's digest example, sent as it stands there, gets the stories the README shows."""
    section = (ROOT / "README.md").read_text().split("## Digest: a pile", 1)[1].split("\n## ", 1)[0]
    curl = re.search(r"```bash\n(curl.+?)\n```", section, flags=re.S)
    shown = re.search(r"```json\n(.+?)\n```", section, flags=re.S)
    assert curl is not None and shown is not None
    body = curl.group(1).split("-d '", 1)[1].rsplit("'", 1)[0].replace("'\"'\"'", "'")
    answer = client.post("/v1/digest", content=body, headers={"content-type": "application/json"}).json()
    expected = json.loads(shown.group(1))
    keys = ("articles", "summarized", "title", "published", "summary", "key_facts", "conflicts", "updates")
    assert [{k: s[k] for k in keys} for s in answer["stories"]] == [
        {k: s[k] for k in keys} for s in expected["stories"]
    ]
