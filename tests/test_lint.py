"""The code base stays ruff-clean, ruff-formatted and type-checked (configuration in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from .conftest import ROOT


@pytest.mark.parametrize(
    "command",
    [
        ["ruff", "check", "kg", "tests"],
        ["ruff", "format", "--check", "."],  # README.md's Python examples too
        ["mypy"],
    ],
    ids=["ruff check", "ruff format", "mypy"],
)
def test_the_checker_finds_nothing(command: list[str]) -> None:
    result = subprocess.run([sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
