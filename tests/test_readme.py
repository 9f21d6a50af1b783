"""The README's API tour runs as written (so the README stays true to the code)."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_tour_runs(tmp_path, monkeypatch):
    text = README.read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert blocks, "README has no python block"
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(blocks[0], str(README), "exec"), namespace)
    assert namespace["minitorch"].conv1d(namespace["inp"], namespace["k"]).to_numpy().tolist() == [[[8.0, 14.0, 8.0, 3.0]]]
    assert (tmp_path / "lenet.safetensors").exists()


def test_readme_test_command_is_what_ci_runs():
    ci = (README.parent / ".ci" / "run").read_text()
    assert 'pip install -e ".[test]" && python3 -m pytest' in README.read_text()
    assert 'python3 -m pip install -q -e ".[test]"' in ci and "python3 -m pytest" in ci


def test_readme_cli_synopsis_is_the_parsers():
    from minitorch.cli import synopsis

    text = README.read_text()
    block = text.split("## The command line\n\n```\n", 1)[1].split("```", 1)[0]
    assert block == synopsis() + "\n", (
        "README's command-line synopsis differs from the parser; paste this:\n" + synopsis())


def test_readme_recipes_are_the_task_defaults():
    from minitorch.train.config import recipe_table

    assert recipe_table() in README.read_text(), "README's recipe table is stale; paste this:\n" + recipe_table()
