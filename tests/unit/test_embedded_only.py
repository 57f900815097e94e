"""An install with the embedded engine only (the image's ENGINE=embedded): its requirement list,
and a service that runs without torch and refuses a model saying why."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / ".ci" / "requirements.py"
# What the seq2seq engine imports; a process that cannot import them stands for an install without.
BLOCK = "import sys\nfor m in ('torch', 'transformers', 'sentencepiece'): sys.modules[m] = None\n"


def _listed(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=30)


def test_the_requirement_lists_for_each_engine() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    every = _listed().stdout.split()
    assert every == project["dependencies"]
    embedded = _listed("--engine", "embedded").stdout.split()
    assert set(embedded) < set(every)
    assert {r.split("=")[0].split(">")[0] for r in set(every) - set(embedded)} == {
        "torch",
        "transformers",
        "sentencepiece",
        "protobuf",
    }
    assert (
        _listed("--extras", "ctranslate2").stdout.split()
        == every + project["optional-dependencies"]["ctranslate2"]
    )
    refused = _listed("--extras", "ctranslate2", "--engine", "embedded")
    assert refused.returncode == 2 and "needs the seq2seq engine" in refused.stderr
    unknown = _listed("--extras", "gpu")
    assert unknown.returncode == 2 and "unknown EXTRAS: gpu" in unknown.stderr


def test_without_torch_the_embedded_engine_answers() -> None:
    code = BLOCK + (
        "import time\n"
        "from fastapi.testclient import TestClient\n"
        "from service.api.app import create_app\n"
        "with TestClient(create_app()) as c:\n"
        "    while c.get('/readyz').status_code != 200: time.sleep(0.1)\n"
        "    r = c.post('/v1/summarize', json={'articles': [{'text': 'Crews walked out on Monday. "
        "The strike halted 40 crossings on Kessel Island, the union said.'}]})\n"
        "    print(r.status_code, r.json()['engine'], sys.modules.get('torch') is not None)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.stdout.split() == ["200", "embedded", "False"], done.stderr[-2000:]


def test_without_torch_a_model_is_refused_at_start_saying_why() -> None:
    code = BLOCK + "from service.__main__ import main\nmain(['--model', '/models/flan-t5-base'])\n"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 2
    assert "SUMMARIZER_MODEL=/models/flan-t5-base needs the seq2seq engine's packages" in done.stderr
    assert "Traceback" not in done.stderr
